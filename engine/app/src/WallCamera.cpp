// The wall camera: JSON poses over MQTT between the driving seat and the tiles.
#include "twin/app/WallCamera.h"

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "twin/core/Log.h"
#include "twin/sensors/MqttSource.h"

namespace twin::app {
namespace {

constexpr std::size_t kMaxPayloadBytes = 4096;
constexpr double kOriginToleranceDegrees = 1e-9;

bool finiteNumber(const nlohmann::json& j) { return j.is_number() && std::isfinite(j.get<double>()); }

// The wall clients are throw-away sessions of their own: never the scene's client id (which the
// monitor may hold), never a persistent session.
model::MqttConfig wallBroker(model::MqttConfig broker) {
  broker.clientId.clear();
  broker.cleanSession = true;
  return broker;
}

}  // namespace

std::int64_t epochMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string wallCameraTopic(const model::MqttConfig& broker) {
  std::string prefix = broker.statusTopic.substr(0, broker.statusTopic.find('/'));
  if (prefix.empty() || prefix.find_first_of("+#$") != std::string::npos) prefix = "twin";
  return prefix + "/wall/camera";
}

std::string wallCameraPayload(const WallCameraPose& pose) {
  nlohmann::json j;
  j["seq"] = pose.sequence;
  j["sent_us"] = pose.sentMicros;
  j["origin"] = {pose.origin.lon, pose.origin.lat};
  j["center"] = {pose.state.center.x(), pose.state.center.y(), pose.state.center.z()};
  j["distance_m"] = pose.state.distanceMeters;
  j["heading_deg"] = pose.state.headingDegrees;
  j["pitch_deg"] = pose.state.pitchDegrees;
  return j.dump();
}

core::Result<WallCameraPose> parseWallCameraPayload(const std::string& payload) {
  const std::string where = "app::parseWallCameraPayload(): ";
  if (payload.size() > kMaxPayloadBytes)
    return core::fail(where + "payload of " + std::to_string(payload.size()) + " bytes; at most " +
                      std::to_string(kMaxPayloadBytes));
  const nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return core::fail(where + "not a JSON object");
  const auto number = [&](const char* key, double& out) -> core::Status {
    auto it = j.find(key);
    if (it == j.end() || !finiteNumber(*it)) return core::fail(where + "key '" + key + "': expected a number");
    out = it->get<double>();
    return core::Ok{};
  };
  WallCameraPose pose;
  auto seq = j.find("seq");
  if (seq == j.end() || !seq->is_number_unsigned())
    return core::fail(where + "key 'seq': expected a whole number >= 0");
  pose.sequence = seq->get<std::uint64_t>();
  auto sent = j.find("sent_us");
  if (sent == j.end() || !sent->is_number_integer())
    return core::fail(where + "key 'sent_us': expected UTC epoch microseconds");
  pose.sentMicros = sent->get<std::int64_t>();
  auto origin = j.find("origin");
  if (origin == j.end() || !origin->is_array() || origin->size() != 2 || !finiteNumber((*origin)[0]) ||
      !finiteNumber((*origin)[1]))
    return core::fail(where + "key 'origin': expected [lon, lat] in degrees");
  pose.origin = {(*origin)[0].get<double>(), (*origin)[1].get<double>()};
  auto center = j.find("center");
  if (center == j.end() || !center->is_array() || center->size() != 3 || !finiteNumber((*center)[0]) ||
      !finiteNumber((*center)[1]) || !finiteNumber((*center)[2]))
    return core::fail(where + "key 'center': expected [x, y, z] in metres");
  pose.state.center.set((*center)[0].get<double>(), (*center)[1].get<double>(), (*center)[2].get<double>());
  if (auto s = number("distance_m", pose.state.distanceMeters); !s) return s.error();
  if (auto s = number("heading_deg", pose.state.headingDegrees); !s) return s.error();
  if (auto s = number("pitch_deg", pose.state.pitchDegrees); !s) return s.error();
  if (pose.state.distanceMeters <= 0) return core::fail(where + "key 'distance_m': expected a distance > 0");
  return pose;
}

// --- publisher ---------------------------------------------------------------------------------

struct WallCameraPublisher::Impl {
  std::unique_ptr<sensors::MqttPublisher> publisher;
  std::string topic;
  core::LonLat origin;
  std::optional<OrbitState> last;
  std::uint64_t sequence = 0;
  bool warned = false;
};

WallCameraPublisher::WallCameraPublisher() : _impl(std::make_unique<Impl>()) {}
WallCameraPublisher::~WallCameraPublisher() = default;

core::Result<std::shared_ptr<WallCameraPublisher>> WallCameraPublisher::connect(const model::MqttConfig& broker,
                                                                                const std::string& topic,
                                                                                const core::LonLat& origin,
                                                                                std::chrono::milliseconds timeout) {
  auto publisher = sensors::MqttPublisher::connect(wallBroker(broker), timeout);
  if (!publisher) return core::fail("twin: wall camera: " + publisher.error().message);
  std::shared_ptr<WallCameraPublisher> out(new WallCameraPublisher);
  out->_impl->publisher = std::move(publisher).value();
  out->_impl->topic = topic;
  out->_impl->origin = origin;
  return out;
}

std::uint64_t WallCameraPublisher::published() const { return _impl->sequence; }

void WallCameraPublisher::cameraUpdated(const OrbitState& state) {
  Impl& impl = *_impl;
  if (impl.last && impl.last->center == state.center && impl.last->distanceMeters == state.distanceMeters &&
      impl.last->headingDegrees == state.headingDegrees && impl.last->pitchDegrees == state.pitchDegrees)
    return;  // a still camera is not sent again: the retained pose already says where it is
  WallCameraPose pose;
  pose.state = state;
  pose.sequence = ++impl.sequence;
  pose.sentMicros = epochMicros();
  pose.origin = impl.origin;
  auto sent = impl.publisher->publish(impl.topic, wallCameraPayload(pose), 0, true);
  if (!sent) {
    if (!impl.warned) core::logWarning("twin: wall camera: " + sent.error().message);
    impl.warned = true;
    return;  // sent again with the next change
  }
  impl.warned = false;
  impl.last = state;
}

// --- follower ----------------------------------------------------------------------------------

struct WallCameraFollower::Impl {
  std::unique_ptr<sensors::MqttSource> source;
  core::LonLat origin;
  std::thread thread;
  std::atomic<bool> running{true};
  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::optional<WallCameraPose> newest;  // not yet handed to the viewer
  bool any = false;                      // a pose arrived at some time
  std::optional<std::pair<WallCameraPose, std::int64_t>> applied;
  std::function<void()> wake;
  std::uint64_t dropped = 0;
  bool warned = false;

  void run() {
    std::vector<sensors::MqttMessage> messages;
    while (running) {
      messages.clear();
      if (source->pop(messages, 256, std::chrono::milliseconds(100)) == 0) continue;
      std::optional<WallCameraPose> latest;
      for (const sensors::MqttMessage& m : messages) {
        auto pose = parseWallCameraPayload(m.payload);
        std::string problem;
        if (!pose)
          problem = pose.error().message;
        else if (std::abs(pose->origin.lon - origin.lon) > kOriginToleranceDegrees ||
                 std::abs(pose->origin.lat - origin.lat) > kOriginToleranceDegrees)
          problem = "twin: wall camera: a pose for another site (origin " + std::to_string(pose->origin.lon) + ", " +
                    std::to_string(pose->origin.lat) + "); ignored";
        if (!problem.empty()) {
          std::lock_guard<std::mutex> lock(mutex);
          ++dropped;
          if (!warned) core::logWarning(problem);
          warned = true;
          continue;
        }
        if (!latest || pose->sequence >= latest->sequence || pose->sentMicros > latest->sentMicros) latest = *pose;
      }
      if (!latest) continue;
      std::function<void()> wakeNow;
      {
        std::lock_guard<std::mutex> lock(mutex);
        newest = *latest;
        any = true;
        wakeNow = wake;
      }
      arrived.notify_all();
      if (wakeNow) wakeNow();  // the viewer draws the pose now, not at its next paced frame
    }
  }
};

WallCameraFollower::WallCameraFollower() : _impl(std::make_shared<Impl>()) {}

WallCameraFollower::~WallCameraFollower() {
  _impl->running = false;
  if (_impl->thread.joinable()) _impl->thread.join();
  if (_impl->source) _impl->source->stop();
}

core::Result<std::shared_ptr<WallCameraFollower>> WallCameraFollower::start(const model::MqttConfig& broker,
                                                                            const std::string& topic,
                                                                            const core::LonLat& origin,
                                                                            std::chrono::milliseconds timeout) {
  sensors::MqttSourceOptions options;
  options.broker = wallBroker(broker);
  options.topics = {{topic, 0}};
  options.queueCapacity = 1024;
  options.maxPayloadBytes = kMaxPayloadBytes;
  auto source = sensors::MqttSource::start(options);
  if (!source) return core::fail("twin: wall camera: " + source.error().message);
  if (auto connected = (*source)->waitFirstConnection(timeout); !connected)
    return core::fail("twin: wall camera: " + connected.error().message);
  std::shared_ptr<WallCameraFollower> out(new WallCameraFollower);
  out->_impl->source = std::move(source).value();
  out->_impl->origin = origin;
  out->_impl->thread = std::thread([impl = out->_impl.get()] { impl->run(); });
  return out;
}

bool WallCameraFollower::waitForPose(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(_impl->mutex);
  return _impl->arrived.wait_for(lock, timeout, [&] { return _impl->any; });
}

std::optional<std::pair<WallCameraPose, std::int64_t>> WallCameraFollower::lastApplied() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return _impl->applied;
}

std::uint64_t WallCameraFollower::dropped() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return _impl->dropped;
}

void WallCameraFollower::setWake(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  _impl->wake = std::move(wake);
}

std::optional<OrbitState> WallCameraFollower::cameraState() {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  if (!_impl->newest) return std::nullopt;
  _impl->applied = std::make_pair(*_impl->newest, epochMicros());
  const OrbitState state = _impl->newest->state;
  _impl->newest.reset();
  return state;
}

}  // namespace twin::app
