// Several monitors on one sensor stream (MQTT 5 shared subscriptions, routed by sensor) against
// a real mosquitto: every reading is judged exactly once across the workers, each sensor's
// readings reach one worker in order (so a rate rule sees them all), the workers share one alert
// log without overwriting each other's alerts, and a stopped worker's slot is taken over without loss.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "../sensors/TestBroker.h"
#include "TestPaths.h"
#include "twin/alerts/Monitor.h"
#include "twin/sensors/Partition.h"
#include "twin/sensors/Payload.h"

using namespace twin::alerts;
using namespace std::chrono_literals;
namespace sensors = twin::sensors;

namespace {

constexpr int kPartitions = 12;
constexpr int kNoiseSensors = 40;
constexpr int kRounds = 30;     // readings per noise sensor
constexpr int kRampSteps = 40;  // readings of the rate-rule sensor, one a minute
constexpr int kJumpAt = 20;     // the one reading of the ramp that jumps

std::string sceneJson(int port) {
  std::string s = R"({"mqtt": {"host": "127.0.0.1", "port": )" + std::to_string(port) +
                  R"(, "keepalive_seconds": 5, "share_group": "fanin"}, "sensors": [)";
  for (int i = 0; i < kNoiseSensors; ++i)
    s += R"({"id": "noise-)" + std::to_string(i) + R"(", "name": "n", "kind": "noise", "unit": "dBA",
            "building": "b", "source": {"type": "mqtt", "topic": "fanin/noise", "qos": 1}},)";
  s += R"({"id": "tank", "name": "t", "kind": "water_level", "unit": "cm", "building": "b",
          "source": {"type": "mqtt", "topic": "fanin/tank", "qos": 1}}],
  "alert_rules": [
    {"id": "loud", "type": "above", "severity": "minor", "kinds": ["noise"], "level": 70, "clear_level": 65},
    {"id": "filling-fast", "type": "rate", "severity": "major", "sensors": ["tank"], "level": 10, "clear_level": 5}
  ]})";
  return s;
}

// The whole stream, in publishing order: noise readings alternate 80/60 dB (every one an alert
// transition); the tank rises 1 cm a minute except at kJumpAt, where it jumps 50 cm in a minute.
// Routed, the rate rule raises once at kJumpAt and clears at the next reading. Split between two
// workers, each would see every other reading and compute its own rate: two alerts, other times.
std::vector<sensors::Reading> stream(std::int64_t baseMs) {
  std::vector<sensors::Reading> out;
  for (int r = 0; r < std::max(kRounds, kRampSteps); ++r) {
    if (r < kRounds)
      for (int i = 0; i < kNoiseSensors; ++i)
        out.push_back({"noise-" + std::to_string(i), baseMs + r * 1000, r % 2 ? 60.0 : 80.0, true});
    if (r < kRampSteps) out.push_back({"tank", baseMs + r * 60000, double(r) + (r >= kJumpAt ? 50.0 : 0.0), true});
  }
  return out;
}

void publish(sensors::MqttPublisher& pub, const std::vector<sensors::Reading>& readings, std::size_t from,
             std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    const sensors::Reading& r = readings[i];
    const std::string topic = r.sensorId == "tank" ? "fanin/tank" : "fanin/noise";
    REQUIRE(pub.publish(sensors::partitionTopic(sensors::sensorPartition(r.sensorId, kPartitions), topic),
                        sensors::encodeReading(r), 1)
                .ok());
  }
  REQUIRE(pub.flush(10000ms).ok());
}

struct Workers {
  MonitorOptions base;
  SystemClock clock;
  std::vector<std::unique_ptr<Monitor>> monitors;
  std::vector<std::uint64_t> judgedBefore;  // by workers since stopped

  std::unique_ptr<Monitor> start(int index, int count) {
    MonitorOptions o = base;
    o.worker = {index, count};
    auto m = Monitor::start(o, clock);
    REQUIRE(m.ok());
    REQUIRE((*m)->mqtt());
    REQUIRE((*m)->mqtt()->waitConnected(5000ms));
    return std::move(*m);
  }
  std::uint64_t judged() const {
    std::uint64_t n = std::accumulate(judgedBefore.begin(), judgedBefore.end(), std::uint64_t{0});
    for (const auto& m : monitors)
      if (m) n += m->summary().alerts.readings;
    return n;
  }
  // Steps every worker until `want` readings are judged in all or 30 s pass.
  void runUntil(std::uint64_t want) {
    const auto end = std::chrono::steady_clock::now() + 30s;
    while (judged() < want && std::chrono::steady_clock::now() < end)
      for (auto& m : monitors)
        if (m) REQUIRE(m->step(5ms).ok());
  }
};

}  // namespace

TEST_CASE("N monitors share one stream: each reading judged once, each sensor on one worker in order",
          "[alerts][mqtt][share]") {
  const int count = GENERATE(2, 3);
  INFO(count << " workers");
  twin::test::TestBroker broker;
  REQUIRE(broker.error().empty());
  twin::test::TempDir dir("fanin");
  auto config = twin::model::parseSensorConfig(sceneJson(broker.port()), dir.path() / "scene.json");
  REQUIRE(config.ok());
  Workers w;
  w.base.config = *config;
  w.base.partitions = kPartitions;
  w.base.alertsDb = dir.path() / "alerts.db";  // one log for all workers
  for (int i = 0; i < count; ++i) w.monitors.push_back(w.start(i, count));

  auto pub = sensors::MqttPublisher::connect(config->mqtt, 5000ms);
  REQUIRE(pub.ok());
  const std::int64_t base = sensors::nowEpochMs() - 3 * 3600 * 1000;
  const auto readings = stream(base);
  publish(**pub, readings, 0, readings.size());
  w.runUntil(readings.size());
  for (auto& m : w.monitors) REQUIRE(m->drain().ok());

  std::uint64_t judged = 0, raised = 0;
  std::map<std::string, int> workerOf;
  for (int i = 0; i < count; ++i) {
    const MonitorSummary s = w.monitors[i]->summary();
    INFO("worker " << i << ": " << Monitor::summaryJson(s));
    CHECK(s.alerts.readings > 0);  // the stream was split
    CHECK(s.wrongPartition == 0);
    CHECK(s.ingest.rejectedTotal() == 0);
    judged += s.alerts.readings;
    raised += s.alerts.raised;
    for (const sensors::Reading& r : readings) {
      const auto series = w.monitors[i]->series().series(r.sensorId);
      if (series.empty()) continue;
      CHECK(workerOf.emplace(r.sensorId, i).first->second == i);  // on one worker only
    }
  }
  // Sum of the workers' counts is the stream; no reading judged twice, none lost.
  CHECK(judged == readings.size());
  CHECK(workerOf.size() == kNoiseSensors + 1);
  for (const auto& [id, i] : workerOf) {
    INFO(id);
    const auto series = w.monitors[i]->series().series(id);
    CHECK(series.size() == static_cast<std::size_t>(id == "tank" ? kRampSteps : kRounds));
    CHECK(std::is_sorted(series.begin(), series.end(),
                         [](const sensors::Sample& a, const sensors::Sample& b) { return a.tsMs < b.tsMs; }));
    CHECK(std::adjacent_find(series.begin(), series.end(), [](const sensors::Sample& a, const sensors::Sample& b) {
            return a.tsMs == b.tsMs;
          }) == series.end());
  }

  auto store = AlertStore::open(w.base.alertsDb);
  REQUIRE(store.ok());
  // The rate rule saw every tank reading: one alert, raised by the jump, cleared by the next reading.
  AlertQuery tank;
  tank.sensorId = "tank";
  auto rate = (*store)->history(tank);
  REQUIRE(rate.ok());
  REQUIRE(rate->size() == 1);
  CHECK(rate->front().raisedMs == base + kJumpAt * 60000);
  CHECK(rate->front().clearedMs == base + (kJumpAt + 1) * 60000);
  // Workers numbered their alerts from the same log: none overwrote another's.
  auto all = (*store)->history(AlertQuery{});
  REQUIRE(all.ok());
  CHECK(all->size() == raised);
  CHECK(raised == std::uint64_t{kNoiseSensors * (kRounds / 2) + 1});
  std::set<std::int64_t> ids;
  for (const Alert& a : *all) ids.insert(a.id);
  CHECK(ids.size() == all->size());
  for (const Alert& a : *all) {
    auto transitions = (*store)->transitions(a.id);
    REQUIRE(transitions.ok());
    INFO("alert " << a.id << " " << a.sensorId);
    REQUIRE(transitions->size() == 2);  // its own raise and clear, no one else's
    CHECK(transitions->at(0).kind == TransitionKind::Raise);
    CHECK(transitions->at(1).kind == TransitionKind::Clear);
  }
}

TEST_CASE("A reading published on another sensor's partition is counted, not judged", "[alerts][mqtt][share]") {
  twin::test::TestBroker broker;
  REQUIRE(broker.error().empty());
  twin::test::TempDir dir("fanin-wrong");
  auto config = twin::model::parseSensorConfig(sceneJson(broker.port()), dir.path() / "scene.json");
  REQUIRE(config.ok());
  Workers w;
  w.base.config = *config;
  w.base.partitions = kPartitions;
  w.base.alertsDb = dir.path() / "alerts.db";
  w.monitors.push_back(w.start(0, 1));  // owns every partition
  auto pub = sensors::MqttPublisher::connect(config->mqtt, 5000ms);
  REQUIRE(pub.ok());
  const int right = sensors::sensorPartition("noise-3", kPartitions);
  // Another noise sensor's partition: one the worker subscribes to.
  int wrong = right;
  for (int i = 0; i < kNoiseSensors && wrong == right; ++i)
    wrong = sensors::sensorPartition("noise-" + std::to_string(i), kPartitions);
  REQUIRE(wrong != right);
  const std::int64_t t = sensors::nowEpochMs();
  REQUIRE((*pub)
              ->publish(sensors::partitionTopic(wrong, "fanin/noise"), sensors::encodeReading({"noise-3", t, 90}), 1)
              .ok());
  REQUIRE(
      (*pub)
          ->publish(sensors::partitionTopic(right, "fanin/noise"), sensors::encodeReading({"noise-3", t + 1, 91}), 1)
          .ok());
  REQUIRE((*pub)->flush(5000ms).ok());
  w.runUntil(1);
  REQUIRE(w.monitors[0]->drain().ok());
  const MonitorSummary s = w.monitors[0]->summary();
  CHECK(s.wrongPartition == 1);
  CHECK(s.alerts.readings == 1);
  CHECK(w.monitors[0]->series().series("noise-3").size() == 1);
  CHECK(Monitor::summaryJson(s).find(R"("wrong_partition":1,"wrong_source":0},"rejected_total":1,)") !=
        std::string::npos);
}

TEST_CASE("A worker stopped mid-stream: its slot's next process takes over without loss",
          "[alerts][mqtt][share][restart]") {
  // Unlimited queue per session: mosquitto drops QoS 1 messages past 1,000 queued for one client.
  twin::test::TestBroker broker("max_queued_messages 0\n");
  REQUIRE(broker.error().empty());
  twin::test::TempDir dir("fanin-takeover");
  auto config = twin::model::parseSensorConfig(sceneJson(broker.port()), dir.path() / "scene.json");
  REQUIRE(config.ok());
  Workers w;
  w.base.config = *config;
  w.base.partitions = kPartitions;
  w.base.alertsDb = dir.path() / "alerts.db";
  w.monitors.push_back(w.start(0, 2));
  w.monitors.push_back(w.start(1, 2));
  auto pub = sensors::MqttPublisher::connect(config->mqtt, 5000ms);
  REQUIRE(pub.ok());
  const auto readings = stream(sensors::nowEpochMs() - 3 * 3600 * 1000);
  const std::size_t third = readings.size() / 3;

  publish(**pub, readings, 0, third);
  // Worker 1 goes mid-stream while readings still arrive (SIGTERM in `twin monitor`): it
  // judges what it has acknowledged, and the broker keeps the rest in its session.
  for (int i = 0; i < 20; ++i) REQUIRE(w.monitors[1]->step(1ms).ok());
  REQUIRE(w.monitors[1]->drain().ok());
  w.judgedBefore.push_back(w.monitors[1]->summary().alerts.readings);
  w.monitors[1].reset();

  publish(**pub, readings, third, 2 * third);  // half of these wait at the broker for slot 1
  for (int i = 0; i < 20; ++i) REQUIRE(w.monitors[0]->step(1ms).ok());
  // The standby for slot 1/2 starts: same client id, so it resumes the session and its queue.
  w.monitors[1] = w.start(1, 2);
  publish(**pub, readings, 2 * third, readings.size());
  w.runUntil(readings.size());
  for (auto& m : w.monitors) REQUIRE(m->drain().ok());

  CHECK(w.judged() == readings.size());
  CHECK(w.monitors[1]->summary().alerts.readings > 0);
  CHECK(w.monitors[1]->summary().ingest.rejectedCount(sensors::RejectReason::Duplicate) == 0);
  // Nothing judged twice: the alert log has each noise sensor's 15 raises and one rate alert.
  auto store = AlertStore::open(w.base.alertsDb);
  REQUIRE(store.ok());
  auto all = (*store)->history(AlertQuery{});
  REQUIRE(all.ok());
  CHECK(all->size() == std::size_t{kNoiseSensors * (kRounds / 2) + 1});
}

TEST_CASE("Monitor::start names what is wrong with a worker slot", "[alerts][share]") {
  twin::test::TempDir dir("fanin-errors");
  auto config = twin::model::parseSensorConfig(sceneJson(1883), dir.path() / "scene.json");
  REQUIRE(config.ok());
  SystemClock clock;
  MonitorOptions o;
  o.config = *config;
  o.config.mqtt.shareGroup.clear();
  o.alertsDb = dir.path() / "alerts.db";
  o.worker = {1, 2};
  CHECK(Monitor::start(o, clock).error().message ==
        "alerts::Monitor::start(): worker 1/2 needs a share group (--share GROUP or mqtt.share_group)");
  o.shareGroup = "mon";
  o.partitions = 4;
  o.worker = {0, 5};
  CHECK(Monitor::start(o, clock).error().message ==
        "alerts::Monitor::start(): sensors::workerPartitions(): 5 workers but only 4 partitions: some workers would "
        "receive nothing");
  o.shareGroup = "a#";
  CHECK(Monitor::start(o, clock).error().message ==
        "alerts::Monitor::start(): share group 'a#' must not contain '/', '+', '#' or control characters");
}
