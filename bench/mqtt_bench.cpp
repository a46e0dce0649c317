// MQTT ingestion benchmark: a real mosquitto on a loopback port, our chain (network thread ->
// bounded queue -> decode -> ring buffers -> rules -> durable alert log) next to mosquitto_sub
// receiving the same stream in the same run; publish-to-alert latency at a fixed rate; memory
// over a soak. Prints figures only.
//
//   bench_mqtt_bench [--messages N] [--rate MSG_PER_S] [--latency-seconds S] [--soak-seconds S]
//                    [--soak-rate MSG_PER_S] [--only throughput,latency,soak,profile] [--durability normal|full]
//
// The chain is the viewer's: alert log and reading history (SQLite WAL), alerts judged before the
// history is written. Latency lines also give the time one Monitor::step() takes (decode, rules,
// alert log commit, history write), the part of the latency that is ours beyond the transport.
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "twin/alerts/AlertStore.h"
#include "twin/alerts/Monitor.h"
#include "twin/sensors/MqttSource.h"
#include "twin/sensors/Payload.h"

#include "BenchBroker.h"

using namespace twin;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kSensors = 100;
constexpr double kHigh = 1e6;  // values above the rule level carry the message index below it

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "bench_mqtt_bench: %s\n", message.c_str());
  std::exit(1);
}

// mosquitto_sub, which the throughput run starts beside our chain.
std::string findBinary(const char* name) {
  const std::string path = bench::findExecutable(name);
  if (path.empty()) die(std::string(name) + " not found (Debian packages mosquitto and mosquitto-clients)");
  return path;
}

pid_t spawn(const std::vector<std::string>& args, bool quiet) {
  const pid_t pid = bench::spawnProcess(args, quiet);
  if (pid <= 0) die("cannot start " + args[0]);
  return pid;
}

double rssMiB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

model::SensorConfig benchConfig(int port, int qos) {
  std::string json = R"({"mqtt": {"host": "127.0.0.1", "port": )" + std::to_string(port) + R"(}, "sensors": [)";
  for (int i = 0; i < kSensors; ++i)
    json +=
        std::string(i ? "," : "") + R"({"id": "b)" + std::to_string(i) +
        R"(", "name": "bench", "kind": "bench", "unit": "u", "building": "b", "source": {"type": "mqtt", "topic": "bench/data", "qos": )" +
        std::to_string(qos) + "}}";
  json += R"(], "alert_rules": [{"id": "high", "type": "above", "severity": "major", "kinds": ["bench"],
             "level": 500000, "clear_level": 400000}]})";
  auto config = model::parseSensorConfig(json, "bench.json");
  if (!config) die(config.error().message);
  return *config;
}

std::string payload(std::size_t index, bool high) {
  return R"({"sensor":"b)" + std::to_string(index % kSensors) + R"(","ts":)" + std::to_string(sensors::nowEpochMs()) +
         R"(,"value":)" + std::to_string(static_cast<double>(index) + (high ? kHigh : 0.0)) + "}";
}

struct Settings {
  alerts::Durability durability = alerts::MonitorOptions().durability;
};
Settings gSettings;

const char* durabilityName(alerts::Durability d) { return d == alerts::Durability::Full ? "FULL" : "NORMAL"; }

struct Chain {
  std::unique_ptr<alerts::Monitor> monitor;
  alerts::SystemClock clock;
  std::filesystem::path dir;

  Chain(int port, int qos, const std::string& tag) {
    dir = std::filesystem::temp_directory_path() / ("twin-mqtt-bench-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    alerts::MonitorOptions options;
    options.config = benchConfig(port, qos);
    options.alertsDb = dir / "alerts.db";
    options.historyDb = dir / "history.db";
    options.durability = gSettings.durability;
    options.queueCapacity = 1 << 20;
    auto m = alerts::Monitor::start(options, clock);
    if (!m) die(m.error().message);
    monitor = std::move(*m);
    if (!monitor->mqtt()->waitConnected(std::chrono::seconds(5))) die("chain did not connect");
  }
  ~Chain() {
    monitor.reset();
    std::filesystem::remove_all(dir);
  }
};

void throughput(int port, int qos, std::size_t n, const std::string& subBinary) {
  Chain chain(port, qos, "tp" + std::to_string(qos));
  const pid_t sub = spawn({subBinary, "-h", "127.0.0.1", "-p", std::to_string(port), "-t", "bench/data", "-q",
                           std::to_string(qos), "-C", std::to_string(n), "-W", "120"},
                          true);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let mosquitto_sub subscribe

  std::atomic<bool> started{false};
  Clock::time_point t0{}, oursEnd{}, subEnd{};
  std::thread waiter([&] {
    int status = 0;
    ::waitpid(sub, &status, 0);
    subEnd = Clock::now();
  });
  std::thread consumer([&] {
    while (!started.load()) std::this_thread::yield();
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (chain.monitor->summary().ingest.messages < n && Clock::now() < deadline)
      if (!chain.monitor->step(std::chrono::milliseconds(20))) die("chain step failed");
    oursEnd = Clock::now();
  });

  model::MqttConfig broker;
  broker.port = port;
  auto pub = sensors::MqttPublisher::connect(broker, std::chrono::seconds(5));
  if (!pub) die(pub.error().message);
  t0 = Clock::now();
  started.store(true);
  for (std::size_t i = 0; i < n; ++i)
    if (!(*pub)->publish("bench/data", payload(i, (i / 10000) % 2 == 1), qos)) die("publish failed");
  if (!(*pub)->flush(std::chrono::seconds(60))) die("publisher flush timed out");
  const auto pubEnd = Clock::now();
  consumer.join();
  waiter.join();
  const auto s = chain.monitor->summary();
  const auto secs = [&](Clock::time_point end) { return std::chrono::duration<double>(end - t0).count(); };
  const double ours = static_cast<double>(s.ingest.messages) / secs(oursEnd);
  const double theirs = static_cast<double>(n) / secs(subEnd);
  std::printf(
      "throughput QoS %d: %zu messages  publisher %.0f msg/s  mosquitto_sub %.0f msg/s  "
      "twin (decode+rules+alert log) %.0f msg/s  ratio %.2f  decoded %llu  rejected %llu  "
      "alert transitions %llu\n",
      qos, n, static_cast<double>(n) / secs(pubEnd), theirs, ours, ours / theirs,
      static_cast<unsigned long long>(s.ingest.decoded), static_cast<unsigned long long>(s.ingest.rejectedTotal()),
      static_cast<unsigned long long>(s.alerts.raised + s.alerts.cleared));
  std::fflush(stdout);
}

// Whether message i raises or clears its sensor's alert. everyMessage: each message flips its
// sensor across the rule; otherwise each sensor flips on one message in 100, phases spread so
// that 1% of the stream are alert transitions, evenly.
bool highValue(std::size_t i, bool everyMessage) {
  const std::size_t count = i / kSensors, sensor = i % kSensors;
  return everyMessage ? count % 2 == 0 : ((count + sensor) / 100) % 2 == 1;
}

// Publishes at `rate` for `seconds`; `record(i)` is the consumer side's callback per message index.
struct Paced {
  std::size_t n;
  std::vector<std::atomic<std::int64_t>> sentNs;
  explicit Paced(std::size_t count) : n(count), sentNs(count) {}
  double latencyMs(std::size_t i) const {
    return static_cast<double>(Clock::now().time_since_epoch().count() - sentNs[i].load(std::memory_order_acquire)) /
           1e6;
  }
  double publish(int port, int qos, double rate, bool everyMessage) {
    model::MqttConfig broker;
    broker.port = port;
    auto pub = sensors::MqttPublisher::connect(broker, std::chrono::seconds(5));
    if (!pub) die(pub.error().message);
    const auto t0 = Clock::now();
    const auto step = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / rate));
    for (std::size_t i = 0; i < n; ++i) {
      std::this_thread::sleep_until(t0 + step * static_cast<std::int64_t>(i));
      sentNs[i].store(Clock::now().time_since_epoch().count(), std::memory_order_release);
      if (!(*pub)->publish("bench/data", payload(i, highValue(i, everyMessage)), qos)) die("publish failed");
    }
    const double sendSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!(*pub)->flush(std::chrono::seconds(60))) die("publisher flush timed out");
    return static_cast<double>(n) / sendSeconds;
  }
};

// The background checkpointer's work in one run (after the stepping thread has ended).
void printWal(const char* what, const sensors::WalStats& w) {
  std::printf(
      "  %s WAL: %llu background passes, %llu log restarts, %llu fallback checkpoints on the writer, "
      "at most %d frames, final pass max %.2f ms, writer waited max %.2f ms\n",
      what, static_cast<unsigned long long>(w.passes), static_cast<unsigned long long>(w.restarts),
      static_cast<unsigned long long>(w.fallbacks), w.maxFrames, w.maxFinalPassMs, w.maxGateWaitMs);
}

void latency(int port, int qos, double rate, double seconds, bool everyMessage) {
  Chain chain(port, qos, "lat" + std::to_string(qos));
  Paced paced(static_cast<std::size_t>(rate * seconds));
  std::vector<double> latMs;
  latMs.reserve(paced.n);
  std::atomic<bool> done{false};
  chain.monitor->engine().setListener([&](const alerts::Alert&, const alerts::Transition& t) {
    const double v = t.value >= kHigh ? t.value - kHigh : t.value;
    const auto i = static_cast<std::size_t>(v);
    if (i < paced.n) latMs.push_back(paced.latencyMs(i));
  });
  std::vector<double> stepMs;  // steps that did work (a step that only waited is not ours)
  stepMs.reserve(paced.n);
  std::thread consumer([&] {
    std::uint64_t before = 0;
    while (!(done.load() && before >= paced.n)) {
      const auto t0 = Clock::now();
      if (!chain.monitor->step(std::chrono::milliseconds(5))) die("chain step failed");
      const auto t1 = Clock::now();
      const std::uint64_t after = chain.monitor->summary().ingest.messages;
      if (after != before) stepMs.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      before = after;
    }
  });
  const double achieved = paced.publish(port, qos, rate, everyMessage);
  done.store(true);
  consumer.join();
  std::printf(
      "latency publish->alert shown, QoS %d at %.0f msg/s (achieved %.0f), %s: %zu transitions  "
      "p50 %.2f ms  p99 %.2f ms  max %.2f ms;  Monitor::step with work: %zu steps p50 %.2f ms  p99 %.2f ms  "
      "max %.2f ms\n",
      qos, rate, achieved, everyMessage ? "every message an alert transition" : "1% of messages alert transitions",
      latMs.size(), percentile(latMs, 0.5), percentile(latMs, 0.99),
      latMs.empty() ? 0.0 : *std::max_element(latMs.begin(), latMs.end()), stepMs.size(), percentile(stepMs, 0.5),
      percentile(stepMs, 0.99), stepMs.empty() ? 0.0 : *std::max_element(stepMs.begin(), stepMs.end()));
  printWal("alert log", chain.monitor->alertLogWalStats());
  printWal("history", chain.monitor->historyWalStats());
  std::fflush(stdout);
}

// The floor: publish -> broker -> our network thread -> queue -> decoded, no rules, no log.
void transportLatency(int port, int qos, double rate, double seconds) {
  sensors::MqttSourceOptions options;
  options.broker.port = port;
  options.topics = {{"bench/data", qos}};
  options.queueCapacity = 1 << 20;
  auto source = sensors::MqttSource::start(options);
  if (!source || !(*source)->waitConnected(std::chrono::seconds(5))) die("transport source did not connect");
  Paced paced(static_cast<std::size_t>(rate * seconds));
  std::vector<double> latMs;
  latMs.reserve(paced.n);
  std::thread consumer([&] {
    std::vector<sensors::MqttMessage> batch;
    std::vector<sensors::Reading> readings;
    sensors::IngestStats stats;
    const auto deadline = Clock::now() + std::chrono::seconds(static_cast<int>(seconds) + 60);
    while (latMs.size() < paced.n && Clock::now() < deadline) {
      batch.clear();
      readings.clear();
      (*source)->pop(batch, 1024, std::chrono::milliseconds(5));
      for (const auto& m : batch) sensors::decodePayload(m.payload, m.receivedMs, {}, readings, stats);
      for (const auto& r : readings) {
        const auto i = static_cast<std::size_t>(r.value >= kHigh ? r.value - kHigh : r.value);
        if (i < paced.n) latMs.push_back(paced.latencyMs(i));
      }
    }
  });
  const double achieved = paced.publish(port, qos, rate, false);
  consumer.join();
  std::printf(
      "latency publish->decoded (transport floor, no rules), QoS %d at %.0f msg/s (achieved %.0f): %zu messages  "
      "p50 %.2f ms  p99 %.2f ms\n",
      qos, rate, achieved, latMs.size(), percentile(latMs, 0.5), percentile(latMs, 0.99));
  std::fflush(stdout);
}

double threadCpuMs() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Where the time of one step goes, without the network: decoding, judging with the alert log
// commit (NORMAL and FULL), and the history write, in batches of `batch` messages as a 10k msg/s
// stream arrives them (about 10 per millisecond). CPU work of our chain, free of the broker.
void profile(std::size_t n, std::size_t batch) {
  std::vector<std::string> payloads[2];
  for (std::size_t i = 0; i < n; ++i)
    for (int every = 0; every < 2; ++every) payloads[every].push_back(payload(i, highValue(i, every == 1)));
  const auto dir = std::filesystem::temp_directory_path() / ("twin-mqtt-bench-profile-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const model::SensorConfig config = benchConfig(1883, 0);
  std::unordered_set<std::string> known;
  for (const auto& s : config.sensors) known.insert(s.id);
  sensors::DecodeOptions decode;
  decode.knownSensors = &known;
  const auto ms = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };

  std::vector<sensors::Reading> readings;
  sensors::IngestStats stats;
  auto t0 = Clock::now();
  for (const std::string& p : payloads[1]) decodePayload(p, 0, decode, readings, stats);
  std::printf("profile: decode %.2f us/message (%zu messages)\n", ms(t0, Clock::now()) * 1000.0 / double(n), n);

  for (int every = 0; every < 2; ++every) {
    for (alerts::Durability durability : {alerts::Durability::Normal, alerts::Durability::Full}) {
      const auto db = dir / ("alerts-" + std::to_string(every) + durabilityName(durability) + ".db");
      auto store = alerts::AlertStore::open(db, durability);
      if (!store) die(store.error().message);
      alerts::SystemClock clock;
      auto engine = alerts::AlertEngine::create(config, **store, clock);
      if (!engine) die(engine.error().message);
      readings.clear();
      for (const std::string& p : payloads[every]) decodePayload(p, 0, decode, readings, stats);
      std::vector<double> batchMs, cpuMs;
      std::vector<sensors::Reading> part;
      for (std::size_t i = 0; i < readings.size(); i += batch) {
        part.assign(readings.begin() + long(i), readings.begin() + long(std::min(readings.size(), i + batch)));
        const double cpu0 = threadCpuMs();
        t0 = Clock::now();
        if (!(*engine)->process(part)) die("engine failed");
        batchMs.push_back(ms(t0, Clock::now()));
        cpuMs.push_back(threadCpuMs() - cpu0);
      }
      const auto c = (*engine)->counters();
      // Wall time beyond CPU time is waiting: for the disk (fsync) or, on a loaded machine, for a core.
      std::printf(
          "profile: rules + alert log %s, %s: batch of %zu wall p50 %.3f ms  p99 %.3f ms  max %.3f ms;  "
          "CPU p50 %.3f ms  p99 %.3f ms  (%llu transitions)\n",
          durabilityName(durability), every ? "every message a transition" : "1% transitions", batch,
          percentile(batchMs, 0.5), percentile(batchMs, 0.99), *std::max_element(batchMs.begin(), batchMs.end()),
          percentile(cpuMs, 0.5), percentile(cpuMs, 0.99), static_cast<unsigned long long>(c.raised + c.cleared));
    }
  }
  auto history = sensors::HistoryDb::open(dir / "history.db", 7 * 86400.0);
  if (!history) die(history.error().message);
  std::vector<double> batchMs;
  std::vector<sensors::Reading> part;
  for (std::size_t i = 0; i < readings.size(); i += batch) {
    part.assign(readings.begin() + long(i), readings.begin() + long(std::min(readings.size(), i + batch)));
    t0 = Clock::now();
    if (!(*history)->append(part)) die("history append failed");
    batchMs.push_back(ms(t0, Clock::now()));
  }
  std::printf("profile: history append (after the alerts): batch of %zu p50 %.3f ms  p99 %.3f ms\n", batch,
              percentile(batchMs, 0.5), percentile(batchMs, 0.99));
  std::fflush(stdout);
  history->reset();
  std::filesystem::remove_all(dir);
}

// RSS at the start, every minute (every tenth of the run when shorter than 10 minutes) and at
// the end, each printed as it is taken so a long soak can be followed.
void soak(int port, double seconds, double rate) {
  Chain chain(port, 1, "soak");
  std::atomic<bool> stop{false};
  std::thread consumer([&] {
    while (!stop.load())
      if (!chain.monitor->step(std::chrono::milliseconds(20))) die("chain step failed");
  });
  model::MqttConfig broker;
  broker.port = port;
  auto pub = sensors::MqttPublisher::connect(broker, std::chrono::seconds(5));
  if (!pub) die(pub.error().message);
  const double sampleEvery = seconds >= 600 ? 60.0 : seconds / 10.0;
  std::printf(
      "soak: %.0f s at %.0f msg/s QoS 1, %d sensors, 1%% of messages alert transitions, history on; "
      "RSS every %.0f s\n",
      seconds, rate, kSensors, sampleEvery);
  std::fflush(stdout);
  const auto t0 = Clock::now();
  const auto step = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / rate));
  double nextSample = 0, first = 0, warm = -1, last = 0, peak = 0;
  const auto sample = [&](const char* label, double t) {
    last = rssMiB();
    peak = std::max(peak, last);
    const auto s = chain.monitor->summary();
    std::printf("soak: %-5s t=%4.0f s  RSS %.1f MiB  messages %llu  alerts raised %llu\n", label, t, last,
                static_cast<unsigned long long>(s.ingest.messages), static_cast<unsigned long long>(s.alerts.raised));
    std::fflush(stdout);
  };
  for (std::size_t i = 0;; ++i) {
    const auto due = t0 + step * static_cast<std::int64_t>(i);
    const double t = std::chrono::duration<double>(due - t0).count();
    if (t >= seconds) break;
    if (t >= nextSample) {
      sample(nextSample == 0 ? "start" : "", t);
      if (nextSample == 0) first = last;
      if (warm < 0 && nextSample >= sampleEvery) warm = last;
      nextSample += sampleEvery;
    }
    std::this_thread::sleep_until(due);
    if (!(*pub)->publish("bench/data", payload(i % 300000, (i / 10000) % 2 == 1), 1)) die("publish failed");
  }
  (void)(*pub)->flush(std::chrono::seconds(30));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop.store(true);
  consumer.join();
  sample("end", std::chrono::duration<double>(Clock::now() - t0).count());
  if (warm < 0) warm = first;
  const auto s = chain.monitor->summary();
  std::printf(
      "soak: messages %llu (rejected %llu)  start %.1f MiB  after warm-up %.1f MiB  end %.1f MiB  peak %.1f MiB  "
      "growth after warm-up %.1f MiB\n",
      static_cast<unsigned long long>(s.ingest.messages), static_cast<unsigned long long>(s.ingest.rejectedTotal()),
      first, warm, last, peak, last - warm);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t messages = 100000;
  double rate = 10000, latencySeconds = 5, soakSeconds = 20, soakRate = 5000;
  std::string only = "throughput,latency,soak";  // and "profile"
  const std::string usage =
      "--messages N, --rate R, --latency-seconds S, --soak-seconds S, --soak-rate R, "
      "--only throughput,latency,soak,profile, --durability normal|full";
  if (argc % 2 == 0) die("options come in pairs: " + usage);
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], text = argv[i + 1];
    if (a == "--only") {
      only = text;
      continue;
    }
    if (a == "--durability") {
      if (text != "normal" && text != "full") die("--durability expects normal or full, got '" + text + "'");
      gSettings.durability = text == "full" ? alerts::Durability::Full : alerts::Durability::Normal;
      continue;
    }
    const double v = std::atof(text.c_str());
    if (!(v > 0)) die("option " + a + " needs a positive number");
    if (a == "--messages")
      messages = static_cast<std::size_t>(v);
    else if (a == "--rate")
      rate = v;
    else if (a == "--latency-seconds")
      latencySeconds = v;
    else if (a == "--soak-seconds")
      soakSeconds = v;
    else if (a == "--soak-rate")
      soakRate = v;
    else
      die("unknown option " + a + " (" + usage + ")");
  }
  const auto wanted = [&](const char* part) {
    return ("," + only + ",").find(std::string(",") + part + ",") != std::string::npos;
  };
  ::signal(SIGPIPE, SIG_IGN);
  const std::string sub = findBinary("mosquitto_sub");
  // Unlimited queues so that neither subscriber loses QoS 0 messages while it catches up.
  const bench::BenchBroker broker("bench_mqtt_bench",
                                  "max_queued_messages 0\nmax_queued_bytes 0\nmax_inflight_messages 100\n");
  const int port = broker.port();
  std::printf(
      "mqtt_bench: mosquitto %s on 127.0.0.1:%d, %d sensors, alert log SQLite WAL synchronous=%s, "
      "%u hardware threads\n",
      broker.binary().c_str(), port, kSensors, durabilityName(gSettings.durability),
      std::thread::hardware_concurrency());
  std::fflush(stdout);
  if (wanted("throughput"))
    for (int qos : {0, 1}) throughput(port, qos, messages, sub);
  if (wanted("profile")) profile(20000, 10);
  if (wanted("latency"))
    for (int qos : {0, 1}) {
      transportLatency(port, qos, rate, latencySeconds);
      latency(port, qos, rate, latencySeconds, false);
      latency(port, qos, rate, latencySeconds, true);
    }
  if (wanted("soak")) soak(port, soakSeconds, soakRate);
  return 0;
}
