// Playing a tour: where the camera is at tour time t, and the play/pause/next/previous state on
// a clock the caller injects (the wall clock in a window, the frame clock in a video). Pure
// logic, no window: tested and used the same way by the viewer and `twin video`.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "twin/core/Geometry.h"
#include "twin/geo/SiteFrame.h"
#include "twin/model/Tour.h"

namespace twin::model {

/** A camera as an orbit about the point it looks at, in the site's local frame (metres, z up).
    Heading 0 looks north, 90 east; pitch 90 looks straight down. */
struct TourPose {
  core::Vec3 center;
  double distanceMeters = 800;
  double headingDegrees = 0;
  double pitchDegrees = 45;
};

/** The pose of a stop's view (a bookmark's orbit) in `frame`; the target height is kept as is
    (the caller adds the ground height under it where there is terrain). */
TourPose tourPoseForView(const Bookmark& view, const geo::SiteFrame& frame);

/** The camera between two poses at eased progress: `u` in [0, 1] is the share of the flight's
    time elapsed. Eased in and out (smootherstep: no jump in position or speed at either end);
    the centre moves in a straight line, the distance changes geometrically, heading turns the
    short way round, and a flight whose centres lie farther apart on the ground than the larger
    of the two distances arcs up: at mid-flight the distance is raised by 0.6 x (ground distance
    - larger distance), following sin(pi s), so the camera climbs, crosses and comes down with no
    jump. u outside [0, 1] is clamped; at u = 0 the result is `from`, at u = 1 `to`. */
TourPose interpolateTourPose(const TourPose& from, const TourPose& to, double u);

enum class TourPhase { Flying, Holding, Finished };

/** Where a tour is at one moment. */
struct TourMoment {
  std::size_t stop = 0;  // the stop flown to or held (the last one once finished)
  TourPhase phase = TourPhase::Flying;
  double stopProgress = 0;  // share of the current phase elapsed, in [0, 1]
  TourPose pose;
};

/** A tour with its poses and a clock. The tour time advances with the clock while playing and
    stands still while paused. The first stop's flight starts from the pose given to start()
    (the camera's, in a window), or, without one, the first stop is held for its fly and hold
    time (a video starts on its first view). Not thread-safe. */
class TourPlayer {
 public:
  using Clock = std::function<double()>;  // seconds, monotonic (any origin)

  /** `poses` has one pose per stop of `tour` (TWIN_ASSERT). */
  TourPlayer(Tour tour, std::vector<TourPose> poses, Clock clock);

  const Tour& tour() const { return _tour; }
  double durationSeconds() const { return _tour.durationSeconds(); }

  /** Plays from the beginning (tour time 0), flying to the first stop from `from` if given. */
  void start(std::optional<TourPose> from = std::nullopt);
  /** Ends playing (the user took the camera): playing() false until start(). */
  void stop();
  bool playing() const { return _playing; }
  void setPaused(bool paused);
  bool paused() const { return _paused; }
  /** Flies from the current pose to the next stop (the start of its flight); past the last stop
      the tour finishes. Keeps the paused state. */
  void next();
  /** Flies from the current pose to the previous stop, or back to the current stop's start when
      this is the first one. */
  void previous();

  /** Tour time in seconds, in [0, durationSeconds()]. */
  double elapsedSeconds() const;
  /** The moment at the current tour time. */
  TourMoment moment() const;
  /** The moment at tour time `t` seconds (clamped), ignoring pause and play state; the first
      stop's flight starts at `from` (or holds without one). */
  TourMoment momentAt(double t) const;
  /** Tour time at which stop `index` begins its flight. */
  double stopStartSeconds(std::size_t index) const;
  bool finished() const { return elapsedSeconds() >= durationSeconds(); }

 private:
  void jumpTo(std::size_t stop, const TourPose& from);

  Tour _tour;
  std::vector<TourPose> _poses;
  Clock _clock;
  bool _playing = false, _paused = false;
  double _baseTourSeconds = 0;   // tour time when the clock was last read for a change
  double _baseClockSeconds = 0;  // clock time at that moment
  // The flight to stop `_flyFromStop` starts at `_flyFrom` instead of the previous stop's pose
  // (the camera at start(), next() or previous()), so that a skip flies instead of jumping.
  std::optional<TourPose> _flyFrom;
  std::size_t _flyFromStop = 0;
};

}  // namespace twin::model
