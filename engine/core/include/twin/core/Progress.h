// Progress reporting for long work (loading, compiling, analysis).
#pragma once

#include <functional>
#include <string_view>

namespace twin::core {

/** Called with a stage name ("read", "reproject", "compile", ...) and the fraction done in
    [0, 1]. May be empty. Called from the thread doing the work. */
using ProgressFn = std::function<void(std::string_view stage, double fraction)>;

inline void reportProgress(const ProgressFn& fn, std::string_view stage, double fraction) {
  if (fn) fn(stage, fraction);
}

}  // namespace twin::core
