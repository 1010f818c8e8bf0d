// Slugs from titles, and calendar dates.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace waymark {

// The slug stem for a title: letters folded to ASCII ("é" -> "e"),
// lowercase, other characters as single dashes, at most `max_len`
// characters, no dash at either end; `fallback` when nothing is left.
std::string Slugify(std::string_view title, std::size_t max_len, std::string_view fallback);

// True for a real calendar date written YYYY-MM-DD (from 1900).
bool IsCalendarDate(std::string_view date);

}  // namespace waymark
