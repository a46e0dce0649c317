#include <catch2/catch.hpp>

#include <thread>

#include "TestBroker.h"
#include "twin/sensors/MqttSource.h"
#include "twin/sensors/Payload.h"

using namespace twin::sensors;
using namespace std::chrono_literals;

namespace {

twin::model::MqttConfig brokerAt(int port) {
  twin::model::MqttConfig c;
  c.host = "127.0.0.1";
  c.port = port;
  c.keepaliveSeconds = 5;
  return c;
}

// Pops and decodes until `want` readings have arrived or `timeout` passes.
std::vector<Reading> collect(MqttSource& source, std::size_t want, IngestStats& stats,
                             std::chrono::milliseconds timeout = 5000ms,
                             const std::unordered_set<std::string>* known = nullptr) {
  std::vector<Reading> readings;
  DecodeOptions options;
  options.knownSensors = known;
  const auto end = std::chrono::steady_clock::now() + timeout;
  std::vector<MqttMessage> batch;
  while (readings.size() < want && std::chrono::steady_clock::now() < end) {
    batch.clear();
    source.pop(batch, 256, 50ms);
    for (const MqttMessage& m : batch) decodePayload(m.payload, m.receivedMs, options, readings, stats);
  }
  return readings;
}

std::unique_ptr<MqttSource> subscribe(int port, int qos, std::size_t capacity = 65536) {
  MqttSourceOptions o;
  o.broker = brokerAt(port);
  o.topics = {{"test/#", qos}};
  o.queueCapacity = capacity;
  o.reconnectMinSeconds = 1;
  o.reconnectMaxSeconds = 2;
  auto s = MqttSource::start(o);
  REQUIRE(s.ok());
  REQUIRE((*s)->waitConnected(5000ms));
  return std::move(*s);
}

std::unique_ptr<MqttPublisher> publisher(int port) {
  auto p = MqttPublisher::connect(brokerAt(port), 5000ms);
  REQUIRE(p.ok());
  return std::move(*p);
}

}  // namespace

TEST_CASE("MQTT: published readings arrive decoded, QoS 0 and 1", "[sensors][mqtt]") {
  twin::test::TestBroker broker;
  REQUIRE(broker.error().empty());
  for (int qos : {0, 1}) {
    auto source = subscribe(broker.port(), qos);
    auto pub = publisher(broker.port());
    for (int i = 0; i < 200; ++i)
      REQUIRE(pub->publish("test/pm25", encodeReading({"pm25", 1000 + i, double(i)}), qos).ok());
    REQUIRE(pub->flush(5000ms).ok());
    IngestStats stats;
    auto readings = collect(*source, 200, stats);
    REQUIRE(readings.size() == 200);
    for (int i = 0; i < 200; ++i) CHECK(readings[i].value == i);
    CHECK(stats.rejectedTotal() == 0);
    CHECK(source->counters().received == 200);
  }
}

TEST_CASE("MQTT: malformed payloads through the broker are counted and rejected", "[sensors][mqtt]") {
  twin::test::TestBroker broker;
  REQUIRE(broker.error().empty());
  MqttSourceOptions o;
  o.broker = brokerAt(broker.port());
  o.topics = {{"test/#", 1}};
  o.maxPayloadBytes = 512 * 1024;
  auto started = MqttSource::start(o);
  REQUIRE(started.ok());
  auto& source = **started;
  REQUIRE(source.waitConnected(5000ms));
  auto pub = publisher(broker.port());
  const std::vector<std::string> bad = {"{not json",
                                        R"({"value":1})",
                                        R"({"sensor":"pm25","value":"high"})",
                                        R"({"sensor":"ghost","value":1})",
                                        R"({"sensor":"pm25","value":"NaN"})",
                                        R"({"sensor":"pm25","value":"Infinity"})",
                                        R"({"sensor":"pm25","ts":"soon","value":1})"};
  for (const std::string& p : bad) REQUIRE(pub->publish("test/x", p, 1).ok());
  REQUIRE(pub->publish("test/x", std::string(1 << 20, '{'), 1).ok());  // 1 MB: dropped unparsed
  REQUIRE(pub->publish("test/x", R"({"sensor":"pm25","value":42})", 1).ok());
  REQUIRE(pub->flush(5000ms).ok());
  const std::unordered_set<std::string> known = {"pm25"};
  IngestStats stats;
  auto readings = collect(source, 3, stats, 5000ms, &known);
  REQUIRE(readings.size() == 3);  // two non-finite quality events and the good one
  CHECK(readings[2].value == 42);
  CHECK(stats.rejectedCount(RejectReason::InvalidJson) == 1);
  CHECK(stats.rejectedCount(RejectReason::MissingField) == 1);
  CHECK(stats.rejectedCount(RejectReason::WrongType) == 1);
  CHECK(stats.rejectedCount(RejectReason::UnknownSensor) == 1);
  CHECK(stats.rejectedCount(RejectReason::NonFinite) == 2);
  CHECK(stats.rejectedCount(RejectReason::BadTimestamp) == 1);
  CHECK(source.counters().tooLarge == 1);
  CHECK(source.counters().received == 9);
}

TEST_CASE("MQTT: a full decode queue drops and counts, never blocks", "[sensors][mqtt]") {
  twin::test::TestBroker broker;
  REQUIRE(broker.error().empty());
  auto source = subscribe(broker.port(), 1, 10);
  auto pub = publisher(broker.port());
  for (int i = 0; i < 50; ++i) REQUIRE(pub->publish("test/a", encodeReading({"a", i, 1.0}), 1).ok());
  REQUIRE(pub->flush(5000ms).ok());
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (source->counters().received < 50 && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(10ms);
  CHECK(source->counters().received == 50);
  CHECK(source->counters().queueFull == 40);
  std::vector<MqttMessage> out;
  CHECK(source->pop(out, 100, 10ms) == 10);
}

TEST_CASE("MQTT: retained status and last will give sensor online status", "[sensors][mqtt]") {
  twin::test::TestBroker broker;
  REQUIRE(broker.error().empty());
  auto pub = publisher(broker.port());
  REQUIRE(pub->publish("twin/status/lift-1", "online", 1, true).ok());
  REQUIRE(pub->publish("twin/status/lift-2", R"({"status":"offline"})", 1, true).ok());
  REQUIRE(pub->flush(5000ms).ok());
  auto source = subscribe(broker.port(), 1);
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (source->sensorStatus().size() < 2 && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(10ms);
  auto status = source->sensorStatus();
  CHECK(status["lift-1"] == "online");
  CHECK(status["lift-2"] == "offline");
  // Status messages are not data.
  std::vector<MqttMessage> out;
  CHECK(source->pop(out, 10, 50ms) == 0);
}

TEST_CASE("MQTT: broker restart -> reconnect and resume", "[sensors][mqtt][slow]") {
  twin::test::TestBroker broker;
  REQUIRE(broker.error().empty());
  auto source = subscribe(broker.port(), 1);
  {
    auto pub = publisher(broker.port());
    REQUIRE(pub->publish("test/a", encodeReading({"a", 1, 1.0}), 1).ok());
    REQUIRE(pub->flush(5000ms).ok());
  }
  IngestStats stats;
  REQUIRE(collect(*source, 1, stats).size() == 1);
  broker.stop();
  const auto down = std::chrono::steady_clock::now() + 5s;
  while (source->connected() && std::chrono::steady_clock::now() < down) std::this_thread::sleep_for(10ms);
  CHECK_FALSE(source->connected());
  REQUIRE(broker.start());
  REQUIRE(source->waitConnected(15000ms));
  CHECK(source->counters().connects >= 2);
  CHECK(source->counters().disconnects >= 1);
  auto pub = publisher(broker.port());
  REQUIRE(pub->publish("test/a", encodeReading({"a", 2, 2.0}), 1).ok());
  REQUIRE(pub->flush(5000ms).ok());
  auto after = collect(*source, 1, stats);
  REQUIRE(after.size() == 1);
  CHECK(after[0].value == 2);
}

TEST_CASE("MQTT: bad options are errors, a broker that is down is retried", "[sensors][mqtt]") {
  MqttSourceOptions o;
  o.broker.port = twin::test::freeLoopbackPort();
  auto none = MqttSource::start(o);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message == "sensors::MqttSource::start(): no topics to subscribe to");
  o.topics = {{"a/#/b", 0}};
  auto badTopic = MqttSource::start(o);
  REQUIRE_FALSE(badTopic.ok());
  CHECK(badTopic.error().message == "sensors::MqttSource::start(): invalid topic filter 'a/#/b'");
  o.topics = {{"a/b", 2}};
  auto badQos = MqttSource::start(o);
  REQUIRE_FALSE(badQos.ok());
  CHECK(badQos.error().message == "sensors::MqttSource::start(): topic 'a/b': QoS must be 0 or 1");
  o.topics = {{"a/b", 1}};
  auto down = MqttSource::start(o);
  REQUIRE(down.ok());
  CHECK_FALSE((*down)->waitConnected(300ms));
  auto pub = MqttPublisher::connect(o.broker, 1000ms);
  REQUIRE_FALSE(pub.ok());
  CHECK(pub.error().message.rfind("sensors::MqttPublisher::connect(): cannot connect to 127.0.0.1:", 0) == 0);
}
