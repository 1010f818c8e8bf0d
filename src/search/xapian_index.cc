#include "search/xapian_index.h"

#include <xapian.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "search/fold.h"
#include "search/lemmas.h"
#include "text/markdown.h"

namespace waymark::search {
namespace {

constexpr Xapian::valueno kSlotDate = 0;
constexpr Xapian::valueno kSlotFacets = 1;
constexpr std::size_t kNumFacets = std::size(kFacets);
// Boolean-term prefixes, one per entry of kFacets (same order).
constexpr const char* kFacetPrefix[kNumFacets] = {
    "XC:",  "XT:",  "XO:",  "XS:",  "XL:",  "XY:",  "XH:",  "XK:", "XPH:",
    "XCR:", "XAC:", "XRG:", "XGL:", "XTG:", "XPT:", "XLT:", "XIT:"};
constexpr const char* kAudiencePrefix = "XA:";
// Title terms again, unweighted, for ranking large match sets (see RunSearch).
constexpr const char* kTitlePrefix = "T";
constexpr const char* kAppliedSeqKey = "waymark_applied_seq";
// The one document that is not a Document: it holds only this term, so no
// other term is in every document of the index. Xapian 1.4 (glass) answers
// a term that is in every document, when it needs no wdf (BoolWeight, or a
// filter), with its list of all documents renamed to the term, and then reads
// the next chunk of that list under the term's name: once the list of all
// documents has more than one chunk (a few thousand documents and one
// deletion), such a search throws DatabaseCorruptError ("Unexpected end of
// posting list for 'stori'") on an index that xapian-check finds sound. The
// soak found it with the audience term and a word in every demo campaign.
// Lists match every document but this one (see TextQuery).
constexpr const char* kSentinelTerm = "\x01sentinel";
// A lemma match's weight relative to a match of the word's own stems.
constexpr double kLemmaWeight = 0.5;
// A thesaurus synonym's weight (the same concept's terms in other
// languages): below a lemma's, so the reader's own words rank first.
constexpr double kSynonymWeight = 0.3;
// Thesaurus terms of more words than this are not looked for in queries.
constexpr std::size_t kMaxSynonymWords = 6;
// Words of a synonym shorter than this (bytes, folded) are left out of its
// query ("d" of "demandeur d'asile", "de" of "solicitante de asilo"): they
// would match almost every text of their language.
constexpr std::size_t kMinSynonymWordBytes = 3;
// A title word counts as this many body words.
constexpr Xapian::termcount kTitleWdf = 4;
// Facet values and audiences longer than this are not indexed (Xapian terms
// are limited to 245 bytes).
constexpr std::size_t kMaxValueBytes = 200;
constexpr std::size_t kMaxQueryWords = 16;
constexpr std::size_t kSnippetChars = 200;
constexpr std::size_t kSnippetLead = 60;
// Words whose lemmas the writer and each reader remember (see lemmas.h).
constexpr std::size_t kWriterLemmaCache = 200000;
constexpr std::size_t kReaderLemmaCache = 20000;
// Did you mean: words of up to this many bytes are corrected by at most one
// edit, longer ones by at most two (Xapian counts a transposition as one).
constexpr std::size_t kShortWordBytes = 4;

// The words a text gives the spelling data (folded; see fold.h), counted:
// two letters or more and no digits (numbers are not misspelt words).
void CountSpellingWords(std::string_view text, std::map<std::string, int>& out) {
  ForEachWord(text, [&](std::size_t, std::size_t, std::string_view folded) {
    if (folded.size() < 2) return;
    if (std::any_of(folded.begin(), folded.end(), [](char c) { return c >= '0' && c <= '9'; })) return;
    ++out[std::string(folded)];
  });
}

int FacetIndex(std::string_view name) {
  for (std::size_t i = 0; i < kNumFacets; ++i) {
    if (name == kFacets[i]) return static_cast<int>(i);
  }
  return -1;
}

std::string IdTerm(const std::string& kind, Id id) { return "Q" + kind + ":" + std::to_string(id); }

Status FromXapian(const Xapian::Error& e, const char* what) {
  std::string msg = std::string("search index: ") + what + ": " + e.get_type() + ": " + e.get_msg();
  std::string_view type = e.get_type();
  if (type == "DatabaseLockError" || type == "DatabaseOpeningError" || type == "DatabaseModifiedError" ||
      type == "NetworkError" || type == "NetworkTimeoutError") {
    return Status::Unavailable(msg);
  }
  return Status::Internal(msg);
}

Status FromStd(const std::exception& e, const char* what) {
  return Status::Internal(std::string("search index: ") + what + ": " + e.what());
}

// --- stored document data: kind, id, then (lang, title, body) per language ---

void PutVarint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

bool GetVarint(std::string_view& in, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    auto c = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= static_cast<std::uint64_t>(c & 0x7F) << shift;
    if ((c & 0x80) == 0) return true;
  }
  return false;
}

void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

bool GetString(std::string_view& in, std::string& s) {
  std::uint64_t n = 0;
  if (!GetVarint(in, n) || n > in.size()) return false;
  s.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

struct StoredDoc {
  std::string kind;
  Id id = 0;
  std::vector<std::pair<std::string, Document::Text>> texts;
};

std::string EncodeStored(const StoredDoc& d) {
  std::string out;
  PutString(out, d.kind);
  PutVarint(out, static_cast<std::uint64_t>(d.id));
  PutVarint(out, d.texts.size());
  for (const auto& [lang, t] : d.texts) {
    PutString(out, lang);
    PutString(out, t.title);
    PutString(out, t.body);
  }
  return out;
}

bool DecodeStored(std::string_view in, StoredDoc& d) {
  std::uint64_t id = 0;
  std::uint64_t n = 0;
  if (!GetString(in, d.kind) || !GetVarint(in, id) || !GetVarint(in, n)) return false;
  d.id = static_cast<Id>(id);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string lang;
    Document::Text t;
    if (!GetString(in, lang) || !GetString(in, t.title) || !GetString(in, t.body)) return false;
    d.texts.emplace_back(std::move(lang), std::move(t));
  }
  return true;
}

// --- stemming ---

// The three stemmers; Xapian::Stem is not safe to share between threads, so
// each reader and the writer have their own.
struct Stemmers {
  Xapian::Stem en{"english"};
  Xapian::Stem fr{"french"};
  Xapian::Stem es{"spanish"};
  Xapian::Stem none;

  Xapian::Stem& For(std::string_view lang) {
    if (lang == "en") return en;
    if (lang == "fr") return fr;
    if (lang == "es") return es;
    return none;
  }
  // The index term of a folded word in a text of language `lang`.
  std::string Term(std::string_view lang, const std::string& folded) {
    Xapian::Stem& s = For(lang);
    if (s.is_none()) return folded;
    return s(folded);
  }
};

// The writer's stemmers with a cache: the same words come up again and again.
class CachingStemmer {
 public:
  const std::string& Term(const std::string& lang, std::string_view folded) {
    auto& cache = caches_[lang];
    if (cache.size() > 200000) cache.clear();
    key_.assign(folded);
    auto it = cache.find(key_);
    if (it != cache.end()) return it->second;
    return cache.emplace(key_, stemmers_.Term(lang, key_)).first->second;
  }

 private:
  Stemmers stemmers_;
  std::map<std::string, std::unordered_map<std::string, std::string>> caches_;
  std::string key_;
};

// --- thesaurus synonyms ---

// A Thesaurus read for queries: each term of each concept under the key its
// words give in its own language (lang, NUL, the words' stems joined by
// spaces), and per concept the index terms of each of its terms (the words'
// stems in the term's language, ANDed). Immutable once built; shared by
// the searches as shared_ptr<const>.
struct Synonyms {
  struct Term {
    std::string key;
    std::vector<std::string> words;  // index terms, all of which a text must have
  };
  std::unordered_map<std::string, std::vector<std::size_t>> concepts_of;  // key -> concepts
  std::vector<std::vector<Term>> concepts;
  std::size_t max_words = 0;
};

std::string SynonymKey(std::string_view lang, const std::vector<std::string>& stems) {
  std::string key(lang);
  key += '\0';
  for (std::size_t i = 0; i < stems.size(); ++i) {
    if (i > 0) key += ' ';
    key += stems[i];
  }
  return key;
}

// --- the query's words ---

// Consecutive query words [first, last] (indexes into QueryWords::groups)
// that are a thesaurus term: the other terms of its concept(s), each a list
// of index terms that a text must all have.
struct SynonymSpan {
  std::size_t first = 0;
  std::size_t last = 0;
  std::vector<std::vector<std::string>> alternatives;
};

struct QueryWords {
  // Per word, its folded form and stems (deduplicated).
  std::vector<std::vector<std::string>> groups;
  // Per word (same order), its lemma terms in en/fr/es (see lemmas.h).
  std::vector<std::vector<std::string>> lemmas;
  // Thesaurus synonyms of single words and runs of words, ascending, never
  // overlapping.
  std::vector<SynonymSpan> synonyms;
  // Every term of every group: a text word whose index term is in here matches.
  std::set<std::string, std::less<>> terms;
  // Snippets: lang + '\0' + folded word -> whether it matches (stemming is
  // the costly part, and the same words come up in hit after hit).
  mutable std::unordered_map<std::string, bool> seen;
};

constexpr const char* kLanguages[] = {"en", "fr", "es"};

// Builds the lookup of a thesaurus (stemmers of its own: any thread may call it).
std::shared_ptr<const Synonyms> CompileThesaurus(const Thesaurus& t) {
  auto out = std::make_shared<Synonyms>();
  Stemmers stem;
  for (const auto& concept_terms : t.concepts) {
    std::vector<Synonyms::Term> terms;
    for (const auto& entry : concept_terms) {
      const std::string& lang = entry.first;  // not a structured binding: the lambda below uses it
      for (const auto& text : entry.second) {
        std::vector<std::string> stems;
        std::vector<std::string> words;
        ForEachWord(text, [&](std::size_t, std::size_t, std::string_view folded) {
          std::string s = stem.Term(lang, std::string(folded));
          if (s.empty()) return;
          stems.push_back(s);
          if (folded.size() >= kMinSynonymWordBytes &&
              std::find(words.begin(), words.end(), s) == words.end())
            words.push_back(s);
        });
        if (stems.empty() || stems.size() > kMaxSynonymWords) continue;
        if (words.empty()) words = stems;  // only short words: keep them all
        std::string key = SynonymKey(lang, stems);
        bool known =
            std::any_of(terms.begin(), terms.end(), [&](const Synonyms::Term& x) { return x.key == key; });
        if (known) continue;
        out->max_words = std::max(out->max_words, stems.size());
        terms.push_back({std::move(key), std::move(words)});
      }
    }
    if (terms.size() < 2) continue;  // no other term to add
    std::size_t index = out->concepts.size();
    for (const auto& term : terms) {
      auto& list = out->concepts_of[term.key];
      if (std::find(list.begin(), list.end(), index) == list.end()) list.push_back(index);
    }
    out->concepts.push_back(std::move(terms));
  }
  return out;
}

// The thesaurus synonyms of the query's words (`stems`: per word, its stem
// in each of kLanguages): at each word, the longest run of words that is a
// term of some concept, in any of the three languages; the concepts' other
// terms become the span's alternatives.
void FindSynonyms(const Synonyms& syn, const std::vector<std::array<std::string, 3>>& stems, QueryWords& q) {
  std::size_t i = 0;
  while (i < stems.size()) {
    std::size_t advance = 1;
    for (std::size_t n = std::min(syn.max_words, stems.size() - i); n >= 1; --n) {
      std::set<std::string> matched_keys;
      std::vector<std::size_t> concepts;
      for (std::size_t l = 0; l < std::size(kLanguages); ++l) {
        std::vector<std::string> run;
        for (std::size_t k = i; k < i + n; ++k) run.push_back(stems[k][l]);
        std::string key = SynonymKey(kLanguages[l], run);
        auto it = syn.concepts_of.find(key);
        if (it == syn.concepts_of.end()) continue;
        matched_keys.insert(key);
        for (std::size_t c : it->second) {
          if (std::find(concepts.begin(), concepts.end(), c) == concepts.end()) concepts.push_back(c);
        }
      }
      if (concepts.empty()) continue;
      SynonymSpan span{i, i + n - 1, {}};
      for (std::size_t c : concepts) {
        for (const auto& term : syn.concepts[c]) {
          if (matched_keys.count(term.key) > 0) continue;
          // A single index term that the word gives already adds nothing.
          if (n == 1 && term.words.size() == 1 &&
              std::find(q.groups[i].begin(), q.groups[i].end(), term.words.front()) != q.groups[i].end())
            continue;
          if (std::find(span.alternatives.begin(), span.alternatives.end(), term.words) ==
              span.alternatives.end())
            span.alternatives.push_back(term.words);
        }
      }
      advance = n;
      if (!span.alternatives.empty()) {
        for (const auto& alt : span.alternatives) q.terms.insert(alt.begin(), alt.end());
        q.synonyms.push_back(std::move(span));
      }
      break;
    }
    i += advance;
  }
}

QueryWords ParseWords(const std::string& text, Stemmers& stem, LemmaCache& lemma_cache,
                      const Synonyms* synonyms = nullptr) {
  QueryWords q;
  std::vector<std::array<std::string, 3>> word_stems;  // per group, for the thesaurus
  std::set<std::string, std::less<>> seen;
  ForEachWord(text, [&](std::size_t b, std::size_t e, std::string_view folded) {
    if (q.groups.size() >= kMaxQueryWords) return;
    std::string w(folded);
    if (!seen.insert(w).second) return;
    std::vector<std::string> group = {w};
    std::array<std::string, 3> by_lang;
    for (std::size_t l = 0; l < std::size(kLanguages); ++l) {
      std::string s = stem.Term(kLanguages[l], w);
      by_lang[l] = s.empty() ? w : s;
      if (!s.empty() && std::find(group.begin(), group.end(), s) == group.end()) group.push_back(s);
    }
    word_stems.push_back(std::move(by_lang));
    // The word as a lemma itself ("venir" finds "viennent" even when the
    // dictionaries are not here at query time), then its lemmas in each language.
    // The stems of its lemmas find the texts with the lemma itself (which
    // the index gives no lemma term: see Upsert): "viennent" finds "venir".
    std::vector<std::string> lemmas = {kLemmaPrefix + w};
    auto add_lemma = [&](const std::string& t) {
      if (std::find(group.begin(), group.end(), t) == group.end() &&
          std::find(lemmas.begin(), lemmas.end(), t) == lemmas.end())
        lemmas.push_back(t);
    };
    std::string_view as_typed = std::string_view(text).substr(b, e - b);
    for (const char* lang : {"en", "fr", "es"}) {
      for (const auto& t : lemma_cache.Terms(lang, as_typed, folded)) {
        add_lemma(t);
        std::string s = stem.Term(lang, t.substr(std::string_view(kLemmaPrefix).size()));
        if (!s.empty()) add_lemma(s);
      }
    }
    for (const auto& t : group) q.terms.insert(t);
    for (const auto& t : lemmas) q.terms.insert(t);
    q.groups.push_back(std::move(group));
    q.lemmas.push_back(std::move(lemmas));
  });
  if (synonyms != nullptr && synonyms->max_words > 0) FindSynonyms(*synonyms, word_stems, q);
  return q;
}

// The documents like document (kind, id): its kLikeTerms most distinctive
// words (Xapian's expand set over a relevance set of that one document),
// ORed, without the document itself; nullopt when it is not in the index or
// has no words. The words go into `words.terms` for the snippets.
constexpr Xapian::termcount kLikeTerms = 25;
// Below this share of the best possible weight a document is not "like" it
// (it shares only a word or two).
constexpr int kLikeCutoffPercent = 20;
// Words too common to say what a text is about, as typed (folded); they are
// stemmed in each language before they are compared with index terms.
constexpr const char* kLikeStopwords[] = {
    "the",     "and",   "for",   "with",  "from",   "that",    "this",   "were",    "was",     "are",
    "their",   "they",  "them",  "into",  "during", "after",   "before", "when",    "which",   "who",
    "have",    "has",   "had",   "not",   "but",    "all",     "its",    "our",     "out",     "also",
    "than",    "then",  "there", "these", "those",  "been",    "being",  "about",   "over",    "such",
    "other",   "more",  "most",  "some",  "each",   "les",     "des",    "une",     "dans",    "pour",
    "par",     "sur",   "avec",  "que",   "qui",    "aux",     "est",    "sont",    "ont",     "ete",
    "leur",    "leurs", "ces",   "cette", "mais",   "plus",    "pas",    "ses",     "son",     "entre",
    "comme",   "aussi", "lors",  "apres", "avant",  "pendant", "los",    "las",     "una",     "del",
    "por",     "para",  "con",   "sus",   "fue",    "mas",     "como",   "tambien", "durante", "antes",
    "despues", "este",  "esta",  "estos", "estas",  "sin",     "sobre",  "hasta",   "desde",   "han",
    "muy",     "nous",  "vous",  "ils",   "elles"};

std::optional<Xapian::Query> LikeQuery(const Xapian::Database& db, const std::string& kind, Id id,
                                       Stemmers& stem, QueryWords& words) {
  std::string id_term = IdTerm(kind, id);
  Xapian::PostingIterator p = db.postlist_begin(id_term);
  if (p == db.postlist_end(id_term)) return std::nullopt;
  Xapian::RSet rset;
  rset.add_document(*p);
  std::set<std::string> stop;
  for (const char* w : kLikeStopwords) {
    for (const char* lang : {"en", "fr", "es"}) stop.insert(stem.Term(lang, w));
    stop.insert(w);
  }
  // Text terms only (facet, audience, title-tier and id terms start with an
  // upper-case letter, the sentinel with \x01), of three letters or more,
  // and no stopword.
  struct TextTerms final : Xapian::ExpandDecider {
    explicit TextTerms(const std::set<std::string>& s) : stop(s) {}
    bool operator()(const std::string& t) const override {
      return t.size() >= 3 && !(t[0] >= 'A' && t[0] <= 'Z') && t[0] != '\x01' && !stop.count(t);
    }
    const std::set<std::string>& stop;
  } decider(stop);
  Xapian::Enquire e(db);
  Xapian::ESet eset = e.get_eset(kLikeTerms, rset, &decider);
  std::vector<Xapian::Query> terms;
  for (auto it = eset.begin(); it != eset.end(); ++it) {
    terms.emplace_back(*it);
    words.terms.insert(*it);
  }
  if (terms.empty()) return std::nullopt;
  return Xapian::Query(Xapian::Query::OP_AND_NOT,
                       Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                       Xapian::Query(id_term));
}

Xapian::Query TextQuery(const QueryWords& words) {
  // Not Xapian::Query::MatchAll: that is one static object whose reference
  // count (not atomic) every copy touches, so two threads copying it at once
  // corrupt it. The empty term matches every document, and this query object
  // belongs to this search alone; the sentinel is left out.
  if (words.groups.empty()) {
    return {Xapian::Query::OP_AND_NOT, Xapian::Query(std::string()), Xapian::Query(kSentinelTerm)};
  }
  std::vector<Xapian::Query> ands;
  auto span = words.synonyms.begin();
  std::vector<Xapian::Query> run;  // the words of the current synonym span
  for (std::size_t i = 0; i < words.groups.size(); ++i) {
    // A word inside a span goes to `run`; at the span's last word, the
    // run's AND or the span's synonyms (at kSynonymWeight) joins `ands`.
    std::vector<Xapian::Query>& out = span != words.synonyms.end() && span->first <= i ? run : ands;
    const auto& g = words.groups[i];
    Xapian::Query stems = g.size() == 1 ? Xapian::Query(g.front())
                                        : Xapian::Query(Xapian::Query::OP_SYNONYM, g.begin(), g.end());
    const auto& l = i < words.lemmas.size() ? words.lemmas[i] : std::vector<std::string>{};
    if (l.empty()) {
      out.push_back(stems);
    } else {
      // A lemma match weighs less than a match of the word or its stems, so
      // "contribuer" ranks the texts with "contribuer" before those with
      // "contribuent" (those have both terms: they score the sum).
      Xapian::Query lemma = l.size() == 1 ? Xapian::Query(l.front())
                                          : Xapian::Query(Xapian::Query::OP_SYNONYM, l.begin(), l.end());
      out.emplace_back(Xapian::Query::OP_OR, stems,
                       Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, lemma, kLemmaWeight));
    }
    if (&out != &run || span->last != i) continue;
    std::vector<Xapian::Query> alternatives;
    for (const auto& alt : span->alternatives) {
      alternatives.push_back(alt.size() == 1 ? Xapian::Query(alt.front())
                                             : Xapian::Query(Xapian::Query::OP_AND, alt.begin(), alt.end()));
    }
    Xapian::Query own =
        run.size() == 1 ? run.front() : Xapian::Query(Xapian::Query::OP_AND, run.begin(), run.end());
    Xapian::Query other = alternatives.size() == 1
                              ? alternatives.front()
                              : Xapian::Query(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end());
    ands.emplace_back(Xapian::Query::OP_OR, own,
                      Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, other, kSynonymWeight));
    run.clear();
    ++span;
  }
  if (ands.size() == 1) return ands.front();
  return {Xapian::Query::OP_AND, ands.begin(), ands.end()};
}

// --- facet counting ---
//
// Facet values are numbered per facet (a dictionary kept in the index's
// metadata, one key per value: "wm_fv:" + facet byte + 4-byte big-endian id),
// and the facet slot of a document holds (facet byte, varint id) pairs, so
// the match spy counts into arrays: no strings, no hashing.

constexpr std::string_view kDictPrefix = "wm_fv:";

std::string DictKey(std::size_t f, std::uint32_t id) {
  std::string k(kDictPrefix);
  k += static_cast<char>(f);
  for (int shift = 24; shift >= 0; shift -= 8) k += static_cast<char>((id >> shift) & 0xFF);
  return k;
}

// Reads dictionary entries with id >= names[f].size() (the ones not known
// yet) from `db` into `names`.
void LoadDict(const Xapian::Database& db, std::array<std::vector<std::string>, kNumFacets>& names) {
  for (std::size_t f = 0; f < kNumFacets; ++f) {
    std::string prefix(kDictPrefix);
    prefix += static_cast<char>(f);
    auto it = db.metadata_keys_begin(prefix);
    auto end = db.metadata_keys_end(prefix);
    it.skip_to(DictKey(f, static_cast<std::uint32_t>(names[f].size())));
    for (; it != end; ++it) {
      const std::string key = *it;
      if (key.size() != prefix.size() + 4) continue;
      std::uint32_t id = 0;
      for (std::size_t i = prefix.size(); i < key.size(); ++i)
        id = (id << 8) | static_cast<unsigned char>(key[i]);
      if (id >= names[f].size()) names[f].resize(id + 1);
      names[f][id] = db.get_metadata(key);
    }
  }
}

// Every document's facet slot in memory, by docid, so that counting does not
// read Xapian's value streams (the costly part of counting). Loaded when the
// index is opened and updated by each Commit of this process's writer; a
// document it does not know yet (added since, not committed) is read from
// the index instead. Callers lock `mu`.
class FacetColumn {
 public:
  static constexpr std::uint8_t kUnknown = 255;  // blobs are shorter than this

  void Load(const Xapian::Database& db) {
    for (auto it = db.valuestream_begin(kSlotFacets); it != db.valuestream_end(kSlotFacets); ++it) {
      Set(it.get_docid(), *it);
    }
  }
  void Set(Xapian::docid id, std::string_view blob) {
    if (id >= offset_.size()) {
      offset_.resize(id + 1024, 0);
      len_.resize(id + 1024, kUnknown);
    }
    if (blob.size() >= kUnknown) {
      len_[id] = kUnknown;
      return;
    }
    if (len_[id] != kUnknown) garbage_ += len_[id];
    offset_[id] = static_cast<std::uint32_t>(bytes_.size());
    len_[id] = static_cast<std::uint8_t>(blob.size());
    bytes_.append(blob);
    if (garbage_ > (1u << 20) && garbage_ * 2 > bytes_.size()) Compact();
  }
  void Erase(Xapian::docid id) { Set(id, {}); }
  void Clear() {
    offset_.clear();
    len_.clear();
    bytes_.clear();
    garbage_ = 0;
  }
  // False when the document is not in memory.
  bool Get(Xapian::docid id, std::string_view& blob) const {
    if (id >= len_.size() || len_[id] == kUnknown) return false;
    blob = std::string_view(bytes_).substr(offset_[id], len_[id]);
    return true;
  }
  // Beyond 4 GiB of facet data the column is not kept (offsets are 32-bit).
  bool Full() const { return bytes_.size() > 0xF0000000u; }

  std::shared_mutex mu;

 private:
  void Compact() {
    std::string fresh;
    fresh.reserve(bytes_.size() - garbage_);
    for (std::size_t id = 0; id < len_.size(); ++id) {
      if (len_[id] == kUnknown) continue;
      std::uint32_t at = static_cast<std::uint32_t>(fresh.size());
      fresh.append(bytes_, offset_[id], len_[id]);
      offset_[id] = at;
    }
    bytes_ = std::move(fresh);
    garbage_ = 0;
  }

  std::vector<std::uint32_t> offset_;
  std::vector<std::uint8_t> len_;
  std::string bytes_;
  std::size_t garbage_ = 0;
};

class FacetSpy final : public Xapian::MatchSpy {
 public:
  // `column` is read under its shared lock, held by the caller.
  FacetSpy(std::array<bool, kNumFacets> wanted, const FacetColumn* column)
      : wanted_(wanted), column_(column) {}

  void operator()(const Xapian::Document& doc, double /*wt*/) override {
    ++seen_;
    std::string_view in;
    std::string blob;
    if (column_ == nullptr || !column_->Get(doc.get_docid(), in)) {
      blob = doc.get_value(kSlotFacets);
      in = blob;
    }
    while (in.size() >= 2) {
      auto f = static_cast<unsigned char>(in[0]);
      in.remove_prefix(1);
      std::uint64_t id = 0;
      if (!GetVarint(in, id) || id > (1u << 24)) break;
      if (f < kNumFacets && wanted_[f]) {
        auto& counts = counts_[f];
        if (id >= counts.size()) counts.resize(id + 16, 0);
        ++counts[id];
      }
    }
  }

  std::int64_t seen() const { return seen_; }
  const std::vector<std::int64_t>& counts(std::size_t f) const { return counts_[f]; }

 private:
  std::array<bool, kNumFacets> wanted_;
  std::array<std::vector<std::int64_t>, kNumFacets> counts_;
  const FacetColumn* column_;
  std::int64_t seen_ = 0;
};

// Copies the spy's counts for the wanted facets into `out` by name, scaled up
// when the spy saw only part of the matches. Returns whether they are exact.
bool CollectCounts(const FacetSpy& spy, const Xapian::MSet& mset, const std::array<bool, kNumFacets>& wanted,
                   const std::array<std::vector<std::string>, kNumFacets>& names,
                   std::map<std::string, std::map<std::string, std::int64_t>>& out) {
  auto upper = static_cast<std::int64_t>(mset.get_matches_upper_bound());
  auto estimated = static_cast<std::int64_t>(mset.get_matches_estimated());
  bool exact = spy.seen() >= upper;
  double scale = 1.0;
  if (!exact && spy.seen() > 0) scale = static_cast<double>(estimated) / static_cast<double>(spy.seen());
  for (std::size_t f = 0; f < kNumFacets; ++f) {
    if (!wanted[f]) continue;
    auto& dst = out[kFacets[f]];
    const auto& counts = spy.counts(f);
    for (std::size_t id = 0; id < counts.size(); ++id) {
      std::int64_t n = counts[id];
      if (n == 0 || id >= names[f].size() || names[f][id].empty()) continue;
      auto c = exact ? n : static_cast<std::int64_t>(std::llround(static_cast<double>(n) * scale));
      dst[names[f][id]] = std::max<std::int64_t>(c, 1);
    }
  }
  return exact;
}

// --- snippets ---

void AppendEscaped(std::string& out, std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t at = i;
    char32_t cp = DecodeUtf8(s, i);
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\n':
      case '\r':
      case '\t': out += ' '; break;
      case 0xFFFD: out += "\xEF\xBF\xBD"; break;  // also what invalid bytes become
      default:
        if (cp < 0x20 || cp == 0x7F) {
          out += ' ';
        } else {
          out.append(s.substr(at, i - at));
        }
    }
  }
}

struct Word {
  std::size_t begin;
  std::size_t end;
  bool match;
};

std::vector<Word> MarkWords(std::string_view text, const std::string& lang, const QueryWords& q,
                            Stemmers& stem, LemmaCache& lemmas, int* matches) {
  std::vector<Word> words;
  ForEachWord(text, [&](std::size_t b, std::size_t e, std::string_view folded) {
    bool m = false;
    if (!q.terms.empty()) {
      std::string key = lang;
      key += '\0';
      key += folded;
      auto it = q.seen.find(key);
      if (it != q.seen.end()) {
        m = it->second;
      } else {
        std::string f(folded);
        m = q.terms.count(stem.Term(lang, f)) > 0 || q.terms.count(f) > 0;
        if (!m && !q.lemmas.empty()) {
          for (const auto& t : lemmas.Terms(lang, text.substr(b, e - b), folded)) {
            if (q.terms.count(t) > 0) {
              m = true;
              break;
            }
          }
        }
        q.seen.emplace(std::move(key), m);
      }
    }
    if (m && matches != nullptr) ++*matches;
    words.push_back({b, e, m});
  });
  return words;
}

std::string MakeSnippet(std::string_view text, const std::vector<Word>& words) {
  std::size_t first_match = text.size();
  for (const auto& w : words) {
    if (w.match) {
      first_match = w.begin;
      break;
    }
  }
  std::size_t start = 0;
  if (first_match != text.size() && first_match > kSnippetLead) {
    // Start at the first word that begins at most kSnippetLead bytes before the match.
    for (const auto& w : words) {
      if (w.begin + kSnippetLead >= first_match) {
        start = w.begin;
        break;
      }
    }
  }
  std::size_t limit = start + kSnippetChars;
  std::size_t stop = std::min(text.size(), limit);
  if (stop < text.size()) {
    // End after the last word that fits; never in the middle of a word (or of a UTF-8 sequence).
    std::size_t last_end = start;
    for (const auto& w : words) {
      if (w.begin < start) continue;
      if (w.end > limit) break;
      last_end = w.end;
    }
    if (last_end == start) {
      // One very long word: cut at a code point boundary.
      std::size_t i = start;
      while (i < text.size() && i < limit) DecodeUtf8(text, i);
      last_end = i;
    }
    stop = last_end;
  }
  std::string out;
  if (start > 0) out += "\xE2\x80\xA6";  // …
  std::size_t pos = start;
  for (const auto& w : words) {
    if (w.begin < start) continue;
    if (w.end > stop) break;
    AppendEscaped(out, text.substr(pos, w.begin - pos));
    if (w.match) out += "<mark>";
    AppendEscaped(out, text.substr(w.begin, w.end - w.begin));
    if (w.match) out += "</mark>";
    pos = w.end;
  }
  if (pos < stop) AppendEscaped(out, text.substr(pos, stop - pos));
  if (stop < text.size()) out += "\xE2\x80\xA6";
  return out;
}

// Picks the language (preferring the reader's) and builds the snippet.
void Snippet(const StoredDoc& d, const std::string& pref, const QueryWords& q, Stemmers& stem,
             LemmaCache& lemmas, Hit& hit) {
  const std::pair<std::string, Document::Text>* best = nullptr;
  if (q.terms.empty()) {
    // Nothing to mark (a list without a query): the reader's language, or the first.
    for (const auto& entry : d.texts) {
      if (best == nullptr) best = &entry;
      if (entry.first == pref) {
        best = &entry;
        break;
      }
    }
  } else {
    int best_matches = -1;
    for (const auto& entry : d.texts) {
      int n = 0;
      MarkWords(entry.second.title, entry.first, q, stem, lemmas, &n);
      MarkWords(entry.second.body, entry.first, q, stem, lemmas, &n);
      // The reader's language wins unless another one matches and it does not.
      int score = n * 2 + (entry.first == pref ? 1 : 0);
      if (n > 0 && entry.first == pref) score += 1000000;
      if (score > best_matches) {
        best_matches = score;
        best = &entry;
      }
    }
  }
  if (best == nullptr) return;
  hit.lang = best->first;
  const std::string& text = best->second.body.empty() ? best->second.title : best->second.body;
  // With nothing to mark the snippet is the text's start, so only the words
  // up to kSnippetChars and a little beyond (a whole code point or two, so
  // that a word running past the cut is seen to) are found: finding every
  // word of every text was 12 % of rendering /practices.
  std::string_view words_of = std::string_view(text);
  if (q.terms.empty()) words_of = words_of.substr(0, kSnippetChars + 16);
  hit.snippet_html = MakeSnippet(text, MarkWords(words_of, best->first, q, stem, lemmas, nullptr));
}

// --- the index ---

class XapianIndex final : public Index {
 public:
  XapianIndex(std::string dir, XapianIndexOptions options, Xapian::WritableDatabase writer,
              std::shared_ptr<Lemmatizer> lemmatizer)
      : dir_(std::move(dir)),
        options_(std::move(options)),
        lemmatizer_(std::move(lemmatizer)),
        writer_(std::move(writer)),
        writer_lemmas_(lemmatizer_, kWriterLemmaCache,
                       [this](std::string_view lang, std::string_view folded, const std::string& lemma) {
                         // Only lemmas that stemming does not give already
                         // ("viennent" -> "venir", not "migrants" -> "migrant"):
                         // fewer terms, and a query's stems and lemmas then
                         // rarely match the same documents, which keeps
                         // Xapian's estimate of their OR (totals, facet
                         // counts past check_at_least) close.
                         std::string l(lang);
                         std::string word_stem = writer_stem_.Term(l, folded);
                         return writer_stem_.Term(l, lemma) != word_stem;
                       }) {}

  Status Upsert(const Document& doc) override;
  Status Remove(const std::string& kind, Id id) override;
  Status Commit(std::int64_t applied_seq) override;
  Result<std::int64_t> AppliedSeq() override;
  Status Clear() override;
  Result<std::int64_t> DocumentCount() override;
  Result<Results> Search(const Query& q) override;
  void SetThesaurus(std::shared_ptr<const Thesaurus> thesaurus) override {
    // Compiled before the lock: searches never wait for the stemming.
    std::shared_ptr<const Synonyms> compiled = thesaurus ? CompileThesaurus(*thesaurus) : nullptr;
    std::lock_guard lock(synonyms_mu_);
    synonyms_ = std::move(compiled);
  }

  // Adds the sentinel (see kSentinelTerm) if the index has none; commits
  // only what it adds. Called at open, before any other thread has the index.
  void EnsureSentinel() {
    if (writer_.get_termfreq(kSentinelTerm) > 0) return;
    AddSentinel();
    writer_.commit();
  }

  // Reads every document's facets into memory (at open).
  void LoadColumn() {
    Xapian::Database db(dir_);
    std::unique_lock lock(column_.mu);
    column_.Load(db);
  }

 private:
  struct Reader {
    Reader(const std::string& dir, std::shared_ptr<Lemmatizer> lemmatizer)
        : db(dir), lemmas(std::move(lemmatizer), kReaderLemmaCache) {}
    Xapian::Database db;
    Stemmers stem;
    LemmaCache lemmas;
    std::uint64_t generation = 0;
    std::array<std::vector<std::string>, kNumFacets> facet_names;  // facet value ids -> values
  };

  // Lends a reader up to date with the last commit.
  class Lease {
   public:
    Lease(XapianIndex& index, std::unique_ptr<Reader> r, std::uint64_t generation)
        : index_(index), r_(std::move(r)), generation_(generation) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { index_.Release(std::move(r_), generation_); }
    Reader& operator*() { return *r_; }
    Reader* operator->() { return r_.get(); }

   private:
    XapianIndex& index_;
    std::unique_ptr<Reader> r_;
    std::uint64_t generation_;
  };

  // The spelling words (see CountSpellingWords) of what the index stores of
  // the document with id term `id_term`, if it is there (writer's side;
  // callers hold write_mu_).
  std::map<std::string, int> StoredSpelling(const std::string& id_term);
  // The query text with each word that finds nothing replaced by the
  // closest word of the spelling data; nullopt when no word changes.
  static std::optional<std::string> Correct(const Xapian::Database& db, const std::string& text,
                                            const QueryWords& words);

  Lease Acquire();  // throws Xapian::Error
  // Ends a lease on `generation`; keeps `r` (if any) for the next one.
  void Release(std::unique_ptr<Reader> r, std::uint64_t generation);
  Results RunSearch(Reader& r, const Query& q, const QueryWords& words, const Xapian::Query& text,
                    const std::vector<std::pair<int, Xapian::Query>>& filters,
                    const std::optional<Xapian::Query>& audience, const std::array<bool, kNumFacets>& wanted);

  const std::string dir_;
  const XapianIndexOptions options_;
  const std::shared_ptr<Lemmatizer> lemmatizer_;  // null: no lemmas

  // The writer's side of the facet dictionary (see LoadDict).
  std::uint32_t FacetId(std::size_t f, const std::string& value);
  // The writer's (callers hold write_mu_ or are opening the index).
  void AddSentinel() {
    Xapian::Document sentinel;
    sentinel.add_boolean_term(kSentinelTerm);
    writer_.replace_document(kSentinelTerm, sentinel);
  }

  std::mutex write_mu_;
  Xapian::WritableDatabase writer_;
  CachingStemmer writer_stem_;
  LemmaCache writer_lemmas_;
  std::array<std::unordered_map<std::string, std::uint32_t>, kNumFacets> facet_ids_;
  bool dict_loaded_ = false;
  // Facet slots written since the last commit (nullopt: deleted), applied to
  // column_ when they are committed.
  std::map<Xapian::docid, std::optional<std::string>> pending_column_;
  bool pending_clear_ = false;
  FacetColumn column_;
  // Set while Commit waits to update column_: searches then count without it
  // rather than queue up ahead of the writer.
  std::atomic<bool> column_writer_waiting_{false};

  // Readers and the revisions they read. Glass frees the blocks that
  // revision R+1 replaced and reuses them while building R+2, so a search
  // still reading R then may read a block that is being overwritten. Xapian
  // usually says so (DatabaseModifiedError) but not always: the soak saw
  // DatabaseCorruptError "Expected block N to be level 1, not 0" on a sound
  // index. So each Commit, before the writer goes on, waits until no search
  // reads a revision older than the one it made. Searches never wait for the
  // writer; a commit waits at most for the searches already running.
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::uint64_t generation_ = 1;               // guarded by pool_mu_
  std::map<std::uint64_t, int> active_;        // generation -> leases; guarded by pool_mu_
  std::vector<std::unique_ptr<Reader>> idle_;  // guarded by pool_mu_

  // The thesaurus's lookup (no Xapian object in it: plain strings, shared
  // read-only); each search copies the pointer once.
  std::mutex synonyms_mu_;
  std::shared_ptr<const Synonyms> synonyms_;  // guarded by synonyms_mu_
};

XapianIndex::Lease XapianIndex::Acquire() {
  std::unique_ptr<Reader> r;
  std::uint64_t gen = 0;
  {
    std::lock_guard lock(pool_mu_);
    if (!idle_.empty()) {
      r = std::move(idle_.back());
      idle_.pop_back();
    }
    gen = generation_;
    ++active_[gen];
  }
  try {
    if (!r) {
      r = std::make_unique<Reader>(dir_, lemmatizer_);
      r->generation = gen;
      LoadDict(r->db, r->facet_names);
    } else if (r->generation != gen) {
      r->db.reopen();
      r->generation = gen;
      LoadDict(r->db, r->facet_names);
    }
  } catch (...) {
    Release(nullptr, gen);
    throw;
  }
  return Lease(*this, std::move(r), gen);
}

std::uint32_t XapianIndex::FacetId(std::size_t f, const std::string& value) {
  if (!dict_loaded_) {
    std::array<std::vector<std::string>, kNumFacets> names;
    LoadDict(writer_, names);
    for (std::size_t g = 0; g < kNumFacets; ++g) {
      for (std::size_t id = 0; id < names[g].size(); ++id) {
        if (!names[g][id].empty()) facet_ids_[g].emplace(names[g][id], static_cast<std::uint32_t>(id));
      }
    }
    dict_loaded_ = true;
  }
  auto& ids = facet_ids_[f];
  auto it = ids.find(value);
  if (it != ids.end()) return it->second;
  auto id = static_cast<std::uint32_t>(ids.size());
  // Pending with the document that first uses it, so they are committed
  // (or auto-flushed) together.
  writer_.set_metadata(DictKey(f, id), value);
  ids.emplace(value, id);
  return id;
}

std::map<std::string, int> XapianIndex::StoredSpelling(const std::string& id_term) {
  std::map<std::string, int> words;
  for (auto it = writer_.postlist_begin(id_term); it != writer_.postlist_end(id_term); ++it) {
    StoredDoc old;
    if (!DecodeStored(writer_.get_document(*it).get_data(), old)) continue;
    for (const auto& [lang, t] : old.texts) {
      CountSpellingWords(t.title, words);
      CountSpellingWords(t.body, words);
    }
  }
  return words;
}

std::optional<std::string> XapianIndex::Correct(const Xapian::Database& db, const std::string& text,
                                                const QueryWords& words) {
  std::string out;
  std::size_t copied = 0;
  bool changed = false;
  ForEachWord(text, [&](std::size_t b, std::size_t e, std::string_view folded) {
    // Only the words the query used (ParseWords keeps the first
    // kMaxQueryWords distinct ones) that match nothing, not even by a stem
    // or a lemma: a word the index knows in another form is not a typo.
    auto g = std::find_if(words.groups.begin(), words.groups.end(),
                          [&](const std::vector<std::string>& group) { return group.front() == folded; });
    if (g == words.groups.end()) return;
    auto i = static_cast<std::size_t>(g - words.groups.begin());
    auto found = [&](const std::string& t) { return db.get_termfreq(t) > 0; };
    if (std::any_of(g->begin(), g->end(), found)) return;
    if (i < words.lemmas.size() && std::any_of(words.lemmas[i].begin(), words.lemmas[i].end(), found)) return;
    std::string fix =
        db.get_spelling_suggestion(std::string(folded), folded.size() <= kShortWordBytes ? 1 : 2);
    if (fix.empty() || fix == folded) return;
    out.append(text, copied, b - copied);
    out += fix;
    copied = e;
    changed = true;
  });
  if (!changed) return std::nullopt;
  out.append(text, copied);
  return out;
}

void XapianIndex::Release(std::unique_ptr<Reader> r, std::uint64_t generation) {
  {
    std::lock_guard lock(pool_mu_);
    if (r && static_cast<int>(idle_.size()) < options_.max_idle_readers) idle_.push_back(std::move(r));
    auto it = active_.find(generation);
    assert(it != active_.end());
    if (--it->second == 0) active_.erase(it);
  }
  pool_cv_.notify_all();
}

Status XapianIndex::Upsert(const Document& doc) {
  if (doc.kind.empty() || doc.kind.size() > 64) return Status::InvalidArgument("search document: bad kind");
  try {
    std::lock_guard lock(write_mu_);
    Xapian::Document xd;
    StoredDoc stored{doc.kind, doc.id, {}};
    std::array<std::vector<std::string>, kNumFacets> facet_values;
    std::map<std::string, int> spelling;  // the words this version gives the spelling data
    auto add_text = [&](const std::string& lang, std::string_view text, Xapian::termcount wdf) {
      ForEachWord(text, [&](std::size_t b, std::size_t e, std::string_view folded) {
        const std::string& term = writer_stem_.Term(lang, folded);
        if (!term.empty()) xd.add_term(term, wdf);
        for (const auto& lemma : writer_lemmas_.Terms(lang, text.substr(b, e - b), folded))
          xd.add_term(lemma, wdf);
      });
    };
    for (const auto& entry : doc.texts) {
      const std::string& lang = entry.first;
      Document::Text plain{entry.second.title, text::MarkdownToPlainText(entry.second.body)};
      add_text(lang, plain.title, kTitleWdf);
      // The title tier: which words a title holds (see RunSearch).
      ForEachWord(plain.title, [&](std::size_t, std::size_t, std::string_view folded) {
        const std::string& term = writer_stem_.Term(lang, folded);
        if (!term.empty()) xd.add_boolean_term(kTitlePrefix + term);
      });
      add_text(lang, plain.body, 1);
      add_text(lang, entry.second.hidden, 1);
      // Not the hidden text: the index does not store it, so an edit or a
      // removal could not take its words out of the spelling data again.
      CountSpellingWords(plain.title, spelling);
      CountSpellingWords(plain.body, spelling);
      stored.texts.emplace_back(lang, std::move(plain));
    }
    for (const auto& [name, values] : doc.facets) {
      int f = FacetIndex(name);
      if (f < 0) return Status::InvalidArgument("search document: unknown facet '" + name + "'");
      for (const auto& v : values) {
        if (v.empty() || v.size() > kMaxValueBytes) continue;
        auto& list = facet_values[static_cast<std::size_t>(f)];
        if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
      }
    }
    // "kind" and "lang" follow from the document when its source left them out.
    auto& kinds = facet_values[static_cast<std::size_t>(FacetIndex("kind"))];
    if (kinds.empty()) kinds.push_back(doc.kind);
    auto& langs = facet_values[static_cast<std::size_t>(FacetIndex("lang"))];
    if (langs.empty()) {
      for (const auto& entry : doc.texts) langs.push_back(entry.first);
    }
    for (std::size_t f = 0; f < kNumFacets; ++f) {
      for (const auto& v : facet_values[f]) xd.add_boolean_term(kFacetPrefix[f] + v);
    }
    for (const auto& a : doc.audience) {
      if (!a.empty() && a.size() <= kMaxValueBytes) xd.add_boolean_term(kAudiencePrefix + a);
    }
    std::string id_term = IdTerm(doc.kind, doc.id);
    xd.add_boolean_term(id_term);
    xd.add_value(kSlotDate, Xapian::sortable_serialise(static_cast<double>(doc.date)));
    std::string blob;
    for (std::size_t f = 0; f < kNumFacets; ++f) {
      for (const auto& v : facet_values[f]) {
        blob += static_cast<char>(f);
        PutVarint(blob, FacetId(f, v));
      }
    }
    xd.add_value(kSlotFacets, blob);
    xd.set_data(EncodeStored(stored));
    // Did you mean: the spelling data counts each word once per occurrence
    // in the indexed documents, so a new version adds what it has more than
    // the one it replaces and removes what it has less.
    std::map<std::string, int> old_spelling = StoredSpelling(id_term);
    for (const auto& [word, n] : spelling) {
      auto it = old_spelling.find(word);
      int delta = n - (it == old_spelling.end() ? 0 : it->second);
      if (it != old_spelling.end()) old_spelling.erase(it);
      if (delta > 0) writer_.add_spelling(word, static_cast<Xapian::termcount>(delta));
      if (delta < 0) writer_.remove_spelling(word, static_cast<Xapian::termcount>(-delta));
    }
    for (const auto& [word, n] : old_spelling)
      writer_.remove_spelling(word, static_cast<Xapian::termcount>(n));
    Xapian::docid did = writer_.replace_document(id_term, xd);
    pending_column_[did] = std::move(blob);
    return Status::Ok();
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "upsert");
  } catch (const std::exception& e) {
    return FromStd(e, "upsert");
  }
}

Status XapianIndex::Remove(const std::string& kind, Id id) {
  try {
    std::lock_guard lock(write_mu_);
    std::string term = IdTerm(kind, id);
    for (const auto& [word, n] : StoredSpelling(term))
      writer_.remove_spelling(word, static_cast<Xapian::termcount>(n));
    for (auto it = writer_.postlist_begin(term); it != writer_.postlist_end(term); ++it)
      pending_column_[*it] = std::nullopt;
    writer_.delete_document(term);
    return Status::Ok();
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "remove");
  } catch (const std::exception& e) {
    return FromStd(e, "remove");
  }
}

Status XapianIndex::Commit(std::int64_t applied_seq) {
  try {
    std::lock_guard lock(write_mu_);
    writer_.set_metadata(kAppliedSeqKey, std::to_string(applied_seq));
    writer_.commit();
    {
      column_writer_waiting_.store(true);
      std::unique_lock column_lock(column_.mu);
      column_writer_waiting_.store(false);
      if (pending_clear_) column_.Clear();
      for (auto& [did, blob] : pending_column_) {
        if (blob) {
          column_.Set(did, *blob);
        } else {
          column_.Erase(did);
        }
      }
      if (column_.Full()) column_.Clear();
    }
    pending_column_.clear();
    pending_clear_ = false;
    // New searches read this revision; wait for those reading older ones
    // (see active_) before the writer may reuse their blocks.
    std::unique_lock pool_lock(pool_mu_);
    const std::uint64_t gen = ++generation_;
    pool_cv_.wait(pool_lock, [&] { return active_.empty() || active_.begin()->first >= gen; });
    return Status::Ok();
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "commit");
  } catch (const std::exception& e) {
    return FromStd(e, "commit");
  }
}

Result<std::int64_t> XapianIndex::AppliedSeq() {
  try {
    Lease r = Acquire();
    std::string v = r->db.get_metadata(kAppliedSeqKey);
    if (v.empty()) return std::int64_t{0};
    return static_cast<std::int64_t>(std::stoll(v));
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "applied seq");
  } catch (const std::exception& e) {
    return FromStd(e, "applied seq");
  }
}

Status XapianIndex::Clear() {
  try {
    std::lock_guard lock(write_mu_);
    std::vector<Xapian::docid> ids;
    for (auto it = writer_.postlist_begin(""); it != writer_.postlist_end(""); ++it) ids.push_back(*it);
    for (Xapian::docid id : ids) writer_.delete_document(id);
    // Deleting documents leaves their words in the spelling data.
    std::vector<std::pair<std::string, Xapian::termcount>> spellings;
    for (auto it = writer_.spellings_begin(); it != writer_.spellings_end(); ++it)
      spellings.emplace_back(*it, it.get_termfreq());
    for (const auto& [word, n] : spellings) writer_.remove_spelling(word, n);
    AddSentinel();
    pending_column_.clear();
    pending_clear_ = true;
    // If the writer flushes before the rebuild's final commit (it does every
    // few thousand documents), a crash leaves a partial index that claims to
    // have applied nothing, so the whole change feed is replayed.
    writer_.set_metadata(kAppliedSeqKey, "0");
    return Status::Ok();
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "clear");
  } catch (const std::exception& e) {
    return FromStd(e, "clear");
  }
}

Result<std::int64_t> XapianIndex::DocumentCount() {
  try {
    Lease r = Acquire();
    return static_cast<std::int64_t>(r->db.get_doccount() - r->db.get_termfreq(kSentinelTerm));
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "document count");
  } catch (const std::exception& e) {
    return FromStd(e, "document count");
  }
}

Results XapianIndex::RunSearch(Reader& r, const Query& q, const QueryWords& words, const Xapian::Query& text,
                               const std::vector<std::pair<int, Xapian::Query>>& filters,
                               const std::optional<Xapian::Query>& audience,
                               const std::array<bool, kNumFacets>& wanted) {
  // Everything but the filters of facet `skip` (-1: all filters).
  auto build = [&](int skip) {
    std::vector<Xapian::Query> parts;
    for (const auto& [f, fq] : filters) {
      if (f != skip) parts.push_back(fq);
    }
    if (audience) parts.push_back(*audience);
    if (parts.empty()) return text;
    Xapian::Query filter =
        parts.size() == 1 ? parts.front() : Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
    return Xapian::Query(Xapian::Query::OP_FILTER, text, filter);
  };

  std::array<bool, kNumFacets> main_wanted{};
  std::array<bool, kNumFacets> filtered{};
  for (const auto& [f, fq] : filters) filtered[static_cast<std::size_t>(f)] = true;
  for (std::size_t f = 0; f < kNumFacets; ++f) main_wanted[f] = wanted[f] && !filtered[f];

  auto first = static_cast<Xapian::doccount>(std::max(q.offset, 0));
  auto limit = static_cast<Xapian::doccount>(std::clamp(q.limit, 0, 1000));
  auto check = static_cast<Xapian::doccount>(std::max(options_.check_at_least, 1));

  // The page of hits, ranked (or by date). Xapian ranks every match it is
  // given, which costs about 50 ns a match: fine for tens of thousands, too
  // slow for a word in half a million documents. So when the words could
  // match more than options_.title_tier_above documents, the page is ranked among the
  // matches with a query word in their title first (title words weigh
  // kTitleWdf times more, so these are the best BM25 scores in practice),
  // and the total comes from the counting run below (an estimate past
  // check_at_least). When the title tier cannot fill the page, every match
  // is ranked.
  Results res;
  bool ranked = q.like ? !q.newest_first : !(q.newest_first || words.groups.empty());
  auto configure = [&](Xapian::Enquire& e) {
    if (ranked) {
      e.set_sort_by_relevance_then_value(kSlotDate, true);
      if (q.like) e.set_cutoff(kLikeCutoffPercent);
    } else {
      e.set_weighting_scheme(Xapian::BoolWeight());
      e.set_sort_by_value_then_relevance(kSlotDate, true);
    }
  };
  bool tiered = false;
  Xapian::MSet mset;
  if (ranked) {
    // An upper bound of the matches: the rarest word's documents.
    Xapian::doccount bound = r.db.get_doccount();
    for (std::size_t i = 0; i < words.groups.size(); ++i) {
      Xapian::doccount n = 0;
      for (const auto& t : words.groups[i]) n += r.db.get_termfreq(t);
      if (i < words.lemmas.size()) {
        for (const auto& t : words.lemmas[i]) n += r.db.get_termfreq(t);
      }
      bound = std::min(bound, n);
    }
    if (!words.groups.empty() &&
        bound > static_cast<Xapian::doccount>(std::max(options_.title_tier_above, 0))) {
      std::vector<Xapian::Query> title_terms;
      for (const auto& g : words.groups) {
        for (const auto& t : g) title_terms.emplace_back(kTitlePrefix + t);
      }
      Xapian::Enquire e(r.db);
      e.set_query(Xapian::Query(Xapian::Query::OP_FILTER, build(-1),
                                Xapian::Query(Xapian::Query::OP_OR, title_terms.begin(), title_terms.end())));
      configure(e);
      mset = e.get_mset(first, limit);
      tiered = mset.size() == limit && limit > 0;
    }
  }
  if (!tiered) {
    Xapian::Enquire enquire(r.db);
    enquire.set_query(build(-1));
    configure(enquire);
    mset = enquire.get_mset(first, limit);
    res.total = static_cast<std::int64_t>(mset.get_matches_estimated());
    res.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
  }

  for (auto it = mset.begin(); it != mset.end(); ++it) {
    StoredDoc d;
    if (!DecodeStored(it.get_document().get_data(), d)) continue;
    Hit hit;
    hit.kind = d.kind;
    hit.id = d.id;
    hit.score = it.get_weight();
    Snippet(d, q.lang, words, r.stem, r.lemmas, hit);
    res.hits.push_back(std::move(hit));
  }

  // Facet counts (and the total of a tiered search), unranked (BoolWeight in docid order), so Xapian stops
  // after `check` matches: exact up to there, scaled up beyond. A filtered
  // facet is counted without its own filter (disjunctive facets), in a run
  // of its own; the other facets share one run.
  auto count = [&](int skip, const std::array<bool, kNumFacets>& which) {
    Xapian::Enquire e(r.db);
    e.set_query(build(skip));
    e.set_weighting_scheme(Xapian::BoolWeight());
    std::shared_lock<std::shared_mutex> column_lock;
    const FacetColumn* column = nullptr;
    if (!column_writer_waiting_.load()) {
      column_lock = std::shared_lock(column_.mu);
      column = &column_;
    }
    FacetSpy spy(which, column);
    e.add_matchspy(&spy);
    Xapian::MSet m = e.get_mset(0, 0, check);
    if (!CollectCounts(spy, m, which, r.facet_names, res.facets)) res.facets_exact = false;
    // Looked at up to `check` matches: a better total than the ranked run's
    // estimate (an OR of a word's stems and lemmas is estimated loosely).
    if (skip < 0) {
      res.total = static_cast<std::int64_t>(m.get_matches_estimated());
      res.total_exact = m.get_matches_lower_bound() == m.get_matches_upper_bound();
    }
  };
  bool any_main = std::find(main_wanted.begin(), main_wanted.end(), true) != main_wanted.end();
  if (tiered || (any_main && !(res.total == 0 && res.total_exact))) count(-1, main_wanted);
  for (std::size_t f = 0; f < kNumFacets; ++f) {
    if (!wanted[f] || !filtered[f]) continue;
    std::array<bool, kNumFacets> one{};
    one[f] = true;
    count(static_cast<int>(f), one);
  }
  for (std::size_t f = 0; f < kNumFacets; ++f) {
    if (wanted[f]) res.facets[kFacets[f]];  // present, even when empty
  }
  return res;
}

Result<Results> XapianIndex::Search(const Query& q) {
  std::array<bool, kNumFacets> wanted{};
  for (const auto& name : q.facets) {
    int f = FacetIndex(name);
    if (f < 0) return Status::InvalidArgument("unknown facet '" + name + "'");
    wanted[static_cast<std::size_t>(f)] = true;
  }
  std::vector<std::pair<int, Xapian::Query>> filters;
  for (const auto& [name, values] : q.filters) {
    int f = FacetIndex(name);
    if (f < 0) return Status::InvalidArgument("unknown facet '" + name + "'");
    std::vector<Xapian::Query> terms;
    for (const auto& v : values) {
      if (!v.empty()) terms.emplace_back(kFacetPrefix[f] + v);
    }
    if (terms.empty()) continue;
    filters.emplace_back(f, Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
  }
  std::optional<Xapian::Query> audience;
  if (!q.audience.empty()) {
    std::vector<Xapian::Query> terms;
    for (const auto& a : q.audience) terms.emplace_back(kAudiencePrefix + a);
    audience = Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }
  // One thesaurus for the whole search, whatever a swap does meanwhile.
  std::shared_ptr<const Synonyms> synonyms;
  {
    std::lock_guard lock(synonyms_mu_);
    synonyms = synonyms_;
  }
  std::string last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      Lease r = Acquire();
      try {
        if (q.like) {
          QueryWords words;
          std::optional<Xapian::Query> like = LikeQuery(r->db, q.like->first, q.like->second, r->stem, words);
          if (!like) return Results{};
          return RunSearch(*r, q, words, *like, filters, audience, wanted);
        }
        auto parse = [&](const std::string& text) {
          QueryWords words = ParseWords(text, r->stem, r->lemmas, synonyms.get());
          // Lemma terms in no document are left out: the query (its cost
          // and Xapian's estimates) stays what it was for words that have no
          // other forms in the index. So are synonyms that cannot match.
          auto absent = [&](const std::string& t) { return r->db.get_termfreq(t) == 0; };
          for (auto& l : words.lemmas) std::erase_if(l, absent);
          for (auto& span : words.synonyms) {
            std::erase_if(span.alternatives, [&](const std::vector<std::string>& alt) {
              return std::any_of(alt.begin(), alt.end(), absent);
            });
          }
          std::erase_if(words.synonyms, [](const SynonymSpan& span) { return span.alternatives.empty(); });
          return words;
        };
        QueryWords words = parse(q.text);
        Results res = RunSearch(*r, q, words, TextQuery(words), filters, audience, wanted);
        if (res.total > 0 || !res.hits.empty() || words.groups.empty()) return res;
        // Found nothing: a word may be misspelt ("migrnat"). The correction
        // is offered, with its results, only when it finds something this
        // reader may see (with the same filters): a suggestion never leads
        // nowhere, nor reveals a word of a document the reader cannot see.
        std::optional<std::string> fixed = Correct(r->db, q.text, words);
        if (!fixed) return res;
        QueryWords fixed_words = parse(*fixed);
        Results corrected = RunSearch(*r, q, fixed_words, TextQuery(fixed_words), filters, audience, wanted);
        if (corrected.total == 0 && corrected.hits.empty()) return res;
        corrected.suggestion = *fixed;
        corrected.corrected_from = q.text;
        return corrected;
      } catch (const Xapian::DatabaseModifiedError&) {
        r->generation = 0;  // reopened before it is used again
        throw;
      }
    } catch (const Xapian::DatabaseModifiedError& e) {
      // Not expected (see active_), but harmless: retry on a reopened reader.
      last_error = e.get_msg();
    } catch (const Xapian::Error& e) {
      return FromXapian(e, "search");
    } catch (const std::exception& e) {
      return FromStd(e, "search");
    }
  }
  return Status::Unavailable("search index: changed during the search; retry (" + last_error + ")");
}

}  // namespace

Result<std::unique_ptr<Index>> OpenXapianIndex(const std::string& dir, const XapianIndexOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Unavailable("search index: cannot create " + dir + ": " + ec.message());
  try {
    Xapian::WritableDatabase writer(dir, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
    std::shared_ptr<Lemmatizer> lemmatizer;
    if (!options.dictionary_dir.empty()) lemmatizer = SharedLemmatizer(options.dictionary_dir, options.warn);
    auto index = std::make_unique<XapianIndex>(dir, options, std::move(writer), std::move(lemmatizer));
    index->EnsureSentinel();
    index->LoadColumn();
    return std::unique_ptr<Index>(std::move(index));
  } catch (const Xapian::Error& e) {
    return FromXapian(e, ("open " + dir).c_str());
  } catch (const std::exception& e) {
    return FromStd(e, "open");
  }
}

Result<std::int64_t> SnapshotXapianIndex(const std::string& dir, const std::string& out_dir, int attempts) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(out_dir, ec)) {
    return Status::InvalidArgument("'" + out_dir + "' already exists: give a directory that does not");
  }
  if (!fs::exists(fs::path(dir) / "iamglass", ec))
    return Status::NotFound("no search index in '" + dir + "'");
  // Written beside the target and renamed into place when whole.
  const std::string partial = out_dir + ".partial";
  for (int attempt = 1;; ++attempt) {
    fs::remove_all(partial, ec);
    try {
      Xapian::Database db(dir, Xapian::DB_BACKEND_GLASS);
      std::string seq = db.get_metadata(kAppliedSeqKey);
      // Same document ids: the facet column is kept by document id.
      db.compact(partial, Xapian::DBCOMPACT_NO_RENUMBER);
      fs::rename(partial, out_dir, ec);
      if (ec) {
        fs::remove_all(partial, ec);
        return Status::Unavailable("cannot move the copy to '" + out_dir + "': " + ec.message());
      }
      return seq.empty() ? 0 : std::stoll(seq);
    } catch (const Xapian::DatabaseModifiedError&) {
      if (attempt >= attempts) {
        fs::remove_all(partial, ec);
        return Status::Unavailable("the index changed faster than it could be copied (" +
                                   std::to_string(attempts) +
                                   " tries); try again when fewer changes are being made");
      }
    } catch (const Xapian::Error& e) {
      fs::remove_all(partial, ec);
      return FromXapian(e, "snapshot");
    } catch (const std::exception& e) {
      fs::remove_all(partial, ec);
      return FromStd(e, "snapshot");
    }
  }
}

}  // namespace waymark::search
