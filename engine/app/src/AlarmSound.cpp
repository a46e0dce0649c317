// AlarmSound: a generated WAV and a player from PATH, spawned without a shell.
#include "twin/app/AlarmSound.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <system_error>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "twin/core/Log.h"

extern char** environ;

namespace twin::app {
namespace {

void put16(std::string& out, std::uint16_t v) {
  out.push_back(char(v & 0xff));
  out.push_back(char((v >> 8) & 0xff));
}

void put32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
}

// An executable regular file named `name` in one of `path`'s folders; empty when none.
std::string findOnPath(const std::string& name, const std::string& path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find(':', start), path.size());
    const std::string folder = path.substr(start, end - start);
    start = end + 1;
    if (folder.empty()) continue;  // an empty entry would mean the working folder: never trusted
    const std::string candidate = folder + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return "";
}

std::string playerList(const std::vector<std::string>& players) {
  std::string out;
  for (const std::string& p : players) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

std::string alarmCueWav() {
  constexpr int kRate = 22050;
  constexpr double kToneSeconds = 0.18, kGapSeconds = 0.09;
  constexpr double kFadeSeconds = 0.01;
  constexpr double kPi = 3.14159265358979323846;
  std::vector<std::int16_t> samples;
  for (const double hz : {880.0, 660.0}) {
    const int n = int(kToneSeconds * kRate);
    for (int i = 0; i < n; ++i) {
      const double t = double(i) / kRate;
      const double fade = std::min({1.0, t / kFadeSeconds, (kToneSeconds - t) / kFadeSeconds});
      samples.push_back(std::int16_t(std::lround(0.5 * 32767 * fade * std::sin(2 * kPi * hz * t))));
    }
    samples.insert(samples.end(), std::size_t(kGapSeconds * kRate), 0);
  }
  const auto dataBytes = std::uint32_t(samples.size() * 2);
  std::string out;
  out += "RIFF";
  put32(out, 36 + dataBytes);
  out += "WAVEfmt ";
  put32(out, 16);         // PCM format chunk size
  put16(out, 1);          // PCM
  put16(out, 1);          // mono
  put32(out, kRate);      // samples per second
  put32(out, kRate * 2);  // bytes per second
  put16(out, 2);          // bytes per frame
  put16(out, 16);         // bits per sample
  out += "data";
  put32(out, dataBytes);
  for (std::int16_t s : samples) put16(out, std::uint16_t(s));
  return out;
}

AlarmSound::AlarmSound(AlarmSoundOptions options) : _options(std::move(options)) {
  std::string path = _options.searchPath;
  if (path.empty())
    if (const char* env = std::getenv("PATH")) path = env;
  for (const std::string& name : _options.players) {
    _player = findOnPath(name, path);
    if (!_player.empty()) break;
  }
  if (_player.empty())
    core::logInfo("twin: alarm sound: no audio player (" + playerList(_options.players) +
                  ") on PATH; alarms are silent");
}

AlarmSound::~AlarmSound() { reap(false); }

void AlarmSound::turnOff(const std::string& why) {
  _off = true;
  core::logInfo("twin: alarm sound: " + why + "; alarms are silent from now on");
}

// Collects the player once it has ended; a failure (no audio device, no sound server) turns
// the sound off, so that a machine without audio logs one line, not one per alarm.
void AlarmSound::reap(bool wait) {
  if (_pid == 0) return;
  int status = 0;
  const pid_t done = ::waitpid(_pid, &status, wait ? 0 : WNOHANG);
  if (done == 0) return;  // still playing
  _pid = 0;
  if (done < 0) return;
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    turnOff(_player + " exited with status " + std::to_string(WEXITSTATUS(status)) + " (no audio device?)");
  else if (WIFSIGNALED(status))
    turnOff(_player + " ended by signal " + std::to_string(WTERMSIG(status)));
}

bool AlarmSound::update(const std::vector<alerts::Alert>& open) {
  reap(false);
  bool fresh = false;
  for (const alerts::Alert& a : open) {
    if (alerts::isAcknowledged(a.state) || alerts::moreSevere(_options.attention, a.severity)) continue;
    fresh |= _seen.insert(a.id).second;
  }
  if (!fresh || !available() || _pid != 0) return false;
  if (!_dir) {
    auto dir = core::PrivateTempDir::create("twin-sound-");
    if (!dir) {
      turnOff(dir.error().message);
      return false;
    }
    auto wav = (*dir)->writeFile("alarm.wav", alarmCueWav());
    if (!wav) {
      turnOff(wav.error().message);
      return false;
    }
    _dir = std::move(*dir);
    _wav = *wav;
  }
  const bool aplay = std::filesystem::path(_player).filename() == "aplay";
  std::vector<std::string> args{_player};
  if (aplay) args.push_back("-q");
  args.push_back(_wav.string());
  std::vector<char*> argv;
  for (std::string& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd : {0, 1, 2})
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, _player.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    turnOff("cannot start " + _player + ": " + std::error_code(rc, std::generic_category()).message());
    return false;
  }
  _pid = pid;
  ++_cues;
  return true;
}

}  // namespace twin::app
