#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "twin/sensors/Payload.h"
#include "twin/sensors/Replay.h"

using namespace twin::sensors;

namespace {

struct Decoded {
  std::vector<Reading> readings;
  IngestStats stats;
};

Decoded decode(const std::string& payload, const std::unordered_set<std::string>* known = nullptr,
               std::size_t maxBytes = 256 * 1024) {
  Decoded d;
  DecodeOptions o;
  o.knownSensors = known;
  o.maxPayloadBytes = maxBytes;
  decodePayload(payload, 5000, o, d.readings, d.stats);
  return d;
}

}  // namespace

TEST_CASE("ISO-8601 times parse to epoch ms", "[sensors]") {
  CHECK(parseIsoTimeMs("1970-01-01T00:00:00Z") == 0);
  CHECK(parseIsoTimeMs("2017-02-28T23:00:00Z") == 1488322800000LL);
  CHECK(parseIsoTimeMs("2017-03-01T07:00:00+08:00") == 1488322800000LL);
  CHECK(parseIsoTimeMs("2017-03-01T07:00:00+0800") == 1488322800000LL);
  CHECK(parseIsoTimeMs("2017-02-28 23:00:00.250") == 1488322800250LL);
  CHECK(parseIsoTimeMs("2017-02-28T23:00Z") == 1488322800000LL);
  CHECK(parseIsoTimeMs("2016-02-29T00:00:00Z").has_value());
  CHECK_FALSE(parseIsoTimeMs("2017-02-29T00:00:00Z"));
  CHECK_FALSE(parseIsoTimeMs("2017-13-01T00:00:00Z"));
  CHECK_FALSE(parseIsoTimeMs("2017-02-28T24:00:00Z"));
  CHECK_FALSE(parseIsoTimeMs("2017-02-28"));
  CHECK_FALSE(parseIsoTimeMs("2017-02-28T23:00:00Q"));
  CHECK_FALSE(parseIsoTimeMs("2017-02-28T23:00:00."));
  CHECK_FALSE(parseIsoTimeMs("1969-12-31T23:00:00Z"));
  CHECK_FALSE(parseIsoTimeMs(""));
  CHECK(formatIsoTimeMs(1488322800250LL) == "2017-02-28T23:00:00.250Z");
  CHECK(formatIsoTimeMs(0) == "1970-01-01T00:00:00.000Z");
  CHECK(civilToEpochMs(2013, 3, 1, 0, 0, 0) - 8 * 3600000LL == parseIsoTimeMs("2013-03-01T00:00:00+08:00"));
}

TEST_CASE("decodePayload accepts the documented forms", "[sensors]") {
  SECTION("single object, epoch ms") {
    auto d = decode(R"({"sensor":"pm25","ts":1488322800000,"value":12.5})");
    REQUIRE(d.readings.size() == 1);
    CHECK(d.readings[0].sensorId == "pm25");
    CHECK(d.readings[0].tsMs == 1488322800000LL);
    CHECK(d.readings[0].value == 12.5);
    CHECK(d.readings[0].finite);
    CHECK(d.stats.messages == 1);
    CHECK(d.stats.decoded == 1);
    CHECK(d.stats.rejectedTotal() == 0);
  }
  SECTION("single object, ISO time, extra fields ignored") {
    auto d = decode(R"({"sensor":"pm25","ts":"2017-03-01T07:00:00+08:00","value":3,"unit":"ug"})");
    REQUIRE(d.readings.size() == 1);
    CHECK(d.readings[0].tsMs == 1488322800000LL);
  }
  SECTION("no ts: the receive time") {
    auto d = decode(R"({"sensor":"pm25","value":3})");
    REQUIRE(d.readings.size() == 1);
    CHECK(d.readings[0].tsMs == 5000);
  }
  SECTION("batch: each element judged alone") {
    auto d = decode(
        R"([{"sensor":"a","ts":1,"value":1},{"sensor":"b","value":"x"},{"value":2},{"sensor":"c","ts":3,"value":3}])");
    REQUIRE(d.readings.size() == 2);
    CHECK(d.readings[0].sensorId == "a");
    CHECK(d.readings[1].sensorId == "c");
    CHECK(d.stats.messages == 1);
    CHECK(d.stats.rejectedCount(RejectReason::WrongType) == 1);
    CHECK(d.stats.rejectedCount(RejectReason::MissingField) == 1);
  }
  SECTION("SenML with base name and base time") {
    auto d = decode(
        R"([{"bn":"urn:dev:lift1/","bt":1488322800,"n":"load","u":"kg","v":420},{"n":"speed","t":1.5,"v":1.2}])");
    REQUIRE(d.readings.size() == 2);
    CHECK(d.readings[0].sensorId == "urn:dev:lift1/load");
    CHECK(d.readings[0].tsMs == 1488322800000LL);
    CHECK(d.readings[0].value == 420);
    CHECK(d.readings[1].sensorId == "urn:dev:lift1/speed");
    CHECK(d.readings[1].tsMs == 1488322801500LL);
  }
  SECTION("SenML relative time is relative to the receive time") {
    auto d = decode(R"([{"n":"x","t":-2,"v":1}])");
    REQUIRE(d.readings.size() == 1);
    CHECK(d.readings[0].tsMs == 3000);
  }
  SECTION("SenML string values are the wrong type") {
    auto d = decode(R"([{"bn":"d/","n":"door","vs":"open"},{"n":"t","v":20}])");
    REQUIRE(d.readings.size() == 1);
    CHECK(d.stats.rejectedCount(RejectReason::WrongType) == 1);
  }
}

TEST_CASE("decodePayload counts each kind of rejection and never crashes", "[sensors]") {
  const std::unordered_set<std::string> known = {"pm25"};
  SECTION("invalid JSON") {
    for (const char* p : {"", "{", "not json", "{\"sensor\":\"pm25\",\"value\":NaN}", "[1,2", "\xff\xfe"}) {
      auto d = decode(p);
      CHECK(d.readings.empty());
      CHECK(d.stats.rejectedCount(RejectReason::InvalidJson) == 1);
    }
  }
  SECTION("missing fields") {
    CHECK(decode(R"({"value":1})").stats.rejectedCount(RejectReason::MissingField) == 1);
    CHECK(decode(R"({"sensor":"pm25"})").stats.rejectedCount(RejectReason::MissingField) == 1);
    CHECK(decode("[]").stats.rejectedCount(RejectReason::MissingField) == 1);
  }
  SECTION("wrong types") {
    CHECK(decode(R"({"sensor":5,"value":1})").stats.rejectedCount(RejectReason::WrongType) == 1);
    CHECK(decode(R"({"sensor":"","value":1})").stats.rejectedCount(RejectReason::WrongType) == 1);
    CHECK(decode(R"({"sensor":"pm25","value":"12"})").stats.rejectedCount(RejectReason::WrongType) == 1);
    CHECK(decode(R"({"sensor":"pm25","value":[1]})").stats.rejectedCount(RejectReason::WrongType) == 1);
    CHECK(decode(R"({"sensor":"pm25","ts":true,"value":1})").stats.rejectedCount(RejectReason::WrongType) == 1);
    CHECK(decode("42").stats.rejectedCount(RejectReason::WrongType) == 1);
    CHECK(decode("\"text\"").stats.rejectedCount(RejectReason::WrongType) == 1);
    CHECK(decode(std::string(100000, '[') + std::string(100000, ']')).stats.rejectedCount(RejectReason::WrongType) ==
          1);
  }
  SECTION("bad timestamps") {
    CHECK(decode(R"({"sensor":"pm25","ts":"yesterday","value":1})").stats.rejectedCount(RejectReason::BadTimestamp) ==
          1);
    CHECK(decode(R"({"sensor":"pm25","ts":-5,"value":1})").stats.rejectedCount(RejectReason::BadTimestamp) == 1);
    CHECK(decode(R"({"sensor":"pm25","ts":1e300,"value":1})").stats.rejectedCount(RejectReason::BadTimestamp) == 1);
  }
  SECTION("too large: 1 MB is rejected unparsed") {
    std::string big = R"({"sensor":"pm25","value":1,"pad":")" + std::string(1 << 20, 'x') + "\"}";
    auto d = decode(big);
    CHECK(d.readings.empty());
    CHECK(d.stats.rejectedCount(RejectReason::TooLarge) == 1);
    CHECK(d.stats.rejectedTotal() == 1);
  }
  SECTION("unknown sensors") {
    auto d = decode(R"([{"sensor":"pm25","value":1},{"sensor":"ghost","value":2}])", &known);
    REQUIRE(d.readings.size() == 1);
    CHECK(d.stats.rejectedCount(RejectReason::UnknownSensor) == 1);
  }
  SECTION("NaN, Inf and null become quality events") {
    for (const char* p : {R"({"sensor":"pm25","value":"NaN"})", R"({"sensor":"pm25","value":"Infinity"})",
                          R"({"sensor":"pm25","value":"-Infinity"})", R"({"sensor":"pm25","value":null})"}) {
      auto d = decode(p, &known);
      REQUIRE(d.readings.size() == 1);
      CHECK_FALSE(d.readings[0].finite);
      CHECK(std::isnan(d.readings[0].value));
      CHECK(d.stats.rejectedCount(RejectReason::NonFinite) == 1);
    }
    // A number too large for a double is not valid JSON for the parser.
    CHECK(decode(R"({"sensor":"pm25","value":1e400})").stats.rejectedCount(RejectReason::InvalidJson) == 1);
  }
  SECTION("every truncated copy of a valid batch is handled") {
    const std::string valid = R"([{"sensor":"pm25","ts":"2017-03-01T07:00:00+08:00","value":12.5},{"bn":"x"}])";
    const std::string senml = R"([{"bn":"d/","bt":1488322800,"n":"a","v":1},{"n":"b","t":2,"v":2.5}])";
    for (const std::string& full : {valid, senml}) {
      for (std::size_t n = 0; n < full.size(); ++n) {
        auto d = decode(full.substr(0, n));
        CHECK(d.stats.messages == 1);
        CHECK(d.stats.decoded + d.stats.rejectedTotal() >= 1);
      }
    }
  }
  SECTION("random bytes") {
    std::mt19937 rng(7);
    for (int i = 0; i < 2000; ++i) {
      std::string s(rng() % 64, '\0');
      const char alphabet[] = "{}[]\",:0123456789.eE-+ntrufalsNIy\\ sensorvaluetsbnv";
      for (char& c : s) c = alphabet[rng() % (sizeof alphabet - 1)];
      auto d = decode(s);
      CHECK(d.stats.messages == 1);
    }
  }
}

TEST_CASE("encodeReading round-trips through decodePayload", "[sensors]") {
  Reading r{"a.b", 1488322800000LL, -3.25, true};
  auto d = decode(encodeBatch({r, Reading{"c", 7, 0, false}}));
  REQUIRE(d.readings.size() == 2);
  CHECK(d.readings[0].sensorId == "a.b");
  CHECK(d.readings[0].tsMs == r.tsMs);
  CHECK(d.readings[0].value == r.value);
  CHECK_FALSE(d.readings[1].finite);
}
