#include "twin/alerts/Monitor.h"

#include <poll.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "twin/core/Assert.h"
#include "twin/core/Log.h"
#include "twin/sensors/DuplicateFilter.h"
#include "twin/sensors/Partition.h"
#include "twin/sensors/Payload.h"
#include "twin/sensors/Replay.h"

namespace twin::alerts {

using core::fail;

namespace {

// One replay file read as a stream: the next reading waits in `ahead` until its paced time.
struct ReplayStream {
  std::unique_ptr<sensors::ReplayReader> reader;
  double speed = 1;
  std::unique_ptr<std::unordered_set<std::string>> ids;  // JSONL: the sensors bound to this file
  std::optional<sensors::Reading> ahead;
  bool ended = false;
  std::unique_ptr<sensors::ReplayPacer> pacer;  // made from the first reading
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

// Pending history rows that force a write before the flush interval is up.
constexpr std::size_t kHistoryFlushRows = 8192;
// Readings per MQTT sensor taken from the history into the duplicate filter at start: far more
// than a broker keeps in flight (Mosquitto's max_inflight_messages is 20).
constexpr std::size_t kRememberedPerSensor = 256;

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
  model::SensorConfig sceneConfig;  // every sensor of the scene; options.config keeps this worker's
  std::unordered_set<std::string> known;
  std::unordered_map<std::string, const model::SensorDef*> defs;  // into sceneConfig
  bool sharing = false;                                           // one of several workers
  int partitions = 0;
  std::vector<int> owned;  // partitions of this worker, ascending
  std::vector<char> ownedMask;
  std::uint64_t wrongPartition = 0;
  std::vector<sensors::Reading> decoded;  // one message's readings, before the source check
  std::uint64_t wrongSource = 0;
  std::vector<ReplayStream> replays;
  std::chrono::steady_clock::time_point replayStart;
  sensors::DuplicateFilter duplicates;
  sensors::IngestStats ingest;
  std::uint64_t replayed = 0;
  std::int64_t lastTickMs = 0, lastRetentionMs = 0;
  std::vector<sensors::MqttMessage> messages;
  std::vector<sensors::Reading> readings;
  std::vector<sensors::Reading> historyPending;  // judged, not yet in the history db
  std::chrono::steady_clock::time_point lastHistoryFlush = std::chrono::steady_clock::now();

  explicit Impl(std::size_t samples) : series(samples) {}

  // Reads on in one replay file; false at its end. A read error ends the monitor's run.
  core::Status peek(ReplayStream& r) {
    if (r.ahead || r.ended) return core::Ok{};
    auto next = r.reader->next();
    if (!next) return next.error();
    if (!*next) {
      r.ended = true;
      const core::Diagnostics& diag = r.reader->diagnostics();
      if (!diag.empty())
        core::logWarning("alerts::Monitor: " + r.reader->file().filename().string() + ": " +
                         std::to_string(diag.total()) + " replay records skipped");
      return core::Ok{};
    }
    r.ahead = **next;
    if (!r.pacer) r.pacer = std::make_unique<sensors::ReplayPacer>(r.ahead->tsMs, r.speed, replayStart);
    return core::Ok{};
  }

  // A redelivered QoS 1 message (or a repeated replay row) is judged once.
  void dropDuplicates(std::vector<sensors::Reading>& batch) {
    batch.erase(std::remove_if(batch.begin(), batch.end(),
                               [&](const sensors::Reading& r) {
                                 if (duplicates.firstTime(r)) return false;
                                 ingest.reject(sensors::RejectReason::Duplicate);
                                 return true;
                               }),
                batch.end());
  }

  // Feeds every replay reading up to untilMs, one data time at a time with the clock held there
  // (judged, then ticked, as the live loop would at that moment), then sets the clock and the
  // pacers going from untilMs, or stops the replay there. The files are read as streams: each
  // stream's next reading waits in `ahead`, so only one reading per file is held beyond the batch.
  core::Status catchUp(std::int64_t untilMs, ReplayClock& clock) {
    std::vector<sensors::Reading> batch;
    for (;;) {
      std::int64_t t = std::numeric_limits<std::int64_t>::max();
      for (ReplayStream& r : replays) {
        if (auto s = peek(r); !s) return s;
        if (r.ahead && r.ahead->tsMs <= untilMs) t = std::min(t, r.ahead->tsMs);
      }
      if (t == std::numeric_limits<std::int64_t>::max()) break;
      batch.clear();
      for (ReplayStream& r : replays) {
        for (;;) {
          if (auto s = peek(r); !s) return s;
          if (!r.ahead || r.ahead->tsMs != t) break;
          batch.push_back(std::move(*r.ahead));
          r.ahead.reset();
          ++replayed;
        }
      }
      dropDuplicates(batch);
      clock.hold(t);
      if (batch.empty()) continue;
      series.add(batch);
      if (auto s = engine->process(batch); !s) return s;
      if (auto s = engine->tick(); !s) return s;
      if (history) historyPending.insert(historyPending.end(), batch.begin(), batch.end());
      if (historyPending.size() >= kHistoryFlushRows)
        if (auto s = flushHistory(); !s) return s;
    }
    if (auto s = flushHistory(); !s) return s;
    const double speed = replays.empty() ? 0 : replays.front().speed;
    if (options.replayHoldAtMoment) {
      // Ended rather than dropped: the summary still reports the files' skipped rows.
      for (ReplayStream& r : replays) {
        r.ended = true;
        r.ahead.reset();
      }
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

core::Result<std::unique_ptr<Monitor>> Monitor::start(const MonitorOptions& options, const Clock& clock) {
  const std::string where = "alerts::Monitor::start(): ";
  if (options.alertsDb.empty()) return fail(where + "no alert log file given");
  auto impl = std::make_unique<Impl>(options.samplesPerSensor);
  impl->options = options;
  impl->clock = &clock;
  impl->sceneConfig = options.config;
  for (const model::SensorDef& s : impl->sceneConfig.sensors) {
    impl->known.insert(s.id);
    impl->defs[s.id] = &s;
  }
  // Several workers: this one keeps the sensors of its partitions for its rules and replay, and
  // still decodes every scene sensor, so a reading routed to the wrong worker is counted.
  const std::string group = !options.shareGroup.empty() ? options.shareGroup : options.config.mqtt.shareGroup;
  if (!group.empty()) {
    if (auto s = sensors::checkShareGroup(group, "alerts::Monitor::start()"); !s) return s.error();
    impl->sharing = true;
    impl->partitions = options.partitions > 0               ? options.partitions
                       : options.config.mqtt.partitions > 0 ? options.config.mqtt.partitions
                                                            : sensors::kDefaultPartitions;
    auto owned = sensors::workerPartitions(options.worker, impl->partitions);
    if (!owned) return fail(where + owned.error().message);
    impl->owned = *owned;
    impl->ownedMask.assign(static_cast<std::size_t>(impl->partitions), 0);
    for (int k : impl->owned) impl->ownedMask[static_cast<std::size_t>(k)] = 1;
    auto& mine = impl->options.config.sensors;
    mine.erase(
        std::remove_if(
            mine.begin(), mine.end(),
            [&](const model::SensorDef& d) {
              return !impl->ownedMask[static_cast<std::size_t>(sensors::sensorPartition(d.id, impl->partitions))];
            }),
        mine.end());
  } else if (options.worker.count > 1) {
    return fail(where + "worker " + std::to_string(options.worker.index) + "/" + std::to_string(options.worker.count) +
                " needs a share group (--share GROUP or mqtt.share_group)");
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
    // A persistent MQTT session redelivers what was in flight when the last run ended: the
    // readings that run already judged and stored are remembered, so they are not judged twice.
    // (Replay sensors are not: a replay run again is judged again, on purpose.)
    for (const model::SensorDef& s : options.config.sensors) {
      if (s.source.kind != model::SourceKind::Mqtt) continue;
      auto stored = impl->history->latest(s.id, kRememberedPerSensor);
      if (!stored) return stored.error();
      for (const sensors::Sample& sample : *stored) impl->duplicates.firstTime({s.id, sample.tsMs, sample.value, true});
    }
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
  for (const model::SensorDef& s : impl->options.config.sensors) {
    if (s.source.kind != model::SourceKind::Mqtt) continue;
    // Shared: the sensor's own partition's group and topic; several sensors of a partition
    // on one topic share one subscription.
    const std::string filter =
        impl->sharing
            ? sensors::partitionSubscription(group, sensors::sensorPartition(s.id, impl->partitions), s.source.topic)
            : s.source.topic;
    if (!topics.insert(filter).second) continue;
    mqtt.topics.emplace_back(filter, s.source.qos >= 0 ? s.source.qos : mqtt.broker.qos);
  }
  if (impl->sharing) {
    // A fixed id per slot: whoever runs this slot next resumes the session and its queue.
    const std::string base = mqtt.broker.clientId.empty() ? std::string("twin-monitor") : mqtt.broker.clientId;
    mqtt.broker.clientId =
        base + "-" + group + "-" + std::to_string(options.worker.index) + "of" + std::to_string(options.worker.count);
    mqtt.cleanSession = mqtt.broker.cleanSession.value_or(false);
  }
  if (!mqtt.topics.empty()) {
    auto source = sensors::MqttSource::start(mqtt);
    if (!source) return source.error();
    impl->source = std::move(*source);
    if (!options.waitForBroker) {
      auto first = impl->source->waitFirstConnection(options.connectTimeout);
      if (!first)
        return fail(where + first.error().message +
                    " (to keep retrying instead, wait for the broker: --wait-for-broker)");
    }
  }

  // Replay: sensors sharing a file and its time settings are read in one pass.
  if (options.replay) {
    std::vector<std::vector<const model::SensorDef*>> groups;
    for (const model::SensorDef& s : impl->options.config.sensors) {
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
    impl->replayStart = std::chrono::steady_clock::now();
    sensors::ReplayFileOptions limits;
    // A replay brought up to a moment runs on a ReplayClock that is not set yet (and later holds
    // data time): "too far ahead" is then judged against the system clock.
    limits.latestMs = (options.replayUntilMs ? SystemClock().nowMs() : clock.nowMs()) + options.futureToleranceMs;
    for (const auto& g : groups) {
      const model::ReplayMapping& m = g.front()->source.replay;
      ReplayStream stream;
      stream.speed = m.speed;
      limits.allowDevice = m.device;
      if (m.format == "csv") {
        sensors::CsvMapping csv;
        for (const model::SensorDef* s : g) csv.columns[s->source.replay.column] = s->id;
        csv.timeColumn = m.timeColumn;
        csv.utcOffsetMinutes = m.utcOffsetMinutes;
        csv.missing = m.missing;
        auto r = sensors::ReplayReader::openCsv(m.file, csv, limits);
        if (!r) return r.error();
        stream.reader = std::move(*r);
      } else {
        // The reader keeps its decode options: the id set lives on the heap beside it.
        stream.ids = std::make_unique<std::unordered_set<std::string>>();
        for (const model::SensorDef* s : g) stream.ids->insert(s->id);
        sensors::DecodeOptions decode;
        decode.knownSensors = stream.ids.get();
        auto r = sensors::ReplayReader::openJsonl(m.file, decode, limits);
        if (!r) return r.error();
        stream.reader = std::move(*r);
      }
      impl->replays.push_back(std::move(stream));
    }
  }
  if (options.replayUntilMs) {
    TWIN_ASSERT(options.replay && options.replayClock == &clock,
                "alerts::Monitor::start(): replayUntilMs needs replay and replayClock as the monitor's clock");
    // The engine takes "now" as every sensor's last sign of life: start it at the data's first
    // time, not at 0, or the first tick would find every sensor silent for decades.
    std::int64_t first = *options.replayUntilMs;
    for (ReplayStream& r : impl->replays) {
      if (auto s = impl->peek(r); !s) return s.error();
      if (r.ahead) first = std::min(first, r.ahead->tsMs);
    }
    options.replayClock->hold(first);
  }
  EngineOptions engineOptions;
  engineOptions.onlyConfiguredSensors = impl->sharing;
  auto engine = AlertEngine::create(impl->options.config, *impl->store, clock, engineOptions);
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
  if (!s)
    core::logWarning("alerts::Monitor: " + std::to_string(_impl->historyPending.size()) +
                     " readings not written to the history db: " + s.error().message);
}

core::Status Monitor::step(std::chrono::milliseconds wait) {
  Impl& m = *_impl;
  m.messages.clear();
  m.readings.clear();
  const auto now = std::chrono::steady_clock::now();
  bool replayDue = false;
  for (ReplayStream& r : m.replays) {
    auto s = m.peek(r);
    if (!s) return s;
    replayDue = replayDue || (r.ahead && r.pacer->due(r.ahead->tsMs, now));
  }
  if (m.source) {
    m.source->pop(m.messages, m.options.maxBatch, replayDue ? std::chrono::milliseconds(0) : wait);
  } else if (!replayDue) {
    const auto nap = std::min(wait, std::chrono::milliseconds(50));
    // A shared log's notifications end the nap: another seat's acknowledgement shows at once.
    if (const int fd = m.store->notificationSocket(); fd >= 0) {
      pollfd p{fd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(nap.count()));
    } else {
      std::this_thread::sleep_for(nap);
    }
  }
  if (m.store->notificationSocket() >= 0) {
    // Only the socket is read here; the log is queried when another seat has committed.
    auto taken = m.engine->takeOverChanges();
    if (!taken) return taken.error();
  }
  sensors::DecodeOptions decode;
  decode.knownSensors = &m.known;
  for (const sensors::MqttMessage& msg : m.messages) {
    // Shared: "twin/part/<k>/<topic>" -> partition k and the sensor's own topic.
    int partition = -1;
    std::optional<std::pair<int, std::string>> split;
    if (m.sharing && (split = sensors::splitPartitionTopic(msg.topic))) partition = split->first;
    const std::string& topic = split ? split->second : msg.topic;
    m.decoded.clear();
    decode.latestMs = msg.receivedMs + m.options.futureToleranceMs;
    sensors::decodePayload(msg.payload, msg.receivedMs, decode, m.decoded, m.ingest);
    // A sensor bound to a replay file, or to a topic, takes readings from there only: a payload
    // naming it on another topic (another sensor's, a test publisher's) is rejected as wrong_source.
    for (sensors::Reading& r : m.decoded) {
      const model::SensorDef* def = m.defs.at(r.sensorId);
      if (def->source.kind != model::SourceKind::Mqtt || !topicMatches(def->source.topic, topic)) {
        ++m.wrongSource;
        continue;
      }
      // Its partition's worker alone holds a sensor's history: a reading routed elsewhere is
      // not judged here, or a rate or pending rule would see part of a sensor's readings.
      if (m.sharing && (partition != sensors::sensorPartition(r.sensorId, m.partitions) ||
                        !m.ownedMask[static_cast<std::size_t>(partition)])) {
        ++m.wrongPartition;
        continue;
      }
      m.readings.push_back(std::move(r));
    }
  }
  const auto after = std::chrono::steady_clock::now();
  // At most 4 batches of replay readings per step, so runFor() sees its end time even when a
  // replay at speed 0 has millions of rows.
  for (ReplayStream& r : m.replays) {
    while (m.readings.size() < 4 * m.options.maxBatch) {
      auto s = m.peek(r);
      if (!s) return s;
      if (!r.ahead || !r.pacer->due(r.ahead->tsMs, after)) break;
      m.readings.push_back(std::move(*r.ahead));
      r.ahead.reset();
      ++m.replayed;
    }
  }
  m.dropDuplicates(m.readings);
  if (!m.readings.empty()) {
    m.series.add(m.readings);
    // Alerts first: the history write is for charts and must not delay an alert on screen.
    auto s = m.engine->process(m.readings);
    if (!s) return s;
    if (m.history) m.historyPending.insert(m.historyPending.end(), m.readings.begin(), m.readings.end());
  }
  if (!m.historyPending.empty() &&
      (m.historyPending.size() >= kHistoryFlushRows ||
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

core::Status Monitor::drain() {
  Impl& m = *_impl;
  for (ReplayStream& r : m.replays) {
    r.ended = true;
    r.ahead.reset();
  }
  if (m.source) {
    m.source->stop();
    while (m.source->queued() > 0) {
      auto s = step(std::chrono::milliseconds(0));
      if (!s) return s;
    }
  }
  return m.flushHistory();
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
const std::vector<int>& Monitor::ownedPartitions() const { return _impl->owned; }

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

core::Result<std::optional<std::pair<std::int64_t, std::int64_t>>> Monitor::historyRange(
    const std::string& sensorId) const {
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
    s.mqttReceived = c.received;
    s.mqttQueued = c.queued;
    s.mqttDropped = c.queueFull + c.tooLarge;
    s.mqttUnprocessed = _impl->source->queued();
  }
  for (const ReplayStream& r : _impl->replays) {
    const sensors::ReplayStats& rs = r.reader->stats();
    s.ingest.reject(sensors::RejectReason::BadTimestamp,
                    rs.badTimestamps + r.reader->ingest().rejectedCount(sensors::RejectReason::BadTimestamp));
    s.replayBadRows += rs.badRows + rs.badCells;
    s.replayMissing += rs.missing;
  }
  s.wrongSource = _impl->wrongSource;
  s.wrongPartition = _impl->wrongPartition;
  s.replayed = _impl->replayed;
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
  rejected["wrong_partition"] = s.wrongPartition;
  rejected["wrong_source"] = s.wrongSource;
  j["rejected"] = rejected;
  j["rejected_total"] = s.ingest.rejectedTotal() + s.wrongSource + s.wrongPartition;
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
  j["mqtt_received"] = s.mqttReceived;
  j["mqtt_queued"] = s.mqttQueued;
  j["mqtt_dropped"] = s.mqttDropped;
  j["mqtt_unprocessed"] = s.mqttUnprocessed;
  j["replay_bad_rows"] = s.replayBadRows;
  return j.dump();
}

std::int64_t ReplayClock::nowMs() const {
  std::lock_guard<std::mutex> lock(_mutex);
  if (!(_speed > 0)) return _baseMs;
  const double elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - _start).count();
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
