#include "twin/core/Assert.h"

#include <cstdio>
#include <cstdlib>

namespace twin::core {

void assertionFailed(const std::string& message, const char* file, int line) {
  std::fprintf(stderr, "assertion failed: %s (%s:%d)\n", message.c_str(), file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace twin::core
