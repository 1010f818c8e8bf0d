// Dictionary lemmas: what a word is a form of ("contribuent" -> "contribuer",
// "viennent" -> "venir", "pueden" -> "poder"), from Hunspell's dictionaries
// for English, French and Spanish (Debian: hunspell-en-us, hunspell-fr,
// hunspell-es). Snowball stems a word's endings but not a verb's
// conjugations; the index adds a lemma term beside each stem term and a
// query word matches its lemmas too (see xapian_index.cc).
//
// A Lemmatizer loads each language's dictionary the first time it is asked
// about that language (a dictionary costs about 10 MB and a few hundred
// milliseconds); one per process and directory (SharedLemmatizer). Hunspell
// is not thread-safe, so each dictionary has its own mutex; LemmaCache, one
// per thread of work (the writer, each reader), keeps the answers so the
// mutex is taken only for words not seen before. A missing dictionary is
// reported once through `warn`, and its language then has no lemmas: search
// still works with stems alone.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace waymark::search {

// Where Debian's hunspell-* packages put their dictionaries.
inline constexpr const char* kDefaultDictionaryDir = "/usr/share/hunspell";

class Lemmatizer {
 public:
  using Warn = std::function<void(const std::string&)>;
  // Dictionaries are looked for in `dir`: en_US, fr_FR or fr, es_ES or es
  // (.aff and .dic). `warn` (may be empty: stderr) hears of missing ones.
  Lemmatizer(std::string dir, Warn warn);
  ~Lemmatizer();
  Lemmatizer(const Lemmatizer&) = delete;
  Lemmatizer& operator=(const Lemmatizer&) = delete;

  // The folded lemmas (see fold.h) of `word` as written in a text of
  // language `lang` ("en", "fr", "es"; other languages have none), appended
  // to `out` without duplicates; `folded` is the word's own folded form
  // (a word the dictionary knows as a lemma gives itself). Thread-safe.
  void Lemmas(std::string_view lang, std::string_view word, std::string_view folded,
              std::vector<std::string>& out);

  // Whether the dictionary of `lang` could be loaded (loads it).
  bool Available(std::string_view lang);

 private:
  struct Dict;
  Dict* For(std::string_view lang);

  const std::string dir_;
  const Warn warn_;
  std::array<std::unique_ptr<Dict>, 3> dicts_;  // en, fr, es
};

// The process's Lemmatizer for `dir` (created on first use): dictionaries
// are loaded once however many indexes a process opens.
std::shared_ptr<Lemmatizer> SharedLemmatizer(const std::string& dir, const Lemmatizer::Warn& warn = {});

// Lemma index terms of words, remembered. Not thread-safe: one per writer or
// reader. At most `max_entries` words are kept (then it starts afresh).
class LemmaCache {
 public:
  // Whether to keep lemma `lemma` (folded) of word `folded` in language
  // `lang`; the index keeps only those that its stems do not already give.
  using Keep = std::function<bool(std::string_view lang, std::string_view folded, const std::string& lemma)>;

  explicit LemmaCache(std::shared_ptr<Lemmatizer> lemmatizer, std::size_t max_entries = 100000,
                      Keep keep = {})
      : lemmatizer_(std::move(lemmatizer)), max_entries_(max_entries), keep_(std::move(keep)) {}

  // The lemma terms (kLemmaPrefix + folded lemma) of `word` (as written in
  // the text, `folded` its folded form) in language `lang`. Empty without a
  // lemmatizer, a dictionary for `lang` or a word the dictionary knows.
  const std::vector<std::string>& Terms(std::string_view lang, std::string_view word,
                                        std::string_view folded);

 private:
  std::shared_ptr<Lemmatizer> lemmatizer_;
  std::size_t max_entries_;
  Keep keep_;
  std::unordered_map<std::string, std::vector<std::string>> cache_;
  std::string key_;
  std::vector<std::string> scratch_;
  const std::vector<std::string> none_;
};

// Index terms of lemmas start with this (upper case: not a text term).
inline constexpr const char* kLemmaPrefix = "L";

}  // namespace waymark::search
