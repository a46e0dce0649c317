// Sensor markers in the 3D scene: one screen-sized dot per sensor at its position, coloured by
// its state, critical ones pulsing (a time uniform), pickable; a building holding sensors in
// alarm is wrapped in a translucent hull of the worst alarm's colour. Plain data in: the app maps alert
// engine states to MarkerState, so this module needs no alerts dependency.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <osg/Geometry>
#include <osg/Group>
#include <osg/Referenced>
#include <osg/Vec3>
#include <osg/Vec4>
#include <osg/ref_ptr>
#include <osgViewer/View>

#include "twin/core/Diagnostics.h"
#include "twin/model/Sensor.h"
#include "twin/model/Site.h"

namespace twin::scene {

/** A marker's state, worst first among alarms. */
enum class MarkerState { Normal, Warning, Minor, Major, Critical, Offline, Stale };

/** Marker colours (RGBA in [0, 1]); the same values as ui::severityColour() and the ui sensor
    colours so panel and scene agree: normal green, warning violet, minor yellow, major orange,
    critical red, offline grey, stale blue-grey. */
osg::Vec4 markerColour(MarkerState state);

/** Where a sensor is drawn, in the site frame (metres, z up). */
struct SensorPlacement {
  std::string sensorId;
  osg::Vec3 position;
  int buildingIndex = -1;  // index into Site::buildings of the building it is in or on; -1 = none
};

/** Places sensors: `position` lon/lat through the site frame at heightMeters above ground;
    `building` ("way/123", "relation/5" or "fid/7", matched against Building::idKind/osmId) at its
    footprint centroid, floor f at base + f x storey height (height / levels, else 3 m) + 1.5 m.
    A positioned sensor inside a building footprint gets that building's index. A sensor whose
    building is not in the site, or with neither position nor building, is skipped and reported
    in `diag` (record "sensor 'x'", message "building 'way/1' not in the site", action "skipped").
    Never throws. */
std::vector<SensorPlacement> placeSensors(const std::vector<model::SensorDef>& sensors, const model::Site& site,
                                          core::Diagnostics& diag);

/** The marker nodes. Build once; set states and time from the viewer's thread (not thread-safe). */
class SensorLayer : public osg::Referenced {
 public:
  /** One marker per placement, all Normal. With `site`, one hidden tint hull per building that
      holds a placement (its footprint extruded to its height; footprints that cannot be
      triangulated get walls only). `site` is only read here. `pixelRadius`: on-screen radius of a dot. */
  explicit SensorLayer(std::vector<SensorPlacement> placements, const model::Site* site = nullptr,
                       float pixelRadius = 9.0f);

  osg::Group* root() const { return _root.get(); }
  std::size_t markerCount() const { return _placements.size(); }
  const SensorPlacement& placement(std::size_t index) const { return _placements.at(index); }
  /** Index of a sensor id, nullopt when it has no marker. */
  std::optional<std::size_t> indexOf(const std::string& sensorId) const;

  /** Dots drawn `scale` times the constructor's pixelRadius, like the 3D labels (the viewer
      passes its UI scale: 2 on a 3840x2160 wall). Not positive or not finite -> 1. Cost: one
      rewrite of the shared disc's vertices, so set it when the scale changes, not every frame. */
  void setMarkerScale(float scale);
  float markerScale() const { return _markerScale; }
  /** The on-screen radius a dot is drawn with now: pixelRadius x markerScale(). */
  float drawnPixelRadius() const { return _pixelRadius * _markerScale; }

  /** Sets each marker's state by index; a vector of another size sets the first min(n, count)
      markers. Critical markers pulse. */
  void setStates(const std::vector<MarkerState>& states);
  /** Whether a building's tint hull is shown (some sensor in it is Warning..Critical), and its
      colour (the worst of those states); false / nullopt for buildings without sensors. */
  bool buildingTinted(int buildingIndex) const;
  std::optional<osg::Vec4> buildingTint(int buildingIndex) const;
  std::size_t hullCount() const { return _hulls.size(); }
  MarkerState state(std::size_t index) const { return _states.at(index); }
  /** The colour uniform currently set on a marker (the base colour; the pulse is added in the shader). */
  osg::Vec4 colour(std::size_t index) const;
  bool pulsing(std::size_t index) const;
  /** Drives the pulse; seconds of any monotonic clock. */
  void setTimeSeconds(double seconds);
  /** Draws a ring around the selected marker; -1 for none (out-of-range indices count as none). */
  void setSelected(int index);
  int selected() const { return _selected; }

  /** Alarm beacons: for each listed sensor with a marker, a vertical beam in `state`'s colour
      from the sensor up to kBeaconRiseMeters above the top of its building (or above the
      sensor), drawn over everything (critical ones pulse), so it shows above the rooftops from
      any angle. Replaces the previous set; ids without a marker and non-alarm states are skipped.
      The label at the beam's top is drawn by the panels (beaconTop()). */
  static constexpr float kBeaconRiseMeters = 40.0f;
  struct Beacon {
    std::string sensorId;
    MarkerState state = MarkerState::Critical;
  };
  void setBeacons(const std::vector<Beacon>& beacons);
  std::size_t beaconCount() const;
  /** The top of a sensor's beacon (site frame), nullopt when it has none. */
  std::optional<osg::Vec3> beaconTop(const std::string& sensorId) const;
  /** The colour a sensor's beacon is drawn in, nullopt when it has none. */
  std::optional<osg::Vec4> beaconColour(const std::string& sensorId) const;
  /** The top of what a marker stands in or on: its building's drawn top, else its own height. */
  float topOf(std::size_t index) const { return _tops.at(index); }

  /** The marker under window pixel (x, y) (OSG convention: origin bottom-left), if any. */
  std::optional<std::size_t> pick(osgViewer::View& view, float x, float y) const;

 protected:
  ~SensorLayer() override;

 private:
  std::vector<SensorPlacement> _placements;
  std::vector<MarkerState> _states;
  osg::ref_ptr<osg::Group> _root;
  std::vector<osg::ref_ptr<osg::Node>> _markers;  // one per placement (AutoTransform)
  osg::ref_ptr<osg::Geometry> _disc;              // shared by every marker
  float _pixelRadius = 9.0f, _markerScale = 1.0f;
  std::vector<osg::ref_ptr<osg::Uniform>> _colourUniforms, _pulseUniforms, _ringUniforms;
  osg::ref_ptr<osg::Uniform> _time;
  struct Hull {
    int buildingIndex = -1;
    osg::ref_ptr<osg::Node> node;
    osg::ref_ptr<osg::Uniform> colour, pulse;
  };
  std::vector<Hull> _hulls;
  std::vector<float> _tops;  // per placement: building top or own z
  osg::ref_ptr<osg::Group> _beaconGroup;
  struct BeaconNode {
    std::string sensorId;
    MarkerState state;
    osg::Vec3 top;
  };
  std::vector<BeaconNode> _beacons;
  void updateHulls();
  int _selected = -1;
};

}  // namespace twin::scene
