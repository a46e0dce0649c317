#include "twin/sensors/Replay.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <fstream>


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

core::Result<std::vector<Reading>> readReplayCsv(const std::filesystem::path& file, const CsvMapping& mapping,
                                                 core::Diagnostics& diag, ReplayStats* stats) {
  const std::string name = file.filename().string();
  const std::string where = "sensors::readReplayCsv()";
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(where + ": " + file.string() + ": cannot open");
  if (mapping.columns.empty()) return fail(where + ": " + name + ": no columns mapped to sensors");
  std::string line;
  if (!std::getline(in, line)) return fail(where + ": " + name + ": empty file, expected a header row");
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  const std::vector<std::string> header = splitCsv(line);

  struct Mapped {
    int index;
    std::string column, sensor;
  };
  std::vector<Mapped> mapped;
  for (const auto& [column, sensor] : mapping.columns) {
    const int i = columnIndex(header, column);
    if (i < 0) return fail(where + ": " + name + ": no column '" + column + "' in the header");
    mapped.push_back({i, column, sensor});
  }
  // Readings of one row come out in the file's column order.
  std::sort(mapped.begin(), mapped.end(), [](const Mapped& a, const Mapped& b) { return a.index < b.index; });
  int timeIndex = -1, yearI = -1, monthI = -1, dayI = -1, hourI = -1, minuteI = -1;
  if (!mapping.timeColumn.empty()) {
    timeIndex = columnIndex(header, mapping.timeColumn);
    if (timeIndex < 0) return fail(where + ": " + name + ": no time column '" + mapping.timeColumn + "' in the header");
  } else {
    yearI = columnIndex(header, "year");
    monthI = columnIndex(header, "month");
    dayI = columnIndex(header, "day");
    hourI = columnIndex(header, "hour");
    minuteI = columnIndex(header, "minute");
    if (yearI < 0 || monthI < 0 || dayI < 0 || hourI < 0)
      return fail(where + ": " + name + ": no time column given and no year, month, day, hour columns");
  }

  ReplayStats local;
  std::vector<Reading> out;
  std::size_t lineNo = 1;
  auto report = [&](const std::string& message) {
    diag.add(core::Severity::Warning, where, name, "", "line " + std::to_string(lineNo), message, "skipped");
  };
  while (std::getline(in, line)) {
    ++lineNo;
    if (line.empty() || line == "\r") continue;
    ++local.rows;
    const std::vector<std::string> cells = splitCsv(line);
    if (cells.size() != header.size()) {
      ++local.badRows;
      report("expected " + std::to_string(header.size()) + " columns, found " + std::to_string(cells.size()));
      continue;
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
        ++local.badRows;
        report("column '" + mapping.timeColumn + "': not a time '" + t + "'");
        continue;
      }
    } else {
      int y, mo, d, h, mi = 0;
      if (!parseInt(cells[yearI], y) || !parseInt(cells[monthI], mo) || !parseInt(cells[dayI], d) ||
          !parseInt(cells[hourI], h) || (minuteI >= 0 && !parseInt(cells[minuteI], mi)) || y < 1970 || y > 9999 ||
          mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59) {
        ++local.badRows;
        report("year/month/day/hour do not form a time");
        continue;
      }
      ts = civilToEpochMs(y, mo, d, h, mi, 0) - mapping.utcOffsetMinutes * 60000LL;
    }
    for (const Mapped& m : mapped) {
      const std::string& cell = cells[m.index];
      if (std::find(mapping.missing.begin(), mapping.missing.end(), cell) != mapping.missing.end()) {
        ++local.missing;
        continue;
      }
      auto v = parseCell(cell);
      if (!v) {
        ++local.badCells;
        report("column '" + m.column + "': not a number '" + cell.substr(0, 40) + "'");
        continue;
      }
      out.push_back(Reading{m.sensor, ts, *v, true});
      ++local.readings;
    }
  }
  if (in.bad()) return fail(where + ": " + name + ": read error");
  sortByTime(out);
  if (stats) *stats = local;
  return out;
}

core::Result<std::vector<Reading>> readReplayJsonl(const std::filesystem::path& file, const DecodeOptions& options,
                                                   IngestStats& ingest, core::Diagnostics& diag) {
  const std::string name = file.filename().string();
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail("sensors::readReplayJsonl(): " + file.string() + ": cannot open");
  std::vector<Reading> out;
  std::string line;
  std::size_t lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    if (line.empty() || line == "\r") continue;
    IngestStats one;
    decodePayload(line, 0, options, out, one);
    for (int i = 0; i < kRejectReasonCount; ++i)
      if (one.rejected[i] && static_cast<RejectReason>(i) != RejectReason::NonFinite)
        diag.add(core::Severity::Warning, "sensors::readReplayJsonl()", name, "", "line " + std::to_string(lineNo),
                 rejectReasonName(static_cast<RejectReason>(i)), "skipped");
    ingest.merge(one);
  }
  if (in.bad()) return fail("sensors::readReplayJsonl(): " + name + ": read error");
  sortByTime(out);
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
