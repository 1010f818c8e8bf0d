// Small pure helpers for the cells of publishers' files, shared by every
// evidence parser (MMP, IDMC, UNHCR, HXL). None of them reads a file or
// keeps state; each says what it did to a cell so that the parser can turn
// it into a RowProblem (the row is rejected) or a note (the row is kept).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/evidence/model.h"

namespace waymark::evidence::cells {

// The cell without the whitespace (ASCII space, tab, CR, LF, VT, FF, and
// U+00A0) and the stray U+FEFF byte-order marks at either end, in any mix:
// "\xEF\xBB\xBF2016.MMP00444 " -> "2016.MMP00444". Inner text is kept.
std::string Trim(std::string_view cell);

// An optional count of people.
//   ""  "-"  "–"  "—"  "n/a"  ".."     -> unknown (value nullopt, no error)
//   "12"  "+12"  "1,022"  "1 022"      -> 12, 12, 1022, 1022 (thousands groups of three only)
//   "4.0"                              -> 4 (a whole number written as a float)
//   "8.0399999"                        -> 8 with a note (a fraction is rounded to the nearest)
//   "-2"                               -> value -2 and error "negative count -2": the caller
//                                         decides (the MMP parser rejects the row)
//   "4,5"  "abc"                       -> error "not a count: 4,5"
// The cell is trimmed first.
struct CountCell {
  std::optional<std::int64_t> value;
  std::string error;  // non-empty: the cell is not an acceptable count
  std::string note;   // non-empty: a decision taken (rounding)
};
CountCell ParseCount(std::string_view cell);

// A finite decimal number ("31.650259", "-1e3", " 2 "), or nullopt (blank,
// text, NaN, infinity). The cell is trimmed first.
std::optional<double> ParseDouble(std::string_view cell);

// "lat, lon" in decimal degrees, latitude first (also "lat,lon", "lat lon"
// and "lat; lon"). Blank -> both unknown, no error. Unparseable or out of
// range (|lat| > 90, |lon| > 180) -> error, both unknown.
struct LatLonCell {
  std::optional<double> latitude, longitude;
  std::string error;
};
LatLonCell ParseLatLon(std::string_view cell);

// Replaces HTML character references with the UTF-8 text they stand for:
// &amp; &lt; &gt; &quot; &apos; &nbsp; (as a space), &#039; &#x27; ...
// An unknown or malformed reference is left as it is.
std::string DecodeHtmlEntities(std::string_view s);

// Plain text of an HTML fragment: tags removed (<br>, <p>, </p>, <div>,
// <li> become a space), entities decoded, runs of whitespace (newlines
// included) collapsed to one space, trimmed. "<p>Near A&amp;B</p>\n" -> "Near A&B".
std::string HtmlToText(std::string_view s);

// True when `s` has something HtmlToText would change beyond whitespace:
// a tag ("<p", "</", "<br") or a character reference ("&amp;", "&#039;").
bool LooksLikeHtml(std::string_view s);

// 1..12 for an English month name, full or abbreviated ("January", "jan",
// "Sept"), case-insensitive, trimmed; 0 when it is not one.
int MonthFromName(std::string_view name);

// A date in the forms the publishers use:
//   "2016-03-05" (ISO; a time after it with 'T' or ' ' is ignored),
//   "2016-03", "2016",
//   "January 05, 2020" and "Jan 5, 2020",
//   "Thu, 01/01/2026 - 12:00" and "01/31/2026" (MM/DD/YYYY, the weekday
//   and the time ignored).
// "" -> unknown, no error, no note. "0" -> unknown with note "no date: 0".
// Anything else, or an impossible day (2019-02-30) -> error "not a date: ...".
struct DateCell {
  PartialDate date;
  std::string error;
  std::string note;
};
DateCell ParseDate(std::string_view cell);

// The non-empty trimmed items of a `sep`-separated list: "a, b,,c" -> {"a", "b", "c"}.
std::vector<std::string> SplitList(std::string_view cell, char sep = ',');

}  // namespace waymark::evidence::cells
