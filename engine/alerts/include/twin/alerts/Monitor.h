// The live chain without rendering: MQTT and replay sources -> decoding -> ring buffers and
// history -> alert engine. Used by `twin monitor`, the benchmarks and (later) the panels.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "twin/alerts/AlertEngine.h"
#include "twin/core/Result.h"
#include "twin/model/Sensor.h"
#include "twin/sensors/MqttSource.h"
#include "twin/sensors/Partition.h"
#include "twin/sensors/Payload.h"
#include "twin/sensors/Reading.h"
#include "twin/sensors/TimeSeries.h"

namespace twin::alerts {

struct MonitorOptions {
  model::SensorConfig config;
  std::optional<model::MqttConfig> broker;       // replaces config.mqtt's host/port when set (--mqtt)
  std::filesystem::path alertsDb;                // required
  Durability durability = Durability::Normal;    // WAL + NORMAL: survives kill -9; see docs/sensors.md
  std::filesystem::path historyDb;               // empty = no history
  double historyRetentionSeconds = 7 * 86400.0;  // per sensor, counted back from its newest reading's data time
  /** Readings go to the history db in one transaction per interval (and when 8192 are waiting,
      and when the monitor ends), not one per step: a commit per step at 10k msg/s wrote the
      log 30 times over in whole pages. Charts read the ring buffers, which have every reading
      at once; the history db lags by up to this interval. */
  std::chrono::milliseconds historyFlushInterval{250};
  std::size_t samplesPerSensor = 4096;  // ring buffer size per sensor
  std::size_t queueCapacity = 65536;    // MQTT decode queue
  std::size_t maxBatch = 1024;          // messages decoded and judged per step
  bool replay = true;                   // feed replay-bound sensors from their files
  /** false: start() fails when the first MQTT connection attempt fails (refused credentials,
      no broker) or none succeeds within connectTimeout. true: keep retrying in the background. */
  bool waitForBroker = false;
  std::chrono::milliseconds connectTimeout{10000};
  /** Readings stamped more than this past the receiving clock (the network thread's clock for
      MQTT, the monitor's Clock when a replay file is opened) are rejected as bad_timestamp. */
  std::int64_t futureToleranceMs = sensors::kDefaultFutureToleranceMs;
  /** Replay brought up to a moment (`twin run --at`): at start, every replay reading up to this
      data time (UTC epoch ms) is fed at once, in time order, one data time at a time, with
      `replayClock` holding that data time, so that charts carry the history and its alerts are
      raised and stamped with the data's own time. Afterwards the clock runs on from this moment
      and the rest of the replay follows at its speed, or, with replayHoldAtMoment, nothing more
      is replayed and the clock stays there. Needs `replay` and a replayClock, which must be the
      clock given to start(). */
  std::optional<std::int64_t> replayUntilMs;
  class ReplayClock* replayClock = nullptr;
  bool replayHoldAtMoment = false;
  /** Several monitors on one stream (docs/sensors.md, "Several monitors on one stream"): with a
      share group (this, else config.mqtt.shareGroup), this monitor is worker `worker` of
      worker.count. Sensors are hashed into `partitions` partitions (this when > 0, else
      config.mqtt.partitions when > 0, else sensors::kDefaultPartitions); the worker owns the
      partitions k with k % count == index and judges only their sensors: it subscribes to
      "$share/<group>-<k>/twin/part/<k>/<topic>" for each owned k and each sensor topic, feeds
      only their replay sensors, and holds only their alerts. A reading that arrives on a
      partition its sensor does not hash to is counted as wrong_partition and not judged. The
      MQTT session is persistent under "<client id or twin-monitor>-<group>-<index>of<count>"
      (unless the scene sets clean_session true), so a worker that restarts, or a standby
      started with the same slot, gets what the broker queued for that slot meanwhile. */
  std::string shareGroup;
  int partitions = 0;
  sensors::WorkerSlot worker;
};

/** The clock of a replay brought up to a moment: it holds a data time while the replay catches
    up, then runs on from a data time at `speed` data seconds per wall second. Thread-safe. */
class ReplayClock final : public Clock {
 public:
  std::int64_t nowMs() const override;
  /** Stands still at dataMs. */
  void hold(std::int64_t dataMs);
  /** From now on reads fromDataMs + wall time elapsed x speed (speed <= 0: stands still). */
  void run(std::int64_t fromDataMs, double speed);
  /** Whether the clock stands still. */
  bool held() const;

 private:
  mutable std::mutex _mutex;
  std::int64_t _baseMs = 0;
  double _speed = 0;
  std::chrono::steady_clock::time_point _start = std::chrono::steady_clock::now();
};

/** Totals for the closing summary line. */
struct MonitorSummary {
  sensors::IngestStats ingest;       // MQTT messages; queue_full and too_large included; replay
                                     // records stamped too far ahead in bad_timestamp; duplicate
                                     // readings (MQTT or replay) in duplicate
  std::uint64_t wrongSource = 0;     // MQTT readings of a sensor bound elsewhere (replay file, other topic)
  std::uint64_t wrongPartition = 0;  // shared: readings on a partition topic their sensor does not hash to
  std::uint64_t replayed = 0;        // readings fed from replay files
  std::uint64_t replayMissing = 0;   // replay cells that were "NA"/empty
  std::uint64_t connects = 0, disconnects = 0;
  std::uint64_t mqttReceived = 0;     // messages the network thread got on data topics
  std::uint64_t mqttQueued = 0;       // of those, queued for decoding
  std::uint64_t mqttDropped = 0;      // of those, dropped (queue full, too large)
  std::uint64_t mqttUnprocessed = 0;  // still queued, not decoded (0 after drain())
  std::uint64_t replayBadRows = 0;    // replay rows, cells and lines skipped (reported)
  EngineCounters alerts;
  std::size_t activeAlerts = 0;
};

/** Owns the sources, stores and engine of one scene. step() does one round of work on the
    calling thread; the MQTT network thread only fills the bounded queue.
    Thread safety: step()/runFor() from one thread; engine() and series() readers from any. */
class Monitor {
 public:
  /** Error when the alert log cannot be opened, a replay file cannot be opened or its header is
      wrong, the MQTT options are unusable, or (unless options.waitForBroker) the first MQTT
      connection fails. Replay files are read as streams while step() runs. */
  static core::Result<std::unique_ptr<Monitor>> start(const MonitorOptions& options, const Clock& clock);
  /** Shared: the partitions this worker owns (ascending); empty when not sharing. */
  const std::vector<int>& ownedPartitions() const;
  ~Monitor();

  /** Pops up to maxBatch messages (waiting up to `wait` for the first), decodes them, feeds due
      replay readings, updates the series, judges, writes due history (historyFlushInterval), and
      ticks the engine once a second. */
  core::Status step(std::chrono::milliseconds wait);
  /** Steps until `seconds` of wall time pass or *stop becomes true. Negative -> returns at
      once; NaN or 1e9 and more -> runs until *stop becomes true. */
  core::Status runFor(double seconds, const std::atomic<bool>* stop = nullptr);

  /** Ends ingestion for a clean shutdown: disconnects from the broker (unacknowledged QoS 1
      messages of a persistent session stay there for the next run), then decodes and judges
      every message already queued and writes pending history. Replay streams are not read further. */
  core::Status drain();

  AlertEngine& engine();
  const sensors::SeriesStore& series() const;
  const sensors::MqttSource* mqtt() const;  // nullptr when no sensor is bound to MQTT

  /** Reading history (options.historyDb) read through a connection of its own: these may be
      called from any thread while step() runs and see every reading step() has stored. All
      return an error naming the function when there is no history db. */
  bool hasHistory() const;
  /** Samples of one sensor with fromMs <= ts <= toMs, oldest first. */
  core::Result<std::vector<sensors::Sample>> history(const std::string& sensorId, std::int64_t fromMs,
                                                     std::int64_t toMs) const;
  /** The last stored sample of one sensor at or before tsMs; nullopt when none is that old. */
  core::Result<std::optional<sensors::Sample>> historyAt(const std::string& sensorId, std::int64_t tsMs) const;
  /** Oldest and newest stored data time of one sensor; nullopt when it has none. */
  core::Result<std::optional<std::pair<std::int64_t, std::int64_t>>> historyRange(const std::string& sensorId) const;
  MonitorSummary summary() const;
  /** What the background WAL checkpointers of the alert log and of the history db have done
      (sensors::WalCheckpointer). From the thread that calls step(). */
  sensors::WalStats alertLogWalStats() const;
  sensors::WalStats historyWalStats() const;
  /** One JSON line:
     {"messages_received":..,"decoded":..,"rejected":{"invalid_json":..,...,"wrong_partition":..,"wrong_source":..},
      "replayed":..,"alerts_raised":..,"alerts_cleared":..,"alerts_acknowledged":..,"alerts_active":..,
      "mqtt_connects":..,"mqtt_disconnects":..,"mqtt_received":..,"mqtt_queued":..,"mqtt_dropped":..,
      "mqtt_unprocessed":..} */
  static std::string summaryJson(const MonitorSummary& s);

  struct Impl;

 private:
  explicit Monitor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::alerts
