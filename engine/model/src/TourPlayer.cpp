#include "twin/model/TourPlayer.h"

#include <algorithm>
#include <cmath>

#include "twin/core/Assert.h"

namespace twin::model {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kArcShare = 0.6;

// Zero speed and acceleration at both ends: a flight leaves a held view and settles into the
// next without a jolt (Perlin's smootherstep).
double smootherstep(double u) {
  u = std::clamp(u, 0.0, 1.0);
  return u * u * u * (u * (u * 6 - 15) + 10);
}

double lerp(double a, double b, double s) { return a + (b - a) * s; }

}  // namespace

TourPose tourPoseForView(const Bookmark& view, const geo::SiteFrame& frame) {
  TourPose pose;
  core::Vec2 local = frame.toLocal(view.target);
  if (!core::isFinite(local)) local = {0, 0};
  pose.center = {local.x, local.y, std::isfinite(view.targetHeightMeters) ? view.targetHeightMeters : 0};
  pose.distanceMeters = std::isfinite(view.distanceMeters) && view.distanceMeters > 1 ? view.distanceMeters : 800;
  pose.headingDegrees = std::isfinite(view.headingDegrees) ? view.headingDegrees : 0;
  pose.pitchDegrees = std::isfinite(view.pitchDegrees) ? view.pitchDegrees : 45;
  return pose;
}

TourPose interpolateTourPose(const TourPose& from, const TourPose& to, double u) {
  const double s = smootherstep(std::isfinite(u) ? u : 0);
  TourPose p;
  p.center = {lerp(from.center.x, to.center.x, s), lerp(from.center.y, to.center.y, s),
              lerp(from.center.z, to.center.z, s)};
  // The short way round: a turn of at most 180 degrees.
  const double turn = std::fmod(std::fmod(to.headingDegrees - from.headingDegrees, 360.0) + 540.0, 360.0) - 180.0;
  p.headingDegrees = from.headingDegrees + turn * s;
  p.pitchDegrees = lerp(from.pitchDegrees, to.pitchDegrees, s);
  // Geometric: zooming in from 3 km to 300 m looks as even as from 300 m to 30 m.
  const double d0 = std::max(from.distanceMeters, 1.0), d1 = std::max(to.distanceMeters, 1.0);
  p.distanceMeters = d0 * std::pow(d1 / d0, s);
  const double ground = std::hypot(to.center.x - from.center.x, to.center.y - from.center.y);
  const double rise = kArcShare * std::max(0.0, ground - std::max(d0, d1));
  p.distanceMeters += rise * std::sin(kPi * s);
  if (s >= 1) p = to;  // exactly the stop's pose on arrival (no rounding drift)
  if (s <= 0) p = from;
  return p;
}

TourPlayer::TourPlayer(Tour tour, std::vector<TourPose> poses, Clock clock)
    : _tour(std::move(tour)), _poses(std::move(poses)), _clock(std::move(clock)) {
  TWIN_ASSERT(_poses.size() == _tour.stops.size(), "model::TourPlayer: one pose per stop");
  TWIN_ASSERT(bool(_clock), "model::TourPlayer: a clock is required");
}

double TourPlayer::stopStartSeconds(std::size_t index) const {
  double t = 0;
  for (std::size_t i = 0; i < index && i < _tour.stops.size(); ++i)
    t += _tour.stops[i].flySeconds + _tour.stops[i].holdSeconds;
  return t;
}

double TourPlayer::elapsedSeconds() const {
  double t = _baseTourSeconds;
  if (_playing && !_paused) t += _clock() - _baseClockSeconds;
  return std::clamp(t, 0.0, durationSeconds());
}

void TourPlayer::start(std::optional<TourPose> from) {
  _playing = true;
  _paused = false;
  _baseTourSeconds = 0;
  _baseClockSeconds = _clock();
  _flyFrom = from;
  _flyFromStop = 0;
}

void TourPlayer::stop() {
  _baseTourSeconds = elapsedSeconds();
  _playing = false;
}

void TourPlayer::setPaused(bool paused) {
  if (paused == _paused) return;
  _baseTourSeconds = elapsedSeconds();
  _baseClockSeconds = _clock();
  _paused = paused;
}

void TourPlayer::jumpTo(std::size_t stop, const TourPose& from) {
  _flyFrom = from;
  _flyFromStop = stop;
  _baseTourSeconds = stop < _tour.stops.size() ? stopStartSeconds(stop) : durationSeconds();
  _baseClockSeconds = _clock();
}

void TourPlayer::next() {
  const TourMoment now = moment();
  jumpTo(now.phase == TourPhase::Finished ? _tour.stops.size() : now.stop + 1, now.pose);
}

void TourPlayer::previous() {
  const TourMoment now = moment();
  std::size_t target = now.stop;
  // Within the first moments of a stop, "previous" means the one before (as a music player).
  if (now.phase != TourPhase::Finished && target > 0 && elapsedSeconds() - stopStartSeconds(target) < 1.0) --target;
  jumpTo(target, now.pose);
}

TourMoment TourPlayer::moment() const { return momentAt(elapsedSeconds()); }

TourMoment TourPlayer::momentAt(double t) const {
  TourMoment m;
  t = std::clamp(std::isfinite(t) ? t : 0, 0.0, durationSeconds());
  double start = 0;
  for (std::size_t i = 0; i < _tour.stops.size(); ++i) {
    const TourStop& stop = _tour.stops[i];
    const double flyEnd = start + stop.flySeconds, holdEnd = flyEnd + stop.holdSeconds;
    const bool last = i + 1 == _tour.stops.size();
    if (t < flyEnd) {
      TourPose from = i > 0 ? _poses[i - 1] : _poses[0];
      if (_flyFrom && _flyFromStop == i) from = *_flyFrom;
      m.stop = i;
      m.phase = TourPhase::Flying;
      m.stopProgress = (t - start) / stop.flySeconds;
      m.pose = interpolateTourPose(from, _poses[i], m.stopProgress);
      return m;
    }
    if (t < holdEnd || (last && t < durationSeconds())) {
      m.stop = i;
      m.phase = TourPhase::Holding;
      m.stopProgress = stop.holdSeconds > 0 ? std::min(1.0, (t - flyEnd) / stop.holdSeconds) : 1.0;
      m.pose = _poses[i];
      return m;
    }
    start = holdEnd;
  }
  m.stop = _tour.stops.empty() ? 0 : _tour.stops.size() - 1;
  m.phase = TourPhase::Finished;
  m.stopProgress = 1;
  if (!_poses.empty()) m.pose = _poses.back();
  return m;
}

}  // namespace twin::model
