// The command line against issue 15's findings: a failed broker at start is exit 1 unless
// --wait-for-broker; a restarted `twin monitor` gets every QoS 1 reading published while it was
// down, each judged once, even when it was judged by the run before; future time stamps are rejected; scene files stay
// in their lane; FIFOs do not hang. Crafted files are made here; the broker is a real mosquitto.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "../sensors/TestBroker.h"
#include "CliRunner.h"
#include "TestPaths.h"
#include "twin/sensors/MqttSource.h"
#include "twin/sensors/Payload.h"

using namespace twin;
using test::runTwin;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::string monitorScene(int port, const std::string& mqttExtra = "") {
  return R"({"mqtt": {"host": "127.0.0.1", "port": )" + std::to_string(port) + R"(, "keepalive_seconds": 5)" +
         mqttExtra +
         R"(},
  "sensors": [{"id": "n1", "name": "噪声", "kind": "noise", "unit": "dBA", "building": "b1",
               "source": {"type": "mqtt", "topic": "cli/noise", "qos": 1}}],
  "alert_rules": [{"id": "loud", "type": "above", "severity": "minor", "kinds": ["noise"], "level": 70, "clear_level": 65}]})";
}

// The summary line of `twin monitor`.
nlohmann::json summaryOf(const test::CliResult& r) {
  const auto start = r.out.rfind("{\"messages_received\"");
  REQUIRE(start != std::string::npos);
  return nlohmann::json::parse(r.out.substr(start));
}

}  // namespace

TEST_CASE("twin monitor: no broker or a refused login at start is exit 1 unless --wait-for-broker", "[app][mqtt]") {
  test::TempDir dir("cli-broker");
  const int port = test::freeLoopbackPort();
  writeFile(dir.path() / "s.json", monitorScene(port));
  const std::string db = (dir.path() / "a.db").string();
  auto r = runTwin({"monitor", (dir.path() / "s.json").string(), "--alerts-db", db, "--duration", "5"});
  CHECK(r.code == 1);
  CHECK(r.err.find("twin monitor: alerts::Monitor::start(): sensors::MqttSource: 127.0.0.1:" + std::to_string(port) +
                   ": cannot connect: Connection refused (to keep retrying instead, wait for the broker: "
                   "--wait-for-broker)") != std::string::npos);
  auto waiting =
      runTwin({"monitor", (dir.path() / "s.json").string(), "--alerts-db", db, "--duration", "1", "--wait-for-broker"});
  CHECK(waiting.code == 0);
  CHECK(summaryOf(waiting)["mqtt_connects"] == 0);

  const std::string passwd = test::findTool("mosquitto_passwd");
  REQUIRE_FALSE(passwd.empty());
  const fs::path file = dir.path() / "passwords";
  REQUIRE(test::runTool({passwd, "-b", "-c", file.string(), "twin", "right"}, dir.path() / "passwd.log") == 0);
  fs::permissions(file,
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  test::TestBroker broker("allow_anonymous false\npassword_file " + file.string() + "\n");
  REQUIRE(broker.error().empty());
  writeFile(dir.path() / "p.json", monitorScene(broker.port(), R"(, "username": "twin", "password": "wrong")"));
  auto refused = runTwin({"monitor", (dir.path() / "p.json").string(), "--alerts-db", db, "--duration", "5"});
  CHECK(refused.code == 1);
  CHECK(refused.err.find("broker refused the connection") != std::string::npos);
}

TEST_CASE("twin monitor: readings published while it is down arrive after a restart, each judged once",
          "[app][mqtt][restart]") {
  test::TempDir dir("cli-restart");
  test::TestBroker broker;
  REQUIRE(broker.error().empty());
  writeFile(dir.path() / "s.json", monitorScene(broker.port(), R"(, "client_id": "twin-cli-restart")"));
  const std::string scene = (dir.path() / "s.json").string();
  const std::string db = (dir.path() / "a.db").string();
  // First run: the session is created at the broker.
  auto first = runTwin({"monitor", scene, "--alerts-db", db, "--duration", "0.5"});
  REQUIRE(first.code == 0);
  // While the twin is down: 100 readings, one of them twice (a redelivery), one from the year 9999.
  model::MqttConfig c;
  c.port = broker.port();
  auto pub = sensors::MqttPublisher::connect(c, 5000ms);
  REQUIRE(pub.ok());
  const std::int64_t t0 = sensors::nowEpochMs() - 100000;
  for (int i = 0; i < 100; ++i)
    REQUIRE((*pub)->publish("cli/noise", sensors::encodeReading({"n1", t0 + i * 1000, 50.0 + i % 10}), 1).ok());
  REQUIRE((*pub)->publish("cli/noise", sensors::encodeReading({"n1", t0 + 5000, 55.0}), 1).ok());
  REQUIRE((*pub)->publish("cli/noise", R"({"sensor":"n1","ts":"9999-12-31T00:00:00Z","value":60})", 1).ok());
  REQUIRE((*pub)->flush(5000ms).ok());
  auto second = runTwin({"monitor", scene, "--alerts-db", db, "--duration", "3"});
  REQUIRE(second.code == 0);
  const nlohmann::json s = summaryOf(second);
  INFO(second.out);
  CHECK(s["mqtt_received"] == 102);
  CHECK(s["mqtt_queued"] == 102);
  CHECK(s["mqtt_dropped"] == 0);
  CHECK(s["mqtt_unprocessed"] == 0);
  CHECK(s["decoded"] == 101);
  CHECK(s["rejected"]["duplicate"] == 1);
  CHECK(s["rejected"]["bad_timestamp"] == 1);
  CHECK(s["readings_judged"] == 100);

  // Across a restart too: what the last run judged and stored in the history (beside the alert
  // log) is remembered, so a redelivery of it is not judged again.
  for (int i = 97; i < 100; ++i)
    REQUIRE((*pub)->publish("cli/noise", sensors::encodeReading({"n1", t0 + i * 1000, 50.0 + i % 10}), 1).ok());
  REQUIRE((*pub)->publish("cli/noise", sensors::encodeReading({"n1", t0 + 100000, 51.0}), 1).ok());
  REQUIRE((*pub)->flush(5000ms).ok());
  auto third = runTwin({"monitor", scene, "--alerts-db", db, "--duration", "3"});
  REQUIRE(third.code == 0);
  const nlohmann::json t = summaryOf(third);
  INFO(third.out);
  CHECK(t["mqtt_received"] == 4);
  CHECK(t["rejected"]["duplicate"] == 3);
  CHECK(t["readings_judged"] == 1);
}

TEST_CASE("scene files stay in their lane on the command line", "[app][untrusted]") {
  test::TempDir dir("cli-lane");
  const fs::path osm = test::assetsDir() / "osm" / "cau_haidian_beijing.osm";
  fs::create_directories(dir.path() / "elsewhere");
  fs::copy_file(osm, dir.path() / "elsewhere" / "cau.osm");
  writeFile(dir.path() / "scenes" / "x.json",
            R"({"site":{"origin":{"lon":116.3519,"lat":40.0027}},"layers":[{"source":"../elsewhere/cau.osm"}]})");
  const std::string scene = (dir.path() / "scenes" / "x.json").string();
  // The tests' own TWIN_DATA_ROOTS do not reach into this temporary folder.
  auto refused = runTwin({"info", scene});
  CHECK(refused.code == 1);
  CHECK(refused.err.find("key 'layers[0].source': '" + (dir.path() / "elsewhere" / "cau.osm").string() +
                         "' is outside the scene's data folders") != std::string::npos);
  auto allowed = runTwin({"info", scene, "--data-root", (dir.path() / "elsewhere").string()});
  CHECK(allowed.code == 0);
  auto badRoot = runTwin({"info", scene, "--data-root", (dir.path() / "none").string()});
  CHECK(badRoot.code == 2);
  CHECK(badRoot.err == "twin info: --data-root: '" + (dir.path() / "none").string() + "' is not a folder\n");

  writeFile(
      dir.path() / "scenes" / "net.json",
      R"({"site":{"origin":{"lon":116.3519,"lat":40.0027}},"layers":[{"source":"/vsicurl/http://127.0.0.1:1/a.osm"}]})");
  auto net = runTwin({"info", (dir.path() / "scenes" / "net.json").string()});
  CHECK(net.code == 1);
  CHECK(net.err.find("'/vsicurl/http://127.0.0.1:1/a.osm' is a network source; allow network sources with "
                     "\"allow_network\": true in the scene or --allow-network on the command line") !=
        std::string::npos);
  // Allowed, it gets as far as GDAL (nobody listens there): the rule no longer stops it.
  auto netAllowed = runTwin({"info", (dir.path() / "scenes" / "net.json").string(), "--allow-network"});
  CHECK(netAllowed.code == 1);
  CHECK(netAllowed.err.find("is a network source") == std::string::npos);
}

TEST_CASE("a FIFO as a scene, a layer or a replay file is an error, not a hang", "[app][untrusted]") {
  test::TempDir dir("cli-fifo");
  const fs::path fifo = dir.path() / "layer.osm";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto bare = runTwin({"info", fifo.string()});
  CHECK(bare.code == 1);
  CHECK(bare.err.find("not a regular file") != std::string::npos);
  writeFile(dir.path() / "s.json",
            R"({"site":{"origin":{"lon":116.3519,"lat":40.0027}},"layers":[{"source":"layer.osm"}]})");
  auto layer = runTwin({"info", (dir.path() / "s.json").string()});
  CHECK(layer.code == 1);
  CHECK(layer.err.find("layer.osm: not a regular file (a FIFO)") != std::string::npos);
  const fs::path fifoScene = dir.path() / "scene.json";
  REQUIRE(::mkfifo(fifoScene.c_str(), 0600) == 0);
  auto scene = runTwin({"info", fifoScene.string()});
  CHECK(scene.code == 1);
  CHECK(scene.err.find("not a regular file, expected a scene or data file") != std::string::npos);
  writeFile(dir.path() / "r.json",
            R"({"sensors": [{"id": "r", "name": "r", "kind": "noise", "unit": "dB", "building": "b",
      "source": {"type": "replay", "format": "jsonl", "file": "replay.jsonl", "speed": 0}}]})");
  REQUIRE(::mkfifo((dir.path() / "replay.jsonl").c_str(), 0600) == 0);
  auto replay = runTwin(
      {"monitor", (dir.path() / "r.json").string(), "--alerts-db", (dir.path() / "a.db").string(), "--duration", "1"});
  CHECK(replay.code == 1);
  CHECK(replay.err.find("sensors::readReplayJsonl(): replay.jsonl: not a regular file (a FIFO)") != std::string::npos);
  auto publish = runTwin({"replay", (dir.path() / "replay.jsonl").string(), "--mqtt", "127.0.0.1:1", "--topic", "t"});
  CHECK(publish.code == 1);
  CHECK(publish.err.find("not a regular file (a FIFO)") != std::string::npos);
}
