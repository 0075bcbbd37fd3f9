// The two clocks inputs read: the wall clock for event times, the monotonic one for timers.
//
// Header-only, compiled into each plugin that includes it.
#pragma once

#include <cstdint>
#include <ctime>

namespace logagent {

// Nanoseconds since the epoch (UTC): the time an event is given when its data has none.
inline int64_t realtime_ns() noexcept {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Nanoseconds of a clock that never jumps: for timeouts and intervals.
inline int64_t monotonic_ns() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace logagent
