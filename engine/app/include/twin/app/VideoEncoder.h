// H.264 in MP4 through FFmpeg's libraries (libavcodec, libavformat, libswscale, libavutil): the
// encoder of `twin video`. FFmpeg itself stays inside engine/app/src/VideoEncoder.cpp, the only
// file that includes it (scripts/check-includes.sh); this header names none of its types.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "twin/core/Result.h"

namespace twin::app {

/** One MP4 file being written, frame by frame. Not thread-safe. */
class VideoEncoder {
 public:
  /** Opens `file` for writing (created or truncated) with an H.264 encoder: libx264 when FFmpeg
      has it, else the first other H.264 encoder FFmpeg offers. `width` and `height` even, in
      [16, 8192]; `fps` in [1, 120]. Errors name the function and the file: "no H.264 encoder in
      this FFmpeg build (install libavcodec with libx264, Debian package libavcodec59)", "cannot
      write: <FFmpeg's reason>", or bad sizes, e.g. "app::VideoEncoder: /x/out.mp4: cannot write: No
      such file or directory". */
  static core::Result<std::unique_ptr<VideoEncoder>> open(const std::filesystem::path& file, int width, int height,
                                                          int fps);
  ~VideoEncoder();  // an unfinished file is closed as it is (unplayable without finish())

  /** Encodes one frame of width x height RGB pixels, rows `strideBytes` apart, the first row
      the bottom one when `bottomUp` (OpenGL's and OSG's order). Frames are stamped 0, 1, 2, ...
      on the 1/fps time base. Error (naming the file) when FFmpeg fails. */
  core::Status addFrame(const std::uint8_t* rgb, int strideBytes, bool bottomUp);
  /** Flushes the encoder and writes the MP4 index. Call once; later addFrame() calls fail. */
  core::Status finish();

  /** The encoder used, e.g. "libx264". */
  std::string encoderName() const;
  int framesWritten() const;

 private:
  VideoEncoder();
  struct Impl;
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::app
