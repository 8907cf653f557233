#include "core/clock.h"

#include <chrono>

namespace verity {

int64_t SystemClockMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t SystemClockSeconds() { return SystemClockMillis() / 1000; }

}  // namespace verity
