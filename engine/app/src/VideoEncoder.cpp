#include "twin/app/VideoEncoder.h"

#include <cstddef>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

namespace twin::app {

namespace {

constexpr const char* kWhere = "app::VideoEncoder:";

std::string avError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

}  // namespace

struct VideoEncoder::Impl {
  std::string file;
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  AVStream* stream = nullptr;
  SwsContext* scaler = nullptr;
  AVFrame* frame = nullptr;
  AVPacket* packet = nullptr;
  int width = 0, height = 0, frames = 0;
  bool headerWritten = false, finished = false;

  ~Impl() {
    if (format && headerWritten && !finished) av_write_trailer(format);
    if (format && format->pb) avio_closep(&format->pb);
    avformat_free_context(format);
    avcodec_free_context(&codec);
    sws_freeContext(scaler);
    av_frame_free(&frame);
    av_packet_free(&packet);
  }

  core::Error error(const std::string& what) const {
    return core::fail(std::string(kWhere) + " " + file + ": " + what);
  }

  // Sends `input` (null: flush) and writes every packet the encoder has ready.
  core::Status encode(AVFrame* input) {
    int rc = avcodec_send_frame(codec, input);
    if (rc < 0) return error("encoding failed: " + avError(rc));
    while (true) {
      rc = avcodec_receive_packet(codec, packet);
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return core::Ok{};
      if (rc < 0) return error("encoding failed: " + avError(rc));
      av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
      packet->stream_index = stream->index;
      rc = av_interleaved_write_frame(format, packet);  // takes the packet's data
      if (rc < 0) return error("cannot write: " + avError(rc));
    }
  }
};

VideoEncoder::VideoEncoder() : _impl(std::make_unique<Impl>()) {}
VideoEncoder::~VideoEncoder() = default;

core::Result<std::unique_ptr<VideoEncoder>> VideoEncoder::open(const std::filesystem::path& file, int width, int height,
                                                               int fps) {
  std::unique_ptr<VideoEncoder> encoder(new VideoEncoder);
  Impl& impl = *encoder->_impl;
  impl.file = file.string();
  if (width < 16 || height < 16 || width > 8192 || height > 8192 || width % 2 || height % 2)
    return impl.error("the frame size must be even, between 16 and 8192 pixels; got " + std::to_string(width) + "x" +
                      std::to_string(height));
  if (fps < 1 || fps > 120) return impl.error("frames per second must be in [1, 120]; got " + std::to_string(fps));
  impl.width = width;
  impl.height = height;
  // libx264's statistics and the muxer's notes would bury the progress lines: errors only.
  if (av_log_get_level() > AV_LOG_ERROR) av_log_set_level(AV_LOG_ERROR);

  // libx264 first: Debian's libavcodec has it, and it gives the best quality for the bytes.
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (!codec) codec = avcodec_find_encoder(AV_CODEC_ID_H264);
  if (!codec)
    return impl.error(
        "no H.264 encoder in this FFmpeg build (install libavcodec with libx264, Debian package libavcodec59)");

  int rc = avformat_alloc_output_context2(&impl.format, nullptr, "mp4", impl.file.c_str());
  if (rc < 0 || !impl.format) return impl.error("cannot set up an MP4 file: " + avError(rc));
  impl.stream = avformat_new_stream(impl.format, nullptr);
  impl.codec = avcodec_alloc_context3(codec);
  impl.frame = av_frame_alloc();
  impl.packet = av_packet_alloc();
  if (!impl.stream || !impl.codec || !impl.frame || !impl.packet) return impl.error("out of memory");

  AVCodecContext* c = impl.codec;
  c->width = width;
  c->height = height;
  c->time_base = AVRational{1, fps};
  c->framerate = AVRational{fps, 1};
  c->pix_fmt = AV_PIX_FMT_YUV420P;  // what every player and browser decodes
  c->gop_size = fps * 2;            // a key frame every 2 s: seeking in a player stays quick
  c->max_b_frames = 2;
  if (impl.format->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (std::string(codec->name) == "libx264") {
    // Rendering, not encoding, is the slow part: a quick preset costs little size at this quality.
    av_opt_set(c->priv_data, "preset", "faster", 0);
    av_opt_set(c->priv_data, "crf", "20", 0);
    av_opt_set(c->priv_data, "profile", "high", 0);
  }
  rc = avcodec_open2(c, codec, nullptr);
  if (rc < 0) return impl.error(std::string("cannot open the ") + codec->name + " encoder: " + avError(rc));
  rc = avcodec_parameters_from_context(impl.stream->codecpar, c);
  if (rc < 0) return impl.error("cannot set the stream's parameters: " + avError(rc));
  impl.stream->time_base = c->time_base;
  impl.stream->avg_frame_rate = c->framerate;

  rc = avio_open(&impl.format->pb, impl.file.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) return impl.error("cannot write: " + avError(rc));
  AVDictionary* options = nullptr;
  av_dict_set(&options, "movflags", "+faststart", 0);  // the index first: plays while downloading
  rc = avformat_write_header(impl.format, &options);
  av_dict_free(&options);
  if (rc < 0) return impl.error("cannot write the MP4 header: " + avError(rc));
  impl.headerWritten = true;

  impl.frame->format = c->pix_fmt;
  impl.frame->width = width;
  impl.frame->height = height;
  rc = av_frame_get_buffer(impl.frame, 0);
  if (rc < 0) return impl.error("out of memory for a frame: " + avError(rc));
  impl.scaler = sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr,
                               nullptr, nullptr);
  if (!impl.scaler) return impl.error("cannot convert RGB to YUV (swscale)");
  return encoder;
}

core::Status VideoEncoder::addFrame(const std::uint8_t* rgb, int strideBytes, bool bottomUp) {
  Impl& impl = *_impl;
  if (impl.finished) return impl.error("addFrame() after finish()");
  if (!rgb || strideBytes < impl.width * 3) return impl.error("addFrame(): no pixels or a stride below width x 3");
  int rc = av_frame_make_writable(impl.frame);
  if (rc < 0) return impl.error("encoding failed: " + avError(rc));
  // A bottom-up image is read from its last row with a negative stride: flipped while converting.
  const std::uint8_t* source = bottomUp ? rgb + std::ptrdiff_t(impl.height - 1) * strideBytes : rgb;
  const int stride = bottomUp ? -strideBytes : strideBytes;
  sws_scale(impl.scaler, &source, &stride, 0, impl.height, impl.frame->data, impl.frame->linesize);
  impl.frame->pts = impl.frames;
  if (auto sent = impl.encode(impl.frame); !sent) return sent;
  ++impl.frames;
  return core::Ok{};
}

core::Status VideoEncoder::finish() {
  Impl& impl = *_impl;
  if (impl.finished) return impl.error("finish() called twice");
  if (auto flushed = impl.encode(nullptr); !flushed) return flushed;
  impl.finished = true;
  const int rc = av_write_trailer(impl.format);
  if (rc < 0) return impl.error("cannot write the MP4 index: " + avError(rc));
  avio_closep(&impl.format->pb);
  return core::Ok{};
}

std::string VideoEncoder::encoderName() const { return _impl->codec ? _impl->codec->codec->name : ""; }
int VideoEncoder::framesWritten() const { return _impl->frames; }

}  // namespace twin::app
