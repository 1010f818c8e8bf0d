#include "core/clock.h"

#include <fmt/format.h>

namespace waymark {

UtcTime ToUtc(TimestampMs ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> at{milliseconds{ms}};
  const sys_days day = floor<days>(at);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{at - day};
  UtcTime t;
  t.year = static_cast<int>(ymd.year());
  t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.hour = static_cast<int>(hms.hours().count());
  t.minute = static_cast<int>(hms.minutes().count());
  t.second = static_cast<int>(hms.seconds().count());
  t.millis = static_cast<int>(hms.subseconds().count());
  t.weekday = static_cast<int>(weekday{day}.c_encoding());
  return t;
}

std::string FormatIso8601(TimestampMs ms) {
  const UtcTime t = ToUtc(ms);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", t.year, t.month, t.day, t.hour, t.minute,
                     t.second, t.millis);
}

std::string FormatUtcMinute(TimestampMs ms) {
  const UtcTime t = ToUtc(ms);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", t.year, t.month, t.day, t.hour, t.minute);
}

}  // namespace waymark
