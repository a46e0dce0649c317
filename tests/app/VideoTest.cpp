// `twin video`: the MP4 checked with ffprobe / ffmpeg (skipped when they are absent), and its errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <osg/Image>
#include <osgDB/ReadFile>

#include "CliRunner.h"
#include "TestPaths.h"

using namespace twin;

namespace {

// The default scene with its layer paths made absolute, `tours` replaced and no carousel, written into `dir`;
// run with --data-root assets/ (a scene may read only its own folder and the data roots).
std::string shortTourScene(const std::filesystem::path& dir, const std::string& tours) {
  std::ifstream in(test::scenesDir() / "hangzhou-qianjiang.json");
  nlohmann::json scene = nlohmann::json::parse(in);
  for (auto& layer : scene["layers"])
    layer["source"] = (test::scenesDir() / layer["source"].get<std::string>()).lexically_normal().string();
  scene["tours"] = nlohmann::json::parse(tours);
  scene.erase("carousel");  // its views name the default scene's own tour
  const std::filesystem::path file = dir / "short-tour.json";
  std::ofstream(file) << scene.dump(2);
  return file.string();
}

// Two stops, 2 s: a held station view, then a 1 s flight to the compound and a short hold.
const char* const kShortTour = R"([{"name": "short", "title": "短导览", "title_en": "Short tour", "stops": [
    {"bookmark": "qianjiang-century-city-station", "fly_s": 0, "hold_s": 0.5,
     "caption": "钱江世纪城站", "caption_en": "The station"},
    {"bookmark": "fengrui-beiyuan", "fly_s": 1.0, "hold_s": 0.5,
     "caption": "丰瑞北苑", "caption_en": "The compound"}]}])";

bool haveTool(const char* name) {
  const std::string command = std::string("command -v ") + name + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

void requireTools() {
  for (const char* tool : {"ffprobe", "ffmpeg"})
    if (!haveTool(tool)) {
      std::printf("SKIPPED: needs %s (Debian package ffmpeg) to check the video\n", tool);
      std::fflush(stdout);
      std::_Exit(test::kSkipExitCode);
    }
}

std::string commandOutput(const std::string& command) {
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    ::pclose(pipe);
  }
  return out;
}

std::map<std::string, std::string> probe(const std::string& file) {
  const std::string out = commandOutput(
      "ffprobe -v error -select_streams v:0 -count_frames -show_entries "
      "stream=codec_name,width,height,nb_read_frames,duration,avg_frame_rate -of default=nw=1 '" +
      file + "'");
  std::map<std::string, std::string> fields;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (const auto eq = line.find('='); eq != std::string::npos) fields[line.substr(0, eq)] = line.substr(eq + 1);
  return fields;
}

osg::ref_ptr<osg::Image> frameAt(const std::string& video, double seconds, const std::filesystem::path& png) {
  char command[1024];
  std::snprintf(command, sizeof command, "ffmpeg -v error -y -ss %.3f -i '%s' -frames:v 1 '%s'", seconds, video.c_str(),
                png.string().c_str());
  if (std::system(command) != 0) return nullptr;
  return osgDB::readImageFile(png.string());
}

double meanDifference(const osg::Image& a, const osg::Image& b) {
  if (a.s() != b.s() || a.t() != b.t()) return -1;
  const int ca = int(osg::Image::computeNumComponents(a.getPixelFormat()));
  const int cb = int(osg::Image::computeNumComponents(b.getPixelFormat()));
  double sum = 0;
  for (int y = 0; y < a.t(); ++y)
    for (int x = 0; x < a.s(); ++x)
      for (int c = 0; c < 3; ++c) sum += std::abs(int(a.data(x, y)[c * ca / 3]) - int(b.data(x, y)[c * cb / 3]));
  return sum / (double(a.s()) * a.t() * 3);
}

}  // namespace

TEST_CASE("video: an H.264 MP4 of the tour's length whose frames move", "[app][video][slow]") {
  requireTools();
  test::TempDir dir("video");
  const std::string scene = shortTourScene(dir.path(), kShortTour);
  const std::string out = (dir.path() / "short.mp4").string();
  auto r = test::runTwin({"video", scene, "--tour", "short", "-o", out, "--size", "320x240", "--fps", "10", "--lang",
                          "en", "--data-root", test::assetsDir().string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out == out + "\n");
  CHECK(r.err.find("frame 20/20") != std::string::npos);  // progress on stderr
  CHECK(r.err.find("frames per second") != std::string::npos);

  const auto fields = probe(out);
  const auto field = [&](const char* name) { return fields.count(name) ? fields.at(name) : std::string("(none)"); };
  CHECK(field("codec_name") == "h264");
  CHECK(field("width") == "320");
  CHECK(field("height") == "240");
  CHECK(field("nb_read_frames") == "20");
  REQUIRE(fields.count("duration") == 1);
  CHECK(std::abs(std::atof(field("duration").c_str()) - 2.0) <= 0.1 + 1e-9);  // the tour's 2 s, +- 1 frame

  // The camera holds on the station, then flies: a frame in the hold and one at the compound differ.
  auto early = frameAt(out, 0.2, dir.path() / "early.png");
  auto late = frameAt(out, 1.8, dir.path() / "late.png");
  REQUIRE(early);
  REQUIRE(late);
  CHECK(early->s() == 320);
  CHECK(meanDifference(*early, *late) > 5);
  // Within the hold the view stands still: two frames there are nearly the same.
  auto early2 = frameAt(out, 0.4, dir.path() / "early2.png");
  REQUIRE(early2);
  CHECK(meanDifference(*early, *early2) < meanDifference(*early, *late) / 4);
}

TEST_CASE("video: errors", "[app][video]") {
  test::TempDir dir("video-errors");
  const std::string scene = shortTourScene(dir.path(), kShortTour);
  const std::string root = test::assetsDir().string();
  const std::string out = (dir.path() / "x.mp4").string();

  SECTION("unknown tour lists the known ones") {
    auto r = test::runTwin({"video", scene, "--tour", "nope", "-o", out, "--data-root", root});
    CHECK(r.code == 1);
    CHECK(r.err == "twin video: unknown tour 'nope' in short-tour.json; known: short\n");
    CHECK_FALSE(std::filesystem::exists(out));
  }
  SECTION("unwritable output") {
    const std::string bad = (dir.path() / "no-such-folder" / "x.mp4").string();
    auto r = test::runTwin({"video", scene, "--tour", "short", "-o", bad, "--data-root", root});
    CHECK(r.code == 1);
    CHECK(r.err == "twin video: app::VideoEncoder: " + bad + ": cannot write: No such file or directory\n");
  }
  SECTION("bad --size and --fps are usage errors") {
    auto odd = test::runTwin({"video", scene, "--tour", "short", "-o", out, "--size", "321x240"});
    CHECK(odd.code == 2);
    CHECK(odd.err.find("twin video: bad --size '321x240'; expected an even WIDTHxHEIGHT between 16 and 8192 (H.264 "
                       "4:2:0), e.g. 1920x1080") == 0);
    auto tiny = test::runTwin({"video", scene, "--tour", "short", "-o", out, "--size", "8x8"});
    CHECK(tiny.code == 2);
    CHECK(tiny.err.find("twin video: bad --size '8x8'") == 0);
    for (const char* fps : {"0", "121", "abc", "-5", "2.5"}) {
      auto r = test::runTwin({"video", scene, "--tour", "short", "-o", out, "--fps", fps});
      CHECK(r.code == 2);
      CHECK(r.err.find(std::string("twin video: bad --fps '") + fps + "'; expected an integer from 1 to 120") == 0);
    }
    auto lang = test::runTwin({"video", scene, "--tour", "short", "-o", out, "--lang", "fr"});
    CHECK(lang.code == 2);
    CHECK(lang.err.find("twin video: bad --lang 'fr'; expected zh-CN or en") == 0);
    CHECK_FALSE(std::filesystem::exists(out));
  }
  SECTION("missing arguments") {
    auto noTour = test::runTwin({"video", scene, "-o", out});
    CHECK(noTour.code == 2);
    CHECK(noTour.err.find("twin video: missing --tour NAME") == 0);
    auto noOut = test::runTwin({"video", scene, "--tour", "short"});
    CHECK(noOut.code == 2);
    CHECK(noOut.err.find("twin video: missing -o OUT.mp4") == 0);
    auto noScene = test::runTwin({"video", "--tour", "short", "-o", out});
    CHECK(noScene.code == 2);
    CHECK(noScene.err.find("twin video: missing SCENE") == 0);
  }
  SECTION("a bad tours key is the scene's error") {
    const std::string bad = shortTourScene(dir.path(), R"([{"name": "t", "stops": [{"bookmark": "overview",
                                                              "fly_s": -1}]}])");
    auto r = test::runTwin({"video", bad, "--tour", "t", "-o", out, "--data-root", root});
    CHECK(r.code == 1);
    CHECK(r.err == "model::parseTours(): short-tour.json: tours[0].stops[0].fly_s: must be a number >= 0\n");
  }
  SECTION("help") {
    auto r = test::runTwin({"video", "--help"});
    CHECK(r.code == 0);
    CHECK(r.out.find("usage: twin video SCENE --tour NAME -o OUT.mp4") == 0);
  }
}
