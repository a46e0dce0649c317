// Decoding MQTT payloads (the documented JSON form, batches of it, and SenML JSON) into
// readings. Formats are described in docs/sensors.md.
#pragma once

#include <cstddef>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "twin/sensors/Reading.h"

namespace twin::sensors {

struct DecodeOptions {
  std::size_t maxPayloadBytes = 256 * 1024;                       // larger payloads are rejected unparsed
  const std::unordered_set<std::string>* knownSensors = nullptr;  // nullptr = accept any id
  /** Readings stamped later than this (epoch ms) are rejected as BadTimestamp: a reading from
      the future would become the newest data time and push every stored sample out of the
      retention window. Callers set it to their clock + a tolerance (kDefaultFutureToleranceMs). */
  std::int64_t latestMs = INT64_MAX;
};

/** How far past the receiving clock a reading may be stamped (clock skew between devices and
    the twin) before it is rejected as BadTimestamp: 5 minutes. */
constexpr std::int64_t kDefaultFutureToleranceMs = 5 * 60 * 1000;

/** Decodes one payload. Accepted forms:
    - `{"sensor": id, "ts": ISO-8601 string or epoch ms number, "value": number}`; "ts" is
      optional (then `receivedMs`);
    - a JSON array of such objects (a batch; each element judged alone);
    - SenML JSON (RFC 8428): an array of records with bn/bt/n/t/v/u; name = bn + n, time =
      bt + t seconds (values below 2^28 are relative to `receivedMs`).
    Appends readings to `out`; counts the message, each reading and each rejection (per record,
    or per payload when the whole payload is unusable) in `stats`. A value of null, "NaN",
    "Infinity" or "-Infinity" yields a Reading with finite == false and a
    NonFinite count (a bare number too large for a double is invalid JSON). Nesting deeper than
    16 levels is WrongType without parsing. A reading stamped after options.latestMs is
    BadTimestamp. Never throws; any byte sequence is safe input. */
void decodePayload(std::string_view payload, std::int64_t receivedMs, const DecodeOptions& options,
                   std::vector<Reading>& out, IngestStats& stats);

/** Parses an ISO-8601 date-time ("2017-02-28T23:00:00Z", "...+08:00", "2017-02-28 23:00:00.5",
    no zone = UTC) into epoch ms. nullopt when malformed or out of 1970..9999. */
std::optional<std::int64_t> parseIsoTimeMs(std::string_view text);

/** Epoch ms of a UTC civil date-time (proleptic Gregorian). */
std::int64_t civilToEpochMs(int year, int month, int day, int hour, int minute, double second);

/** "2017-02-28T23:00:00.000Z" */
std::string formatIsoTimeMs(std::int64_t epochMs);

/** One JSON payload per reading in the documented single form:
    {"sensor":"id","ts":1362067200000,"value":12.5}; a non-finite value is written as null. */
std::string encodeReading(const Reading& r);
/** A batch: a JSON array of encodeReading() objects. */
std::string encodeBatch(const std::vector<Reading>& readings);

/** Current UTC time, epoch ms. */
std::int64_t nowEpochMs();

}  // namespace twin::sensors
