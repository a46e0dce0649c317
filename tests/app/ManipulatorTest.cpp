#include <catch2/catch.hpp>

#include "twin/app/CityManipulator.h"

using namespace twin;
using app::CityManipulator;
using app::OrbitState;

namespace {
core::Box2 box(double half) {
  core::Box2 b;
  b.add(core::Vec2{-half, -half});
  b.add(core::Vec2{half, half});
  return b;
}
}  // namespace

TEST_CASE("manipulator: lookAt and stateFromLookAt are inverse", "[app]") {
  OrbitState s;
  s.center = osg::Vec3d(10, -20, 5);
  s.distanceMeters = 500;
  s.headingDegrees = 30;
  s.pitchDegrees = 40;
  osg::Vec3d eye, center, up;
  CityManipulator::lookAt(s, eye, center, up);
  CHECK(eye.z() > center.z());
  CHECK(eye.y() < center.y());  // heading 30: looking north-north-east, so the eye is south
  const OrbitState back = CityManipulator::stateFromLookAt(eye, center);
  CHECK(back.distanceMeters == Approx(500));
  CHECK(back.headingDegrees == Approx(30));
  CHECK(back.pitchDegrees == Approx(40));
  CHECK(up.z() > 0);
}

TEST_CASE("manipulator: limits from the extent", "[app]") {
  CityManipulator m(box(1000));
  CHECK(m.minDistanceMeters() == 15);
  CHECK(m.maxDistanceMeters() == Approx(4 * std::hypot(2000, 2000)));
  OrbitState s;
  s.pitchDegrees = 95;
  s.distanceMeters = 1;
  s.center = osg::Vec3d(1e6, -1e6, 0);
  m.setState(s);
  CHECK(m.state().pitchDegrees == CityManipulator::kMaxPitchDegrees);
  CHECK(m.state().distanceMeters == 15);
  CHECK(m.state().center.x() == 2000);
  CHECK(m.state().center.y() == -2000);
  m.orbit(0, -200);
  CHECK(m.state().pitchDegrees == CityManipulator::kMinPitchDegrees);
  m.zoom(1e9);
  CHECK(m.state().distanceMeters == m.maxDistanceMeters());
  m.zoom(std::nan(""));
  CHECK(m.state().distanceMeters == m.maxDistanceMeters());
}

TEST_CASE("manipulator: zoom towards a point keeps it fixed relative to the view", "[app]") {
  CityManipulator m(box(1000));
  OrbitState s;
  s.center = osg::Vec3d(0, 0, 0);
  s.distanceMeters = 1000;
  m.setState(s);
  const osg::Vec3d target(200, 100, 0);
  m.zoom(0.5, target);
  CHECK(m.state().distanceMeters == Approx(500));
  CHECK(m.state().center.x() == Approx(100));
  CHECK(m.state().center.y() == Approx(50));
}

TEST_CASE("manipulator: pan follows the heading", "[app]") {
  CityManipulator m(box(1000));
  OrbitState s;
  s.headingDegrees = 90;  // looking east
  m.setState(s);
  m.pan(0, 100);  // forward = east
  CHECK(m.state().center.x() == Approx(100));
  CHECK(m.state().center.y() == Approx(0).margin(1e-9));
  m.pan(100, 0);  // right = south
  CHECK(m.state().center.y() == Approx(-100));
}

TEST_CASE("manipulator: fly-to eases over its duration and turns the short way", "[app]") {
  CityManipulator m(box(1000));
  OrbitState from;
  from.center = osg::Vec3d(0, 0, 0);
  from.distanceMeters = 1000;
  from.headingDegrees = 350;
  m.setState(from);
  OrbitState to = from;
  to.center = osg::Vec3d(400, 0, 0);
  to.distanceMeters = 100;
  to.headingDegrees = 10;
  m.flyTo(to, 1.5);
  CHECK(m.flying());
  m.advance(10.0);  // the first advance fixes the start time
  CHECK(m.state().center.x() == Approx(0));
  m.advance(10.15);  // 10 %: eased, so well under 10 % of the way
  CHECK(m.state().center.x() > 0);
  CHECK(m.state().center.x() < 40);
  m.advance(10.75);  // half time: half way, distance at the geometric mean
  CHECK(m.state().center.x() == Approx(200));
  CHECK(m.state().distanceMeters == Approx(std::sqrt(1000.0 * 100.0)));
  CHECK(m.state().headingDegrees == Approx(0).margin(1e-6));
  m.advance(11.6);
  CHECK_FALSE(m.flying());
  CHECK(m.state().center.x() == Approx(400));
  CHECK(m.state().headingDegrees == Approx(10));
}
