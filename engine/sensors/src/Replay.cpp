#include "twin/sensors/Replay.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace twin::sensors {

using core::fail;

namespace {

// Splits one CSV record; quotes may wrap a field and "" inside quotes is one quote.
std::vector<std::string> splitCsv(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(std::move(cell));
      cell.clear();
    } else if (c != '\r') {
      cell += c;
    }
  }
  cells.push_back(std::move(cell));
  return cells;
}

int columnIndex(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

// Strict decimal number (exponents allowed), surrounding spaces ignored; finite only.
std::optional<double> parseCell(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t");
  std::size_t e = s.find_last_not_of(" \t");
  if (b == std::string::npos) return std::nullopt;
  const std::string t = s.substr(b, e - b + 1);
  if (t.find_first_not_of("0123456789+-.eE") != std::string::npos) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

bool parseInt(const std::string& s, int& out) {
  auto d = parseCell(s);
  if (!d || *d != std::floor(*d) || std::fabs(*d) > 1e6) return false;
  out = static_cast<int>(*d);
  return true;
}

void sortByTime(std::vector<Reading>& readings) {
  std::stable_sort(readings.begin(), readings.end(),
                   [](const Reading& a, const Reading& b) { return a.tsMs < b.tsMs; });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// ReplayReader

namespace {

// A file read through a file descriptor in chunks, cut into lines of bounded length.
class LineSource {
 public:
  ~LineSource() {
    if (_fd >= 0) ::close(_fd);
  }

  // O_NONBLOCK makes open() return at once on a FIFO nobody writes to; the type is then checked
  // on the open descriptor, so a file swapped for a FIFO after a stat() cannot block us either.
  core::Status open(const std::filesystem::path& file, const std::string& where, const std::string& name,
                    bool allowDevice) {
    _fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (_fd < 0) return fail(where + ": " + file.string() + ": cannot open");
    struct stat st {};
    if (::fstat(_fd, &st) != 0) return fail(where + ": " + name + ": cannot read its file type");
    const bool regular = S_ISREG(st.st_mode);
    const bool device = S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode);
    if (!regular && !(device && allowDevice)) {
      const char* kind = S_ISDIR(st.st_mode)    ? "a folder"
                         : S_ISFIFO(st.st_mode) ? "a FIFO"
                         : S_ISCHR(st.st_mode)  ? "a character device"
                         : S_ISBLK(st.st_mode)  ? "a block device"
                         : S_ISSOCK(st.st_mode) ? "a socket"
                                                : "not a file";
      return fail(where + ": " + name + ": not a regular file (" + kind +
                  "); replay files must be regular files unless a device is asked for "
                  "(\"device\": true in the scene, --device on the command line)");
    }
    // A device that was asked for is read like a file: blocking reads.
    const int flags = ::fcntl(_fd, F_GETFL);
    if (flags >= 0) ::fcntl(_fd, F_SETFL, flags & ~O_NONBLOCK);
    return core::Ok{};
  }

  // Reads the next line (without its '\n') into `line`. Returns 1 for a line, 0 at the end of
  // the file, -1 on a read error, -2 when the line exceeds `maxBytes` (nothing more is read).
  int getLine(std::string& line, std::size_t maxBytes) {
    line.clear();
    for (;;) {
      const char* begin = _buffer.data() + _pos;
      const char* end = _buffer.data() + _size;
      const char* nl = static_cast<const char*>(std::memchr(begin, '\n', static_cast<std::size_t>(end - begin)));
      const std::size_t take = static_cast<std::size_t>((nl ? nl : end) - begin);
      if (line.size() + take > maxBytes) return -2;
      line.append(begin, take);
      if (nl) {
        _pos += take + 1;
        return 1;
      }
      _pos = _size = 0;
      if (_eof) return line.empty() ? 0 : 1;
      ssize_t n;
      do {
        n = ::read(_fd, _buffer.data(), _buffer.size());
      } while (n < 0 && errno == EINTR);
      if (n < 0) return -1;
      if (n == 0) _eof = true;
      _size = static_cast<std::size_t>(n);
    }
  }

 private:
  int _fd = -1;
  std::array<char, 65536> _buffer{};
  std::size_t _pos = 0, _size = 0;
  bool _eof = false;
};

}  // namespace

struct ReplayReader::Impl {
  std::filesystem::path file;
  std::string name, where;
  ReplayFileOptions limits;
  LineSource source;
  bool csv = true;
  bool failed = false;
  std::size_t lineNo = 0;
  std::string line;
  core::Diagnostics diag;
  ReplayStats stats;
  IngestStats ingest;
  std::vector<Reading> pending;  // readings of the current row or payload not yet handed out
  std::size_t pendingNext = 0;
  Reading current;

  // CSV
  CsvMapping mapping;
  std::size_t columnCount = 0;
  struct Mapped {
    int index;
    std::string column, sensor;
  };
  std::vector<Mapped> mapped;
  int timeIndex = -1, yearI = -1, monthI = -1, dayI = -1, hourI = -1, minuteI = -1;

  // JSONL
  DecodeOptions decode;

  void report(const std::string& message) {
    diag.add(core::Severity::Warning, where, name, "", "line " + std::to_string(lineNo), message, "skipped");
  }

  // 1 = a line, 0 = end of file, otherwise an error that ends the read.
  core::Result<int> readLine() {
    const int rc = source.getLine(line, limits.maxLineBytes);
    if (rc >= 0) {
      if (rc == 1) ++lineNo;
      return rc;
    }
    failed = true;
    if (rc == -1) return fail(where + ": " + name + ": read error after line " + std::to_string(lineNo));
    return fail(where + ": " + name + " line " + std::to_string(lineNo + 1) + ": longer than the limit of " +
                std::to_string(limits.maxLineBytes) +
                " bytes (ReplayFileOptions::maxLineBytes); the rest of the file is not read");
  }

  void csvRow() {
    ++stats.rows;
    const std::vector<std::string> cells = splitCsv(line);
    if (cells.size() != columnCount) {
      ++stats.badRows;
      report("expected " + std::to_string(columnCount) + " columns, found " + std::to_string(cells.size()));
      return;
    }
    std::int64_t ts = 0;
    if (timeIndex >= 0) {
      const std::string& t = cells[timeIndex];
      auto iso = parseIsoTimeMs(t);
      auto num = parseCell(t);
      if (iso) {
        ts = *iso;
      } else if (num && *num >= 0 && *num < 253402300800000.0) {
        ts = static_cast<std::int64_t>(std::llround(*num));
      } else {
        ++stats.badRows;
        report("column '" + mapping.timeColumn + "': not a time '" + t.substr(0, 40) + "'");
        return;
      }
    } else {
      int y, mo, d, h, mi = 0;
      if (!parseInt(cells[yearI], y) || !parseInt(cells[monthI], mo) || !parseInt(cells[dayI], d) ||
          !parseInt(cells[hourI], h) || (minuteI >= 0 && !parseInt(cells[minuteI], mi)) || y < 1970 || y > 9999 ||
          mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59) {
        ++stats.badRows;
        report("year/month/day/hour do not form a time");
        return;
      }
      ts = civilToEpochMs(y, mo, d, h, mi, 0) - mapping.utcOffsetMinutes * 60000LL;
    }
    if (ts > limits.latestMs) {
      ++stats.badTimestamps;
      report("time " + formatIsoTimeMs(ts) + " is later than the replay clock allows (" +
             formatIsoTimeMs(limits.latestMs) + ")");
      return;
    }
    for (const Mapped& m : mapped) {
      const std::string& cell = cells[m.index];
      if (std::find(mapping.missing.begin(), mapping.missing.end(), cell) != mapping.missing.end()) {
        ++stats.missing;
        continue;
      }
      auto v = parseCell(cell);
      if (!v) {
        ++stats.badCells;
        report("column '" + m.column + "': not a number '" + cell.substr(0, 40) + "'");
        continue;
      }
      pending.push_back(Reading{m.sensor, ts, *v, true});
      ++stats.readings;
    }
  }

  void jsonlLine() {
    IngestStats one;
    decodePayload(line, 0, decode, pending, one);
    for (int i = 0; i < kRejectReasonCount; ++i)
      if (one.rejected[i] && static_cast<RejectReason>(i) != RejectReason::NonFinite)
        report(rejectReasonName(static_cast<RejectReason>(i)));
    ingest.merge(one);
  }
};

ReplayReader::ReplayReader(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
ReplayReader::~ReplayReader() = default;

core::Result<std::unique_ptr<ReplayReader>> ReplayReader::openCsv(const std::filesystem::path& file,
                                                                  const CsvMapping& mapping,
                                                                  const ReplayFileOptions& limits) {
  auto impl = std::make_unique<Impl>();
  impl->file = file;
  impl->name = file.filename().string();
  impl->where = "sensors::readReplayCsv()";
  impl->limits = limits;
  impl->mapping = mapping;
  const std::string& where = impl->where;
  const std::string& name = impl->name;
  auto opened = impl->source.open(file, where, name, limits.allowDevice);
  if (!opened) return opened.error();
  if (mapping.columns.empty()) return fail(where + ": " + name + ": no columns mapped to sensors");
  auto got = impl->readLine();
  if (!got) return got.error();
  if (*got == 0) return fail(where + ": " + name + ": empty file, expected a header row");
  std::string& line = impl->line;
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  const std::vector<std::string> header = splitCsv(line);
  impl->columnCount = header.size();
  for (const auto& [column, sensor] : mapping.columns) {
    const int i = columnIndex(header, column);
    if (i < 0) return fail(where + ": " + name + ": no column '" + column + "' in the header");
    impl->mapped.push_back({i, column, sensor});
  }
  // Readings of one row come out in the file's column order.
  std::sort(impl->mapped.begin(), impl->mapped.end(),
            [](const Impl::Mapped& a, const Impl::Mapped& b) { return a.index < b.index; });
  if (!mapping.timeColumn.empty()) {
    impl->timeIndex = columnIndex(header, mapping.timeColumn);
    if (impl->timeIndex < 0)
      return fail(where + ": " + name + ": no time column '" + mapping.timeColumn + "' in the header");
  } else {
    impl->yearI = columnIndex(header, "year");
    impl->monthI = columnIndex(header, "month");
    impl->dayI = columnIndex(header, "day");
    impl->hourI = columnIndex(header, "hour");
    impl->minuteI = columnIndex(header, "minute");
    if (impl->yearI < 0 || impl->monthI < 0 || impl->dayI < 0 || impl->hourI < 0)
      return fail(where + ": " + name + ": no time column given and no year, month, day, hour columns");
  }
  return std::unique_ptr<ReplayReader>(new ReplayReader(std::move(impl)));
}

core::Result<std::unique_ptr<ReplayReader>> ReplayReader::openJsonl(const std::filesystem::path& file,
                                                                    const DecodeOptions& options,
                                                                    const ReplayFileOptions& limits) {
  auto impl = std::make_unique<Impl>();
  impl->file = file;
  impl->name = file.filename().string();
  impl->where = "sensors::readReplayJsonl()";
  impl->limits = limits;
  impl->csv = false;
  impl->decode = options;
  impl->decode.latestMs = std::min(options.latestMs, limits.latestMs);
  auto opened = impl->source.open(file, impl->where, impl->name, limits.allowDevice);
  if (!opened) return opened.error();
  return std::unique_ptr<ReplayReader>(new ReplayReader(std::move(impl)));
}

core::Result<const Reading*> ReplayReader::next() {
  Impl& m = *_impl;
  while (m.pendingNext >= m.pending.size()) {
    m.pending.clear();
    m.pendingNext = 0;
    if (m.failed) return static_cast<const Reading*>(nullptr);
    auto got = m.readLine();
    if (!got) return got.error();
    if (*got == 0) return static_cast<const Reading*>(nullptr);
    if (m.line.empty() || m.line == "\r") continue;
    if (m.csv)
      m.csvRow();
    else
      m.jsonlLine();
  }
  m.current = std::move(m.pending[m.pendingNext++]);
  return static_cast<const Reading*>(&m.current);
}

const ReplayStats& ReplayReader::stats() const { return _impl->stats; }
const IngestStats& ReplayReader::ingest() const { return _impl->ingest; }
const core::Diagnostics& ReplayReader::diagnostics() const { return _impl->diag; }
const std::filesystem::path& ReplayReader::file() const { return _impl->file; }

namespace {

core::Result<std::vector<Reading>> readAll(ReplayReader& reader) {
  std::vector<Reading> out;
  for (;;) {
    auto r = reader.next();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(**r);
  }
  sortByTime(out);
  return out;
}

}  // namespace

core::Result<std::vector<Reading>> readReplayCsv(const std::filesystem::path& file, const CsvMapping& mapping,
                                                 core::Diagnostics& diag, ReplayStats* stats,
                                                 const ReplayFileOptions& limits) {
  auto reader = ReplayReader::openCsv(file, mapping, limits);
  if (!reader) return reader.error();
  auto out = readAll(**reader);
  diag.merge((*reader)->diagnostics());
  if (!out) return out.error();
  if (stats) *stats = (*reader)->stats();
  return out;
}

core::Result<std::vector<Reading>> readReplayJsonl(const std::filesystem::path& file, const DecodeOptions& options,
                                                   IngestStats& ingest, core::Diagnostics& diag,
                                                   const ReplayFileOptions& limits) {
  auto reader = ReplayReader::openJsonl(file, options, limits);
  if (!reader) return reader.error();
  auto out = readAll(**reader);
  diag.merge((*reader)->diagnostics());
  ingest.merge((*reader)->ingest());
  if (!out) return out.error();
  return out;
}

ReplayPacer::ReplayPacer(std::int64_t firstDataMs, double speed, std::chrono::steady_clock::time_point start)
    : _firstMs(firstDataMs), _speed(speed), _start(start) {}

std::chrono::steady_clock::time_point ReplayPacer::dueAt(std::int64_t dataMs) const {
  if (!(_speed > 0)) return _start;
  const double wallMs = static_cast<double>(dataMs - _firstMs) / _speed;
  return _start + std::chrono::microseconds(static_cast<std::int64_t>(std::max(0.0, wallMs) * 1000.0));
}

}  // namespace twin::sensors
