// The unattended carousel of the big screen: when nobody touches the screen it moves the camera
// through a list of stops (the scene's bookmarks) every interval; any input stops it, and it
// resumes once the screen has been left alone for the idle time. An alarm that takes the camera
// (the monitor's fly-to) holds it: the carousel resumes only after the alarm no longer holds
// the screen (acknowledged or dismissed) and the idle time has passed since. Pure logic with an
// injected clock, so it is tested without a window.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace twin::ui {

/** What the carousel is doing. */
enum class CarouselState {
  Off,          // switched off, or fewer than two stops
  Running,      // cycling: the next stop comes at nextMoveAt()
  PausedInput,  // someone used the screen; resumes idle seconds after the last input
  HeldByAlarm,  // an alarm holds the screen; resumes idle seconds after it is settled
};
/** "off", "running", "paused", "alarm". */
const char* carouselStateName(CarouselState state);

class Carousel {
 public:
  /** Seconds on a monotonic clock (any origin). */
  using Clock = std::function<double()>;

  /** `stops`: the names to cycle through, in order (bookmark names). `intervalSeconds` between
      moves and `idleSeconds` of no input before resuming must be positive (TWIN_ASSERT; the
      scene parser checks the file's values). Starts switched off. */
  Carousel(std::vector<std::string> stops, double intervalSeconds, double idleSeconds, Clock clock);

  /** Switches on (the first move comes one interval from now, unless input or an alarm holds
      it) or off. With fewer than two stops it stays Off: there is nothing to cycle. */
  void setEnabled(bool enabled);
  bool enabled() const { return _enabled; }

  /** Any input from a person (mouse, keys, touch): stops the cycling until idle seconds after
      the latest input. */
  void input();

  /** Whether an alarm holds the screen now (called every frame with the monitor's answer). While
      true nothing moves; on the change to false the idle wait starts from then. */
  void setAlarmHold(bool held);

  /** Called every frame: the stop to move to now, if it is time (then the next one is one
      interval later), else nullopt. Stops are visited in order and wrap around; after a pause
      the tour goes on from where it stopped, moving at once when the pause ends. */
  std::optional<std::string> poll();

  CarouselState state() const;
  const std::vector<std::string>& stops() const { return _stops; }
  double intervalSeconds() const { return _interval; }
  double idleSeconds() const { return _idle; }

 private:
  std::vector<std::string> _stops;
  double _interval, _idle;
  Clock _clock;
  bool _enabled = false, _alarm = false;
  double _nextMove = 0;       // when Running: time of the next move
  double _resumeAt = -1e300;  // no move before this (input or a settled alarm + idle)
  std::size_t _next = 0;      // index of the next stop
};

}  // namespace twin::ui
