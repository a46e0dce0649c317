// A camera manipulator for a city: orbit, pan and zoom about a ground point, pitch kept above the
// horizon, zoom towards the cursor, distance limits from the site extent, smooth fly-to.
//   mouse: left drag pan, right drag orbit, middle drag or wheel zoom (wheel zooms to the cursor)
//   keys: arrows pan, +/- zoom, Home = start view (fly-to)
#pragma once

#include <optional>

#include <osg/Matrixd>
#include <osg/Vec3d>
#include <osgGA/CameraManipulator>

#include "twin/core/Geometry.h"

namespace twin::app {

/** The camera as an orbit about a ground point. Heading 0 looks north, 90 east; pitch 90 looks
    straight down. */
struct OrbitState {
  osg::Vec3d center;
  double distanceMeters = 800;
  double headingDegrees = 0;
  double pitchDegrees = 45;
};

/** Not thread-safe: used from the viewer's event traversal. */
class CityManipulator : public osgGA::CameraManipulator {
 public:
  static constexpr double kMinPitchDegrees = 5;     // above the horizon
  static constexpr double kMaxPitchDegrees = 89.5;  // not exactly vertical (up vector stays defined)
  static constexpr double kFlySeconds = 1.5;

  /** Limits come from the site's extent (local metres): distance in [15 m, max(2 km, 4 x diagonal)],
      centre within the extent grown by half its size. An empty extent gives a 1 km box. */
  explicit CityManipulator(const core::Box2& extent);

  /** Sets the state at once (clamped to the limits); cancels a flight. */
  void setState(const OrbitState& state);
  const OrbitState& state() const { return _state; }
  /** Eased flight from the current state to `target` over `seconds`, advanced by FRAME events
      (or advance()). Heading turns the short way round. */
  void flyTo(const OrbitState& target, double seconds = kFlySeconds);
  bool flying() const { return _flight.has_value(); }
  /** Advances a flight to time `timeSeconds` (the viewer's frame time). */
  void advance(double timeSeconds);

  /** The start view: Home flies back here. */
  void setStartState(const OrbitState& state) { _start = clampState(state); }

  /** Orbit by degrees (pitch clamped). */
  void orbit(double headingDeltaDegrees, double pitchDeltaDegrees);
  /** Moves the centre by metres to the view's right and forward (along the ground). */
  void pan(double rightMeters, double forwardMeters);
  /** Distance *= factor (clamped); when `towards` is given the centre moves so that this ground
      point stays under the cursor. */
  void zoom(double factor, const std::optional<osg::Vec3d>& towards = std::nullopt);

  double minDistanceMeters() const { return _minDistance; }
  double maxDistanceMeters() const { return _maxDistance; }
  OrbitState clampState(OrbitState s) const;

  /** Eye, centre, up as OSG wants them. */
  static void lookAt(const OrbitState& s, osg::Vec3d& eye, osg::Vec3d& center, osg::Vec3d& up);
  /** The orbit state of an eye/centre pair (inverse of lookAt()). */
  static OrbitState stateFromLookAt(const osg::Vec3d& eye, const osg::Vec3d& center);

  // osgGA::CameraManipulator
  const char* className() const override { return "CityManipulator"; }
  void setByMatrix(const osg::Matrixd& matrix) override;
  void setByInverseMatrix(const osg::Matrixd& matrix) override;
  osg::Matrixd getMatrix() const override;
  osg::Matrixd getInverseMatrix() const override;
  void home(double currentTime) override;
  void home(const osgGA::GUIEventAdapter& ea, osgGA::GUIActionAdapter& aa) override;
  bool handle(const osgGA::GUIEventAdapter& ea, osgGA::GUIActionAdapter& aa) override;

 private:
  struct Flight {
    OrbitState from, to;
    double seconds = kFlySeconds;
    double startTime = -1;  // set by the first advance()
  };
  std::optional<osg::Vec3d> groundUnderCursor(const osgGA::GUIEventAdapter& ea, osgGA::GUIActionAdapter& aa) const;
  double metersPerPixel(const osgGA::GUIEventAdapter& ea) const;

  OrbitState _state, _start;
  std::optional<Flight> _flight;
  core::Box2 _bounds;
  double _minDistance = 15, _maxDistance = 2000;
  float _lastX = 0, _lastY = 0;
};

}  // namespace twin::app
