// The alarm sound cue: a fake player first on PATH records what it was given.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <sys/stat.h>

#include "TestPaths.h"
#include "twin/app/AlarmSound.h"

using namespace twin;
using model::AlertSeverity;

namespace {

// A player script named `name` in `dir` that writes its arguments, one a line, to `record`
// (atomically, through a rename) and exits with `status`.
void fakePlayer(const std::filesystem::path& dir, const std::string& name, const std::filesystem::path& record,
                int status) {
  const std::filesystem::path script = dir / name;
  std::ofstream(script) << "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" << record.string() << ".part'\nmv '"
                        << record.string() << ".part' '" << record.string() << "'\nexit " << status << "\n";
  ::chmod(script.c_str(), 0755);
}

// PATH with `first` in front, for the test's lifetime.
struct PathFirst {
  std::string old;
  explicit PathFirst(const std::filesystem::path& first) {
    const char* path = std::getenv("PATH");
    old = path ? path : "";
    ::setenv("PATH", (first.string() + ":" + old).c_str(), 1);
  }
  ~PathFirst() { ::setenv("PATH", old.c_str(), 1); }
};

// The recorded arguments once the player has written them (waits up to 10 s).
std::vector<std::string> recorded(const std::filesystem::path& record) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!std::filesystem::exists(record) && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::ifstream in(record);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

alerts::Alert alarm(std::int64_t id, AlertSeverity severity) {
  alerts::Alert a;
  a.id = id;
  a.severity = a.raisedSeverity = severity;
  a.state = alerts::AlertState::ActiveUnacknowledged;
  return a;
}

}  // namespace

TEST_CASE("alarm sound: a critical alarm plays the cue's WAV; a minor one below the threshold does not", "[app]") {
  test::TempDir dir("alarm-sound");
  const std::filesystem::path record = dir.path() / "args.txt";
  fakePlayer(dir.path(), "paplay", record, 0);
  PathFirst path(dir.path());

  app::AlarmSoundOptions options;
  options.attention = AlertSeverity::Major;
  app::AlarmSound sound(options);
  REQUIRE(sound.available());
  CHECK(sound.player() == (dir.path() / "paplay").string());

  const alerts::Alert minor = alarm(1, AlertSeverity::Minor);
  CHECK_FALSE(sound.update({minor}));
  CHECK(sound.cues() == 0);
  CHECK(sound.wavFile().empty());  // nothing written until a cue

  const alerts::Alert critical = alarm(2, AlertSeverity::Critical);
  CHECK(sound.update({critical, minor}));
  CHECK(sound.cues() == 1);
  const std::vector<std::string> args = recorded(record);
  // Only the critical alarm's cue ran (the minor one would have written the record first).
  REQUIRE(args.size() == 1);
  CHECK(args[0] == sound.wavFile().string());
  CHECK(sound.wavFile().extension() == ".wav");
  std::ifstream wav(sound.wavFile(), std::ios::binary);
  std::stringstream bytes;
  bytes << wav.rdbuf();
  CHECK(bytes.str() == app::alarmCueWav());
  CHECK(bytes.str().substr(0, 4) == "RIFF");
  CHECK(bytes.str().substr(8, 8) == "WAVEfmt ");
  CHECK((std::filesystem::status(sound.wavFile().parent_path()).permissions() & std::filesystem::perms::others_all) ==
        std::filesystem::perms::none);

  // The same alarm again, and an acknowledged major one: no cue (once the first has ended, so
  // that only the alarms decide).
  std::filesystem::remove(record);
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sound.playing() && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE_FALSE(sound.playing());
  alerts::Alert acked = alarm(3, AlertSeverity::Major);
  acked.state = alerts::AlertState::ActiveAcknowledged;
  CHECK_FALSE(sound.update({critical, minor, acked}));
  // A new major alarm: a cue.
  CHECK(sound.update({critical, alarm(4, AlertSeverity::Major)}));
  CHECK(sound.cues() == 2);
  CHECK(recorded(record) == std::vector<std::string>{sound.wavFile().string()});
  CHECK(sound.available());
}

TEST_CASE("alarm sound: aplay gets -q; a player that fails (no device) turns the sound off", "[app]") {
  test::TempDir dir("alarm-sound-fail");
  const std::filesystem::path record = dir.path() / "args.txt";
  fakePlayer(dir.path(), "aplay", record, 1);
  app::AlarmSoundOptions options;
  options.searchPath = dir.path().string();
  app::AlarmSound sound(options);
  REQUIRE(sound.player() == (dir.path() / "aplay").string());
  REQUIRE(sound.update({alarm(1, AlertSeverity::Critical)}));
  CHECK(recorded(record) == std::vector<std::string>{"-q", sound.wavFile().string()});
  // The failure is seen when the player is reaped, on a later update().
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sound.playing() && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK_FALSE(sound.available());
  CHECK_FALSE(sound.update({alarm(2, AlertSeverity::Critical)}));
  CHECK(sound.cues() == 1);
}

TEST_CASE("alarm sound: no player on the search path: silent", "[app]") {
  test::TempDir dir("alarm-sound-none");
  app::AlarmSoundOptions options;
  options.searchPath = dir.path().string();
  app::AlarmSound sound(options);
  CHECK_FALSE(sound.available());
  CHECK(sound.player().empty());
  CHECK_FALSE(sound.update({alarm(1, AlertSeverity::Critical)}));
  CHECK(sound.cues() == 0);
}

TEST_CASE("alarm sound: the cue is a valid 16-bit mono PCM WAV of about half a second", "[app]") {
  const std::string wav = app::alarmCueWav();
  REQUIRE(wav.size() > 44);
  const auto u32 = [&](std::size_t at) {
    return std::uint32_t(std::uint8_t(wav[at])) | std::uint32_t(std::uint8_t(wav[at + 1])) << 8 |
           std::uint32_t(std::uint8_t(wav[at + 2])) << 16 | std::uint32_t(std::uint8_t(wav[at + 3])) << 24;
  };
  CHECK(wav.substr(0, 4) == "RIFF");
  CHECK(u32(4) == wav.size() - 8);
  CHECK(wav.substr(36, 4) == "data");
  CHECK(u32(40) == wav.size() - 44);
  CHECK(u32(24) == 22050);
  const double seconds = double(u32(40)) / 2 / 22050;
  CHECK(seconds > 0.3);
  CHECK(seconds < 1.0);
}
