#include "geo/json_text.h"

#include <algorithm>
#include <cstdint>

#include "core/strings.h"

namespace waymark::geo::internal {

namespace {

using Json = nlohmann::json;

// A SAX handler that accepts everything and keeps the first syntax error: a
// second pass over text that failed to parse, to say where, without
// exceptions.
class ErrorFinder : public nlohmann::json_sax<Json> {
 public:
  bool null() override { return true; }
  bool boolean(bool /*val*/) override { return true; }
  bool number_integer(number_integer_t /*val*/) override { return true; }
  bool number_unsigned(number_unsigned_t /*val*/) override { return true; }
  bool number_float(number_float_t /*val*/, const string_t& /*s*/) override { return true; }
  bool string(string_t& /*val*/) override { return true; }
  bool binary(binary_t& /*val*/) override { return true; }
  bool start_object(std::size_t /*elements*/) override { return true; }
  bool key(string_t& /*val*/) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t /*elements*/) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    found = true;
    offset = position;
    what = ex.what();
    return false;
  }

  bool found = false;
  std::size_t offset = 0;
  std::string what;
};

// nlohmann's message without its "[json.exception.x.n] " and "parse error
// at line L, column C: " prefixes.
std::string Reason(const std::string& what) {
  std::string_view reason = what;
  if (!reason.empty() && reason.front() == '[') {
    if (const std::size_t end = reason.find("] "); end != std::string_view::npos)
      reason.remove_prefix(end + 2);
  }
  if (StartsWith(reason, "parse error")) {
    if (const std::size_t colon = reason.find(": "); colon != std::string_view::npos)
      reason.remove_prefix(colon + 2);
  }
  return SanitizeUtf8(reason, 200);
}

}  // namespace

std::string LineColumn(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::string_view before = text.substr(0, offset);
  const auto line = 1 + std::count(before.begin(), before.end(), '\n');
  const std::size_t last_newline = before.rfind('\n');
  const std::size_t column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::optional<Status> CheckNesting(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return Status::InvalidArgument(LineColumn(text, i) + ": nested deeper than " +
                                       std::to_string(max_depth) + " levels");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

Result<Json> ParseJson(std::string_view text) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_discarded()) return json;
  ErrorFinder finder;
  Json::sax_parse(text, &finder);
  if (!finder.found)
    return Status::InvalidArgument("not valid JSON");  // not expected: the parse above failed
  // nlohmann counts the character it stopped on as read.
  const std::size_t offset = finder.offset > 0 ? finder.offset - 1 : 0;
  return Status::InvalidArgument(LineColumn(text, offset) + ": " + Reason(finder.what));
}

std::string Quote(std::string_view s) {
  std::string out = SanitizeUtf8(s, 40);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (out.size() < s.size()) out += "...";
  return "'" + out + "'";
}

}  // namespace waymark::geo::internal
