// The exchange's validation helpers: pure functions, unit-tested.
#include <algorithm>
#include <map>
#include <set>

#include "core/strings.h"
#include "domain/exchange/internal.h"

namespace waymark::exchange::internal {

void CheckText(FieldErrors& errors, const std::string& field, std::string_view value, std::size_t max,
               bool required, bool multiline) {
  if (!IsValidUtf8(value)) {
    errors.Add(field, "utf8", "is not valid UTF-8");
  } else if (HasControlCharacters(value, multiline)) {
    errors.Add(field, "control_characters", "contains control characters");
  } else if (!multiline && HasBidiControls(value)) {
    errors.Add(field, "bidi_controls",
               "contains bidirectional control characters (U+202A-U+202E, U+2066-U+2069)");
  } else if (required && TrimAscii(value).empty()) {
    errors.Add(field, "required", "is required");
  } else if (Utf8Length(value) > max) {
    errors.Add(field, "too_long", "is longer than " + std::to_string(max) + " characters",
               {{"max", std::to_string(max)}});
  }
}

std::optional<std::string> NormalizeTag(std::string_view tag) {
  std::string out;
  bool dash = false;  // a dash (or run of spaces) is pending
  for (char c : TrimAscii(tag)) {
    if (c == ' ' || c == '\t' || c == '-' || c == '_') {
      dash = !out.empty();
      continue;
    }
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (!((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9'))) return std::nullopt;
    if (dash) out.push_back('-');
    dash = false;
    out.push_back(l);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::vector<std::string> NormalizeTags(const std::vector<std::string>& tags, FieldErrors& errors) {
  std::set<std::string> out;
  for (const std::string& raw : tags) {
    if (TrimAscii(raw).empty()) continue;
    std::optional<std::string> tag = NormalizeTag(raw);
    if (!tag) {
      std::string shown = IsValidUtf8(raw) ? std::string(TrimAscii(raw)) : SanitizeUtf8(raw, 80);
      errors.Add("tags", "invalid", "'" + shown + "' is not a valid tag: use letters a-z, digits and '-'",
                 {{"value", shown}});
      return {};
    }
    if (tag->size() > kMaxTag) {
      errors.Add("tags", "too_long", "a tag is longer than " + std::to_string(kMaxTag) + " characters",
                 {{"max", std::to_string(kMaxTag)}});
      return {};
    }
    out.insert(*std::move(tag));
  }
  if (out.size() > kMaxTags) {
    errors.Add("tags", "too_many", "has more than " + std::to_string(kMaxTags) + " tags",
               {{"max", std::to_string(kMaxTags)}});
    return {};
  }
  return {out.begin(), out.end()};
}

std::string CheckLang(FieldErrors& errors, const std::string& field, std::string_view lang) {
  std::string l = ToLowerAscii(TrimAscii(lang));
  if (l.empty()) return "en";
  if (!accounts::IsSupportedLocale(l)) {
    std::string shown = IsValidUtf8(lang) ? std::string(lang) : SanitizeUtf8(lang, 20);
    errors.Add(field, "invalid", "'" + shown + "' is not one of en, fr, es", {{"value", shown}});
  }
  return l;
}

std::string Excerpt(std::string_view text, std::size_t max_chars) {
  std::string_view t = TrimAscii(text);
  std::size_t chars = 0;
  std::size_t i = 0;
  while (i < t.size() && chars < max_chars) {
    auto c = static_cast<unsigned char>(t[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    i = std::min(t.size(), i + len);
    ++chars;
  }
  if (i >= t.size()) return std::string(t);
  std::string out(TrimAscii(t.substr(0, i)));
  out += "\xE2\x80\xA6";  // …
  return out;
}

namespace {

// Whitespace runs folded to one space, ends trimmed.
std::string FoldSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : TrimAscii(s)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// `s` without a leading or trailing ellipsis ("…" or "...") and the space by it.
std::string_view WithoutEllipses(std::string_view s) {
  for (std::string_view mark : {std::string_view("\xE2\x80\xA6"), std::string_view("...")}) {
    if (StartsWith(s, mark)) s = TrimAscii(s.substr(mark.size()));
    if (s.size() >= mark.size() && s.substr(s.size() - mark.size()) == mark) {
      s = TrimAscii(s.substr(0, s.size() - mark.size()));
    }
  }
  return s;
}

}  // namespace

bool QuoteMatches(std::string_view passage, std::string_view body) {
  std::string p = FoldSpaces(WithoutEllipses(TrimAscii(passage)));
  if (p.empty()) return false;
  return FoldSpaces(body).find(p) != std::string::npos;
}

void ResolveQuotes(std::vector<Post>& shown, const std::vector<Post>& all, bool sees_hidden) {
  std::map<Id, const Post*> by_id;
  for (const Post& p : all) by_id[p.id] = &p;
  for (Post& p : shown) {
    if (!p.quote_of) continue;
    auto it = by_id.find(*p.quote_of);
    if (it == by_id.end() || (it->second->hidden && !sees_hidden)) {
      p.quote_text.clear();
      p.quote_removed = true;
    } else if (!QuoteMatches(p.quote_text, it->second->body)) {
      p.quote_text = Excerpt(it->second->body, kDefaultQuote);
    }
  }
}

bool CanActFor(const Actor& actor, Id org_id) {
  if (!actor.user) return false;
  auto role = actor.user->RoleIn(org_id);
  return role && (*role == accounts::Role::kEditor || *role == accounts::Role::kModerator);
}

}  // namespace waymark::exchange::internal
