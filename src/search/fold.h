// Text folding and word splitting shared by indexing, querying and snippets,
// so that all three agree on what a word is: lowercase, Latin diacritics
// stripped (é -> e, ñ -> n, ç -> c, œ -> oe, ß -> ss), split on anything that
// is not a letter or digit (apostrophes included: "l'étranger" is "l" and
// "etranger").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace waymark::search {

// Longest folded word that becomes a term (bytes); longer words are skipped.
inline constexpr std::size_t kMaxWordBytes = 64;

// Decodes one UTF-8 code point at s[i]; advances i. Invalid bytes decode as
// U+FFFD and advance by one.
char32_t DecodeUtf8(std::string_view s, std::size_t& i);

// Appends the folded form of code point `cp` to `out`; returns false when cp
// does not belong in a word (a separator).
bool FoldCodePoint(char32_t cp, std::string& out);

// The whole text folded (separators kept as they are, for tests and display).
std::string FoldText(std::string_view s);

// Calls fn(begin, end, folded) for each word of `text`, where [begin, end) are
// byte offsets into `text` and `folded` its folded form (never empty, at most
// kMaxWordBytes).
template <typename Fn>
void ForEachWord(std::string_view text, Fn&& fn) {
  std::string word;
  std::size_t begin = 0;
  std::size_t end = 0;
  bool in_word = false;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t at = i;
    char32_t cp = DecodeUtf8(text, i);
    if (FoldCodePoint(cp, word)) {
      if (!in_word) {
        in_word = true;
        begin = at;
      }
      end = i;
      continue;
    }
    if (in_word) {
      if (!word.empty() && word.size() <= kMaxWordBytes) fn(begin, end, std::string_view(word));
      word.clear();
      in_word = false;
    }
  }
  if (in_word && !word.empty() && word.size() <= kMaxWordBytes) fn(begin, end, std::string_view(word));
}

}  // namespace waymark::search
