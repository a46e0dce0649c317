#include "twin/ui/Carousel.h"

#include <algorithm>
#include <utility>

#include "twin/core/Assert.h"

namespace twin::ui {

const char* carouselStateName(CarouselState state) {
  switch (state) {
    case CarouselState::Off: return "off";
    case CarouselState::Running: return "running";
    case CarouselState::PausedInput: return "paused";
    case CarouselState::HeldByAlarm: return "alarm";
  }
  return "off";
}

Carousel::Carousel(std::vector<std::string> stops, double intervalSeconds, double idleSeconds, Clock clock)
    : _stops(std::move(stops)), _interval(intervalSeconds), _idle(idleSeconds), _clock(std::move(clock)) {
  TWIN_ASSERT(_interval > 0 && _idle > 0, "ui::Carousel(): interval and idle seconds must be positive");
  TWIN_ASSERT(bool(_clock), "ui::Carousel(): a clock is required");
}

void Carousel::setEnabled(bool enabled) {
  if (enabled == _enabled) return;
  _enabled = enabled;
  if (enabled) _nextMove = _clock() + _interval;
}

void Carousel::input() { _resumeAt = std::max(_resumeAt, _clock() + _idle); }

void Carousel::setAlarmHold(bool held) {
  if (_alarm && !held) _resumeAt = std::max(_resumeAt, _clock() + _idle);
  _alarm = held;
}

CarouselState Carousel::state() const {
  if (!_enabled || _stops.size() < 2) return CarouselState::Off;
  if (_alarm) return CarouselState::HeldByAlarm;
  // An alarm that was settled less than idle seconds ago also waits: reported as paused, which
  // is what it is (the screen is waiting to be left alone).
  if (_clock() < _resumeAt) return CarouselState::PausedInput;
  return CarouselState::Running;
}

std::optional<std::string> Carousel::poll() {
  if (!_enabled || _stops.size() < 2 || _alarm) return std::nullopt;
  const double now = _clock();
  if (now < _resumeAt) {
    // Paused: when the pause ends the tour moves at once, without another interval's wait.
    _nextMove = std::min(_nextMove, _resumeAt);
    return std::nullopt;
  }
  if (now < _nextMove) return std::nullopt;
  const std::string stop = _stops[_next];
  _next = (_next + 1) % _stops.size();
  _nextMove = now + _interval;
  return stop;
}

}  // namespace twin::ui
