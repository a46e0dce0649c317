// MQTT over TLS against a real mosquitto TLS listener whose CA and certificates are made by the
// test with the openssl tool.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <thread>

#include "TestBroker.h"
#include "twin/sensors/MqttSource.h"
#include "twin/sensors/Payload.h"

using namespace twin::sensors;
using namespace std::chrono_literals;

namespace {

twin::model::MqttConfig tlsBroker(int port, const std::filesystem::path& ca) {
  twin::model::MqttConfig c;
  c.host = "127.0.0.1";
  c.port = port;
  c.keepaliveSeconds = 5;
  c.tls = true;
  c.caFile = ca;
  return c;
}

MqttSourceOptions sourceOptions(const twin::model::MqttConfig& broker) {
  MqttSourceOptions o;
  o.broker = broker;
  o.topics = {{"test/#", 1}};
  o.reconnectMinSeconds = 1;
  o.reconnectMaxSeconds = 2;
  return o;
}

// Publishes `n` readings through `broker` and returns what `source` decoded within 5 s.
std::vector<Reading> roundTrip(MqttSource& source, const twin::model::MqttConfig& broker, int n) {
  auto pub = MqttPublisher::connect(broker, 5000ms);
  INFO((pub.ok() ? std::string() : pub.error().message));
  REQUIRE(pub.ok());
  for (int i = 0; i < n; ++i)
    REQUIRE((*pub)->publish("test/pm25", encodeReading({"pm25", 1000 + i, double(i)}), 1).ok());
  REQUIRE((*pub)->flush(5000ms).ok());
  std::vector<Reading> readings;
  IngestStats stats;
  std::vector<MqttMessage> batch;
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (readings.size() < std::size_t(n) && std::chrono::steady_clock::now() < end) {
    batch.clear();
    source.pop(batch, 256, 50ms);
    for (const MqttMessage& m : batch) decodePayload(m.payload, m.receivedMs, {}, readings, stats);
  }
  CHECK(stats.rejectedTotal() == 0);
  return readings;
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : _name(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(_name); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* _name;
};

}  // namespace

TEST_CASE("MQTT over TLS: published readings arrive decoded, with and without a client certificate",
          "[sensors][mqtt][tls]") {
  twin::test::TempDir dir("mqtt-tls");
  const twin::test::TestCertificates certs = twin::test::makeTestCertificates(dir.path());
  INFO(certs.error);
  REQUIRE(certs.error.empty());

  SECTION("server authentication only") {
    twin::test::TestBroker broker("", twin::test::TestTls{certs.caFile, certs.serverCert, certs.serverKey, false});
    REQUIRE(broker.error().empty());
    const auto config = tlsBroker(broker.port(), certs.caFile);
    auto source = MqttSource::start(sourceOptions(config));
    REQUIRE(source.ok());
    REQUIRE((*source)->waitConnected(10000ms));
    CHECK((*source)->lastError().empty());
    const auto readings = roundTrip(**source, config, 50);
    REQUIRE(readings.size() == 50);
    for (int i = 0; i < 50; ++i) CHECK(readings[std::size_t(i)].value == i);
  }
  SECTION("the broker requires a client certificate") {
    twin::test::TestBroker broker("", twin::test::TestTls{certs.caFile, certs.serverCert, certs.serverKey, true});
    REQUIRE(broker.error().empty());
    auto config = tlsBroker(broker.port(), certs.caFile);
    // Without a client certificate the handshake is refused, and said so.
    auto refused = MqttPublisher::connect(config, 5000ms);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.rfind("sensors::MqttPublisher::connect(): ", 0) == 0);
    config.certFile = certs.clientCert;
    config.keyFile = certs.clientKey;
    auto source = MqttSource::start(sourceOptions(config));
    REQUIRE(source.ok());
    REQUIRE((*source)->waitConnected(10000ms));
    const auto readings = roundTrip(**source, config, 20);
    REQUIRE(readings.size() == 20);
    CHECK(readings.back().value == 19);
  }
}

TEST_CASE("MQTT over TLS: the CA and client files may come from the environment", "[sensors][mqtt][tls]") {
  twin::test::TempDir dir("mqtt-tls-env");
  const twin::test::TestCertificates certs = twin::test::makeTestCertificates(dir.path());
  INFO(certs.error);
  REQUIRE(certs.error.empty());
  twin::test::TestBroker broker("", twin::test::TestTls{certs.caFile, certs.serverCert, certs.serverKey, true});
  REQUIRE(broker.error().empty());
  ScopedEnv ca("TWIN_MQTT_CA_FILE", certs.caFile.string());
  ScopedEnv cert("TWIN_MQTT_CERT_FILE", certs.clientCert.string());
  ScopedEnv key("TWIN_MQTT_KEY_FILE", certs.clientKey.string());
  twin::model::MqttConfig config;  // tls false, no files: the environment turns TLS on
  config.host = "127.0.0.1";
  config.port = broker.port();
  config.keepaliveSeconds = 5;
  auto source = MqttSource::start(sourceOptions(config));
  REQUIRE(source.ok());
  REQUIRE((*source)->waitConnected(10000ms));
  const auto readings = roundTrip(**source, config, 10);
  CHECK(readings.size() == 10);
}

TEST_CASE("MQTT over TLS: a wrong CA is a clear connection error, not a hang", "[sensors][mqtt][tls]") {
  twin::test::TempDir dir("mqtt-tls-wrong-ca");
  const twin::test::TestCertificates certs = twin::test::makeTestCertificates(dir.path());
  INFO(certs.error);
  REQUIRE(certs.error.empty());
  twin::test::TestBroker broker("", twin::test::TestTls{certs.caFile, certs.serverCert, certs.serverKey, false});
  REQUIRE(broker.error().empty());
  const auto wrong = tlsBroker(broker.port(), certs.otherCaFile);
  const std::string target = "127.0.0.1:" + std::to_string(broker.port());

  auto pub = MqttPublisher::connect(wrong, 5000ms);
  REQUIRE_FALSE(pub.ok());
  INFO(pub.error().message);
  CHECK(pub.error().message.rfind("sensors::MqttPublisher::connect(): cannot connect to " + target + ": OpenSSL Error",
                                  0) == 0);
  CHECK(pub.error().message.find("certificate verify failed") != std::string::npos);

  // The subscriber keeps retrying in the background and says why it cannot connect.
  auto source = MqttSource::start(sourceOptions(wrong));
  REQUIRE(source.ok());
  CHECK_FALSE((*source)->waitConnected(1500ms));
  std::string error;
  const auto end = std::chrono::steady_clock::now() + 10s;
  while (error.empty() && std::chrono::steady_clock::now() < end) {
    error = (*source)->lastError();
    std::this_thread::sleep_for(20ms);
  }
  INFO(error);
  CHECK(error.rfind("sensors::MqttSource: " + target + ": OpenSSL Error", 0) == 0);
  CHECK(error.find("certificate verify failed") != std::string::npos);
  CHECK_FALSE((*source)->connected());
  CHECK((*source)->counters().received == 0);
}

TEST_CASE("MQTT over TLS: unreadable TLS files are start errors", "[sensors][mqtt][tls]") {
  MqttSourceOptions o;
  o.broker.port = twin::test::freeLoopbackPort();
  o.broker.tls = true;
  o.topics = {{"a/b", 1}};
  o.broker.caFile = "/nonexistent/ca.pem";
  auto missing = MqttSource::start(o);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "sensors::MqttSource::start(): TLS file '/nonexistent/ca.pem' cannot be read");

  o.broker.caFile.clear();
  o.broker.certFile = "/nonexistent/client.pem";
  auto half = MqttSource::start(o);
  REQUIRE_FALSE(half.ok());
  CHECK(half.error().message ==
        "sensors::MqttSource::start(): TLS client certificate and key must be given together (cert_file "
        "'/nonexistent/client.pem', key_file '')");

  auto pub = MqttPublisher::connect(o.broker, 1000ms);
  REQUIRE_FALSE(pub.ok());
  CHECK(pub.error().message ==
        "sensors::MqttPublisher::connect(): TLS client certificate and key must be given together (cert_file "
        "'/nonexistent/client.pem', key_file '')");
}
