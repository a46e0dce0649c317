// One camera for a whole video wall, carried by the MQTT broker: the seat that drives (a wall's
// lead tile, or a normal viewer with --publish-camera) publishes its camera pose, retained at
// QoS 0, on "<prefix>/wall/camera"; every tile follows the newest pose before its next frame.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "twin/app/CityManipulator.h"
#include "twin/app/TwinViewer.h"
#include "twin/core/Geometry.h"
#include "twin/core/Result.h"
#include "twin/model/Sensor.h"

namespace twin::app {

/** A camera pose as it travels between seats. JSON: {"seq", "sent_us", "origin": [lon, lat],
    "center": [x, y, z], "distance_m", "heading_deg", "pitch_deg"}; site-frame metres. */
struct WallCameraPose {
  OrbitState state;
  std::uint64_t sequence = 0;   // grows by one with each pose the lead publishes
  std::int64_t sentMicros = 0;  // UTC epoch microseconds when published (for lag figures)
  core::LonLat origin;          // the lead's site origin: a tile of another site ignores the pose
};

/** The topic of a scene's wall camera: the first level of its mqtt "status_topic" (the scene's
    topic prefix, "twin" for "twin/status/+") + "/wall/camera". */
std::string wallCameraTopic(const model::MqttConfig& broker);

std::string wallCameraPayload(const WallCameraPose& pose);
/** Parses a payload (untrusted: at most 4 KiB, every number finite). Error names the key, e.g.
    "app::parseWallCameraPayload(): key 'center': expected [x, y, z] in metres". */
core::Result<WallCameraPose> parseWallCameraPayload(const std::string& payload);

/** The driving seat: publishes the viewer's camera on `topic` whenever it changed (retained,
    QoS 0), from the frame's update traversal, before the frame is drawn. */
class WallCameraPublisher : public ViewerExtension {
 public:
  /** Connects to the broker (waits up to `timeout`). Error: the broker's connection error. */
  static core::Result<std::shared_ptr<WallCameraPublisher>> connect(const model::MqttConfig& broker,
                                                                    const std::string& topic,
                                                                    const core::LonLat& origin,
                                                                    std::chrono::milliseconds timeout);
  ~WallCameraPublisher() override;
  std::uint64_t published() const;

  osg::Node* sceneNode() override { return nullptr; }
  std::vector<std::string> fontTexts() const override { return {}; }
  void update(double) override {}
  void drawPanels(ui::Language) override {}
  bool pick(osgViewer::View&, float, float) override { return false; }
  std::optional<osg::Vec3d> takeFlyTarget() override { return std::nullopt; }
  void cameraUpdated(const OrbitState& state) override;

 private:
  WallCameraPublisher();
  struct Impl;
  std::unique_ptr<Impl> _impl;
};

/** A tile: follows the newest pose published on `topic`. A network thread keeps only the newest
    pose and wakes the viewer, which applies it before its next frame. Malformed payloads and
    poses of another site are dropped and counted (a warning is logged once). */
class WallCameraFollower : public ViewerExtension {
 public:
  /** Subscribes (waits up to `timeout` for the subscription). Error: the broker's connection
      error. */
  static core::Result<std::shared_ptr<WallCameraFollower>> start(const model::MqttConfig& broker,
                                                                 const std::string& topic, const core::LonLat& origin,
                                                                 std::chrono::milliseconds timeout);
  ~WallCameraFollower() override;

  /** Waits until a pose has arrived (the retained one arrives with the subscription); false
      after `timeout`. Any thread. */
  bool waitForPose(std::chrono::milliseconds timeout) const;
  /** The last pose handed to the viewer (cameraState()), if any; with the UTC epoch microseconds
      when it was handed over. Any thread. */
  std::optional<std::pair<WallCameraPose, std::int64_t>> lastApplied() const;
  std::uint64_t dropped() const;  // malformed payloads and poses of another site

  osg::Node* sceneNode() override { return nullptr; }
  std::vector<std::string> fontTexts() const override { return {}; }
  void update(double) override {}
  void drawPanels(ui::Language) override {}
  bool pick(osgViewer::View&, float, float) override { return false; }
  std::optional<osg::Vec3d> takeFlyTarget() override { return std::nullopt; }
  void setWake(std::function<void()> wake) override;
  std::optional<OrbitState> cameraState() override;

 private:
  WallCameraFollower();
  struct Impl;
  std::shared_ptr<Impl> _impl;
};

/** UTC epoch microseconds now. */
std::int64_t epochMicros();

}  // namespace twin::app
