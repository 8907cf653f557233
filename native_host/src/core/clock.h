// Wall-clock time. This is the only module that reads the system clock: every other module takes
// a Clock (or a time value) from its caller, so that tests and the engine control time.
//
//   Clock c = SystemClock();     c() == 1767225600123   (2026-01-01T00:00:00.123Z, Unix milliseconds)
//   Clock fixed = [] { return int64_t{1767225600000}; };
#pragma once

#include <cstdint>
#include <functional>

namespace verity {

// Unix time in milliseconds.
using Clock = std::function<int64_t()>;

// Reads the system clock (Unix milliseconds / seconds).
int64_t SystemClockMillis();
int64_t SystemClockSeconds();

// `c` if set, else the system clock.
inline int64_t NowMillis(const Clock& c) { return c ? c() : SystemClockMillis(); }

}  // namespace verity
