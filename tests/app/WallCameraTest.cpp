#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <thread>

#include <osg/Image>
#include <osgDB/ReadFile>

#include "../sensors/TestBroker.h"
#include "CliRunner.h"
#include "TestPaths.h"
#include "twin/app/Cli.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/TwinViewer.h"
#include "twin/app/WallCamera.h"
#include "twin/sensors/MqttSource.h"

using namespace twin;
using namespace std::chrono_literals;

namespace {

const std::string kScene = (test::scenesDir() / "beijing-liudaokou.json").string();

// Share of the w x h pixels whose colour differs by more than 40 (any channel) between `a` at
// (ax, 0) and `b` at (bx, 0); both images w wide at least and h high.
double differingShare(const osg::Image& a, int ax, const osg::Image& b, int bx, int w, int h) {
  std::size_t differ = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const unsigned char* p = a.data(ax + x, y);
      const unsigned char* q = b.data(bx + x, y);
      if (std::abs(int(p[0]) - int(q[0])) > 40 || std::abs(int(p[1]) - int(q[1])) > 40 ||
          std::abs(int(p[2]) - int(q[2])) > 40)
        ++differ;
    }
  return double(differ) / double(w * h);
}

std::unique_ptr<app::TwinViewer> viewerFor(const app::ViewerOptions& options) {
  auto loaded = app::loadScene(kScene);
  REQUIRE(loaded.ok());
  auto viewer = app::TwinViewer::create(std::move(loaded).value(), options);
  REQUIRE(viewer.ok());
  return std::move(viewer).value();
}

app::WallView tileView(int column) {
  app::WallView wall;
  wall.layout.columns = 2;
  wall.layout.rows = 1;
  wall.tile = {column, 0};
  return wall;
}

}  // namespace

TEST_CASE("wall camera: payloads round-trip and bad ones name the key", "[app][wall]") {
  app::WallCameraPose pose;
  pose.state.center.set(12.25, -300.5, 4.125);
  pose.state.distanceMeters = 812.3456789012345;
  pose.state.headingDegrees = 33.3;
  pose.state.pitchDegrees = 41.7;
  pose.sequence = 42;
  pose.sentMicros = 1765000000123456;
  pose.origin = {116.35, 40.0};
  auto back = app::parseWallCameraPayload(app::wallCameraPayload(pose));
  REQUIRE(back.ok());
  CHECK(back->state.center == pose.state.center);  // exactly: the JSON keeps every bit of a double
  CHECK(back->state.distanceMeters == pose.state.distanceMeters);
  CHECK(back->state.headingDegrees == pose.state.headingDegrees);
  CHECK(back->state.pitchDegrees == pose.state.pitchDegrees);
  CHECK(back->sequence == 42);
  CHECK(back->sentMicros == pose.sentMicros);
  CHECK(back->origin.lon == 116.35);

  const std::string where = "app::parseWallCameraPayload(): ";
  const std::string good = R"("seq":1,"sent_us":5,"origin":[116,40],"center":[1,2,3],"heading_deg":0,"pitch_deg":45)";
  struct Case {
    std::string payload, message;
  };
  const std::vector<Case> cases = {
      {"[1,2]", "not a JSON object"},
      {"{\"seq\":", "not a JSON object"},
      {"{" + good + "}", "key 'distance_m': expected a number"},
      {"{" + good + ",\"distance_m\":-5}", "key 'distance_m': expected a distance > 0"},
      {R"({"seq":-1,"sent_us":5})", "key 'seq': expected a whole number >= 0"},
      {R"({"seq":1,"sent_us":"now"})", "key 'sent_us': expected UTC epoch microseconds"},
      {R"({"seq":1,"sent_us":5,"origin":[116]})", "key 'origin': expected [lon, lat] in degrees"},
      {R"({"seq":1,"sent_us":5,"origin":[116,40],"center":[1,2,"x"]})", "key 'center': expected [x, y, z] in metres"},
      {std::string(5000, ' '), "payload of 5000 bytes; at most 4096"},
  };
  for (const Case& c : cases) {
    INFO(c.payload.substr(0, 80));
    auto parsed = app::parseWallCameraPayload(c.payload);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message == where + c.message);
  }

  model::MqttConfig broker;
  CHECK(app::wallCameraTopic(broker) == "twin/wall/camera");
  broker.statusTopic = "hz/qianjiang/status/+";
  CHECK(app::wallCameraTopic(broker) == "hz/wall/camera");
  broker.statusTopic = "+/status";
  CHECK(app::wallCameraTopic(broker) == "twin/wall/camera");
}

TEST_CASE("wall camera: a tile follows the pose the driving seat publishes on a real broker", "[app][wall][slow]") {
  test::TestBroker broker;
  REQUIRE(broker.error().empty());
  model::MqttConfig mqtt;
  mqtt.host = "127.0.0.1";
  mqtt.port = broker.port();
  const std::string topic = app::wallCameraTopic(mqtt);

  // The driving seat: a normal viewer at the wall's size, on another bookmark than the start.
  app::ViewerOptions leadOptions;
  leadOptions.panels = false;
  leadOptions.language = "en";
  leadOptions.bookmark = "cau-east";
  auto lead = viewerFor(leadOptions);
  auto publisher = app::WallCameraPublisher::connect(mqtt, topic, lead->scene().site->frame.origin(), 5s);
  REQUIRE(publisher.ok());
  lead->addExtension(*publisher);
  auto leadImage = lead->renderImage(960, 270);
  REQUIRE(leadImage.ok());
  CHECK((*publisher)->published() >= 1);

  app::ViewerOptions tileOptions;
  tileOptions.panels = false;
  tileOptions.language = "en";
  tileOptions.wall = tileView(0);

  SECTION("in process: the left tile shows the left half of the seat's view") {
    auto tile = viewerFor(tileOptions);
    auto follower = app::WallCameraFollower::start(mqtt, topic, tile->scene().site->frame.origin(), 5s);
    REQUIRE(follower.ok());
    REQUIRE((*follower)->waitForPose(5s));  // the retained pose arrives with the subscription
    tile->addExtension(*follower);
    auto tileImage = tile->renderImage(480, 270);
    REQUIRE(tileImage.ok());
    const auto applied = (*follower)->lastApplied();
    REQUIRE(applied.has_value());
    CHECK(applied->first.sequence == (*publisher)->published());
    CHECK(applied->first.state.distanceMeters > 0);
    CHECK(differingShare(**tileImage, 0, **leadImage, 0, 480, 270) < 0.005);

    // The comparison can fail: the same tile at its own start view does not match.
    auto still = viewerFor(tileOptions);
    auto stillImage = still->renderImage(480, 270);
    REQUIRE(stillImage.ok());
    CHECK(differingShare(**stillImage, 0, **leadImage, 0, 480, 270) > 0.05);
  }

  SECTION("twin run --wall --tile without a display: the right tile of the seat's view") {
    test::TempDir dir("app-wall-camera");
    const std::string png = (dir.path() / "right.png").string();
    const char* display = std::getenv("DISPLAY");
    const std::string savedDisplay = display ? display : "";
    ::unsetenv("DISPLAY");
    const test::CliResult r = test::runTwin(
        {"run", kScene, "--wall", "2x1", "--tile", "1,0", "--mqtt", "127.0.0.1:" + std::to_string(broker.port()),
         "--no-monitor", "--no-planning", "--no-panels", "--lang", "en", "--size", "480x270", "-o", png});
    if (!savedDisplay.empty()) ::setenv("DISPLAY", savedDisplay.c_str(), 1);
    INFO(r.err);
    REQUIRE(r.code == app::kExitOk);
    CHECK(r.err.find("following the wall camera on 127.0.0.1:" + std::to_string(broker.port()) +
                     " topic twin/wall/camera") != std::string::npos);
    osg::ref_ptr<osg::Image> right = osgDB::readImageFile(png);
    REQUIRE(right.valid());
    CHECK(differingShare(*right, 0, **leadImage, 480, 480, 270) < 0.005);
  }
}

TEST_CASE("wall camera: malformed poses and poses of another site are dropped and counted", "[app][wall][slow]") {
  test::TestBroker broker;
  REQUIRE(broker.error().empty());
  model::MqttConfig mqtt;
  mqtt.host = "127.0.0.1";
  mqtt.port = broker.port();
  const core::LonLat origin{116.35, 40.0};
  auto follower = app::WallCameraFollower::start(mqtt, "twin/wall/camera", origin, 5s);
  REQUIRE(follower.ok());
  auto publisher = sensors::MqttPublisher::connect(mqtt, 5s);
  REQUIRE(publisher.ok());
  app::WallCameraPose pose;
  pose.state.center.set(10, 20, 0);
  pose.state.distanceMeters = 500;
  pose.sequence = 7;
  pose.origin = {121.2, 30.2};  // another site
  REQUIRE((*publisher)->publish("twin/wall/camera", "{not json", 1).ok());
  REQUIRE((*publisher)->publish("twin/wall/camera", app::wallCameraPayload(pose), 1).ok());
  pose.origin = origin;
  pose.sequence = 8;
  REQUIRE((*publisher)->publish("twin/wall/camera", app::wallCameraPayload(pose), 1).ok());
  REQUIRE((*publisher)->flush(5s).ok());
  REQUIRE((*follower)->waitForPose(5s));
  std::optional<app::OrbitState> state;
  for (int i = 0; i < 100 && !state; ++i, std::this_thread::sleep_for(20ms)) state = (*follower)->cameraState();
  REQUIRE(state.has_value());
  CHECK(state->center == osg::Vec3d(10, 20, 0));
  CHECK(state->distanceMeters == 500);
  CHECK((*follower)->lastApplied()->first.sequence == 8);
  CHECK((*follower)->dropped() == 2);
  CHECK_FALSE((*follower)->cameraState().has_value());  // each pose is handed over once
}

TEST_CASE("wall: several tiles in windows from one process follow the seat's camera (Xvfb)", "[app][wall][slow]") {
  REQUIRE(std::system("command -v xvfb-run >/dev/null 2>&1") == 0);
  REQUIRE(std::system("command -v import >/dev/null 2>&1") == 0);  // ImageMagick, for the screen grab
  test::TestBroker broker;
  REQUIRE(broker.error().empty());
  test::TempDir dir("app-wall-windows");
  const std::string twin = (test::binaryDir() / "engine" / "app" / "twin").string();
  const std::string mqtt = "127.0.0.1:" + std::to_string(broker.port());
  const std::string common = " --mqtt " + mqtt + " --no-monitor --no-planning --no-panels --lang en";
  const std::string lead = (dir.path() / "lead.png").string();
  const std::string grab = (dir.path() / "screen.png").string();
  // The seat, headless at the wall's size, publishes its start pose (retained) on another
  // bookmark than the tiles' start view.
  REQUIRE(std::system(("env -u DISPLAY '" + twin + "' run '" + kScene + "' --publish-camera --bookmark cau-east" +
                       " --size 960x270 -o '" + lead + "'" + common + " > /dev/null 2>&1")
                          .c_str()) == 0);
  // Both tiles of a 2x1 wall as two windows of one process on a 960x270 screen; the screen is
  // grabbed while they run (they would run for 30 s at least), then the program is ended.
  const std::string script = "'" + twin + "' run '" + kScene + "' --wall 2x1 --tile all --size 480x270 --frames 900" +
                             common + " > '" + (dir.path() / "run.log").string() + "' 2>&1 & pid=$!; sleep 12; " +
                             "import -window root '" + grab + "'; kill $pid; wait $pid";
  const int status =
      std::system(("xvfb-run -a -s '-screen 0 960x270x24' sh -c \"" + script + "\" > /dev/null 2>&1").c_str());
  REQUIRE(WIFEXITED(status));
  osg::ref_ptr<osg::Image> seat = osgDB::readImageFile(lead);
  osg::ref_ptr<osg::Image> screen = osgDB::readImageFile(grab);
  REQUIRE(seat.valid());
  REQUIRE(screen.valid());
  REQUIRE(screen->s() == 960);
  REQUIRE(screen->t() == 270);
  // The windows side by side show the seat's view (their start view would be far off).
  CHECK(differingShare(*screen, 0, *seat, 0, 960, 270) < 0.01);
}
