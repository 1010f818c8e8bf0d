// Small string helpers shared by every layer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace waymark {

std::string ToLowerAscii(std::string_view s);
std::string_view TrimAscii(std::string_view s);
std::vector<std::string_view> Split(std::string_view s, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);
// The items with `sep` between them.
std::string JoinStrings(const std::vector<std::string>& items, std::string_view sep);
// True when `s` is valid UTF-8 (no overlong forms, no surrogates).
bool IsValidUtf8(std::string_view s);
// True when `s` holds ASCII control characters (or DEL); tab, line feed and
// carriage return are allowed when `multiline`.
bool HasControlCharacters(std::string_view s, bool multiline);
// True when `s` holds Unicode bidirectional embeddings, overrides or isolates
// (U+202A-U+202E, U+2066-U+2069): they reorder what follows them, so a title
// or name can be made to read differently from what it is. The marks
// (U+200E, U+200F, U+061C) are allowed: they only steer neutral characters
// beside them, and right-to-left text needs them.
bool HasBidiControls(std::string_view s);
// `s` cut to at most `max_bytes` without splitting a UTF-8 sequence, with
// invalid bytes replaced by '?'.
std::string SanitizeUtf8(std::string_view s, std::size_t max_bytes);
// Number of Unicode code points in valid UTF-8 `s`.
std::size_t Utf8Length(std::string_view s);
// Percent-decoding for URL components; '+' becomes ' ' when form is true.
// Returns false on a malformed escape.
bool PercentDecode(std::string_view in, std::string& out, bool form);
std::string PercentEncode(std::string_view in);

}  // namespace waymark
