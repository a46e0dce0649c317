#include "twin/sensors/TimeSeries.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>

#include "twin/core/Assert.h"

namespace twin::sensors {

using core::fail;

RingBuffer::RingBuffer(std::size_t capacity) : _capacity(capacity) {
  TWIN_ASSERT(capacity >= 1, "sensors::RingBuffer: capacity must be >= 1");
}

void RingBuffer::push(const Sample& s) {
  // Grows to capacity as samples come (a new sensor costs nothing up front), then overwrites.
  if (_data.size() < _capacity) {
    _data.push_back(s);
    _size = _data.size();
    _head = _size % _capacity;
    return;
  }
  _data[_head] = s;
  _head = (_head + 1) % _capacity;
}

std::vector<Sample> RingBuffer::samples() const {
  std::vector<Sample> out;
  out.reserve(_size);
  const std::size_t n = _data.size();
  const std::size_t start = n == 0 ? 0 : (_head + n - _size) % n;
  for (std::size_t i = 0; i < _size; ++i) out.push_back(_data[(start + i) % n]);
  return out;
}

std::optional<Sample> RingBuffer::latest() const {
  if (_size == 0) return std::nullopt;
  return _data[(_head + _data.size() - 1) % _data.size()];
}

SeriesStore::SeriesStore(std::size_t samplesPerSensor) : _capacity(samplesPerSensor) {
  TWIN_ASSERT(samplesPerSensor >= 1, "sensors::SeriesStore: samplesPerSensor must be >= 1");
}

void SeriesStore::add(const Reading& r) {
  if (!r.finite) return;
  std::lock_guard<std::mutex> lock(_mutex);
  auto it = _buffers.find(r.sensorId);
  if (it == _buffers.end()) it = _buffers.emplace(r.sensorId, RingBuffer(_capacity)).first;
  it->second.push({r.tsMs, r.value});
}

void SeriesStore::add(const std::vector<Reading>& readings) {
  for (const Reading& r : readings) add(r);
}

std::vector<Sample> SeriesStore::series(const std::string& sensorId) const {
  std::lock_guard<std::mutex> lock(_mutex);
  auto it = _buffers.find(sensorId);
  return it == _buffers.end() ? std::vector<Sample>{} : it->second.samples();
}

std::optional<Sample> SeriesStore::latest(const std::string& sensorId) const {
  std::lock_guard<std::mutex> lock(_mutex);
  auto it = _buffers.find(sensorId);
  return it == _buffers.end() ? std::nullopt : it->second.latest();
}

std::vector<std::string> SeriesStore::sensorIds() const {
  std::lock_guard<std::mutex> lock(_mutex);
  std::vector<std::string> ids;
  for (const auto& [id, buffer] : _buffers) ids.push_back(id);
  return ids;
}

// ---------------------------------------------------------------------------------------------

struct HistoryDb::Impl {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  std::string file;
  double retentionSeconds = 0;
  LazyWalCheckpointer checkpoint;

  explicit Impl(const std::filesystem::path& path) : checkpoint(path, "NORMAL") {}
  ~Impl() {
    checkpoint.stop();
    sqlite3_finalize(insert);
    sqlite3_close(db);
  }
  core::Error error(const char* where, const std::string& what) const {
    return fail(std::string("sensors::HistoryDb::") + where + ": " + file + ": " + what + ": " + sqlite3_errmsg(db));
  }
  bool exec(const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }
};

core::Result<std::unique_ptr<HistoryDb>> HistoryDb::open(const std::filesystem::path& file, double retentionSeconds) {
  auto impl = std::make_unique<Impl>(file);
  impl->file = file.filename().string();
  impl->retentionSeconds = retentionSeconds;
  if (!(retentionSeconds > 0))
    return fail("sensors::HistoryDb::open(): " + impl->file + ": retention must be > 0 seconds");
  if (sqlite3_open_v2(file.string().c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
    return impl->error("open()", "cannot open");
  sqlite3_busy_timeout(impl->db, 5000);
  if (!enterWalMode(impl->db) || !impl->exec("PRAGMA synchronous=NORMAL") ||
      !impl->exec(
          "CREATE TABLE IF NOT EXISTS readings(sensor TEXT NOT NULL, ts_ms INTEGER NOT NULL, value REAL NOT NULL);"
          "CREATE INDEX IF NOT EXISTS readings_sensor_ts ON readings(sensor, ts_ms);"))
    return impl->error("open()", "not a usable history database");
  if (sqlite3_prepare_v2(impl->db, "INSERT INTO readings(sensor, ts_ms, value) VALUES(?,?,?)", -1, &impl->insert,
                         nullptr) != SQLITE_OK)
    return impl->error("open()", "cannot prepare insert");
  return std::unique_ptr<HistoryDb>(new HistoryDb(std::move(impl)));
}

HistoryDb::HistoryDb(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
HistoryDb::~HistoryDb() = default;

core::Status HistoryDb::append(const std::vector<Reading>& readings) {
  const auto guard = _impl->checkpoint.write(_impl->db);
  if (!_impl->exec("BEGIN")) return _impl->error("append()", "cannot begin");
  for (const Reading& r : readings) {
    if (!r.finite) continue;
    sqlite3_reset(_impl->insert);
    sqlite3_bind_text(_impl->insert, 1, r.sensorId.data(), static_cast<int>(r.sensorId.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(_impl->insert, 2, r.tsMs);
    sqlite3_bind_double(_impl->insert, 3, r.value);
    if (sqlite3_step(_impl->insert) != SQLITE_DONE) {
      auto e = _impl->error("append()", "insert failed");
      _impl->exec("ROLLBACK");
      return e;
    }
  }
  if (!_impl->exec("COMMIT")) {
    auto e = _impl->error("append()", "commit failed");
    _impl->exec("ROLLBACK");
    return e;
  }
  return core::Ok{};
}

core::Result<std::int64_t> HistoryDb::applyRetention(std::int64_t nowMs) {
  const auto guard = _impl->checkpoint.write(_impl->db);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(_impl->db, "DELETE FROM readings WHERE ts_ms < ?", -1, &st, nullptr) != SQLITE_OK)
    return _impl->error("applyRetention()", "cannot prepare");
  sqlite3_bind_int64(st, 1, nowMs - static_cast<std::int64_t>(_impl->retentionSeconds * 1000.0));
  const int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return _impl->error("applyRetention()", "delete failed");
  return static_cast<std::int64_t>(sqlite3_changes(_impl->db));
}

core::Result<std::int64_t> HistoryDb::applyRetentionPerSensor() {
  const auto guard = _impl->checkpoint.write(_impl->db);
  // One indexed range delete per sensor (readings_sensor_ts) rather than one correlated
  // subquery per row.
  sqlite3_stmt* newest = nullptr;
  sqlite3_stmt* del = nullptr;
  if (sqlite3_prepare_v2(_impl->db, "SELECT sensor, MAX(ts_ms) FROM readings GROUP BY sensor", -1, &newest, nullptr) !=
          SQLITE_OK ||
      sqlite3_prepare_v2(_impl->db, "DELETE FROM readings WHERE sensor=? AND ts_ms < ?", -1, &del, nullptr) !=
          SQLITE_OK) {
    sqlite3_finalize(newest);
    return _impl->error("applyRetentionPerSensor()", "cannot prepare");
  }
  std::vector<std::pair<std::string, std::int64_t>> cutoffs;
  int rc;
  while ((rc = sqlite3_step(newest)) == SQLITE_ROW) {
    const unsigned char* id = sqlite3_column_text(newest, 0);
    cutoffs.emplace_back(id ? reinterpret_cast<const char*>(id) : "",
                         sqlite3_column_int64(newest, 1) - static_cast<std::int64_t>(_impl->retentionSeconds * 1000.0));
  }
  sqlite3_finalize(newest);
  if (rc != SQLITE_DONE) {
    sqlite3_finalize(del);
    return _impl->error("applyRetentionPerSensor()", "read failed");
  }
  std::int64_t removed = 0;
  bool ok = _impl->exec("BEGIN");
  for (std::size_t i = 0; ok && i < cutoffs.size(); ++i) {
    sqlite3_reset(del);
    sqlite3_bind_text(del, 1, cutoffs[i].first.data(), static_cast<int>(cutoffs[i].first.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(del, 2, cutoffs[i].second);
    ok = sqlite3_step(del) == SQLITE_DONE;
    removed += sqlite3_changes(_impl->db);
  }
  sqlite3_finalize(del);
  if (!ok || !_impl->exec("COMMIT")) {
    auto e = _impl->error("applyRetentionPerSensor()", "delete failed");
    _impl->exec("ROLLBACK");
    return e;
  }
  return removed;
}

core::Result<std::vector<Sample>> HistoryDb::query(const std::string& sensorId, std::int64_t fromMs,
                                                   std::int64_t toMs) const {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(_impl->db,
                         "SELECT ts_ms, value FROM readings WHERE sensor=? AND ts_ms>=? AND ts_ms<=? ORDER BY ts_ms",
                         -1, &st, nullptr) != SQLITE_OK)
    return _impl->error("query()", "cannot prepare");
  sqlite3_bind_text(st, 1, sensorId.data(), static_cast<int>(sensorId.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, fromMs);
  sqlite3_bind_int64(st, 3, toMs);
  std::vector<Sample> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    out.push_back({sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1)});
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return _impl->error("query()", "read failed");
  return out;
}

core::Result<std::vector<Sample>> HistoryDb::latest(const std::string& sensorId, std::size_t limit) const {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(_impl->db, "SELECT ts_ms, value FROM readings WHERE sensor=? ORDER BY ts_ms DESC LIMIT ?", -1,
                         &st, nullptr) != SQLITE_OK)
    return _impl->error("latest()", "cannot prepare");
  sqlite3_bind_text(st, 1, sensorId.data(), static_cast<int>(sensorId.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, static_cast<sqlite3_int64>(std::min<std::size_t>(limit, INT64_MAX)));
  std::vector<Sample> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    out.push_back({sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1)});
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return _impl->error("latest()", "read failed");
  return out;
}

core::Result<std::optional<Sample>> HistoryDb::sampleAt(const std::string& sensorId, std::int64_t tsMs) const {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(_impl->db,
                         "SELECT ts_ms, value FROM readings WHERE sensor=? AND ts_ms<=? ORDER BY ts_ms DESC LIMIT 1",
                         -1, &st, nullptr) != SQLITE_OK)
    return _impl->error("sampleAt()", "cannot prepare");
  sqlite3_bind_text(st, 1, sensorId.data(), static_cast<int>(sensorId.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, tsMs);
  std::optional<Sample> out;
  const int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) out = Sample{sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1)};
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return _impl->error("sampleAt()", "read failed");
  return out;
}

core::Result<std::optional<std::pair<std::int64_t, std::int64_t>>> HistoryDb::timeRange(
    const std::string& sensorId) const {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(_impl->db, "SELECT MIN(ts_ms), MAX(ts_ms) FROM readings WHERE sensor=?", -1, &st, nullptr) !=
      SQLITE_OK)
    return _impl->error("timeRange()", "cannot prepare");
  sqlite3_bind_text(st, 1, sensorId.data(), static_cast<int>(sensorId.size()), SQLITE_TRANSIENT);
  std::optional<std::pair<std::int64_t, std::int64_t>> out;
  const int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
    out = std::make_pair(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW) return _impl->error("timeRange()", "read failed");
  return out;
}

WalStats HistoryDb::walStats() const { return _impl->checkpoint.stats(); }

core::Result<std::int64_t> HistoryDb::rowCount() const {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(_impl->db, "SELECT COUNT(*) FROM readings", -1, &st, nullptr) != SQLITE_OK)
    return _impl->error("rowCount()", "cannot prepare");
  std::int64_t n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  if (n < 0) return _impl->error("rowCount()", "read failed");
  return n;
}

}  // namespace twin::sensors
