// Nothing lost across restarts: a persistent MQTT session (fixed client id, clean_session false)
// keeps QoS 1 readings at the broker while the twin or the broker restarts. Every reading is
// counted; a real mosquitto with persistence on runs on a free loopback port.
#include <catch2/catch.hpp>

#include <set>

#include "TestBroker.h"
#include "twin/sensors/MqttSource.h"
#include "twin/sensors/Payload.h"

using namespace twin::sensors;
using namespace std::chrono_literals;

namespace {

twin::model::MqttConfig brokerAt(int port, const std::string& clientId = "") {
  twin::model::MqttConfig c;
  c.host = "127.0.0.1";
  c.port = port;
  c.keepaliveSeconds = 5;
  c.clientId = clientId;
  return c;
}

// A folder the broker may write its persistence file to after dropping root to its own user.
std::string persistenceConfig(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::all);
  return "persistence true\npersistence_location " + dir.string() + "/\nautosave_interval 1\n";
}

std::unique_ptr<MqttSource> start(int port, const std::string& clientId, std::optional<bool> clean = std::nullopt) {
  MqttSourceOptions o;
  o.broker = brokerAt(port, clientId);
  o.topics = {{"test/#", 1}};
  o.cleanSession = clean;
  o.reconnectMinSeconds = 1;
  o.reconnectMaxSeconds = 1;
  auto s = MqttSource::start(o);
  REQUIRE(s.ok());
  return std::move(*s);
}

void publishRange(int port, int from, int to) {
  auto pub = MqttPublisher::connect(brokerAt(port), 5000ms);
  REQUIRE(pub.ok());
  for (int i = from; i < to; ++i)
    REQUIRE((*pub)->publish("test/r", encodeReading({"r", 1000000 + i, double(i)}), 1).ok());
  REQUIRE((*pub)->flush(5000ms).ok());
}

// Time stamps received until `want` distinct ones are in or `timeout` passes; counts repeats.
std::set<std::int64_t> collect(MqttSource& source, std::size_t want, std::set<std::int64_t> seen,
                               std::uint64_t& repeats, std::chrono::milliseconds timeout = 10000ms) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  std::vector<MqttMessage> batch;
  while (seen.size() < want && std::chrono::steady_clock::now() < end) {
    batch.clear();
    source.pop(batch, 256, 50ms);
    std::vector<Reading> readings;
    IngestStats stats;
    for (const MqttMessage& m : batch) decodePayload(m.payload, m.receivedMs, DecodeOptions{}, readings, stats);
    for (const Reading& r : readings)
      if (!seen.insert(r.tsMs).second) ++repeats;
  }
  return seen;
}

}  // namespace

TEST_CASE("MQTT persistent session: readings published while the twin is down arrive when it returns",
          "[sensors][mqtt][restart]") {
  twin::test::TempDir dir("persist-twin");
  twin::test::TestBroker broker(persistenceConfig(dir.path() / "db"));
  REQUIRE(broker.error().empty());
  SECTION("client id set: a persistent session by default, all 100 arrive once") {
    {
      auto first = start(broker.port(), "twin-restart-test");
      REQUIRE(first->waitConnected(5000ms));
      publishRange(broker.port(), 0, 50);
      std::uint64_t repeats = 0;
      auto seen = collect(*first, 50, {}, repeats);
      REQUIRE(seen.size() == 50);
      first->stop();  // the twin goes down cleanly
    }
    publishRange(broker.port(), 50, 150);  // while it is down
    auto second = start(broker.port(), "twin-restart-test");
    REQUIRE(second->waitFirstConnection(5000ms).ok());
    std::uint64_t repeats = 0;
    auto seen = collect(*second, 100, {}, repeats);
    CHECK(seen.size() == 100);
    CHECK(repeats == 0);
    CHECK(*seen.begin() == 1000050);
    CHECK(*seen.rbegin() == 1000149);
    CHECK(second->counters().received == 100);
    CHECK(second->counters().queued == 100);
  }
  SECTION("clean session: the same restart loses them (what the persistent session prevents)") {
    {
      auto first = start(broker.port(), "twin-clean-test", true);
      REQUIRE(first->waitConnected(5000ms));
      first->stop();
    }
    publishRange(broker.port(), 0, 100);
    auto second = start(broker.port(), "twin-clean-test", true);
    REQUIRE(second->waitConnected(5000ms));
    std::uint64_t repeats = 0;
    auto seen = collect(*second, 1, {}, repeats, 1000ms);
    CHECK(seen.empty());
  }
}

TEST_CASE("MQTT persistent session: every QoS 1 reading survives a broker restart", "[sensors][mqtt][restart]") {
  twin::test::TempDir dir("persist-broker");
  twin::test::TestBroker broker(persistenceConfig(dir.path() / "db"));
  REQUIRE(broker.error().empty());
  auto source = start(broker.port(), "twin-broker-restart-test");
  REQUIRE(source->waitConnected(5000ms));
  publishRange(broker.port(), 0, 150);
  broker.stop();  // some of the 150 may still sit at the broker: it saves them
  REQUIRE(broker.start());
  // Published after the restart, before the twin has reconnected: the broker restored the
  // subscription from its persistence file and queues them for the twin.
  publishRange(broker.port(), 150, 300);
  std::uint64_t repeats = 0;
  auto seen = collect(*source, 300, {}, repeats, 15000ms);
  CHECK(seen.size() == 300);
  CHECK(source->counters().connects >= 2);
  CHECK(source->counters().queueFull == 0);
}

TEST_CASE("MQTT: the first connection's failure is reported at once", "[sensors][mqtt]") {
  SECTION("no broker") {
    const int port = twin::test::freeLoopbackPort();
    auto source = start(port, "");
    auto first = source->waitFirstConnection(5000ms);
    REQUIRE_FALSE(first.ok());
    CHECK(first.error().message ==
          "sensors::MqttSource: 127.0.0.1:" + std::to_string(port) + ": cannot connect: Connection refused");
  }
  SECTION("wrong password") {
    twin::test::TempDir dir("mqtt-password");
    const std::string passwd = twin::test::findTool("mosquitto_passwd");
    REQUIRE_FALSE(passwd.empty());
    const auto file = dir.path() / "passwords";
    REQUIRE(twin::test::runTool({passwd, "-b", "-c", file.string(), "twin", "right"}, dir.path() / "passwd.log") == 0);
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                           std::filesystem::perms::group_read | std::filesystem::perms::others_read);
    twin::test::TestBroker broker("allow_anonymous false\npassword_file " + file.string() + "\n");
    REQUIRE(broker.error().empty());
    MqttSourceOptions o;
    o.broker = brokerAt(broker.port());
    o.broker.username = "twin";
    o.broker.password = "wrong";
    o.topics = {{"test/#", 1}};
    auto source = MqttSource::start(o);
    REQUIRE(source.ok());
    auto first = (*source)->waitFirstConnection(5000ms);
    REQUIRE_FALSE(first.ok());
    INFO(first.error().message);
    CHECK(first.error().message.find("broker refused the connection") != std::string::npos);
    o.broker.password = "right";
    auto good = MqttSource::start(o);
    REQUIRE(good.ok());
    auto goodFirst = (*good)->waitFirstConnection(5000ms);
    INFO((goodFirst.ok() ? std::string() : goodFirst.error().message));
    CHECK(goodFirst.ok());
  }
  SECTION("a persistent session needs a client id") {
    MqttSourceOptions o;
    o.broker = brokerAt(1);
    o.topics = {{"test/#", 1}};
    o.cleanSession = false;
    auto source = MqttSource::start(o);
    REQUIRE_FALSE(source.ok());
    CHECK(source.error().message ==
          "sensors::MqttSource::start(): a persistent session (clean_session false) needs a fixed client id "
          "(mqtt.client_id)");
  }
}
