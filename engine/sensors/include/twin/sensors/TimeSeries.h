// Time series: per-sensor ring buffers for charts, and the SQLite history with retention.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "twin/core/Result.h"
#include "twin/sensors/Reading.h"
#include "twin/sensors/WalCheckpointer.h"

namespace twin::sensors {

struct Sample {
  std::int64_t tsMs = 0;  // UTC epoch ms
  double value = 0;
};

/** Fixed-capacity ring of samples; the oldest is overwritten when full. Memory grows with the
    samples up to the capacity. Not thread-safe. */
class RingBuffer {
 public:
  explicit RingBuffer(std::size_t capacity);  // capacity >= 1
  void push(const Sample& s);
  std::size_t size() const { return _size; }
  std::size_t capacity() const { return _capacity; }
  std::vector<Sample> samples() const;  // oldest first
  std::optional<Sample> latest() const;

 private:
  std::vector<Sample> _data;  // grows to _capacity
  std::size_t _capacity;
  std::size_t _head = 0, _size = 0;
};

/** One ring buffer per sensor. Non-finite readings are ignored (they are quality events, not
    values). Thread-safe: add() from the ingest thread, reads from the UI thread. Memory is
    bounded by sensors x capacity. */
class SeriesStore {
 public:
  explicit SeriesStore(std::size_t samplesPerSensor = 4096);
  void add(const Reading& r);
  void add(const std::vector<Reading>& readings);
  std::vector<Sample> series(const std::string& sensorId) const;  // empty for an unknown sensor
  std::optional<Sample> latest(const std::string& sensorId) const;
  std::vector<std::string> sensorIds() const;

 private:
  mutable std::mutex _mutex;
  std::size_t _capacity;
  std::map<std::string, RingBuffer> _buffers;
};

/** Reading history in SQLite (WAL, synchronous=NORMAL: history may lose its last transaction on
    a power cut, never its consistency). Several connections may open one file: a reader on
    another thread opens its own HistoryDb and sees every committed append(). Retention: rows older than
   `retentionSeconds` before the newest applyRetention() time are deleted. The first write starts a WalCheckpointer, so
   that checkpoints do not stall append(). Not thread-safe; one owner thread. */
class HistoryDb {
 public:
  static core::Result<std::unique_ptr<HistoryDb>> open(const std::filesystem::path& file, double retentionSeconds);
  ~HistoryDb();
  HistoryDb(const HistoryDb&) = delete;
  HistoryDb& operator=(const HistoryDb&) = delete;

  /** Appends finite readings in one transaction. */
  core::Status append(const std::vector<Reading>& readings);
  /** Deletes rows with ts < nowMs - retention; returns how many. */
  core::Result<std::int64_t> applyRetention(std::int64_t nowMs);
  /** Per sensor, deletes rows older than retention before that sensor's newest row (data
      time): a replayed 2013 series keeps its last `retention` however new other sensors' data
      is. Returns how many rows were deleted. */
  core::Result<std::int64_t> applyRetentionPerSensor();
  /** Samples of one sensor with fromMs <= ts <= toMs, oldest first. */
  core::Result<std::vector<Sample>> query(const std::string& sensorId, std::int64_t fromMs, std::int64_t toMs) const;
  /** The newest `limit` samples of one sensor, newest first. */
  core::Result<std::vector<Sample>> latest(const std::string& sensorId, std::size_t limit) const;
  /** The last sample of one sensor with ts <= tsMs; nullopt when it has none that old. */
  core::Result<std::optional<Sample>> sampleAt(const std::string& sensorId, std::int64_t tsMs) const;
  /** Oldest and newest ts of one sensor; nullopt when it has no rows. */
  core::Result<std::optional<std::pair<std::int64_t, std::int64_t>>> timeRange(const std::string& sensorId) const;
  core::Result<std::int64_t> rowCount() const;
  /** What the background checkpointer (started by the first write) has done; zeros before. */
  WalStats walStats() const;

  struct Impl;

 private:
  explicit HistoryDb(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::sensors
