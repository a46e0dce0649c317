#include "twin/sensors/Payload.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace twin::sensors {

using nlohmann::json;

const char* rejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::InvalidJson: return "invalid_json";
    case RejectReason::MissingField: return "missing_field";
    case RejectReason::WrongType: return "wrong_type";
    case RejectReason::TooLarge: return "too_large";
    case RejectReason::UnknownSensor: return "unknown_sensor";
    case RejectReason::NonFinite: return "non_finite";
    case RejectReason::BadTimestamp: return "bad_timestamp";
    case RejectReason::Duplicate: return "duplicate";
    case RejectReason::QueueFull: return "queue_full";
  }
  return "?";
}

std::uint64_t IngestStats::rejectedTotal() const {
  std::uint64_t n = 0;
  for (std::uint64_t c : rejected) n += c;
  return n;
}

void IngestStats::merge(const IngestStats& other) {
  messages += other.messages;
  decoded += other.decoded;
  for (int i = 0; i < kRejectReasonCount; ++i) rejected[i] += other.rejected[i];
}

std::int64_t nowEpochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t civilToEpochMs(int year, int month, int day, int hour, int minute, double second) {
  // Howard Hinnant's days_from_civil.
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = static_cast<unsigned>(month + (month > 2 ? -3 : 9));
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return days * 86400000LL + hour * 3600000LL + minute * 60000LL +
         static_cast<std::int64_t>(std::llround(second * 1000.0));
}

std::string formatIsoTimeMs(std::int64_t epochMs) {
  std::int64_t days = epochMs >= 0 ? epochMs / 86400000 : -((-epochMs + 86399999) / 86400000);
  std::int64_t msOfDay = epochMs - days * 86400000;
  // civil_from_days
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y0 = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = y0 + (m <= 2 ? 1 : 0);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(msOfDay / 3600000), static_cast<long long>(msOfDay / 60000 % 60),
                static_cast<long long>(msOfDay / 1000 % 60), static_cast<long long>(msOfDay % 1000));
  return buf;
}

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<std::int64_t> parseIsoTimeMs(std::string_view s) {
  int year, month, day, hour, minute, sec = 0;
  if (!digits(s, 0, 4, year) || s.size() < 16 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, hour) ||
      s[13] != ':' || !digits(s, 14, 2, minute))
    return std::nullopt;
  std::size_t pos = 16;
  double fraction = 0;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, sec)) return std::nullopt;
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      double scale = 0.1;
      const std::size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        fraction += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
  }
  int offsetMinutes = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos] == '-' ? -1 : 1;
      int oh, om = 0;
      if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
      pos += 3;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size()) {
        if (!digits(s, pos, 2, om)) return std::nullopt;
        pos += 2;
      }
      if (oh > 14 || om > 59) return std::nullopt;
      offsetMinutes = sign * (oh * 60 + om);
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || hour > 23 || minute > 59 ||
      sec > 60)
    return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  return civilToEpochMs(year, month, day, hour, minute, sec + fraction) - offsetMinutes * 60000LL;
}

namespace {

constexpr std::int64_t kMaxEpochMs = 253402300799999LL;  // 9999-12-31T23:59:59.999Z
constexpr int kMaxDepth = 16;                            // our formats need 3; deeper is hostile

// Nesting depth outside strings, so a hostile "[[[[..." never reaches the parser's recursion.
int nestingDepth(std::string_view s) {
  int depth = 0, maxDepth = 0;
  bool inString = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      maxDepth = std::max(maxDepth, ++depth);
      if (maxDepth > kMaxDepth) return maxDepth;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return maxDepth;
}

enum class ValueKind { Finite, NonFinite, Bad };

ValueKind readValue(const json& v, double& out) {
  if (v.is_null()) return ValueKind::NonFinite;
  if (v.is_number()) {
    out = v.get<double>();
    return std::isfinite(out) ? ValueKind::Finite : ValueKind::NonFinite;
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "NaN" || s == "nan" || s == "Infinity" || s == "-Infinity" || s == "inf" || s == "-inf")
      return ValueKind::NonFinite;
  }
  return ValueKind::Bad;
}

void emit(const std::string& id, std::int64_t ts, double value, ValueKind kind, const DecodeOptions& options,
          std::vector<Reading>& out, IngestStats& stats) {
  if (options.knownSensors && !options.knownSensors->count(id)) {
    stats.reject(RejectReason::UnknownSensor);
    return;
  }
  if (ts > options.latestMs) {
    stats.reject(RejectReason::BadTimestamp);
    return;
  }
  Reading r;
  r.sensorId = id;
  r.tsMs = ts;
  if (kind == ValueKind::NonFinite) {
    stats.reject(RejectReason::NonFinite);
    r.finite = false;
    r.value = std::nan("");
  } else {
    r.value = value;
  }
  ++stats.decoded;
  out.push_back(std::move(r));
}

void decodeSimple(const json& j, std::int64_t receivedMs, const DecodeOptions& options, std::vector<Reading>& out,
                  IngestStats& stats) {
  if (!j.is_object()) return stats.reject(RejectReason::WrongType);
  auto sensor = j.find("sensor");
  auto value = j.find("value");
  if (sensor == j.end() || value == j.end()) return stats.reject(RejectReason::MissingField);
  if (!sensor->is_string() || sensor->get_ref<const std::string&>().empty())
    return stats.reject(RejectReason::WrongType);
  double v = 0;
  const ValueKind kind = readValue(*value, v);
  if (kind == ValueKind::Bad) return stats.reject(RejectReason::WrongType);
  std::int64_t ts = receivedMs;
  auto t = j.find("ts");
  if (t != j.end()) {
    if (t->is_string()) {
      auto parsed = parseIsoTimeMs(t->get_ref<const std::string&>());
      if (!parsed) return stats.reject(RejectReason::BadTimestamp);
      ts = *parsed;
    } else if (t->is_number()) {
      const double d = t->get<double>();
      if (!std::isfinite(d) || d < 0 || d > static_cast<double>(kMaxEpochMs))
        return stats.reject(RejectReason::BadTimestamp);
      ts = static_cast<std::int64_t>(std::llround(d));
    } else {
      return stats.reject(RejectReason::WrongType);
    }
  }
  emit(sensor->get_ref<const std::string&>(), ts, v, kind, options, out, stats);
}

bool looksLikeSenml(const json& array) {
  for (const json& e : array) {
    if (!e.is_object()) return false;
    if (e.contains("sensor")) return false;
    if (e.contains("bn") || e.contains("n")) return true;
  }
  return false;
}

// RFC 8428 section 4.5: base fields carry forward to later records until replaced.
void decodeSenml(const json& array, std::int64_t receivedMs, const DecodeOptions& options, std::vector<Reading>& out,
                 IngestStats& stats) {
  std::string baseName;
  double baseTime = 0;
  for (const json& rec : array) {
    if (!rec.is_object()) {
      stats.reject(RejectReason::WrongType);
      continue;
    }
    auto bn = rec.find("bn");
    if (bn != rec.end()) {
      if (!bn->is_string()) {
        stats.reject(RejectReason::WrongType);
        continue;
      }
      baseName = bn->get<std::string>();
    }
    auto bt = rec.find("bt");
    if (bt != rec.end()) {
      if (!bt->is_number() || !std::isfinite(bt->get<double>())) {
        stats.reject(RejectReason::BadTimestamp);
        continue;
      }
      baseTime = bt->get<double>();
    }
    auto n = rec.find("n");
    auto v = rec.find("v");
    if (v == rec.end()) {
      // A record with only base fields is legal SenML; one with a name but no numeric value
      // (vs/vb/vd) carries nothing we can chart.
      if (n != rec.end() || rec.contains("vs") || rec.contains("vb") || rec.contains("vd"))
        stats.reject(rec.contains("vs") || rec.contains("vb") || rec.contains("vd") ? RejectReason::WrongType
                                                                                    : RejectReason::MissingField);
      continue;
    }
    std::string name = baseName;
    if (n != rec.end()) {
      if (!n->is_string()) {
        stats.reject(RejectReason::WrongType);
        continue;
      }
      name += n->get<std::string>();
    }
    if (name.empty()) {
      stats.reject(RejectReason::MissingField);
      continue;
    }
    double t = 0;
    auto tt = rec.find("t");
    if (tt != rec.end()) {
      if (!tt->is_number() || !std::isfinite(tt->get<double>())) {
        stats.reject(RejectReason::BadTimestamp);
        continue;
      }
      t = tt->get<double>();
    }
    const double seconds = baseTime + t;
    double ms = seconds < 268435456.0 ? static_cast<double>(receivedMs) + seconds * 1000.0 : seconds * 1000.0;
    if (!(ms >= 0 && ms <= static_cast<double>(kMaxEpochMs))) {
      stats.reject(RejectReason::BadTimestamp);
      continue;
    }
    double value = 0;
    const ValueKind kind = readValue(*v, value);
    if (kind == ValueKind::Bad) {
      stats.reject(RejectReason::WrongType);
      continue;
    }
    emit(name, static_cast<std::int64_t>(std::llround(ms)), value, kind, options, out, stats);
  }
}

}  // namespace

void decodePayload(std::string_view payload, std::int64_t receivedMs, const DecodeOptions& options,
                   std::vector<Reading>& out, IngestStats& stats) {
  ++stats.messages;
  if (payload.size() > options.maxPayloadBytes) return stats.reject(RejectReason::TooLarge);
  if (nestingDepth(payload) > kMaxDepth) return stats.reject(RejectReason::WrongType);
  json j = json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return stats.reject(RejectReason::InvalidJson);
  if (j.is_object()) return decodeSimple(j, receivedMs, options, out, stats);
  if (!j.is_array()) return stats.reject(RejectReason::WrongType);
  if (j.empty()) return stats.reject(RejectReason::MissingField);
  if (looksLikeSenml(j)) return decodeSenml(j, receivedMs, options, out, stats);
  for (const json& e : j) decodeSimple(e, receivedMs, options, out, stats);
}

std::string encodeReading(const Reading& r) {
  nlohmann::json j = {{"sensor", r.sensorId}, {"ts", r.tsMs}};
  if (r.finite)
    j["value"] = r.value;
  else
    j["value"] = nullptr;
  return j.dump();
}

std::string encodeBatch(const std::vector<Reading>& readings) {
  std::string s = "[";
  for (std::size_t i = 0; i < readings.size(); ++i) {
    if (i) s += ',';
    s += encodeReading(readings[i]);
  }
  return s + "]";
}

}  // namespace twin::sensors
