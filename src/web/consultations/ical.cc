#include "web/consultations/ical.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace waymark::web::ical {
namespace {

std::int64_t BigEndian(const std::string& d, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(d[at + i]);
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

int Num(std::string_view s, std::size_t from, std::size_t n) {
  int v = 0;
  for (std::size_t i = from; i < from + n && i < s.size(); ++i) v = v * 10 + (s[i] - '0');
  return v;
}

}  // namespace

Result<Zone> Zone::Load(const std::string& name, const std::string& dir) {
  if (name.empty() || name.find("..") != std::string::npos || name.front() == '/')
    return Status::NotFound("no time zone " + name);
  std::ifstream in(dir + "/" + name, std::ios::binary);
  if (!in) return Status::NotFound("no time zone " + name);
  std::string d((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto counts = [&](std::size_t at, std::int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = BigEndian(d, at + 20 + 4 * static_cast<std::size_t>(i), 4);
  };
  if (d.size() < 44 || d.compare(0, 4, "TZif") != 0)
    return Status::InvalidArgument("not a TZif file: " + name);
  std::int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  std::size_t at = 44;
  int time_bytes = 4;
  if (d[4] >= '2') {
    // Skip the 32-bit block; read the 64-bit one that follows.
    at += static_cast<std::size_t>(c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (d.size() < at + 44) return Status::InvalidArgument("truncated TZif file: " + name);
    counts(at, c);
    at += 44;
    time_bytes = 8;
  }
  std::size_t n = static_cast<std::size_t>(c[3]);
  std::size_t types = static_cast<std::size_t>(c[4]);
  std::size_t need = at + n * static_cast<std::size_t>(time_bytes) + n + types * 6;
  if (types == 0 || d.size() < need) return Status::InvalidArgument("truncated TZif file: " + name);
  std::vector<int> offsets(types);
  std::size_t type_at = at + n * static_cast<std::size_t>(time_bytes) + n;
  for (std::size_t i = 0; i < types; ++i) offsets[i] = static_cast<int>(BigEndian(d, type_at + 6 * i, 4));
  Zone z;
  z.initial_offset_ = offsets[0];
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t when = BigEndian(d, at + i * static_cast<std::size_t>(time_bytes), time_bytes);
    std::size_t type = static_cast<unsigned char>(d[at + n * static_cast<std::size_t>(time_bytes) + i]);
    if (type >= types) return Status::InvalidArgument("bad TZif file: " + name);
    z.transitions_.emplace_back(when, offsets[type]);
  }
  return z;
}

int Zone::OffsetAt(std::int64_t utc) const {
  auto it =
      std::upper_bound(transitions_.begin(), transitions_.end(), utc,
                       [](std::int64_t t, const std::pair<std::int64_t, int>& x) { return t < x.first; });
  if (it == transitions_.begin()) return initial_offset_;
  return std::prev(it)->second;
}

Result<std::int64_t> Zone::LocalToUtc(std::string_view local) const {
  if (local.size() != 16) return Status::InvalidArgument("not a local time: " + std::string(local));
  std::int64_t wall = WallSeconds(local);
  // The offset in force just before, then at, the candidate instant.
  std::int64_t guess = wall - OffsetAt(wall - 86400);
  std::int64_t utc = wall - OffsetAt(guess);
  if (utc + OffsetAt(utc) != wall) utc = guess;  // in a gap: keep the earlier offset
  return utc;
}

std::int64_t WallSeconds(std::string_view local) {
  using namespace std::chrono;
  year_month_day ymd{year{Num(local, 0, 4)}, month{static_cast<unsigned>(Num(local, 5, 2))},
                     day{static_cast<unsigned>(Num(local, 8, 2))}};
  std::int64_t days = sys_days{ymd}.time_since_epoch().count();
  return days * 86400 + Num(local, 11, 2) * 3600 + Num(local, 14, 2) * 60;
}

std::string UtcStamp(std::int64_t utc_seconds) {
  using namespace std::chrono;
  sys_seconds t{seconds{utc_seconds}};
  auto days = floor<std::chrono::days>(t);
  year_month_day ymd{days};
  hh_mm_ss hms{t - days};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()) % 10000,
                static_cast<unsigned>(ymd.month()) % 100, static_cast<unsigned>(ymd.day()) % 100,
                static_cast<int>(hms.hours().count()) % 100, static_cast<int>(hms.minutes().count()) % 100,
                static_cast<int>(hms.seconds().count()) % 100);
  return buf;
}

std::string EscapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      default:
        // Other control characters are not allowed in TEXT.
        if (static_cast<unsigned char>(ch) >= 0x20 || ch == '\t') out += ch;
    }
  }
  return out;
}

std::string Fold(std::string_view line) {
  std::string out;
  std::size_t limit = 75;  // octets on the first line; continuation lines start with a space
  while (line.size() > limit) {
    std::size_t cut = limit;
    // Do not split a UTF-8 sequence: back up to a lead byte.
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    limit = 74;
  }
  out.append(line);
  out += "\r\n";
  return out;
}

}  // namespace waymark::web::ical
