#include "twin/app/CityManipulator.h"

#include <algorithm>
#include <cmath>

#include <osgViewer/View>

namespace twin::app {
namespace {

constexpr double kPi = 3.14159265358979323846;
double rad(double degrees) { return degrees * kPi / 180.0; }
double deg(double radians) { return radians * 180.0 / kPi; }

double wrapDegrees(double d) {
  d = std::fmod(d, 360.0);
  return d < 0 ? d + 360.0 : d;
}

// Cubic ease-in-out: starts and ends at rest, so a fly-to does not jerk.
double ease(double t) { return t < 0.5 ? 4 * t * t * t : 1 - std::pow(-2 * t + 2, 3) / 2; }

}  // namespace

CityManipulator::CityManipulator(const core::Box2& extent) {
  core::Box2 box = extent;
  if (box.empty() || !std::isfinite(box.minX) || !std::isfinite(box.maxY)) {
    box = core::Box2{};
    box.add(core::Vec2{-500, -500});
    box.add(core::Vec2{500, 500});
  }
  const double w = std::max(box.width(), 100.0), h = std::max(box.height(), 100.0);
  _bounds.add(core::Vec2{box.minX - w / 2, box.minY - h / 2});
  _bounds.add(core::Vec2{box.maxX + w / 2, box.maxY + h / 2});
  _maxDistance = std::max(2000.0, 4 * std::hypot(w, h));
  const core::Vec2 c = box.centre();
  _state.center = osg::Vec3d(c.x, c.y, 0);
  _state.distanceMeters = std::min(_maxDistance, std::hypot(w, h));
  _start = _state;
}

OrbitState CityManipulator::clampState(OrbitState s) const {
  if (!std::isfinite(s.distanceMeters)) s.distanceMeters = _state.distanceMeters;
  if (!std::isfinite(s.pitchDegrees)) s.pitchDegrees = 45;
  if (!std::isfinite(s.headingDegrees)) s.headingDegrees = 0;
  if (!s.center.valid()) s.center = _state.center;
  s.distanceMeters = std::clamp(s.distanceMeters, _minDistance, _maxDistance);
  s.pitchDegrees = std::clamp(s.pitchDegrees, kMinPitchDegrees, kMaxPitchDegrees);
  s.headingDegrees = wrapDegrees(s.headingDegrees);
  s.center.x() = std::clamp(s.center.x(), _bounds.minX, _bounds.maxX);
  s.center.y() = std::clamp(s.center.y(), _bounds.minY, _bounds.maxY);
  return s;
}

void CityManipulator::setState(const OrbitState& state) {
  _flight.reset();
  _state = clampState(state);
}

void CityManipulator::flyTo(const OrbitState& target, double seconds) {
  Flight f;
  f.from = _state;
  f.to = clampState(target);
  f.seconds = seconds > 0 && std::isfinite(seconds) ? seconds : kFlySeconds;
  _flight = f;
}

void CityManipulator::advance(double timeSeconds) {
  if (!_flight) return;
  Flight& f = *_flight;
  if (f.startTime < 0) f.startTime = timeSeconds;
  const double u = std::clamp((timeSeconds - f.startTime) / f.seconds, 0.0, 1.0);
  if (u >= 1.0) {
    _state = f.to;
    _flight.reset();
    return;
  }
  const double s = ease(u);
  OrbitState now;
  now.center = f.from.center + (f.to.center - f.from.center) * s;
  // Distance changes geometrically so that zooming from 3 km to 300 m feels even.
  now.distanceMeters = f.from.distanceMeters * std::pow(f.to.distanceMeters / f.from.distanceMeters, s);
  const double turn = std::fmod(f.to.headingDegrees - f.from.headingDegrees + 540.0, 360.0) - 180.0;
  now.headingDegrees = wrapDegrees(f.from.headingDegrees + turn * s);
  now.pitchDegrees = f.from.pitchDegrees + (f.to.pitchDegrees - f.from.pitchDegrees) * s;
  _state = clampState(now);
}

void CityManipulator::orbit(double headingDelta, double pitchDelta) {
  OrbitState s = _state;
  s.headingDegrees += headingDelta;
  s.pitchDegrees += pitchDelta;
  setState(s);
}

void CityManipulator::pan(double rightMeters, double forwardMeters) {
  const double h = rad(_state.headingDegrees);
  const osg::Vec3d forward(std::sin(h), std::cos(h), 0), right(std::cos(h), -std::sin(h), 0);
  OrbitState s = _state;
  s.center += right * rightMeters + forward * forwardMeters;
  setState(s);
}

void CityManipulator::zoom(double factor, const std::optional<osg::Vec3d>& towards) {
  if (!(factor > 0) || !std::isfinite(factor)) return;
  OrbitState s = _state;
  s.distanceMeters = std::clamp(_state.distanceMeters * factor, _minDistance, _maxDistance);
  if (towards && towards->valid()) {
    // Scaling the view about the ground point keeps that point under the cursor.
    const double k = s.distanceMeters / _state.distanceMeters;
    s.center = *towards + (_state.center - *towards) * k;
    s.center.z() = _state.center.z();
  }
  setState(s);
}

void CityManipulator::lookAt(const OrbitState& s, osg::Vec3d& eye, osg::Vec3d& center, osg::Vec3d& up) {
  const double h = rad(s.headingDegrees), p = rad(s.pitchDegrees);
  const osg::Vec3d dir(std::sin(h) * std::cos(p), std::cos(h) * std::cos(p), -std::sin(p));
  center = s.center;
  eye = s.center - dir * s.distanceMeters;
  const osg::Vec3d right(std::cos(h), -std::sin(h), 0);
  up = right ^ dir;
  up.normalize();
}

OrbitState CityManipulator::stateFromLookAt(const osg::Vec3d& eye, const osg::Vec3d& center) {
  OrbitState s;
  const osg::Vec3d v = center - eye;
  s.center = center;
  s.distanceMeters = v.length();
  if (s.distanceMeters <= 0) return s;
  s.pitchDegrees = deg(std::asin(std::clamp(-v.z() / s.distanceMeters, -1.0, 1.0)));
  s.headingDegrees = wrapDegrees(deg(std::atan2(v.x(), v.y())));
  return s;
}

void CityManipulator::setByMatrix(const osg::Matrixd& matrix) { setByInverseMatrix(osg::Matrixd::inverse(matrix)); }

void CityManipulator::setByInverseMatrix(const osg::Matrixd& matrix) {
  osg::Vec3d eye, center, up;
  matrix.getLookAt(eye, center, up, _state.distanceMeters);
  osg::Vec3d dir = center - eye;
  dir.normalize();
  // Put the orbit centre on the ground plane the camera looks at, when it looks down.
  if (dir.z() < -1e-3) center = eye + dir * ((_state.center.z() - eye.z()) / dir.z());
  setState(stateFromLookAt(eye, center));
}

osg::Matrixd CityManipulator::getInverseMatrix() const {
  osg::Vec3d eye, center, up;
  lookAt(_state, eye, center, up);
  return osg::Matrixd::lookAt(eye, center, up);
}

osg::Matrixd CityManipulator::getMatrix() const { return osg::Matrixd::inverse(getInverseMatrix()); }

void CityManipulator::home(double) { setState(_start); }

void CityManipulator::home(const osgGA::GUIEventAdapter&, osgGA::GUIActionAdapter& aa) {
  flyTo(_start);
  aa.requestRedraw();
}

double CityManipulator::metersPerPixel(const osgGA::GUIEventAdapter& ea) const {
  const double heightPixels = std::max(1.0, double(ea.getYmax() - ea.getYmin()));
  return 2.0 * _state.distanceMeters * std::tan(rad(15.0)) / heightPixels;  // OSG's default 30 degree fovy
}

std::optional<osg::Vec3d> CityManipulator::groundUnderCursor(const osgGA::GUIEventAdapter& ea,
                                                             osgGA::GUIActionAdapter& aa) const {
  auto* view = dynamic_cast<osgViewer::View*>(aa.asView());
  if (!view || !view->getCamera() || !view->getCamera()->getViewport()) return std::nullopt;
  const osg::Camera& camera = *view->getCamera();
  const osg::Matrixd vpw =
      camera.getViewMatrix() * camera.getProjectionMatrix() * camera.getViewport()->computeWindowMatrix();
  osg::Matrixd inverse;
  if (!inverse.invert(vpw)) return std::nullopt;
  const osg::Vec3d nearPoint = osg::Vec3d(ea.getX(), ea.getY(), 0.0) * inverse;
  const osg::Vec3d farPoint = osg::Vec3d(ea.getX(), ea.getY(), 1.0) * inverse;
  const double dz = farPoint.z() - nearPoint.z();
  if (std::abs(dz) < 1e-9) return std::nullopt;
  const double t = (_state.center.z() - nearPoint.z()) / dz;
  if (!(t > 0 && t <= 1)) return std::nullopt;  // the cursor is above the horizon
  return nearPoint + (farPoint - nearPoint) * t;
}

bool CityManipulator::handle(const osgGA::GUIEventAdapter& ea, osgGA::GUIActionAdapter& aa) {
  using E = osgGA::GUIEventAdapter;
  if (ea.getEventType() == E::FRAME) {
    advance(ea.getTime());
    if (_flight) aa.requestRedraw();
    return false;
  }
  if (ea.getHandled()) return false;  // the UI took it
  switch (ea.getEventType()) {
    case E::PUSH:
      _flight.reset();
      _lastX = ea.getX();
      _lastY = ea.getY();
      return false;
    case E::DRAG: {
      const double dx = ea.getX() - _lastX, dy = ea.getY() - _lastY;
      _lastX = ea.getX();
      _lastY = ea.getY();
      const unsigned buttons = ea.getButtonMask();
      if (buttons & E::LEFT_MOUSE_BUTTON) {
        const double mpp = metersPerPixel(ea);
        // Grab the ground: it follows the cursor; forward motion is stretched by the tilt.
        pan(-dx * mpp, -dy * mpp / std::max(0.2, std::sin(rad(_state.pitchDegrees))));
      } else if (buttons & E::RIGHT_MOUSE_BUTTON) {
        orbit(-dx * 0.3, dy * 0.2);
      } else if (buttons & E::MIDDLE_MOUSE_BUTTON) {
        zoom(std::exp(-dy * 0.01));
      }
      aa.requestRedraw();
      return true;
    }
    case E::SCROLL: {
      const auto motion = ea.getScrollingMotion();
      double factor = 1;
      if (motion == E::SCROLL_UP)
        factor = 0.85;
      else if (motion == E::SCROLL_DOWN)
        factor = 1 / 0.85;
      else if (motion == E::SCROLL_2D)
        factor = std::pow(0.85, ea.getScrollingDeltaY());
      _flight.reset();
      zoom(factor, groundUnderCursor(ea, aa));
      aa.requestRedraw();
      return true;
    }
    case E::KEYDOWN: {
      const int key = ea.getKey();
      const double step = 0.1 * _state.distanceMeters;
      bool used = true;
      switch (key) {
        case E::KEY_Left: pan(-step, 0); break;
        case E::KEY_Right: pan(step, 0); break;
        case E::KEY_Up: pan(0, step); break;
        case E::KEY_Down: pan(0, -step); break;
        case '+':
        case '=':
        case E::KEY_KP_Add: zoom(0.8); break;
        case '-':
        case '_':
        case E::KEY_KP_Subtract: zoom(1.25); break;
        case E::KEY_Home:
        case E::KEY_KP_Home: flyTo(_start); break;
        default: used = false;
      }
      if (used) aa.requestRedraw();
      return used;
    }
    default: return false;
  }
}

}  // namespace twin::app
