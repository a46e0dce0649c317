// Stopwatch for stage timings that the engine reports (load stages, frame times).
#pragma once

#include <chrono>

namespace twin::core {

class Stopwatch {
 public:
  Stopwatch() : _start(std::chrono::steady_clock::now()) {}
  void restart() { _start = std::chrono::steady_clock::now(); }
  double elapsedMs() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - _start).count();
  }

 private:
  std::chrono::steady_clock::time_point _start;
};

}  // namespace twin::core
