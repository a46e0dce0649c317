// The video-wall options of `twin run` and `twin snapshot` (--wall, --tile, --bezel, --wall-lead,
// --publish-camera, --wall-topic): parsed and checked together, and the camera link they ask for.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CliArgs.h"
#include "twin/app/TwinViewer.h"
#include "twin/app/VideoWall.h"
#include "twin/model/Sensor.h"

namespace twin::app {

struct WallArgs {
  std::optional<WallLayout> layout;  // --wall (with --bezel); nullopt = no wall
  std::vector<WallTile> tiles;       // --tile: the tiles this process renders
  bool lead = false;                 // --wall-lead: this tile drives and publishes the camera
  bool publish = false;              // --publish-camera: a normal viewer that drives a wall
  std::string topic;                 // --wall-topic; empty = wallCameraTopic() of the broker

  bool follows() const { return layout && !lead; }
  /** The wall view of tile `index` of `tiles`. */
  WallView view(std::size_t index) const { return WallView{*layout, tiles.at(index)}; }
};

/** Reads the wall options from `args` (a command that accepts them). Empty string = fine, else
    the usage error naming the flag, e.g. "--tile needs --wall COLSxROWS". */
std::string parseWallArgs(const CliArgs& args, WallArgs& out);

/** Adds the camera link to `viewer`: a publisher for --wall-lead / --publish-camera, a follower
    for a tile that does not lead; nothing otherwise. `broker` is --mqtt's, else the scene's.
    Returns the follower (null when none). False in `ok` and the message printed on error. */
std::shared_ptr<class WallCameraFollower> attachWallCamera(TwinViewer& viewer, const WallArgs& wall,
                                                           const model::MqttConfig& broker, bool& ok);

}  // namespace twin::app
