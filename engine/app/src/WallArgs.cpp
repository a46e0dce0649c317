// The video-wall options and the camera link between the driving seat and the tiles.
#include "WallArgs.h"

#include <chrono>
#include <iostream>

#include "twin/app/WallCamera.h"

namespace twin::app {
namespace {

constexpr std::chrono::seconds kConnectTimeout{5};

}  // namespace

std::string parseWallArgs(const CliArgs& args, WallArgs& out) {
  const auto wall = args.value("--wall");
  if (!wall) {
    for (const char* flag : {"--tile", "--bezel", "--wall-lead"})
      if (args.has(flag)) return std::string(flag) + " needs --wall COLSxROWS";
  }
  out.publish = args.has("--publish-camera");
  out.lead = args.has("--wall-lead");
  if (auto topic = args.value("--wall-topic")) {
    if (topic->empty() || topic->find_first_of("+#") != std::string::npos)
      return "bad --wall-topic '" + *topic + "'; expected a topic name without wildcards";
    out.topic = *topic;
  }
  if (!wall) {
    if (args.has("--wall-topic") && !out.publish) return "--wall-topic needs --wall or --publish-camera";
    return {};
  }
  WallLayout layout;
  if (auto grid = parseWallGrid(*wall, layout); !grid) return grid.error().message;
  if (auto bezel = args.value("--bezel"))
    if (auto parsed = parseBezel(*bezel, layout); !parsed) return parsed.error().message;
  const auto tile = args.value("--tile");
  if (!tile) return "--wall needs --tile C,R (0-based column and row), a list C,R;C,R or all";
  auto tiles = parseTiles(*tile, layout);
  if (!tiles) return tiles.error().message;
  if (out.publish) return "--publish-camera drives a wall from a normal viewer; a tile that drives takes --wall-lead";
  if (out.lead && tiles->size() > 1) return "--wall-lead drives the wall from one tile; give one --tile C,R";
  out.layout = layout;
  out.tiles = std::move(tiles).value();
  return {};
}

std::shared_ptr<WallCameraFollower> attachWallCamera(TwinViewer& viewer, const WallArgs& wall,
                                                     const model::MqttConfig& broker, bool& ok) {
  ok = true;
  const std::string topic = wall.topic.empty() ? wallCameraTopic(broker) : wall.topic;
  const core::LonLat origin = viewer.scene().site->frame.origin();
  const std::string target = broker.host + ":" + std::to_string(broker.port);
  if (wall.lead || wall.publish) {
    auto publisher = WallCameraPublisher::connect(broker, topic, origin, kConnectTimeout);
    if (!publisher) {
      std::cerr << "twin: " << (wall.lead ? "--wall-lead" : "--publish-camera") << ": " << publisher.error().message
                << '\n';
      ok = false;
      return nullptr;
    }
    viewer.addExtension(*publisher);
    std::cerr << "twin: publishing the camera on " << target << " topic " << topic << '\n';
    return nullptr;
  }
  if (!wall.follows()) return nullptr;
  auto follower = WallCameraFollower::start(broker, topic, origin, kConnectTimeout);
  if (!follower) {
    std::cerr << "twin: --wall: a tile follows the camera on the broker: " << follower.error().message << '\n';
    ok = false;
    return nullptr;
  }
  viewer.addExtension(*follower);
  std::cerr << "twin: following the wall camera on " << target << " topic " << topic << '\n';
  return *follower;
}

}  // namespace twin::app
