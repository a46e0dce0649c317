// FramePacer: the viewer's frame loop waits between frames instead of rendering flat out, and
// wakes at once when an extension has something new to show (an alarm from the monitor thread).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace twin::app {

/** Paces a frame loop at most `maxFramesPerSecond`; wake() (any thread) starts the next frame
    without waiting. Rendering flat out on a small machine (llvmpipe, 2 cores) takes the cores
    from the monitor and the broker, which then take longer to store an alarm; the idle time
    between paced frames lets them run, and the wake puts a new alarm on the next frame. */
class FramePacer {
 public:
  /** `maxFramesPerSecond` <= 0 (or not finite): never waits. */
  explicit FramePacer(double maxFramesPerSecond) {
    if (maxFramesPerSecond > 0 && maxFramesPerSecond < 1e6)
      _interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(1.0 / maxFramesPerSecond));
  }

  /** Viewer thread, before each frame: returns at the frame's due time (one interval after the
      previous frame began) or at once after wake(); the frame begins on return. */
  void waitForFrame() {
    std::unique_lock<std::mutex> lock(_mutex);
    const auto due = _lastFrame + _interval;
    if (_interval.count() > 0) _wakeCv.wait_until(lock, due, [&] { return _woken; });
    _woken = false;
    _lastFrame = std::chrono::steady_clock::now();
  }

  /** Any thread: the next waitForFrame() returns at once. */
  void wake() {
    {
      std::lock_guard<std::mutex> lock(_mutex);
      _woken = true;
    }
    _wakeCv.notify_one();
  }

 private:
  std::mutex _mutex;
  std::condition_variable _wakeCv;
  bool _woken = false;
  std::chrono::steady_clock::duration _interval{0};
  std::chrono::steady_clock::time_point _lastFrame{};
};

}  // namespace twin::app
