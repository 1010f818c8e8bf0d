// Parsing a JSON request body with bounds on work and memory.
//
// nlohmann::json::parse alone takes any nesting depth (an 8 MiB "[[[[..."
// body became millions of nested arrays), lets the last of two equal member
// names win silently, and throws out_of_range (not parse_error) for a
// number such as 1e999999. ParseJson refuses all of these as values, each
// naming the place: line, column and the member's path ("figures[2].value").
//
// A plain function of the text, so a fuzz target can call it directly.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace waymark::http {

struct JsonLimits {
  // Larger documents are refused (PayloadTooLarge) before parsing.
  std::size_t max_bytes = 1u << 20;
  // Deepest nesting of arrays and objects; the document itself is depth 1.
  int max_depth = 64;
  // Most values (scalars, arrays and objects, counted alike) in a document.
  std::size_t max_values = 100000;
};

// Parses `text` as one JSON document. Errors:
// - PayloadTooLarge: over max_bytes or max_values (the message names the limit);
// - InvalidArgument: a syntax error, nesting deeper than max_depth, a number
//   out of range of a double, a member name repeated in one object; the
//   message says "at line L, column C" and names the member's path.
Result<nlohmann::json> ParseJson(std::string_view text, const JsonLimits& limits = {});

}  // namespace waymark::http
