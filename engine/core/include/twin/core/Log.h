// Minimal levelled logging to stderr. Thread-safe.
#pragma once

#include <string_view>

namespace twin::core {

enum class LogLevel { Debug, Info, Warning, Error, Off };

/** Writes "[twin] <level>: <message>" to stderr when level is at least the process's level:
    the environment variable TWIN_LOG=debug|info|warning|error|off, read once (default info). */
void log(LogLevel level, std::string_view message);

inline void logDebug(std::string_view m) { log(LogLevel::Debug, m); }
inline void logInfo(std::string_view m) { log(LogLevel::Info, m); }
inline void logWarning(std::string_view m) { log(LogLevel::Warning, m); }
inline void logError(std::string_view m) { log(LogLevel::Error, m); }

}  // namespace twin::core
