// TWIN_ASSERT: for our own bugs only. Bad outside data is reported through Result/Diagnostics.
#pragma once

#include <string>

namespace twin::core {
/** Prints "assertion failed: <message> (<file>:<line>)" to stderr and aborts. */
[[noreturn]] void assertionFailed(const std::string& message, const char* file, int line);
}  // namespace twin::core

#define TWIN_ASSERT(cond, message)                                             \
  do {                                                                         \
    if (!(cond)) ::twin::core::assertionFailed((message), __FILE__, __LINE__); \
  } while (false)
