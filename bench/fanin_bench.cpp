// Sensor fan-in throughput: readings judged per second by 1, 2 and 4 monitor workers sharing one
// stream through MQTT 5 shared subscriptions, routed by sensor (docs/sensors.md, "Several
// monitors on one stream"), against one mosquitto.
//
// Each run first registers every worker's persistent session, then publishes the whole stream
// (QoS 1, one reading per message, each to its sensor's partition topic) while the workers are
// away, so the broker holds a backlog; then it starts the workers and times them until every
// reading is judged. The figure is the workers' rate, not the publisher's. Workers are threads of
// this process, each a whole alerts::Monitor with its own MQTT connection, rules, ring buffers and
// history db, all writing one alert log, as `twin monitor --share G --worker I/N` processes do.
// The "transport" rows take the same backlog with bare subscribers that judge nothing: the ceiling
// the broker and the network set.
//
// usage: bench_fanin_bench [--readings M] [--sensors S] [--workers 1,2,4] [--partitions K]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "BenchBroker.h"
#include "twin/alerts/Monitor.h"
#include "twin/core/Stopwatch.h"
#include "twin/sensors/Partition.h"
#include "twin/sensors/Payload.h"

using namespace twin;
using namespace std::chrono_literals;

namespace {

const char* const kProgram = "bench_fanin_bench";

double loadAverage() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  in >> one;
  return one;
}

std::string sceneJson(int port, int sensors) {
  std::string s = R"({"mqtt": {"host": "127.0.0.1", "port": )" + std::to_string(port) + R"(}, "sensors": [)";
  for (int i = 0; i < sensors; ++i)
    s += std::string(i ? "," : "") + R"({"id": "noise-)" + std::to_string(i) +
         R"(", "name": "n", "kind": "noise", "unit": "dBA", "building": "b",
         "source": {"type": "mqtt", "topic": "bench/noise", "qos": 1}})";
  // An above rule with hysteresis and a rate rule (it keeps each sensor's previous reading).
  s += R"(], "alert_rules": [
    {"id": "loud", "type": "above", "severity": "minor", "kinds": ["noise"], "level": 70, "clear_level": 65},
    {"id": "jump", "type": "rate", "severity": "warning", "kinds": ["noise"], "level": 600, "clear_level": 300}]})";
  return s;
}

struct RunResult {
  double seconds = 0;
  std::uint64_t judged = 0;
  std::vector<std::uint64_t> perWorker;
};

// The same backlog taken by bare subscribers with the workers' subscriptions, counting messages
// and judging nothing: what the broker and the network deliver at most.
std::unique_ptr<sensors::MqttSource> rawSubscriber(int port, const std::string& group, int index, int workers,
                                                   int partitions) {
  sensors::MqttSourceOptions o;
  o.broker.host = "127.0.0.1";
  o.broker.port = port;
  o.broker.statusTopic.clear();
  o.broker.clientId = "bench-raw-" + group + "-" + std::to_string(index);
  o.cleanSession = false;
  o.queueCapacity = 1 << 20;
  auto owned = sensors::workerPartitions({index, workers}, partitions);
  if (!owned) bench::benchFail(kProgram, owned.error().message);
  for (int k : *owned) o.topics.emplace_back(sensors::partitionSubscription(group, k, "bench/noise"), 1);
  auto s = sensors::MqttSource::start(o);
  if (!s) bench::benchFail(kProgram, s.error().message);
  if (!(*s)->waitConnected(10s)) bench::benchFail(kProgram, "subscriber did not subscribe");
  return std::move(*s);
}

RunResult run(int port, const model::SensorConfig& config, const std::filesystem::path& dir, int workers,
              int partitions, int readings, int sensors, bool transportOnly) {
  const std::string group = "bench" + std::to_string(workers);
  alerts::SystemClock clock;
  alerts::MonitorOptions base;
  base.config = config;
  base.shareGroup = group;
  base.partitions = partitions;
  base.alertsDb = dir / (group + "-alerts.db");
  base.queueCapacity = 1 << 20;  // the backlog arrives at once; none may be dropped
  auto startWorker = [&](int i) {
    alerts::MonitorOptions o = base;
    o.worker = {i, workers};
    o.historyDb = dir / (group + "-history-" + std::to_string(i) + ".db");
    auto m = alerts::Monitor::start(o, clock);
    if (!m) bench::benchFail(kProgram, m.error().message);
    if (!(*m)->mqtt()->waitConnected(10s)) bench::benchFail(kProgram, "worker did not subscribe");
    return std::move(*m);
  };
  // Sessions first (their subscriptions collect the backlog), then away.
  for (int i = 0; i < workers; ++i) {
    if (transportOnly) {
      rawSubscriber(port, group, i, workers, partitions)->stop();
      continue;
    }
    auto m = startWorker(i);
    if (auto s = m->drain(); !s) bench::benchFail(kProgram, s.error().message);
  }
  auto pub = sensors::MqttPublisher::connect(config.mqtt, 10s);
  if (!pub) bench::benchFail(kProgram, pub.error().message);
  const std::int64_t t0 = sensors::nowEpochMs() - 24 * 3600 * 1000;
  for (int n = 0; n < readings; ++n) {
    const int i = n % sensors;
    const std::string id = "noise-" + std::to_string(i);
    const int round = n / sensors;
    // Mostly quiet; every 50th round of a sensor loud, then quiet again: alerts raised and cleared.
    const double value = round % 50 == 49 ? 80.0 : 55.0 + (round % 7);
    const sensors::Reading r{id, t0 + static_cast<std::int64_t>(round) * 1000, value, true};
    auto s = (*pub)->publish(sensors::partitionTopic(sensors::sensorPartition(id, partitions), "bench/noise"),
                             sensors::encodeReading(r), 1);
    if (!s) bench::benchFail(kProgram, s.error().message);
  }
  if (auto s = (*pub)->flush(60s); !s) bench::benchFail(kProgram, s.error().message);

  RunResult result;
  if (transportOnly) {
    std::vector<std::unique_ptr<sensors::MqttSource>> subs;
    std::vector<std::atomic<std::uint64_t>> counts(static_cast<std::size_t>(workers));
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    core::Stopwatch watch;
    for (int i = 0; i < workers; ++i) subs.push_back(rawSubscriber(port, group, i, workers, partitions));
    for (int i = 0; i < workers; ++i)
      threads.emplace_back([&, i] {
        std::vector<sensors::MqttMessage> batch;
        while (!stop) {
          batch.clear();
          counts[static_cast<std::size_t>(i)] += subs[static_cast<std::size_t>(i)]->pop(batch, 1024, 20ms);
        }
      });
    const auto deadline = std::chrono::steady_clock::now() + 300s;
    for (;;) {
      std::uint64_t got = 0;
      for (const auto& c : counts) got += c;
      if (got >= static_cast<std::uint64_t>(readings) || std::chrono::steady_clock::now() > deadline) {
        result.seconds = watch.elapsedMs() / 1000.0;
        result.judged = got;
        break;
      }
      std::this_thread::sleep_for(2ms);
    }
    stop = true;
    for (auto& t : threads) t.join();
    for (const auto& c : counts) result.perWorker.push_back(c);
    return result;
  }
  std::vector<std::unique_ptr<alerts::Monitor>> monitors;
  core::Stopwatch watch;
  for (int i = 0; i < workers; ++i) monitors.push_back(startWorker(i));
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (auto& m : monitors)
    threads.emplace_back([&m, &stop] {
      if (auto s = m->runFor(1e12, &stop); !s) bench::benchFail(kProgram, s.error().message);
    });
  const auto deadline = std::chrono::steady_clock::now() + 300s;
  for (;;) {
    std::uint64_t judged = 0;
    for (auto& m : monitors) judged += m->engine().counters().readings;
    if (judged >= static_cast<std::uint64_t>(readings) || std::chrono::steady_clock::now() > deadline) {
      result.seconds = watch.elapsedMs() / 1000.0;
      result.judged = judged;
      break;
    }
    std::this_thread::sleep_for(2ms);
  }
  stop = true;
  for (auto& t : threads) t.join();
  for (auto& m : monitors) {
    if (auto s = m->drain(); !s) bench::benchFail(kProgram, s.error().message);
    result.perWorker.push_back(m->engine().counters().readings);
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  int readings = 60000, sensors = 500, partitions = sensors::kDefaultPartitions;
  std::vector<int> workerCounts = {1, 2, 4};
  const std::string usage = "usage: bench_fanin_bench [--readings M] [--sensors S] [--workers 1,2,4] [--partitions K]";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help") {
      std::printf("%s\n", usage.c_str());
      return 0;
    }
    if (i + 1 >= argc) bench::benchFail(kProgram, a + " needs a value (" + usage + ")");
    const std::string v = argv[++i];
    if (a == "--readings")
      readings = std::atoi(v.c_str());
    else if (a == "--sensors")
      sensors = std::atoi(v.c_str());
    else if (a == "--partitions")
      partitions = std::atoi(v.c_str());
    else if (a == "--workers") {
      workerCounts.clear();
      for (std::size_t at = 0; at <= v.size();) {
        const std::size_t comma = std::min(v.find(',', at), v.size());
        workerCounts.push_back(std::atoi(v.substr(at, comma - at).c_str()));
        at = comma + 1;
      }
    } else {
      bench::benchFail(kProgram, "unknown option " + a + " (" + usage + ")");
    }
  }
  if (readings <= 0 || sensors <= 0 || partitions < 1 || partitions > sensors::kMaxPartitions)
    bench::benchFail(kProgram, "--readings and --sensors must be > 0 and --partitions 1..1024");
  for (int w : workerCounts)
    if (w < 1 || w > partitions)
      bench::benchFail(kProgram, "--workers: each count must be 1.." + std::to_string(partitions));
  const auto dir = std::filesystem::temp_directory_path() / ("fanin-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::printf(
      "fanin_bench: one mosquitto per run, %d readings (QoS 1, one per message) of %d sensors in %d "
      "partitions, history on, one alert log, %u hardware threads\n",
      readings, sensors, partitions, std::thread::hardware_concurrency());
  std::printf("%-10s %8s %10s %10s %14s  %s\n", "consumers", "workers", "readings", "seconds", "readings/s",
              "per worker (load avg)");
  for (const bool transportOnly : {false, true})
    for (int workers : workerCounts) {
      // A fresh broker per run: the sessions of an earlier run would otherwise keep collecting
      // copies of this run's stream. Unlimited queues: each session holds its share of the backlog.
      const bench::BenchBroker broker(kProgram,
                                      "max_queued_messages 0\nmax_queued_bytes 0\nmax_inflight_messages 1000\n");
      auto config = model::parseSensorConfig(sceneJson(broker.port(), sensors), "fanin-bench.json");
      if (!config) bench::benchFail(kProgram, config.error().message);
      const RunResult r = run(broker.port(), *config, dir, workers, partitions, readings, sensors, transportOnly);
      std::string per;
      for (std::uint64_t n : r.perWorker) per += (per.empty() ? "" : " ") + std::to_string(n);
      std::printf("%-10s %8d %10llu %10.2f %14.0f  %s (%.2f)\n", transportOnly ? "transport" : "monitors", workers,
                  static_cast<unsigned long long>(r.judged), r.seconds,
                  r.seconds > 0 ? static_cast<double>(r.judged) / r.seconds : 0.0, per.c_str(), loadAverage());
      std::fflush(stdout);
      if (r.judged != static_cast<std::uint64_t>(readings))
        bench::benchFail(kProgram, "only " + std::to_string(r.judged) + " of " + std::to_string(readings) +
                                       " readings taken within 300 s");
    }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
