// app::VideoEncoder alone: synthetic frames in, an H.264 MP4 out (checked with ffprobe when
// present), and every error of its contract.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "TestPaths.h"
#include "twin/app/VideoEncoder.h"

using namespace twin;

namespace {

// A frame with a bright square at `x`: frames that move, so that the encoder has work to do.
std::vector<std::uint8_t> frameWithSquare(int width, int height, int x) {
  std::vector<std::uint8_t> rgb(std::size_t(width) * height * 3, 20);
  for (int y = height / 4; y < height / 2; ++y)
    for (int i = x; i < x + width / 8 && i < width; ++i) {
      std::uint8_t* p = &rgb[(std::size_t(y) * width + i) * 3];
      p[0] = 250;
      p[1] = 200;
      p[2] = 40;
    }
  return rgb;
}

std::string commandOutput(const std::string& command) {
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    ::pclose(pipe);
  }
  return out;
}

}  // namespace

TEST_CASE("video encoder: frames in, an H.264 MP4 of the right length out", "[app][video]") {
  test::TempDir dir("encoder");
  const std::string file = (dir.path() / "squares.mp4").string();
  auto encoder = app::VideoEncoder::open(file, 160, 96, 25);
  INFO((encoder.ok() ? std::string() : encoder.error().message));
  REQUIRE(encoder.ok());
  CHECK((*encoder)->encoderName() == "libx264");  // Debian's libavcodec has it
  for (int i = 0; i < 50; ++i) {
    const auto rgb = frameWithSquare(160, 96, i * 2);
    REQUIRE((*encoder)->addFrame(rgb.data(), 160 * 3, i % 2 == 0).ok());  // both row orders
  }
  CHECK((*encoder)->framesWritten() == 50);
  REQUIRE((*encoder)->finish().ok());

  SECTION("calls after finish() are errors") {
    const auto rgb = frameWithSquare(160, 96, 0);
    auto late = (*encoder)->addFrame(rgb.data(), 160 * 3, false);
    REQUIRE_FALSE(late.ok());
    CHECK(late.error().message == "app::VideoEncoder: " + file + ": addFrame() after finish()");
    auto twice = (*encoder)->finish();
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.error().message == "app::VideoEncoder: " + file + ": finish() called twice");
  }
  SECTION("ffprobe reads it back") {
    if (std::system("command -v ffprobe >/dev/null 2>&1") != 0) {
      std::printf("SKIPPED: needs ffprobe (Debian package ffmpeg) to read the video back\n");
      std::fflush(stdout);
      std::_Exit(test::kSkipExitCode);
    }
    const std::string out = commandOutput(
        "ffprobe -v error -select_streams v:0 -count_frames -show_entries "
        "stream=codec_name,width,height,nb_read_frames -of csv=p=0 '" +
        file + "'");
    CHECK(out == "h264,160,96,50\n");
  }
}

TEST_CASE("video encoder: errors", "[app][video]") {
  test::TempDir dir("encoder-errors");
  const std::string file = (dir.path() / "x.mp4").string();
  const std::string where = "app::VideoEncoder: " + file + ": ";
  auto odd = app::VideoEncoder::open(file, 161, 96, 25);
  REQUIRE_FALSE(odd.ok());
  CHECK(odd.error().message == where + "the frame size must be even, between 16 and 8192 pixels; got 161x96");
  auto small = app::VideoEncoder::open(file, 8, 8, 25);
  REQUIRE_FALSE(small.ok());
  CHECK(small.error().message == where + "the frame size must be even, between 16 and 8192 pixels; got 8x8");
  for (int fps : {0, 121}) {
    auto bad = app::VideoEncoder::open(file, 160, 96, fps);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == where + "frames per second must be in [1, 120]; got " + std::to_string(fps));
  }
  const std::string missing = (dir.path() / "none" / "x.mp4").string();
  auto unwritable = app::VideoEncoder::open(missing, 160, 96, 25);
  REQUIRE_FALSE(unwritable.ok());
  CHECK(unwritable.error().message == "app::VideoEncoder: " + missing + ": cannot write: No such file or directory");

  auto encoder = app::VideoEncoder::open(file, 160, 96, 25);
  REQUIRE(encoder.ok());
  auto none = (*encoder)->addFrame(nullptr, 160 * 3, false);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message == where + "addFrame(): no pixels or a stride below width x 3");
  const auto rgb = frameWithSquare(160, 96, 0);
  auto narrow = (*encoder)->addFrame(rgb.data(), 100, false);
  REQUIRE_FALSE(narrow.ok());
  CHECK(narrow.error().message == where + "addFrame(): no pixels or a stride below width x 3");
}
