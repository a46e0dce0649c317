// MQTT through libmosquitto: a subscriber that hands raw messages to a decoding thread through a
// bounded queue, and a publisher (used by `twin replay` and the benchmarks).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "twin/core/Result.h"
#include "twin/model/Sensor.h"

namespace twin::sensors {

/** A message as it came off the network, not yet decoded. */
struct MqttMessage {
  std::string topic;
  std::string payload;
  std::int64_t receivedMs = 0;  // UTC epoch ms when the network thread got it
};

struct MqttSourceOptions {
  model::MqttConfig broker;                         // host, port, TLS, credentials, status topic
  std::vector<std::pair<std::string, int>> topics;  // (filter, QoS 0 or 1)
  std::size_t queueCapacity = 65536;                // messages; beyond it new ones are dropped and counted
  std::size_t maxPayloadBytes = 256 * 1024;         // larger payloads are counted and not copied
  /** false keeps the subscription and QoS 1 messages queued at the broker while the source is
      away (a persistent session under broker.clientId). Unset: broker.cleanSession, else false
      when broker.clientId is set and true when it is generated. */
  std::optional<bool> cleanSession;
  int reconnectMinSeconds = 1, reconnectMaxSeconds = 30;  // exponential backoff between these
  /** Speak MQTT 5 instead of 3.1.1. start() turns it on when a topic is a shared subscription
      ("$share/GROUP/filter", sensors/Partition.h). A persistent session then asks the broker to
      keep it for sessionExpirySeconds after a disconnect (MQTT 5 ends it at once otherwise). */
  bool mqtt5 = false;
  std::uint32_t sessionExpirySeconds = 0xFFFFFFFFu;  // never expires, as a 3.1.1 persistent session
};

/** Connection and queue counters. */
struct MqttCounters {
  std::uint64_t received = 0;   // messages on data topics
  std::uint64_t queued = 0;     // put in the queue for pop() (received - queueFull - tooLarge)
  std::uint64_t queueFull = 0;  // dropped because the queue was full
  std::uint64_t tooLarge = 0;   // dropped because of maxPayloadBytes
  std::uint64_t connects = 0;   // successful CONNACKs (1 + reconnects)
  std::uint64_t disconnects = 0;
  std::uint64_t failures = 0;  // failed connection attempts and lost connections
};

/** A subscriber running libmosquitto's network thread. Credentials left empty in the options are
    taken from TWIN_MQTT_USER / TWIN_MQTT_PASSWORD. TLS is on when `broker.tls` is true or
    TWIN_MQTT_CA_FILE is set; CA, client certificate and key files left empty come from
    TWIN_MQTT_CA_FILE / TWIN_MQTT_CERT_FILE / TWIN_MQTT_KEY_FILE (no CA file: the system's CAs).
    The broker's certificate must chain to the CA and name the host (unless tlsInsecure). It reconnects by itself with
   exponential backoff and resubscribes after each reconnect. Messages on `broker.statusTopic` (retained
    "online"/"offline", typically devices' last wills) update sensorStatus() and are not queued;
    the sensor id is the topic's last level. Its own connection publishes a retained "online" to
    twin/clients/<clientId> and leaves "offline" there as its last will.
    Thread safety: all member functions may be called from any thread. */
class MqttSource {
 public:
  /** Creates the client and starts connecting in the background. Error when the options are
      unusable (no topics, a TLS file that cannot be read, a client certificate without its key,
      host not resolvable, a persistent session without a client id). A broker that is down is
      not an error here: the source keeps retrying (see waitFirstConnection()). A subscription
      the broker refuses (SUBACK failure code, e.g. shared subscriptions not supported) is a
      connection problem: lastError() and waitFirstConnection() name the topic filter. */
  static core::Result<std::unique_ptr<MqttSource>> start(const MqttSourceOptions& options);
  ~MqttSource();  // disconnects and joins the network thread
  MqttSource(const MqttSource&) = delete;
  MqttSource& operator=(const MqttSource&) = delete;

  /** Moves up to `maxMessages` queued messages into `out` (appending), waiting up to `wait`
      for the first one. Returns how many were moved. */
  std::size_t pop(std::vector<MqttMessage>& out, std::size_t maxMessages, std::chrono::milliseconds wait);
  /** Waits for the outcome of the first connection: Ok once subscribed; an error as soon as an
      attempt fails (refused credentials, nobody listening, a TLS failure) with that first reason,
      or "...: no connection within N s" after `timeout`. The source keeps retrying either way. */
  core::Status waitFirstConnection(std::chrono::milliseconds timeout) const;
  /** Disconnects cleanly (our retained "offline" first) and joins the network thread: nothing
      more is received or acknowledged, and messages already queued stay for pop(). Unacknowledged
      QoS 1 messages of a persistent session stay at the broker. Idempotent; the destructor calls it. */
  void stop();
  /** Messages waiting in the queue. */
  std::size_t queued() const;
  /** Waits until subscribed on a live connection; false after `timeout`. */
  bool waitConnected(std::chrono::milliseconds timeout) const;
  bool connected() const;
  MqttCounters counters() const;
  /** sensor id -> "online"/"offline" (the last retained status seen). */
  std::map<std::string, std::string> sensorStatus() const;
  const std::string& clientId() const;
  /** Why the last connection attempt failed or the connection dropped, e.g.
      "sensors::MqttSource: 127.0.0.1:8883: OpenSSL Error[0]: error:0A000086:SSL routines::certificate
      verify failed" or "...: broker refused the connection: Connection Refused: not authorised.";
      each new problem is also logged once as a warning. Empty before any problem and again after
      each successful connection. */
  std::string lastError() const;

  struct Impl;

 private:
  explicit MqttSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

/** A publishing client. Not thread-safe: one thread publishes. */
class MqttPublisher {
 public:
  /** Connects (waiting up to `timeout`); credentials and TLS as for MqttSource. A failed TLS
      handshake is an error that carries the TLS library's reason ("certificate verify failed"). */
  static core::Result<std::unique_ptr<MqttPublisher>> connect(const model::MqttConfig& broker,
                                                              std::chrono::milliseconds timeout);
  ~MqttPublisher();
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  /** Queues one message. When more than `maxInFlight` QoS 1 messages await PUBACK it waits for
      room first. Error when the client is disconnected for longer than 10 s or the topic is invalid. */
  core::Status publish(const std::string& topic, const std::string& payload, int qos, bool retain = false);
  /** Waits until every QoS 1 message is acknowledged and QoS 0 ones are written; error on timeout. */
  core::Status flush(std::chrono::milliseconds timeout);
  std::uint64_t published() const;

  struct Impl;

 private:
  explicit MqttPublisher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::sensors
