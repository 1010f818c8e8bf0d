#include "core/clock.h"

#include <gtest/gtest.h>

#include <ctime>

namespace waymark {
namespace {

TEST(ClockTest, FormatsTheEpochAndKnownInstants) {
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601(1'796'000'000'123), "2026-11-30T00:53:20.123Z");
  EXPECT_EQ(FormatUtcMinute(1'796'000'000'123), "2026-11-30 00:53 UTC");
  // The leap day of a leap year and the last millisecond of a year.
  EXPECT_EQ(FormatIso8601(951'782'400'000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601(1'704'067'199'999), "2023-12-31T23:59:59.999Z");
  // Before the epoch the milliseconds still count forwards within the second.
  EXPECT_EQ(FormatIso8601(-1), "1969-12-31T23:59:59.999Z");
}

TEST(ClockTest, ToUtcAgreesWithGmtimeOverManyInstants) {
  // A single-threaded cross-check against the C library over a century.
  for (TimestampMs ms = -2'208'988'800'000; ms < 4'102'444'800'000; ms += 86'399'937'311) {
    std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    UtcTime t = ToUtc(ms);
    ASSERT_EQ(t.year, tm.tm_year + 1900) << ms;
    ASSERT_EQ(t.month, tm.tm_mon + 1) << ms;
    ASSERT_EQ(t.day, tm.tm_mday) << ms;
    ASSERT_EQ(t.hour, tm.tm_hour) << ms;
    ASSERT_EQ(t.minute, tm.tm_min) << ms;
    ASSERT_EQ(t.second, tm.tm_sec) << ms;
    ASSERT_EQ(t.weekday, tm.tm_wday) << ms;
  }
}

}  // namespace
}  // namespace waymark
