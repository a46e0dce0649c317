// The alarm sound cue (scene key "alerts.sound"): a short generated tone played by an audio
// player found on PATH when an alarm at or above the scene's attention level arrives. Optional:
// without a player or an audio device the twin stays silent and says so once in the log.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "twin/alerts/Alert.h"
#include "twin/core/PrivateTempDir.h"
#include "twin/model/Sensor.h"

namespace twin::app {

struct AlarmSoundOptions {
  model::AlertSeverity attention = model::AlertSeverity::Major;  // scene "alerts.attention": cue at or above
  /** Folders searched for a player, in order, as PATH lists them; empty = the PATH environment
      variable. */
  std::string searchPath;
  /** Players tried in this order; the first found on the search path is used. Each is called as
      `player FILE.wav` (aplay with -q), without a shell. */
  std::vector<std::string> players{"paplay", "pw-play", "aplay"};
};

/** The RIFF/WAVE bytes of the cue: two short tones (880 Hz, then 660 Hz), 16-bit PCM mono at
    22,050 Hz, 0.45 s, faded in and out so that they do not click. */
std::string alarmCueWav();

/** Plays the cue, never blocking the caller: the player is spawned (posix_spawn, its standard
    streams on /dev/null) and reaped on a later call. At most one cue plays at a time; an alarm
    arriving while one plays is not cued again. Not thread-safe (the viewer's thread). */
class AlarmSound {
 public:
  /** Looks for a player. None found: available() is false and one info line is logged
      ("twin: alarm sound: no audio player (paplay, pw-play, aplay) on PATH; alarms are silent"). */
  explicit AlarmSound(AlarmSoundOptions options);
  ~AlarmSound();
  AlarmSound(const AlarmSound&) = delete;
  AlarmSound& operator=(const AlarmSound&) = delete;

  /** Call with the open alarms whenever they are read (MonitorView does so 4 times a second).
      Cues once when any alarm not seen before is unacknowledged and at or above the attention
      level (the alarms restored at start count as new: their banner is back too); alarms below
      it, or already acknowledged, never cue. Returns true when a cue started. The first cue
      writes the WAV into a private temp folder (removed by the destructor); when that fails, or
      the player exits with a non-zero status (no audio device), one info line is logged and the
      sound stays off for the rest of the session. */
  bool update(const std::vector<alerts::Alert>& open);

  /** True while a player is known and the sound has not been turned off by a failure. */
  bool available() const { return !_player.empty() && !_off; }
  /** The player's full path; empty when none was found. */
  const std::string& player() const { return _player; }
  /** The cue's file, once written. */
  const std::filesystem::path& wavFile() const { return _wav; }
  /** True while the last cue's player runs (reaps it when it has ended). */
  bool playing() {
    reap(false);
    return _pid != 0;
  }
  /** Cues started so far. */
  int cues() const { return _cues; }

 private:
  void reap(bool wait);
  void turnOff(const std::string& why);

  AlarmSoundOptions _options;
  std::string _player;
  std::unique_ptr<core::PrivateTempDir> _dir;
  std::filesystem::path _wav;
  std::set<std::int64_t> _seen;
  int _pid = 0;  // the player now running; 0 = none
  int _cues = 0;
  bool _off = false;
};

}  // namespace twin::app
