// `twin monitor --share` as real processes: two workers split a stream that `twin replay
// --partitions` publishes through a real mosquitto; one is stopped with SIGTERM mid-stream and
// its slot restarted, and every reading is judged exactly once (summary lines and history dbs).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "../sensors/TestBroker.h"
#include "TestPaths.h"
#include "twin/sensors/MqttSource.h"
#include "twin/sensors/Partition.h"
#include "twin/sensors/Payload.h"
#include "twin/sensors/TimeSeries.h"

using namespace std::chrono_literals;
namespace sensors = twin::sensors;

namespace {

constexpr int kSensors = 30;
constexpr int kRounds = 40;

// A `twin monitor` child with stdout and stderr in files; SIGTERM and wait on stop().
class Worker {
 public:
  Worker(const std::vector<std::string>& args, const std::filesystem::path& out) : _out(out) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const std::string err = out.string() + ".err";
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (::posix_spawn(&_pid, args[0].c_str(), &actions, nullptr, argv.data(), environ) != 0) _pid = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Worker() { stop(); }
  bool started() const { return _pid > 0; }
  // SIGTERM: the monitor disconnects, judges what it acknowledged and prints its summary.
  int stop() {
    if (_pid <= 0) return _status;
    ::kill(_pid, SIGTERM);
    int status = 0;
    ::waitpid(_pid, &status, 0);
    _pid = -1;
    _status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return _status;
  }
  std::string output() const {
    std::ifstream in(_out);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string errors() const {
    std::ifstream in(_out.string() + ".err");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::filesystem::path _out;
  pid_t _pid = -1;
  int _status = -1;
};

std::uint64_t judgedIn(const std::string& summary) {
  const std::string key = "\"readings_judged\":";
  const auto at = summary.find(key);
  return at == std::string::npos ? 0 : std::stoull(summary.substr(at + key.size()));
}

// Waits until the retained twin/clients/<id> of every id in `ids` says "online".
bool waitOnline(int port, const std::vector<std::string>& ids) {
  sensors::MqttSourceOptions o;
  o.broker.host = "127.0.0.1";
  o.broker.port = port;
  o.broker.statusTopic.clear();
  o.topics = {{"twin/clients/#", 1}};
  auto source = sensors::MqttSource::start(o);
  if (!source) return false;
  std::map<std::string, std::string> last;
  const auto end = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < end) {
    std::vector<sensors::MqttMessage> batch;
    (*source)->pop(batch, 64, 50ms);
    for (const auto& m : batch) last[m.topic] = m.payload;
    bool all = true;
    for (const std::string& id : ids) all = all && last["twin/clients/" + id] == "online";
    if (all) return true;
  }
  return false;
}

// Distinct (sensor, time) rows and all rows over the workers' history dbs.
std::pair<std::size_t, std::size_t> historyRows(const std::vector<std::filesystem::path>& dbs) {
  std::set<std::pair<std::string, std::int64_t>> distinct;
  std::size_t rows = 0;
  for (const auto& file : dbs) {
    auto db = sensors::HistoryDb::open(file, 365 * 86400.0);
    if (!db) continue;
    for (int i = 0; i < kSensors; ++i) {
      const std::string id = "n" + std::to_string(i);
      auto samples = (*db)->query(id, 0, std::numeric_limits<std::int64_t>::max());
      if (!samples) continue;
      rows += samples->size();
      for (const auto& s : *samples) distinct.emplace(id, s.tsMs);
    }
  }
  return {distinct.size(), rows};
}

}  // namespace

TEST_CASE("twin monitor --share: two processes split twin replay --partitions, one restarted mid-stream",
          "[app][mqtt][share][slow]") {
  const std::filesystem::path twin = twin::test::binaryDir() / "engine" / "app" / "twin";
  if (!std::filesystem::exists(twin)) {
    std::printf("SKIPPED: needs the twin program at %s (build the 'twin' target)\n", twin.c_str());
    std::exit(twin::test::kSkipExitCode);
  }
  twin::test::TestBroker broker("max_queued_messages 0\n");
  REQUIRE(broker.error().empty());
  twin::test::TempDir dir("fanin-procs");
  {
    std::ofstream scene(dir.path() / "scene.json");
    scene << R"({"mqtt": {"host": "127.0.0.1", "port": )" << broker.port()
          << R"(, "share_group": "procs", "partitions": 12}, "sensors": [)";
    for (int i = 0; i < kSensors; ++i)
      scene << (i ? "," : "") << R"({"id": "n)" << i << R"(", "name": "n", "kind": "noise", "unit": "dBA",
          "building": "b", "source": {"type": "mqtt", "topic": "fanin/noise", "qos": 1}})";
    scene
        << R"(], "alert_rules": [{"id": "loud", "type": "above", "kinds": ["noise"], "level": 70, "clear_level": 65}]})";
  }
  // Two halves of the stream, each a JSONL file for twin replay.
  const std::int64_t base = sensors::nowEpochMs() - 3600 * 1000;
  for (int half = 0; half < 2; ++half) {
    std::ofstream out(dir.path() / ("half" + std::to_string(half) + ".jsonl"));
    for (int r = half * kRounds / 2; r < (half + 1) * kRounds / 2; ++r)
      for (int i = 0; i < kSensors; ++i)
        out << sensors::encodeReading({"n" + std::to_string(i), base + r * 1000, r % 2 ? 60.0 : 80.0, true}) << "\n";
  }
  const std::string mqtt = "127.0.0.1:" + std::to_string(broker.port());
  auto workerArgs = [&](int i) {
    return std::vector<std::string>{twin.string(),
                                    "monitor",
                                    (dir.path() / "scene.json").string(),
                                    "--worker",
                                    std::to_string(i) + "/2",
                                    "--alerts-db",
                                    (dir.path() / "alerts.db").string(),
                                    "--history-db",
                                    (dir.path() / ("history-" + std::to_string(i) + ".db")).string()};
  };
  auto replay = [&](int half) {
    return twin::test::runTool(
        {twin.string(), "replay", (dir.path() / ("half" + std::to_string(half) + ".jsonl")).string(), "--mqtt", mqtt,
         "--topic", "fanin/noise", "--partitions", "12", "--speed", "0"},
        dir.path() / "replay.log");
  };
  auto w0 = std::make_unique<Worker>(workerArgs(0), dir.path() / "w0.out");
  auto w1 = std::make_unique<Worker>(workerArgs(1), dir.path() / "w1.out");
  REQUIRE(w0->started());
  REQUIRE(w1->started());
  {
    const bool online = waitOnline(broker.port(), {"twin-monitor-procs-0of2", "twin-monitor-procs-1of2"});
    INFO("worker 0: " << w0->output() << w0->errors() << "\nworker 1: " << w1->output() << w1->errors());
    REQUIRE(online);
  }
  REQUIRE(replay(0) == 0);
  // Worker 1 stops while the broker may still be delivering its share.
  REQUIRE(w1->stop() == 0);
  const std::uint64_t firstRun = judgedIn(w1->output());
  INFO("worker 1, first run: " << w1->output() << w1->errors());
  CHECK(w1->errors().find("judges partitions 1,3,5,7,9,11") != std::string::npos);
  REQUIRE(replay(1) == 0);  // its share waits at the broker in its session
  auto w1b = std::make_unique<Worker>(workerArgs(1), dir.path() / "w1b.out");
  REQUIRE(w1b->started());
  const std::vector<std::filesystem::path> dbs = {dir.path() / "history-0.db", dir.path() / "history-1.db"};
  const std::size_t total = kSensors * kRounds;
  const auto end = std::chrono::steady_clock::now() + 30s;
  while (historyRows(dbs).second < total && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(100ms);
  REQUIRE(w0->stop() == 0);
  REQUIRE(w1b->stop() == 0);
  INFO("worker 0: " << w0->output() << w0->errors());
  INFO("worker 1, second run: " << w1b->output() << w1b->errors());
  const std::uint64_t judged = judgedIn(w0->output()) + firstRun + judgedIn(w1b->output());
  CHECK(judged == total);
  CHECK(judgedIn(w0->output()) > 0);
  CHECK(judgedIn(w1b->output()) > 0);
  CHECK(w0->output().find(R"("wrong_partition":0)") != std::string::npos);
  const auto [distinct, rows] = historyRows(dbs);
  CHECK(distinct == total);  // none lost
  CHECK(rows == total);      // none judged twice
}

TEST_CASE("twin monitor and twin replay reject bad fan-in options", "[app][share]") {
  const std::filesystem::path twin = twin::test::binaryDir() / "engine" / "app" / "twin";
  if (!std::filesystem::exists(twin)) {
    std::printf("SKIPPED: needs the twin program at %s (build the 'twin' target)\n", twin.c_str());
    std::exit(twin::test::kSkipExitCode);
  }
  twin::test::TempDir dir("fanin-usage");
  const auto log = dir.path() / "log";
  auto run = [&](std::vector<std::string> args) {
    std::filesystem::remove(log);
    args.insert(args.begin(), twin.string());
    const int code = twin::test::runTool(args, log);
    std::ifstream in(log);
    std::stringstream s;
    s << in.rdbuf();
    return std::make_pair(code, s.str());
  };
  const std::string scene = (twin::test::scenesDir() / "hangzhou-qianjiang.json").string();
  auto r = run({"monitor", scene, "--share", "a/b"});
  CHECK(r.first == 2);
  CHECK(r.second ==
        "twin monitor: --share: share group 'a/b' must not contain '/', '+', '#' or control characters; see 'twin "
        "monitor --help'\n");
  r = run({"monitor", scene, "--worker", "2/2"});
  CHECK(r.second ==
        "twin monitor: --worker expects I/N with 0 <= I < N, e.g. 1/3, got '2/2'; see 'twin monitor --help'\n");
  r = run({"monitor", scene, "--worker", "1/2"});
  CHECK(r.first == 2);
  CHECK(r.second ==
        "twin monitor: --worker and --partitions go with --share GROUP (or the scene's mqtt.share_group); "
        "see 'twin monitor --help'\n");
  r = run({"monitor", scene, "--partitions", "0"});
  CHECK(r.second ==
        "twin monitor: --partitions expects an integer from 1 to 1024, got '0'; see 'twin monitor --help'\n");
  r = run({"replay", scene, "--mqtt", "127.0.0.1:1", "--topic", "t", "--partitions", "5000"});
  CHECK(r.second ==
        "twin replay: --partitions expects an integer from 1 to 1024, got '5000'; see 'twin replay --help'\n");
  r = run({"monitor", "--help"});
  CHECK(r.first == 0);
  CHECK(r.second.find("--share GROUP") != std::string::npos);
}
