#include "twin/alerts/Monitor.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "twin/core/Assert.h"
#include "twin/core/Log.h"
#include "twin/sensors/Payload.h"
#include "twin/sensors/Replay.h"

namespace twin::alerts {

using core::fail;

namespace {

// All readings of one replay file, fed as their paced time comes.
struct ReplayStream {
  std::vector<sensors::Reading> readings;
  std::size_t next = 0;
  double speed = 1;
  std::unique_ptr<sensors::ReplayPacer> pacer;
};

std::vector<std::string> topicLevels(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = s.find('/', start);
    out.push_back(s.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) return out;
    start = slash + 1;
  }
}

// MQTT topic filter matching (MQTT 3.1.1 section 4.7): "+" one level, "#" this level and all below.
bool topicMatches(const std::string& filter, const std::string& topic) {
  const auto f = topicLevels(filter), t = topicLevels(topic);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") return true;
    if (i >= t.size() || (f[i] != "+" && f[i] != t[i])) return false;
  }
  return f.size() == t.size();
}

}  // namespace

struct Monitor::Impl {
  MonitorOptions options;
  const Clock* clock = nullptr;
  std::unique_ptr<AlertStore> store;
  std::unique_ptr<AlertEngine> engine;
  std::unique_ptr<sensors::HistoryDb> history;
  std::unique_ptr<sensors::HistoryDb> historyReader;  // the UI thread's own connection
  mutable std::mutex historyReaderMutex;
  std::unique_ptr<sensors::MqttSource> source;
  sensors::SeriesStore series;
  std::unordered_set<std::string> known;
  std::unordered_map<std::string, const model::SensorDef*> defs;  // into options.config
  std::vector<sensors::Reading> decoded;  // one message's readings, before the source check
  std::uint64_t wrongSource = 0;
  std::vector<ReplayStream> replays;
  sensors::IngestStats ingest;
  std::uint64_t replayed = 0, replayMissing = 0;
  std::int64_t lastTickMs = 0, lastRetentionMs = 0;
  std::vector<sensors::MqttMessage> messages;
  std::vector<sensors::Reading> readings;
  std::vector<sensors::Reading> historyPending;  // judged, not yet in the history db
  std::chrono::steady_clock::time_point lastHistoryFlush = std::chrono::steady_clock::now();

  explicit Impl(std::size_t samples) : series(samples) {}

  // Feeds every replay reading up to untilMs, one data time at a time with the clock held there
  // (judged, then ticked, as the live loop would at that moment), then sets the clock and the
  // pacers going from untilMs, or stops the replay there.
  core::Status catchUp(std::int64_t untilMs, ReplayClock& clock) {
    std::vector<sensors::Reading> batch;
    for (;;) {
      std::int64_t t = std::numeric_limits<std::int64_t>::max();
      for (const ReplayStream& r : replays)
        if (r.next < r.readings.size() && r.readings[r.next].tsMs <= untilMs) t = std::min(t, r.readings[r.next].tsMs);
      if (t == std::numeric_limits<std::int64_t>::max()) break;
      batch.clear();
      for (ReplayStream& r : replays)
        while (r.next < r.readings.size() && r.readings[r.next].tsMs == t) batch.push_back(r.readings[r.next++]);
      clock.hold(t);
      series.add(batch);
      replayed += batch.size();
      if (auto s = engine->process(batch); !s) return s;
      if (auto s = engine->tick(); !s) return s;
      if (history) historyPending.insert(historyPending.end(), batch.begin(), batch.end());
    }
    if (auto s = flushHistory(); !s) return s;
    const double speed = replays.empty() ? 0 : replays.front().speed;
    if (options.replayHoldAtMoment) {
      replays.clear();
      clock.hold(untilMs);
    } else {
      const auto now = std::chrono::steady_clock::now();
      for (ReplayStream& r : replays) r.pacer = std::make_unique<sensors::ReplayPacer>(untilMs, r.speed, now);
      clock.run(untilMs, speed);
    }
    return core::Ok{};
  }

  core::Status flushHistory() {
    lastHistoryFlush = std::chrono::steady_clock::now();
    if (!history || historyPending.empty()) return core::Ok{};
    auto s = history->append(historyPending);
    if (s) historyPending.clear();  // on error kept, and tried again at the next flush
    return s;
  }
};

constexpr std::size_t kHistoryFlushRows = 8192;

core::Result<std::unique_ptr<Monitor>> Monitor::start(const MonitorOptions& options, const Clock& clock) {
  const std::string where = "alerts::Monitor::start(): ";
  if (options.alertsDb.empty()) return fail(where + "no alert log file given");
  auto impl = std::make_unique<Impl>(options.samplesPerSensor);
  impl->options = options;
  impl->clock = &clock;
  for (const model::SensorDef& s : impl->options.config.sensors) {
    impl->known.insert(s.id);
    impl->defs[s.id] = &s;
  }

  auto store = AlertStore::open(options.alertsDb, options.durability);
  if (!store) return store.error();
  impl->store = std::move(*store);
  if (!options.historyDb.empty()) {
    auto history = sensors::HistoryDb::open(options.historyDb, options.historyRetentionSeconds);
    if (!history) return history.error();
    impl->history = std::move(*history);
    auto reader = sensors::HistoryDb::open(options.historyDb, options.historyRetentionSeconds);
    if (!reader) return reader.error();
    impl->historyReader = std::move(*reader);
  }

  // MQTT: one subscription per distinct topic of the MQTT-bound sensors.
  sensors::MqttSourceOptions mqtt;
  mqtt.broker = options.config.mqtt;
  if (options.broker) {
    mqtt.broker.host = options.broker->host;
    mqtt.broker.port = options.broker->port;
  }
  mqtt.queueCapacity = options.queueCapacity;
  std::set<std::string> topics;
  for (const model::SensorDef& s : options.config.sensors) {
    if (s.source.kind != model::SourceKind::Mqtt || !topics.insert(s.source.topic).second) continue;
    mqtt.topics.emplace_back(s.source.topic, s.source.qos >= 0 ? s.source.qos : mqtt.broker.qos);
  }
  if (!mqtt.topics.empty()) {
    auto source = sensors::MqttSource::start(mqtt);
    if (!source) return source.error();
    impl->source = std::move(*source);
  }

  // Replay: sensors sharing a file and its time settings are read in one pass.
  if (options.replay) {
    std::vector<std::vector<const model::SensorDef*>> groups;
    for (const model::SensorDef& s : options.config.sensors) {
      if (s.source.kind != model::SourceKind::Replay) continue;
      const model::ReplayMapping& m = s.source.replay;
      bool placed = false;
      for (auto& g : groups) {
        const model::ReplayMapping& f = g.front()->source.replay;
        bool columnTaken = false;
        for (const model::SensorDef* other : g) columnTaken = columnTaken || other->source.replay.column == m.column;
        if (f.file == m.file && f.format == m.format && f.timeColumn == m.timeColumn &&
            f.utcOffsetMinutes == m.utcOffsetMinutes && f.missing == m.missing && !(m.format == "csv" && columnTaken)) {
          g.push_back(&s);
          placed = true;
          break;
        }
      }
      if (!placed) groups.push_back({&s});
    }
    const auto startTime = std::chrono::steady_clock::now();
    for (const auto& g : groups) {
      const model::ReplayMapping& m = g.front()->source.replay;
      ReplayStream stream;
      core::Diagnostics diag;
      if (m.format == "csv") {
        sensors::CsvMapping csv;
        for (const model::SensorDef* s : g) csv.columns[s->source.replay.column] = s->id;
        csv.timeColumn = m.timeColumn;
        csv.utcOffsetMinutes = m.utcOffsetMinutes;
        csv.missing = m.missing;
        sensors::ReplayStats stats;
        auto r = sensors::readReplayCsv(m.file, csv, diag, &stats);
        if (!r) return r.error();
        stream.readings = std::move(*r);
        impl->replayMissing += stats.missing;
      } else {
        std::unordered_set<std::string> ids;
        for (const model::SensorDef* s : g) ids.insert(s->id);
        sensors::DecodeOptions decode;
        decode.knownSensors = &ids;
        sensors::IngestStats stats;
        auto r = sensors::readReplayJsonl(m.file, decode, stats, diag);
        if (!r) return r.error();
        stream.readings = std::move(*r);
      }
      if (!diag.empty())
        core::logWarning("alerts::Monitor: " + m.file.filename().string() + ": " + std::to_string(diag.total()) +
                         " replay records skipped");
      if (stream.readings.empty()) continue;
      stream.speed = m.speed;
      stream.pacer = std::make_unique<sensors::ReplayPacer>(stream.readings.front().tsMs, m.speed, startTime);
      impl->replays.push_back(std::move(stream));
    }
  }
  if (options.replayUntilMs) {
    TWIN_ASSERT(options.replay && options.replayClock == &clock,
                "alerts::Monitor::start(): replayUntilMs needs replay and replayClock as the monitor's clock");
    // The engine takes "now" as every sensor's last sign of life: start it at the data's first
    // time, not at 0, or the first tick would find every sensor silent for decades.
    std::int64_t first = *options.replayUntilMs;
    for (const ReplayStream& r : impl->replays) first = std::min(first, r.readings.front().tsMs);
    options.replayClock->hold(first);
  }
  auto engine = AlertEngine::create(options.config, *impl->store, clock);
  if (!engine) return engine.error();
  impl->engine = std::move(*engine);
  if (options.replayUntilMs) {
    auto caught = impl->catchUp(*options.replayUntilMs, *options.replayClock);
    if (!caught) return caught.error();
  }
  impl->lastTickMs = clock.nowMs();
  impl->lastRetentionMs = impl->lastTickMs;
  return std::unique_ptr<Monitor>(new Monitor(std::move(impl)));
}

Monitor::Monitor(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
Monitor::~Monitor() {
  auto s = _impl->flushHistory();
  if (!s) core::logWarning("alerts::Monitor: " + std::to_string(_impl->historyPending.size()) +
                           " readings not written to the history db: " + s.error().message);
}

core::Status Monitor::step(std::chrono::milliseconds wait) {
  Impl& m = *_impl;
  m.messages.clear();
  m.readings.clear();
  const auto now = std::chrono::steady_clock::now();
  bool replayDue = false;
  for (ReplayStream& r : m.replays) replayDue = replayDue || (r.next < r.readings.size() && r.pacer->due(r.readings[r.next].tsMs, now));
  if (m.source) {
    m.source->pop(m.messages, m.options.maxBatch, replayDue ? std::chrono::milliseconds(0) : wait);
  } else if (!replayDue) {
    std::this_thread::sleep_for(std::min(wait, std::chrono::milliseconds(50)));
  }
  sensors::DecodeOptions decode;
  decode.knownSensors = &m.known;
  for (const sensors::MqttMessage& msg : m.messages) {
    m.decoded.clear();
    sensors::decodePayload(msg.payload, msg.receivedMs, decode, m.decoded, m.ingest);
    // A sensor bound to a replay file, or to a topic, takes readings from there only: a payload
    // naming it on another topic (another sensor's, a test publisher's) is rejected as wrong_source.
    for (sensors::Reading& r : m.decoded) {
      const model::SensorDef* def = m.defs.at(r.sensorId);
      if (def->source.kind != model::SourceKind::Mqtt || !topicMatches(def->source.topic, msg.topic)) {
        ++m.wrongSource;
        continue;
      }
      m.readings.push_back(std::move(r));
    }
  }
  const auto after = std::chrono::steady_clock::now();
  for (ReplayStream& r : m.replays) {
    while (r.next < r.readings.size() && r.pacer->due(r.readings[r.next].tsMs, after) && m.readings.size() < 4 * m.options.maxBatch) {
      m.readings.push_back(r.readings[r.next++]);
      ++m.replayed;
    }
  }
  if (!m.readings.empty()) {
    m.series.add(m.readings);
    // Alerts first: the history write is for charts and must not delay an alert on screen.
    auto s = m.engine->process(m.readings);
    if (!s) return s;
    if (m.history) m.historyPending.insert(m.historyPending.end(), m.readings.begin(), m.readings.end());
  }
  if (!m.historyPending.empty() && (m.historyPending.size() >= kHistoryFlushRows ||
                                    std::chrono::steady_clock::now() - m.lastHistoryFlush >= m.options.historyFlushInterval)) {
    auto s = m.flushHistory();
    if (!s) return s;
  }
  const std::int64_t clockNow = m.clock->nowMs();
  if (clockNow - m.lastTickMs >= 1000) {
    m.lastTickMs = clockNow;
    if (m.source)
      for (const auto& [id, status] : m.source->sensorStatus()) m.engine->setLinkStatus(id, status);
    auto s = m.engine->tick();
    if (!s) return s;
  }
  if (m.history && clockNow - m.lastRetentionMs >= 60000) {
    m.lastRetentionMs = clockNow;
    auto flushed = m.flushHistory();  // rows waiting are judged by the same retention
    if (!flushed) return flushed;
    auto removed = m.history->applyRetentionPerSensor();
    if (!removed) return removed.error();
  }
  return core::Ok{};
}

core::Status Monitor::runFor(double seconds, const std::atomic<bool>* stop) {
  // Past a billion seconds the end time would overflow steady_clock's nanoseconds: such a run
  // (and NaN) means "until stopped".
  using Clock = std::chrono::steady_clock;
  const bool untilStopped = !(seconds < 1e9);
  const auto end = untilStopped ? Clock::time_point::max()
                                : Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                     std::chrono::duration<double>(std::max(0.0, seconds)));
  while (Clock::now() < end && !(stop && stop->load())) {
    auto s = step(std::chrono::milliseconds(50));
    if (!s) return s;
  }
  return core::Ok{};
}

AlertEngine& Monitor::engine() { return *_impl->engine; }
const sensors::SeriesStore& Monitor::series() const { return _impl->series; }
const sensors::MqttSource* Monitor::mqtt() const { return _impl->source.get(); }

bool Monitor::hasHistory() const { return _impl->historyReader != nullptr; }

core::Result<std::vector<sensors::Sample>> Monitor::history(const std::string& sensorId, std::int64_t fromMs,
                                                            std::int64_t toMs) const {
  if (!_impl->historyReader) return fail("alerts::Monitor::history(): no history db");
  std::lock_guard<std::mutex> lock(_impl->historyReaderMutex);
  return _impl->historyReader->query(sensorId, fromMs, toMs);
}

core::Result<std::optional<sensors::Sample>> Monitor::historyAt(const std::string& sensorId, std::int64_t tsMs) const {
  if (!_impl->historyReader) return fail("alerts::Monitor::historyAt(): no history db");
  std::lock_guard<std::mutex> lock(_impl->historyReaderMutex);
  return _impl->historyReader->sampleAt(sensorId, tsMs);
}

core::Result<std::optional<std::pair<std::int64_t, std::int64_t>>> Monitor::historyRange(const std::string& sensorId) const {
  if (!_impl->historyReader) return fail("alerts::Monitor::historyRange(): no history db");
  std::lock_guard<std::mutex> lock(_impl->historyReaderMutex);
  return _impl->historyReader->timeRange(sensorId);
}

sensors::WalStats Monitor::alertLogWalStats() const { return _impl->store->walStats(); }

sensors::WalStats Monitor::historyWalStats() const {
  return _impl->history ? _impl->history->walStats() : sensors::WalStats{};
}

MonitorSummary Monitor::summary() const {
  MonitorSummary s;
  s.ingest = _impl->ingest;
  if (_impl->source) {
    const sensors::MqttCounters c = _impl->source->counters();
    s.ingest.messages += c.queueFull + c.tooLarge;
    s.ingest.reject(sensors::RejectReason::QueueFull, c.queueFull);
    s.ingest.reject(sensors::RejectReason::TooLarge, c.tooLarge);
    s.connects = c.connects;
    s.disconnects = c.disconnects;
  }
  s.wrongSource = _impl->wrongSource;
  s.replayed = _impl->replayed;
  s.replayMissing = _impl->replayMissing;
  s.alerts = _impl->engine->counters();
  s.activeAlerts = _impl->engine->activeAlerts().size();
  return s;
}

std::string Monitor::summaryJson(const MonitorSummary& s) {
  nlohmann::ordered_json j;
  j["messages_received"] = s.ingest.messages;
  j["decoded"] = s.ingest.decoded;
  nlohmann::ordered_json rejected = nlohmann::ordered_json::object();
  for (int i = 0; i < sensors::kRejectReasonCount; ++i)
    rejected[sensors::rejectReasonName(static_cast<sensors::RejectReason>(i))] = s.ingest.rejected[i];
  rejected["wrong_source"] = s.wrongSource;
  j["rejected"] = rejected;
  j["rejected_total"] = s.ingest.rejectedTotal() + s.wrongSource;
  j["replayed"] = s.replayed;
  j["replay_missing"] = s.replayMissing;
  j["readings_judged"] = s.alerts.readings;
  j["quality_events"] = s.alerts.qualityEvents;
  j["alerts_raised"] = s.alerts.raised;
  j["alerts_cleared"] = s.alerts.cleared;
  j["alerts_acknowledged"] = s.alerts.acknowledged;
  j["alerts_active"] = s.activeAlerts;
  j["mqtt_connects"] = s.connects;
  j["mqtt_disconnects"] = s.disconnects;
  return j.dump();
}

std::int64_t ReplayClock::nowMs() const {
  std::lock_guard<std::mutex> lock(_mutex);
  if (!(_speed > 0)) return _baseMs;
  const double elapsedMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - _start).count();
  return _baseMs + static_cast<std::int64_t>(elapsedMs * _speed);
}

void ReplayClock::hold(std::int64_t dataMs) {
  std::lock_guard<std::mutex> lock(_mutex);
  _baseMs = dataMs;
  _speed = 0;
}

void ReplayClock::run(std::int64_t fromDataMs, double speed) {
  std::lock_guard<std::mutex> lock(_mutex);
  _baseMs = fromDataMs;
  _speed = speed;
  _start = std::chrono::steady_clock::now();
}

bool ReplayClock::held() const {
  std::lock_guard<std::mutex> lock(_mutex);
  return !(_speed > 0);
}

}  // namespace twin::alerts
