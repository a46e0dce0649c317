#include "twin/sensors/MqttSource.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "twin/core/Log.h"
#include "twin/sensors/Payload.h"

namespace twin::sensors {

using core::fail;

namespace {

void initLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string generatedClientId(const char* prefix) {
  std::random_device rd;
  return std::string(prefix) + std::to_string(rd() % 1000000000u);
}

std::string envOr(const std::string& value, const char* name) {
  if (!value.empty()) return value;
  const char* e = std::getenv(name);
  return e ? std::string(e) : std::string();
}

// TLS is on when the scene says so or when the environment names a CA file; each file left empty
// in the scene may come from the environment, so certificates need not be written into scenes.
struct TlsFiles {
  bool on = false;
  std::string ca, cert, key;
};

TlsFiles tlsFiles(const model::MqttConfig& broker) {
  TlsFiles t;
  t.ca = envOr(broker.caFile.string(), "TWIN_MQTT_CA_FILE");
  t.cert = envOr(broker.certFile.string(), "TWIN_MQTT_CERT_FILE");
  t.key = envOr(broker.keyFile.string(), "TWIN_MQTT_KEY_FILE");
  const char* envCa = std::getenv("TWIN_MQTT_CA_FILE");
  t.on = broker.tls || (envCa && *envCa);
  return t;
}

// Applies credentials and TLS shared by the subscriber and the publisher.
core::Status configureClient(mosquitto* mosq, const model::MqttConfig& broker, const char* where) {
  const std::string user = envOr(broker.username, "TWIN_MQTT_USER");
  const std::string password = envOr(broker.password, "TWIN_MQTT_PASSWORD");
  if (!user.empty()) {
    int rc = mosquitto_username_pw_set(mosq, user.c_str(), password.empty() ? nullptr : password.c_str());
    if (rc != MOSQ_ERR_SUCCESS) return fail(std::string(where) + ": cannot set credentials: " + mosquitto_strerror(rc));
  }
  const TlsFiles tls = tlsFiles(broker);
  if (tls.on) {
    if (tls.cert.empty() != tls.key.empty())
      return fail(std::string(where) + ": TLS client certificate and key must be given together (cert_file '" +
                  tls.cert + "', key_file '" + tls.key + "')");
    for (const std::string* file : {&tls.ca, &tls.cert, &tls.key}) {
      if (file->empty()) continue;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(*file, ec))
        return fail(std::string(where) + ": TLS file '" + *file + "' cannot be read");
    }
    int rc = mosquitto_tls_set(mosq, tls.ca.empty() ? nullptr : tls.ca.c_str(), nullptr,
                               tls.cert.empty() ? nullptr : tls.cert.c_str(),
                               tls.key.empty() ? nullptr : tls.key.c_str(), nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
      return fail(std::string(where) + ": TLS set-up failed (ca_file '" + tls.ca + "'): " + mosquitto_strerror(rc));
    if (tls.ca.empty()) mosquitto_int_option(mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
    if (broker.tlsInsecure) mosquitto_tls_insecure_set(mosq, true);
  }
  mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
  return core::Ok{};
}

// libmosquitto says why a connection failed (a TLS verification error, say) only in its log.
// Keeps the first error line since the last successful connection.
struct ErrorLog {
  std::mutex mutex;
  std::string first;
  void record(int level, const char* text) {
    if (!(level & MOSQ_LOG_ERR) || !text) return;
    std::lock_guard<std::mutex> lock(mutex);
    if (first.empty()) first = text;
  }
  std::string take() {
    std::lock_guard<std::mutex> lock(mutex);
    std::string out;
    out.swap(first);
    return out;
  }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Subscriber

struct MqttSource::Impl {
  MqttSourceOptions options;
  std::string clientId, clientTopic;
  mosquitto* mosq = nullptr;

  mutable std::mutex mutex;
  mutable std::condition_variable queueCv, connectedCv;
  std::deque<MqttMessage> queue;
  MqttCounters counters;
  bool subscribed = false;
  bool refusedSubscription = false;           // on this connection
  bool mqtt5 = false;                         // CONNACK codes are MQTT 5 reason codes
  std::map<int, std::string> pendingSubacks;  // SUBSCRIBEs sent on this connection, not yet acknowledged: mid -> filter
  std::map<std::string, std::string> status;
  std::string lastError;
  std::string firstFailure;  // the first problem before any connection, for waitFirstConnection()
  bool stopped = false;
  ErrorLog log;

  static void onLog(mosquitto*, void* self, int level, const char* text) {
    auto* impl = static_cast<Impl*>(self);
    impl->log.record(level, text);
    // A failed TLS handshake never reaches on_connect or on_disconnect: report it from here.
    if ((level & MOSQ_LOG_ERR) && text) impl->failed(text);
  }
  static void onConnect(mosquitto* m, void* self, int rc) { static_cast<Impl*>(self)->connected(m, rc); }
  static void onDisconnect(mosquitto*, void* self, int rc) {
    auto* impl = static_cast<Impl*>(self);
    {
      std::lock_guard<std::mutex> lock(impl->mutex);
      impl->subscribed = false;
      ++impl->counters.disconnects;
    }
    if (rc != 0) {
      const std::string detail = impl->log.take();
      impl->failed(detail.empty() ? std::string("connection lost: ") + mosquitto_strerror(rc) : detail);
    }
  }

  // Records a connection problem; logs it once until it changes or a connection succeeds.
  void failed(const std::string& what) {
    const std::string text =
        "sensors::MqttSource: " + options.broker.host + ":" + std::to_string(options.broker.port) + ": " + what;
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++counters.failures;
      if (firstFailure.empty() && counters.connects == 0) firstFailure = text;
      connectedCv.notify_all();  // waitFirstConnection() returns on the first failure
      if (text == lastError) return;
      lastError = text;
    }
    core::logWarning(text);
  }
  static void onMessage(mosquitto*, void* self, const mosquitto_message* msg) {
    static_cast<Impl*>(self)->message(msg);
  }

  void connected(mosquitto* m, int rc) {
    if (rc != 0) {
      failed(std::string("broker refused the connection: ") +
             (mqtt5 ? mosquitto_reason_string(rc) : mosquitto_connack_string(rc)));
      return;
    }
    log.take();
    // "Subscribed" means every SUBACK is in: a message published after waitConnected() returns
    // cannot reach the broker before our subscription does. The SUBACKs are read by this same
    // network thread after this callback returns, so the ids are recorded in time. No lock is
    // held while calling libmosquitto: its log callback may take the lock.
    std::map<int, std::string> mids;
    for (const auto& [topic, qos] : options.topics) {
      int mid = 0;
      if (mosquitto_subscribe(m, &mid, topic.c_str(), qos) == MOSQ_ERR_SUCCESS) mids[mid] = topic;
    }
    if (!options.broker.statusTopic.empty()) {
      int mid = 0;
      if (mosquitto_subscribe(m, &mid, options.broker.statusTopic.c_str(), 1) == MOSQ_ERR_SUCCESS)
        mids[mid] = options.broker.statusTopic;
    }
    mosquitto_publish(m, nullptr, clientTopic.c_str(), 6, "online", 1, true);
    std::lock_guard<std::mutex> lock(mutex);
    pendingSubacks = std::move(mids);
    refusedSubscription = false;
    ++counters.connects;
    lastError.clear();
    subscribed = pendingSubacks.empty();
    if (subscribed) connectedCv.notify_all();
  }

  static void onSubscribe(mosquitto*, void* self, int mid, int count, const int* granted) {
    auto* impl = static_cast<Impl*>(self);
    std::unique_lock<std::mutex> lock(impl->mutex);
    const auto it = impl->pendingSubacks.find(mid);
    if (it == impl->pendingSubacks.end()) return;
    // A granted QoS above 2 is a failure code (0x80 in 3.1.1; 0x80 and up, e.g. 0x9E "shared
    // subscriptions not supported", in MQTT 5): without it the filter would stay silent forever.
    for (int i = 0; i < count; ++i) {
      if (granted[i] <= 2) continue;
      const std::string text =
          "broker refused the subscription to '" + it->second + "' (reason code " + std::to_string(granted[i]) + ")";
      impl->pendingSubacks.erase(it);
      impl->refusedSubscription = true;
      if (impl->firstFailure.empty())
        impl->firstFailure = "sensors::MqttSource: " + impl->options.broker.host + ":" +
                             std::to_string(impl->options.broker.port) + ": " + text;
      lock.unlock();
      impl->failed(text);
      return;
    }
    impl->pendingSubacks.erase(it);
    if (!impl->pendingSubacks.empty() || impl->refusedSubscription) return;
    impl->subscribed = true;
    impl->connectedCv.notify_all();
  }

  void message(const mosquitto_message* msg) {
    if (!msg->topic) return;
    bool isStatus = false;
    if (!options.broker.statusTopic.empty())
      mosquitto_topic_matches_sub(options.broker.statusTopic.c_str(), msg->topic, &isStatus);
    if (isStatus) {
      std::string topic = msg->topic;
      std::string id = topic.substr(topic.rfind('/') + 1);
      std::string payload(static_cast<const char*>(msg->payload), msg->payloadlen > 0 ? msg->payloadlen : 0);
      // Accept the bare words and the common JSON form {"status":"online"}.
      std::string state = payload.find("offline") != std::string::npos  ? "offline"
                          : payload.find("online") != std::string::npos ? "online"
                                                                        : "";
      if (state.empty() || id.empty()) return;
      std::lock_guard<std::mutex> lock(mutex);
      status[id] = state;
      return;
    }
    const std::int64_t now = nowEpochMs();
    std::unique_lock<std::mutex> lock(mutex);
    ++counters.received;
    if (static_cast<std::size_t>(msg->payloadlen) > options.maxPayloadBytes) {
      ++counters.tooLarge;
      return;
    }
    if (queue.size() >= options.queueCapacity) {
      ++counters.queueFull;
      return;
    }
    lock.unlock();
    MqttMessage m;
    m.topic = msg->topic;
    m.payload.assign(static_cast<const char*>(msg->payload), msg->payloadlen > 0 ? msg->payloadlen : 0);
    m.receivedMs = now;
    lock.lock();
    ++counters.queued;
    queue.push_back(std::move(m));
    if (queue.size() == 1) queueCv.notify_one();
  }
};

core::Result<std::unique_ptr<MqttSource>> MqttSource::start(const MqttSourceOptions& options) {
  initLibrary();
  const char* where = "sensors::MqttSource::start()";
  if (options.topics.empty()) return fail(std::string(where) + ": no topics to subscribe to");
  for (const auto& [topic, qos] : options.topics) {
    if (qos < 0 || qos > 1) return fail(std::string(where) + ": topic '" + topic + "': QoS must be 0 or 1");
    if (mosquitto_sub_topic_check(topic.c_str()) != MOSQ_ERR_SUCCESS)
      return fail(std::string(where) + ": invalid topic filter '" + topic + "'");
  }
  if (options.queueCapacity == 0) return fail(std::string(where) + ": queue capacity must be > 0");
  const bool cleanSession =
      options.cleanSession.value_or(options.broker.cleanSession.value_or(options.broker.clientId.empty()));
  if (!cleanSession && options.broker.clientId.empty())
    return fail(std::string(where) +
                ": a persistent session (clean_session false) needs a fixed client id (mqtt.client_id)");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->clientId = options.broker.clientId.empty() ? generatedClientId("twin-") : options.broker.clientId;
  impl->clientTopic = "twin/clients/" + impl->clientId;
  impl->mosq = mosquitto_new(impl->clientId.c_str(), cleanSession, impl.get());
  if (!impl->mosq) return fail(std::string(where) + ": mosquitto_new failed");
  bool mqtt5 = options.mqtt5;
  for (const auto& topic : options.topics) mqtt5 = mqtt5 || topic.first.rfind("$share/", 0) == 0;
  if (mqtt5) mosquitto_int_option(impl->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  impl->mqtt5 = mqtt5;
  auto status = configureClient(impl->mosq, options.broker, where);
  if (!status) {
    mosquitto_destroy(impl->mosq);
    return status.error();
  }
  mosquitto_will_set(impl->mosq, impl->clientTopic.c_str(), 7, "offline", 1, true);
  mosquitto_reconnect_delay_set(impl->mosq, static_cast<unsigned>(options.reconnectMinSeconds),
                                static_cast<unsigned>(options.reconnectMaxSeconds), true);
  mosquitto_connect_callback_set(impl->mosq, &Impl::onConnect);
  mosquitto_disconnect_callback_set(impl->mosq, &Impl::onDisconnect);
  mosquitto_message_callback_set(impl->mosq, &Impl::onMessage);
  mosquitto_log_callback_set(impl->mosq, &Impl::onLog);
  mosquitto_subscribe_callback_set(impl->mosq, &Impl::onSubscribe);
  int rc = MOSQ_ERR_SUCCESS;
  if (mqtt5 && !cleanSession) {
    // MQTT 5 ends a session when its connection closes unless CONNECT asks for an expiry
    // interval; libmosquitto keeps these properties for its reconnects. It has no asynchronous
    // connect with properties: this one blocks until the TCP connection is made or refused.
    mosquitto_property* properties = nullptr;
    mosquitto_property_add_int32(&properties, MQTT_PROP_SESSION_EXPIRY_INTERVAL, options.sessionExpirySeconds);
    rc = mosquitto_connect_bind_v5(impl->mosq, options.broker.host.c_str(), options.broker.port,
                                   options.broker.keepaliveSeconds, nullptr, properties);
    mosquitto_property_free_all(&properties);
  } else {
    rc = mosquitto_connect_async(impl->mosq, options.broker.host.c_str(), options.broker.port,
                                 options.broker.keepaliveSeconds);
  }
  // A refused or unreachable broker is retried by the network thread; only a bad host name or
  // bad arguments are final.
  if (rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_EAI) {
    mosquitto_destroy(impl->mosq);
    return fail(std::string(where) + ": cannot connect to " + options.broker.host + ":" +
                std::to_string(options.broker.port) + ": " + mosquitto_strerror(rc));
  }
  // Nobody listening on a local port is known at once; the network thread retries it.
  if (rc != MOSQ_ERR_SUCCESS) impl->failed(std::string("cannot connect: ") + mosquitto_strerror(rc));
  rc = mosquitto_loop_start(impl->mosq);
  if (rc != MOSQ_ERR_SUCCESS) {
    mosquitto_destroy(impl->mosq);
    return fail(std::string(where) + ": cannot start the network thread: " + mosquitto_strerror(rc));
  }
  return std::unique_ptr<MqttSource>(new MqttSource(std::move(impl)));
}

MqttSource::MqttSource(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}

MqttSource::~MqttSource() {
  stop();
  mosquitto_destroy(_impl->mosq);
}

void MqttSource::stop() {
  {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    if (_impl->stopped) return;
    _impl->stopped = true;
  }
  // Publish our own "offline" before a clean disconnect, since a clean disconnect suppresses the will.
  mosquitto_publish(_impl->mosq, nullptr, _impl->clientTopic.c_str(), 7, "offline", 1, true);
  mosquitto_disconnect(_impl->mosq);
  mosquitto_loop_stop(_impl->mosq, false);
  std::lock_guard<std::mutex> lock(_impl->mutex);
  _impl->subscribed = false;
}

std::size_t MqttSource::queued() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return _impl->queue.size();
}

core::Status MqttSource::waitFirstConnection(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(_impl->mutex);
  _impl->connectedCv.wait_for(lock, timeout, [&] { return _impl->subscribed || !_impl->firstFailure.empty(); });
  if (_impl->subscribed) return core::Ok{};
  if (!_impl->firstFailure.empty()) return fail(_impl->firstFailure);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
  return fail("sensors::MqttSource: " + _impl->options.broker.host + ":" + std::to_string(_impl->options.broker.port) +
              ": no connection within " + std::to_string(seconds) + " s");
}

std::size_t MqttSource::pop(std::vector<MqttMessage>& out, std::size_t maxMessages, std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(_impl->mutex);
  if (_impl->queue.empty()) _impl->queueCv.wait_for(lock, wait, [&] { return !_impl->queue.empty(); });
  std::size_t n = 0;
  while (n < maxMessages && !_impl->queue.empty()) {
    out.push_back(std::move(_impl->queue.front()));
    _impl->queue.pop_front();
    ++n;
  }
  return n;
}

bool MqttSource::waitConnected(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(_impl->mutex);
  return _impl->connectedCv.wait_for(lock, timeout, [&] { return _impl->subscribed; });
}

bool MqttSource::connected() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return _impl->subscribed;
}

MqttCounters MqttSource::counters() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return _impl->counters;
}

std::map<std::string, std::string> MqttSource::sensorStatus() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return _impl->status;
}

const std::string& MqttSource::clientId() const { return _impl->clientId; }

std::string MqttSource::lastError() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return _impl->lastError;
}

// ---------------------------------------------------------------------------------------------
// Publisher

struct MqttPublisher::Impl {
  mosquitto* mosq = nullptr;
  std::mutex mutex;
  std::condition_variable cv;
  bool isConnected = false;
  int connackCode = -1;
  std::uint64_t queued = 0, completed = 0;
  std::size_t maxInFlight = 2000;
  bool failedBeforeConnack = false;
  ErrorLog log;

  static void onLog(mosquitto*, void* self, int level, const char* text) {
    auto* impl = static_cast<Impl*>(self);
    impl->log.record(level, text);
    if (!(level & MOSQ_LOG_ERR)) return;
    // An error before the CONNACK (a failed TLS handshake) ends connect()'s wait at once.
    std::lock_guard<std::mutex> lock(impl->mutex);
    impl->failedBeforeConnack = impl->connackCode < 0;
    impl->cv.notify_all();
  }
  static void onConnect(mosquitto*, void* self, int rc) {
    auto* impl = static_cast<Impl*>(self);
    std::lock_guard<std::mutex> lock(impl->mutex);
    impl->connackCode = rc;
    impl->isConnected = rc == 0;
    impl->cv.notify_all();
  }
  static void onDisconnect(mosquitto*, void* self, int) {
    auto* impl = static_cast<Impl*>(self);
    std::lock_guard<std::mutex> lock(impl->mutex);
    impl->isConnected = false;
    impl->cv.notify_all();
  }
  static void onPublish(mosquitto*, void* self, int) {
    auto* impl = static_cast<Impl*>(self);
    std::lock_guard<std::mutex> lock(impl->mutex);
    ++impl->completed;
    impl->cv.notify_all();
  }
};

core::Result<std::unique_ptr<MqttPublisher>> MqttPublisher::connect(const model::MqttConfig& broker,
                                                                    std::chrono::milliseconds timeout) {
  initLibrary();
  const char* where = "sensors::MqttPublisher::connect()";
  auto impl = std::make_unique<Impl>();
  const std::string id = broker.clientId.empty() ? generatedClientId("twin-pub-") : broker.clientId;
  impl->mosq = mosquitto_new(id.c_str(), true, impl.get());
  if (!impl->mosq) return fail(std::string(where) + ": mosquitto_new failed");
  auto status = configureClient(impl->mosq, broker, where);
  if (!status) {
    mosquitto_destroy(impl->mosq);
    return status.error();
  }
  mosquitto_reconnect_delay_set(impl->mosq, 1, 10, true);
  mosquitto_connect_callback_set(impl->mosq, &Impl::onConnect);
  mosquitto_disconnect_callback_set(impl->mosq, &Impl::onDisconnect);
  mosquitto_publish_callback_set(impl->mosq, &Impl::onPublish);
  mosquitto_log_callback_set(impl->mosq, &Impl::onLog);
  const std::string target = broker.host + ":" + std::to_string(broker.port);
  int rc = mosquitto_connect(impl->mosq, broker.host.c_str(), broker.port, broker.keepaliveSeconds);
  if (rc != MOSQ_ERR_SUCCESS) {
    const std::string detail = impl->log.take();
    mosquitto_destroy(impl->mosq);
    return fail(std::string(where) + ": cannot connect to " + target + ": " +
                (detail.empty() ? std::string(mosquitto_strerror(rc)) : detail));
  }
  mosquitto_loop_start(impl->mosq);
  std::unique_lock<std::mutex> lock(impl->mutex);
  impl->cv.wait_for(lock, timeout, [&] { return impl->connackCode >= 0 || impl->failedBeforeConnack; });
  const int code = impl->connackCode;
  lock.unlock();
  if (code != 0) {
    mosquitto_disconnect(impl->mosq);
    mosquitto_loop_stop(impl->mosq, true);
    const std::string detail = impl->log.take();
    mosquitto_destroy(impl->mosq);
    if (code > 0)
      return fail(std::string(where) + ": " + target + ": broker refused: " + mosquitto_connack_string(code));
    if (!detail.empty()) return fail(std::string(where) + ": cannot connect to " + target + ": " + detail);
    return fail(std::string(where) + ": " + target + ": no CONNACK in time");
  }
  return std::unique_ptr<MqttPublisher>(new MqttPublisher(std::move(impl)));
}

MqttPublisher::MqttPublisher(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}

MqttPublisher::~MqttPublisher() {
  mosquitto_disconnect(_impl->mosq);
  mosquitto_loop_stop(_impl->mosq, false);
  mosquitto_destroy(_impl->mosq);
}

core::Status MqttPublisher::publish(const std::string& topic, const std::string& payload, int qos, bool retain) {
  const char* where = "sensors::MqttPublisher::publish()";
  {
    std::unique_lock<std::mutex> lock(_impl->mutex);
    const bool room = _impl->cv.wait_for(lock, std::chrono::seconds(10), [&] {
      return _impl->isConnected && _impl->queued - _impl->completed < _impl->maxInFlight;
    });
    if (!room) return fail(std::string(where) + ": broker unreachable or not acknowledging for 10 s");
    ++_impl->queued;
  }
  int rc = mosquitto_publish(_impl->mosq, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), qos,
                             retain);
  if (rc != MOSQ_ERR_SUCCESS) {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    --_impl->queued;
    return fail(std::string(where) + ": topic '" + topic + "': " + mosquitto_strerror(rc));
  }
  return core::Ok{};
}

core::Status MqttPublisher::flush(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(_impl->mutex);
  if (!_impl->cv.wait_for(lock, timeout, [&] { return _impl->completed >= _impl->queued; }))
    return fail("sensors::MqttPublisher::flush(): " + std::to_string(_impl->queued - _impl->completed) +
                " messages not acknowledged in time");
  return core::Ok{};
}

std::uint64_t MqttPublisher::published() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return _impl->completed;
}

}  // namespace twin::sensors
