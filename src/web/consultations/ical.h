// iCalendar (RFC 5545) pieces for the consultations' agenda: local wall
// times turned into UTC with the system's time zone database (TZif files
// under /usr/share/zoneinfo), text escaping and line folding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace waymark::web::ical {

inline constexpr char kZoneInfoDir[] = "/usr/share/zoneinfo";

// One zone's UTC offsets over time, read from its TZif file. Immutable.
class Zone {
 public:
  // NotFound for an unknown zone, InvalidArgument for an unreadable file.
  static Result<Zone> Load(const std::string& name, const std::string& dir = kZoneInfoDir);
  // Seconds east of UTC in force at `utc` (seconds since the epoch).
  int OffsetAt(std::int64_t utc) const;
  // The UTC instant of a local wall time ("YYYY-MM-DDTHH:MM"); a time that
  // falls in a spring-forward gap is read with the offset before it.
  Result<std::int64_t> LocalToUtc(std::string_view local) const;

 private:
  std::vector<std::pair<std::int64_t, int>> transitions_;  // (from utc, offset)
  int initial_offset_ = 0;
};

// Seconds since the epoch of "YYYY-MM-DDTHH:MM" read as if it were UTC.
std::int64_t WallSeconds(std::string_view local);
// "20150918T071500Z".
std::string UtcStamp(std::int64_t utc_seconds);
// TEXT value escaping: backslash, semicolon, comma, newline.
std::string EscapeText(std::string_view text);
// One content line folded at 75 octets (never inside a UTF-8 sequence),
// each physical line ended by CRLF.
std::string Fold(std::string_view line);

}  // namespace waymark::web::ical
