#include "twin/core/Log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace twin::core {
namespace {

LogLevel levelFromEnvironment() {
  const char* env = std::getenv("TWIN_LOG");
  if (!env) return LogLevel::Info;
  const std::string v(env);
  if (v == "debug") return LogLevel::Debug;
  if (v == "warning") return LogLevel::Warning;
  if (v == "error") return LogLevel::Error;
  if (v == "off") return LogLevel::Off;
  return LogLevel::Info;
}

std::atomic<LogLevel>& currentLevel() {
  static std::atomic<LogLevel> level{levelFromEnvironment()};
  return level;
}

const char* levelName(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
    case LogLevel::Off: return "off";
  }
  return "?";
}

}  // namespace

void log(LogLevel level, std::string_view message) {
  if (level < currentLevel() || level == LogLevel::Off) return;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  std::fprintf(stderr, "[twin] %s: %.*s\n", levelName(level), static_cast<int>(message.size()), message.data());
}

}  // namespace twin::core
