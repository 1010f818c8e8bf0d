#include "http/json_body.h"

#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace waymark::http {
namespace {

using nlohmann::json;

// A char iterator that records how far the parser has read, so an error
// found in a SAX event (which carries no position) can still say where.
class TrackingIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator() = default;
  TrackingIterator(const char* p, const char** furthest) : p_(p), furthest_(furthest) {}
  reference operator*() const { return *p_; }
  TrackingIterator& operator++() {
    ++p_;
    if (furthest_ && p_ > *furthest_) *furthest_ = p_;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator old = *this;
    ++*this;
    return old;
  }
  bool operator==(const TrackingIterator& o) const { return p_ == o.p_; }
  bool operator!=(const TrackingIterator& o) const { return p_ != o.p_; }

 private:
  const char* p_ = nullptr;
  const char** furthest_ = nullptr;
};

// "line 3, column 7" of byte `offset` (columns count code points).
std::string Where(std::string_view text, std::size_t offset) {
  if (offset > text.size()) offset = text.size();
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Builds the document like nlohmann's own DOM parser, and checks the limits,
// duplicate names and number range on the way. Returning false stops the
// parse; `error` then says why.
class LimitedSax {
 public:
  LimitedSax(const JsonLimits& limits, std::string_view text, const char* const* furthest)
      : limits_(limits), text_(text), furthest_(furthest) {}

  json TakeRoot() { return std::move(root_); }
  const Status& error() const { return error_; }

  bool null() { return Value(nullptr); }
  bool boolean(bool v) { return Value(v); }
  bool number_integer(json::number_integer_t v) { return Value(v); }
  bool number_unsigned(json::number_unsigned_t v) { return Value(v); }
  bool number_float(json::number_float_t v, const std::string& /*text*/) { return Value(v); }
  bool string(json::string_t& v) { return Value(std::move(v)); }
  bool binary(json::binary_t& v) { return Value(std::move(v)); }

  bool start_object(std::size_t /*size*/) { return Open(json::value_t::object); }
  bool start_array(std::size_t /*size*/) { return Open(json::value_t::array); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(json::string_t& name) {
    json& object = *stack_.back().value;
    if (object.contains(name)) {
      stack_.back().key = name;
      return Fail(Status::InvalidArgument("invalid JSON at " + Here() + ": duplicate member name '" + name +
                                          "' in " + PathText(true)));
    }
    stack_.back().key = name;
    stack_.back().slot = &object[name];
    return true;
  }

  bool parse_error(std::size_t byte, const std::string& token, const nlohmann::detail::exception& e) {
    // `byte` is the 1-based position of the byte the lexer stopped at.
    std::size_t offset = byte == 0 ? 0 : byte - 1;
    if (e.id == 406) {  // out_of_range: a number beyond a double (1e999999)
      return Fail(Status::InvalidArgument("invalid JSON at " + Where(text_, offset) + ": the number " +
                                          token.substr(0, 40) + " in " + PathText(false) +
                                          " is out of range"));
    }
    std::string what = e.what();
    auto pos = what.find("syntax error");
    if (pos != std::string::npos) what = what.substr(pos);
    return Fail(Status::InvalidArgument("invalid JSON at " + Where(text_, offset) + ": " + what));
  }

 private:
  struct Frame {
    json* value;
    std::string key;        // objects: the member being read
    std::size_t index = 0;  // arrays: the element being read
    json* slot = nullptr;   // objects: where the member's value goes
  };

  bool Fail(Status s) {
    if (error_.ok()) error_ = std::move(s);
    return false;
  }

  std::string Here() const { return Where(text_, static_cast<std::size_t>(*furthest_ - text_.data())); }

  // "figures[2].value"; "the document" at the top. With `container_only`,
  // the path of the innermost container rather than of its current member.
  std::string PathText(bool container_only) const {
    std::string path;
    std::size_t n = stack_.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (container_only && i + 1 == n) break;
      const Frame& f = stack_[i];
      if (f.value->is_array()) {
        path += "[" + std::to_string(f.index) + "]";
      } else {
        if (!path.empty()) path += ".";
        path += f.key;
      }
    }
    return path.empty() ? "the document" : "'" + path + "'";
  }

  bool Count() {
    if (++values_ > limits_.max_values) {
      return Fail(Status::PayloadTooLarge("the JSON document has more than " +
                                          std::to_string(limits_.max_values) + " values (the limit)"));
    }
    return true;
  }

  // Where the next value goes: the root, the next array element or the
  // member named by the last key.
  template <typename V>
  json* Place(V&& v) {
    if (stack_.empty()) {
      root_ = json(std::forward<V>(v));
      return &root_;
    }
    Frame& f = stack_.back();
    if (f.value->is_array()) {
      f.value->emplace_back(std::forward<V>(v));
      ++f.index;
      return &f.value->back();
    }
    *f.slot = json(std::forward<V>(v));
    return f.slot;
  }

  template <typename V>
  bool Value(V&& v) {
    if (!Count()) return false;
    Place(std::forward<V>(v));
    return true;
  }

  bool Open(json::value_t type) {
    if (!Count()) return false;
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      return Fail(Status::InvalidArgument("invalid JSON at " + Here() + ": nested deeper than " +
                                          std::to_string(limits_.max_depth) + " levels (the limit) in " +
                                          PathText(false)));
    }
    json* placed = Place(json(type));
    // An array's index moves on when its element is placed; the element's
    // own members are read with the index still naming it.
    if (!stack_.empty() && stack_.back().value->is_array()) --stack_.back().index;
    stack_.push_back(Frame{placed, {}, 0, nullptr});
    return true;
  }

  bool Close() {
    stack_.pop_back();
    if (!stack_.empty() && stack_.back().value->is_array()) ++stack_.back().index;
    return true;
  }

  const JsonLimits& limits_;
  std::string_view text_;
  const char* const* furthest_;
  json root_;
  std::vector<Frame> stack_;
  std::size_t values_ = 0;
  Status error_;
};

}  // namespace

Result<json> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Status::PayloadTooLarge("the JSON document is larger than " + std::to_string(limits.max_bytes) +
                                   " bytes (the limit)");
  }
  const char* furthest = text.data();
  LimitedSax sax(limits, text, &furthest);
  TrackingIterator first(text.data(), &furthest);
  TrackingIterator last(text.data() + text.size(), nullptr);
  bool ok = json::sax_parse(first, last, &sax);
  if (!ok) {
    if (!sax.error().ok()) return sax.error();
    // Invariant: the parser reports every failure through a SAX event.
    return Status::InvalidArgument("invalid JSON");
  }
  return sax.TakeRoot();
}

}  // namespace waymark::http
