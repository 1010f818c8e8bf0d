// Clock: the only way domain code learns the time. Tests inject a FakeClock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace waymark {

// Milliseconds since the Unix epoch, UTC. Stored as BIGINT on every backend.
using TimestampMs = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimestampMs NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimestampMs NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Thread-safe settable clock for tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimestampMs start = 1'700'000'000'000) : now_(start) {}
  TimestampMs NowMs() const override { return now_.load(); }
  void AdvanceMs(TimestampMs ms) { now_ += ms; }
  void SetMs(TimestampMs ms) { now_ = ms; }

 private:
  std::atomic<TimestampMs> now_;
};

// A UTC instant broken into its civil fields, computed by arithmetic alone.
// gmtime_r and strftime are avoided on purpose: glibc's strftime calls
// tzset(), which rewrites time-zone state that gmtime_r reads, and the two
// race when request threads and background jobs format times at once.
struct UtcTime {
  int year = 1970;
  int month = 1;    // 1..12
  int day = 1;      // 1..31
  int hour = 0;     // 0..23
  int minute = 0;   // 0..59
  int second = 0;   // 0..59
  int millis = 0;   // 0..999
  int weekday = 4;  // 0 = Sunday .. 6 = Saturday
};
UtcTime ToUtc(TimestampMs ms);

// "2026-11-29T18:32:05.123Z"
std::string FormatIso8601(TimestampMs ms);

// "2026-11-29 18:32 UTC", as pages show a time.
std::string FormatUtcMinute(TimestampMs ms);

}  // namespace waymark
