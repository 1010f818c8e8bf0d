#include "search/lemmas.h"

#include <hunspell.hxx>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <utility>

#include "search/fold.h"

namespace waymark::search {

struct Lemmatizer::Dict {
  const char* lang = "";
  std::vector<const char*> names;  // file names to try, without .aff/.dic
  std::once_flag loaded;
  std::mutex mu;                       // Hunspell objects are not thread-safe
  std::unique_ptr<Hunspell> hunspell;  // null: missing
};

namespace {

int LangIndex(std::string_view lang) {
  if (lang == "en") return 0;
  if (lang == "fr") return 1;
  if (lang == "es") return 2;
  return -1;
}

// The folded form of a lemma when it is one word (else empty).
std::string FoldLemma(std::string_view lemma) {
  std::string out;
  int words = 0;
  ForEachWord(lemma, [&](std::size_t, std::size_t, std::string_view folded) {
    ++words;
    out.assign(folded);
  });
  return words == 1 ? out : std::string();
}

void AddUnique(std::vector<std::string>& out, std::string s) {
  if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
}

// Spanish verbs whose stem changes (poder -> pueden, pensar -> piensan,
// pedir -> piden) are listed by Debian's es_ES dictionary partly as bare
// words with no link to their infinitive. For such a word, try the
// infinitive that undoing the change gives, and keep it when the dictionary
// knows it: "pueden" -> "pod" + "er".
void SpanishStemChange(Hunspell& h, const std::string& folded, std::vector<std::string>& out) {
  static constexpr const char* kEndings[] = {"an", "en", "as", "es", "a", "e", "o"};
  static constexpr std::pair<const char*, const char*> kChanges[] = {{"ue", "o"}, {"ie", "e"}, {"i", "e"}};
  for (const char* ending : kEndings) {
    std::string_view e(ending);
    if (folded.size() <= e.size() + 2 || folded.compare(folded.size() - e.size(), e.size(), e) != 0) continue;
    std::string stem = folded.substr(0, folded.size() - e.size());
    for (const auto& [from, to] : kChanges) {
      std::size_t at = stem.rfind(from);
      if (at == std::string::npos || at == 0) continue;
      std::string changed = stem;
      changed.replace(at, std::string_view(from).size(), to);
      for (const char* inf : {"er", "ar", "ir"}) {
        std::string candidate = changed + inf;
        if (h.spell(candidate)) AddUnique(out, candidate);
      }
    }
    return;  // the longest ending that fits
  }
}

}  // namespace

Lemmatizer::Lemmatizer(std::string dir, Warn warn) : dir_(std::move(dir)), warn_(std::move(warn)) {
  const std::pair<const char*, std::vector<const char*>> langs[] = {
      {"en", {"en_US", "en_GB", "en"}}, {"fr", {"fr_FR", "fr"}}, {"es", {"es_ES", "es"}}};
  for (std::size_t i = 0; i < dicts_.size(); ++i) {
    dicts_[i] = std::make_unique<Dict>();
    dicts_[i]->lang = langs[i].first;
    dicts_[i]->names = langs[i].second;
  }
}

Lemmatizer::~Lemmatizer() = default;

Lemmatizer::Dict* Lemmatizer::For(std::string_view lang) {
  int i = LangIndex(lang);
  if (i < 0) return nullptr;
  Dict* d = dicts_[static_cast<std::size_t>(i)].get();
  std::call_once(d->loaded, [&] {
    std::error_code ec;
    for (const char* name : d->names) {
      std::string base = dir_ + "/" + name;
      if (std::filesystem::is_regular_file(base + ".aff", ec) &&
          std::filesystem::is_regular_file(base + ".dic", ec)) {
        d->hunspell = std::make_unique<Hunspell>((base + ".aff").c_str(), (base + ".dic").c_str());
        return;
      }
    }
    std::string msg = std::string("search: no Hunspell dictionary for '") + d->lang + "' in " + dir_ +
                      " (install hunspell-" + (lang == "en" ? "en-us" : d->lang) +
                      "); words in that language are matched by their stems only";
    if (warn_) {
      warn_(msg);
    } else {
      std::cerr << "waymark: warning: " << msg << "\n";
    }
  });
  return d->hunspell ? d : nullptr;
}

bool Lemmatizer::Available(std::string_view lang) { return For(lang) != nullptr; }

void Lemmatizer::Lemmas(std::string_view lang, std::string_view word, std::string_view folded,
                        std::vector<std::string>& out) {
  Dict* d = For(lang);
  if (d == nullptr || word.empty()) return;
  std::vector<std::string> stems;
  std::string w(word);
  std::lock_guard lock(d->mu);
  stems = d->hunspell->stem(w);
  bool other = false;
  for (const auto& s : stems) {
    std::string f = FoldLemma(s);
    if (f != folded) other = true;
    AddUnique(out, std::move(f));
  }
  if (!other && lang == "es") SpanishStemChange(*d->hunspell, std::string(folded), out);
}

std::shared_ptr<Lemmatizer> SharedLemmatizer(const std::string& dir, const Lemmatizer::Warn& warn) {
  // One per process and directory, kept for the life of the process, so
  // each dictionary loads (and a missing one is reported) once.
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<Lemmatizer>> all;
  std::lock_guard lock(mu);
  std::shared_ptr<Lemmatizer>& slot = all[dir];
  if (!slot) slot = std::make_shared<Lemmatizer>(dir, warn);
  return slot;
}

const std::vector<std::string>& LemmaCache::Terms(std::string_view lang, std::string_view word,
                                                  std::string_view folded) {
  if (!lemmatizer_) return none_;
  key_.assign(lang);
  key_ += '\0';
  key_.append(word);
  auto it = cache_.find(key_);
  if (it != cache_.end()) return it->second;
  if (cache_.size() >= max_entries_) cache_.clear();
  scratch_.clear();
  lemmatizer_->Lemmas(lang, word, folded, scratch_);
  std::vector<std::string> terms;
  terms.reserve(scratch_.size());
  for (const auto& l : scratch_) {
    if (!keep_ || keep_(lang, folded, l)) terms.push_back(kLemmaPrefix + l);
  }
  return cache_.emplace(key_, std::move(terms)).first->second;
}

}  // namespace waymark::search
