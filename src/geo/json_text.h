// Internal to wm_geo: checks on JSON text before and after nlohmann parses
// it, so that errors name a line and column and deep nesting never reaches
// the parser.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace waymark::geo::internal {

// "line L, column C" for byte offset `offset` of `text` (1-based; the column
// counts bytes).
std::string LineColumn(std::string_view text, std::size_t offset);

// InvalidArgument "line L, column C: nested deeper than N levels" if arrays
// and objects nest deeper than `max_depth` anywhere in `text` (strings are
// skipped); nullopt otherwise. Works on any bytes, JSON or not.
std::optional<Status> CheckNesting(std::string_view text, int max_depth);

// Parses `text` without throwing. On a syntax error, InvalidArgument
// "line L, column C: <what the parser says>".
Result<nlohmann::json> ParseJson(std::string_view text);

// `s` quoted for an error message: at most 40 bytes, valid UTF-8, control
// characters as '?'.
std::string Quote(std::string_view s);

}  // namespace waymark::geo::internal
