#include "search/xapian_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "search/fold.h"

namespace waymark::search {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "wm-xapian-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Document Doc(Id id, const std::string& lang, const std::string& title, const std::string& body,
             std::map<std::string, std::vector<std::string>> facets = {}, TimestampMs date = 0,
             std::vector<std::string> audience = {"public"}) {
  Document d;
  d.kind = "campaign";
  d.id = id;
  d.texts[lang] = {title, body};
  d.facets = std::move(facets);
  d.audience = std::move(audience);
  d.date = date;
  return d;
}

std::vector<Id> Ids(const Results& r) {
  std::vector<Id> ids;
  for (const auto& h : r.hits) ids.push_back(h.id);
  return ids;
}

class XapianIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto idx = OpenXapianIndex(dir_.path() + "/index");
    ASSERT_TRUE(idx.ok()) << idx.status().message();
    index_ = std::move(idx).value();
  }
  void Put(const Document& d) { ASSERT_TRUE(index_->Upsert(d).ok()); }
  void Commit(std::int64_t seq = 1) { ASSERT_TRUE(index_->Commit(seq).ok()); }
  Results Find(Query q) {
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : Results{};
  }
  std::vector<Id> FindIds(const std::string& text) {
    Query q;
    q.text = text;
    return Ids(Find(q));
  }

  TempDir dir_;
  std::unique_ptr<Index> index_;
};

TEST(Fold, FoldsLatinLetters) {
  EXPECT_EQ(FoldText("Migración ÉTRANGERS Campaña façade Œuvre Straße Łódź"),
            "migracion etrangers campana facade oeuvre strasse lodz");
  std::vector<std::string> words;
  ForEachWord("L'étranger, c'est\xFF moi! e\xCC\x81t\xC3\xA9",
              [&](std::size_t, std::size_t, std::string_view w) { words.emplace_back(w); });
  EXPECT_EQ(words, (std::vector<std::string>{"l", "etranger", "c", "est", "moi", "ete"}));
}

TEST_F(XapianIndexTest, AccentAndStemming) {
  Put(Doc(1, "es", "La migración en España", "Una campaña contra la xenofobia."));
  Put(Doc(2, "fr", "Les etranger", "Un texte sur les étrangers et les migrants."));
  Put(Doc(3, "en", "A migrant's story", "Posters about one migrant."));
  Commit();
  EXPECT_EQ(FindIds("migracion"), std::vector<Id>{1});
  EXPECT_EQ(FindIds("MIGRACIÓN"), std::vector<Id>{1});
  EXPECT_EQ(FindIds("étrangers"), std::vector<Id>{2});
  EXPECT_EQ(FindIds("etranger"), std::vector<Id>{2});
  auto migrants = FindIds("migrants");
  std::sort(migrants.begin(), migrants.end());
  EXPECT_EQ(migrants, (std::vector<Id>{2, 3}));
  EXPECT_EQ(FindIds("campañas"), std::vector<Id>{1});
  EXPECT_EQ(FindIds("campanas"), std::vector<Id>{1});
  EXPECT_EQ(FindIds("campaña xenofobia"), std::vector<Id>{1});
  EXPECT_TRUE(FindIds("campaña posters").empty());  // words are ANDed
  EXPECT_TRUE(FindIds("nothinglikethis").empty());
}

// Dictionary lemmas (Hunspell, from the hunspell-en-us/-fr/-es packages):
// a query word finds the other forms of its lemma.
TEST_F(XapianIndexTest, LemmasFindConjugations) {
  Put(Doc(1, "fr", "Les travailleurs migrants contribuent à la ville", "Un texte."));
  Put(Doc(2, "fr", "Ils viennent de loin", "Des familles viennent de loin."));
  Put(Doc(3, "es", "Los migrantes pueden votar", "Un texto."));
  Put(Doc(4, "fr", "Contribuer à la ville", "Un texte sur la contribution."));
  Put(Doc(5, "es", "Los trabajadores quieren quedarse", "Un texto."));
  Commit();
  auto contribuer = FindIds("contribuer");
  // The exact word first, then the conjugation found by its lemma.
  EXPECT_EQ(contribuer, (std::vector<Id>{4, 1}));
  EXPECT_EQ(FindIds("venir"), std::vector<Id>{2});
  EXPECT_EQ(FindIds("poder"), std::vector<Id>{3});
  EXPECT_EQ(FindIds("querer"), std::vector<Id>{5});
  // A conjugated query word finds the other forms too, and current stemming stays.
  auto contribuent = FindIds("contribuent");
  std::sort(contribuent.begin(), contribuent.end());
  EXPECT_EQ(contribuent, (std::vector<Id>{1, 4}));
  auto migrant = FindIds("migrant");
  std::sort(migrant.begin(), migrant.end());
  EXPECT_EQ(migrant, (std::vector<Id>{1, 3}));
  // Snippets mark the word that the lemma matched.
  Query q;
  q.text = "venir";
  Results r = Find(q);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_NE(r.hits[0].snippet_html.find("<mark>viennent</mark>"), std::string::npos)
      << r.hits[0].snippet_html;
}

// Without dictionaries search works on stems alone, and says so once.
TEST(XapianIndexLemmas, MissingDictionariesLeaveStemsAndWarnOnce) {
  TempDir dir;
  std::mutex mu;
  std::vector<std::string> warnings;
  XapianIndexOptions options;
  options.dictionary_dir = dir.path() + "/no-dictionaries-here";
  options.warn = [&](const std::string& m) {
    std::lock_guard lock(mu);
    warnings.push_back(m);
  };
  auto idx = OpenXapianIndex(dir.path() + "/index", options);
  ASSERT_TRUE(idx.ok()) << idx.status().message();
  auto& index = **idx;
  ASSERT_TRUE(index.Upsert(Doc(1, "fr", "Ils viennent de loin", "Les étrangers contribuent.")).ok());
  ASSERT_TRUE(index.Upsert(Doc(2, "es", "Los migrantes pueden votar", "Un texto.")).ok());
  ASSERT_TRUE(index.Commit(1).ok());
  auto find = [&](const std::string& text) {
    Query q;
    q.text = text;
    auto r = index.Search(q);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? Ids(*r) : std::vector<Id>{};
  };
  EXPECT_EQ(find("etranger"), std::vector<Id>{1});
  EXPECT_EQ(find("contribuent"), std::vector<Id>{1});
  EXPECT_EQ(find("migrante"), std::vector<Id>{2});
  EXPECT_TRUE(find("venir").empty());
  EXPECT_TRUE(find("poder").empty());
  // Once per language, however many words were looked up.
  std::lock_guard lock(mu);
  EXPECT_EQ(warnings.size(), 3u);
  for (const auto& w : warnings) EXPECT_NE(w.find("no Hunspell dictionary"), std::string::npos) << w;
}

TEST_F(XapianIndexTest, TitleWeighsMoreThanBody) {
  Put(Doc(1, "en", "Something else", "A long body about xenophobia and many other words here"));
  Put(Doc(2, "en", "Xenophobia", "A long body about something else and many other words here"));
  Commit();
  EXPECT_EQ(FindIds("xenophobia"), (std::vector<Id>{2, 1}));
}

TEST_F(XapianIndexTest, FacetsCombineWithQueryAndDisjunctiveCounts) {
  Put(Doc(1, "en", "Migrant voices", "x",
          {{"country", {"GBR", "GRC"}}, {"theme", {"inclusion"}}, {"year", {"2015"}}}));
  Put(Doc(2, "en", "Migrant workers", "x",
          {{"country", {"GRC"}}, {"theme", {"labour"}}, {"year", {"2016"}}}));
  Put(Doc(3, "en", "Migrant children", "x",
          {{"country", {"ESP"}}, {"theme", {"children"}}, {"year", {"2016"}}}));
  Put(Doc(4, "en", "Unrelated", "x", {{"country", {"GRC"}}, {"theme", {"inclusion"}}, {"year", {"2016"}}}));
  Commit();

  Query q;
  q.text = "migrant";
  q.facets = {"country", "theme", "year", "lang", "kind"};
  Results all = Find(q);
  EXPECT_EQ(all.total, 3);
  EXPECT_TRUE(all.facets_exact);
  EXPECT_EQ(all.facets["country"], (std::map<std::string, std::int64_t>{{"ESP", 1}, {"GBR", 1}, {"GRC", 2}}));
  EXPECT_EQ(all.facets["lang"], (std::map<std::string, std::int64_t>{{"en", 3}}));
  EXPECT_EQ(all.facets["kind"], (std::map<std::string, std::int64_t>{{"campaign", 3}}));

  q.filters = {{"country", {"GRC"}}};
  Results grc = Find(q);
  auto ids = Ids(grc);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<Id>{1, 2}));
  // The country counts ignore the country filter; the others obey it.
  EXPECT_EQ(grc.facets["country"], (std::map<std::string, std::int64_t>{{"ESP", 1}, {"GBR", 1}, {"GRC", 2}}));
  EXPECT_EQ(grc.facets["theme"], (std::map<std::string, std::int64_t>{{"inclusion", 1}, {"labour", 1}}));

  // Values of one facet are ORed, facets ANDed.
  q.filters = {{"country", {"GBR", "ESP"}}, {"year", {"2016"}}};
  Results two = Find(q);
  EXPECT_EQ(Ids(two), std::vector<Id>{3});
  EXPECT_EQ(two.facets["country"], (std::map<std::string, std::int64_t>{{"ESP", 1}, {"GRC", 1}}));
  EXPECT_EQ(two.facets["year"], (std::map<std::string, std::int64_t>{{"2015", 1}, {"2016", 1}}));
  EXPECT_EQ(two.facets["theme"], (std::map<std::string, std::int64_t>{{"children", 1}}));

  // Filters without text.
  Query f;
  f.filters = {{"theme", {"inclusion"}}};
  auto fids = Ids(Find(f));
  std::sort(fids.begin(), fids.end());
  EXPECT_EQ(fids, (std::vector<Id>{1, 4}));

  Query bad;
  bad.facets = {"colour"};
  EXPECT_EQ(index_->Search(bad).status().kind(), Status::Kind::kInvalidArgument);
  bad.facets = {};
  bad.filters = {{"colour", {"red"}}};
  EXPECT_EQ(index_->Search(bad).status().kind(), Status::Kind::kInvalidArgument);
}

TEST_F(XapianIndexTest, EstimatedFacetCountsBeyondTheCheckLimit) {
  TempDir dir;
  auto idx = OpenXapianIndex(dir.path(), {.check_at_least = 10});
  ASSERT_TRUE(idx.ok());
  for (Id i = 1; i <= 200; ++i) {
    ASSERT_TRUE(
        (*idx)->Upsert(Doc(i, "en", "Migrant " + std::to_string(i), "body", {{"country", {"GRC"}}})).ok());
  }
  ASSERT_TRUE((*idx)->Commit(1).ok());
  Query q;
  q.text = "migrant";
  q.facets = {"country"};
  q.limit = 5;
  auto r = (*idx)->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->facets_exact);
  EXPECT_EQ(r->hits.size(), 5u);
  EXPECT_GT(r->facets["country"]["GRC"], 20);
  EXPECT_LE(r->facets["country"]["GRC"], 200);
}

TEST_F(XapianIndexTest, LikeRanksByTheDocumentsDistinctiveWords) {
  Put(Doc(1, "en", "Evacuation of migrant workers by sea",
          "Chartered ferries evacuated stranded migrant workers from the port during the war."));
  Put(Doc(2, "en", "Ferries for stranded workers",
          "When fighting closed the airport, ferries evacuated stranded workers from the port."));
  Put(Doc(3, "en", "Hotline in twelve languages", "A telephone hotline answered calls day and night."));
  Put(Doc(4, "fr", "Évacuation par la mer", "Des ferries ont évacué les travailleurs bloqués au port."));
  Put(Doc(5, "en", "Registration drive", "Consular staff registered nationals before the crisis.",
          {{"phase", {"preparedness"}}}));
  Commit();
  Query q;
  q.like = std::make_pair(std::string("campaign"), Id{1});
  std::vector<Id> ids = Ids(Find(q));
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids.front(), 2) << "the document sharing most distinctive words comes first";
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 1), 0) << "never the document itself";
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 3), 0) << "nothing in common";
  // Filters and facets apply as to any query.
  q.filters["phase"] = {"preparedness"};
  EXPECT_TRUE(Ids(Find(q)).empty());
  // A document that is not in the index is like nothing.
  Query missing;
  missing.like = std::make_pair(std::string("campaign"), Id{99});
  EXPECT_TRUE(Find(missing).hits.empty());
}

TEST_F(XapianIndexTest, Audience) {
  Put(Doc(1, "en", "Public migrant", "x", {}, 0, {"public"}));
  Put(Doc(2, "en", "Members migrant", "x", {}, 0, {"members"}));
  Put(Doc(3, "en", "Org migrant", "x", {}, 0, {"org:7"}));
  Put(Doc(4, "en", "Hidden migrant", "x", {}, 0, {}));
  Commit();
  auto find = [&](std::vector<std::string> audience) {
    Query q;
    q.text = "migrant";
    q.audience = std::move(audience);
    auto ids = Ids(Find(q));
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  EXPECT_EQ(find({"public"}), std::vector<Id>{1});
  EXPECT_EQ(find({"public", "members"}), (std::vector<Id>{1, 2}));
  EXPECT_EQ(find({"public", "members", "org:7"}), (std::vector<Id>{1, 2, 3}));
  EXPECT_EQ(find({"public", "members", "org:8"}), (std::vector<Id>{1, 2}));
  EXPECT_EQ(find({}), (std::vector<Id>{1, 2, 3, 4}));  // moderator
}

TEST_F(XapianIndexTest, SnippetsEscapeAndMark) {
  Put(Doc(1, "en", "Title <b>bold</b>",
          "Before `<script>alert('x')</script>` the migrants & their \"friends\" arrived <img src=x "
          "onerror=alert(1)>."));
  Commit();
  Query q;
  q.text = "migrant";
  Results r = Find(q);
  ASSERT_EQ(r.hits.size(), 1u);
  const std::string& s = r.hits[0].snippet_html;
  EXPECT_EQ(s.find("<script"), std::string::npos) << s;
  EXPECT_NE(s.find("&lt;script&gt;"), std::string::npos) << s;
  EXPECT_NE(s.find("<mark>migrants</mark>"), std::string::npos) << s;
  EXPECT_NE(s.find("&amp;"), std::string::npos) << s;
  EXPECT_NE(s.find("&quot;friends&quot;"), std::string::npos) << s;
  EXPECT_EQ(s.find("<img"), std::string::npos) << s;  // raw HTML in Markdown is dropped
  EXPECT_EQ(s.find("onerror"), std::string::npos) << s;

  // A title-only document: the snippet is the (escaped) title.
  Put(Doc(2, "en", "<script>alert(1)</script> refugees", ""));
  Commit(2);
  q.text = "refugee";
  r = Find(q);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].snippet_html, "&lt;script&gt;alert(1)&lt;/script&gt; <mark>refugees</mark>");
  EXPECT_EQ(r.hits[0].lang, "en");
  EXPECT_EQ(r.hits[0].kind, "campaign");
}

TEST_F(XapianIndexTest, SnippetPassageAndLanguage) {
  std::string filler;
  for (int i = 0; i < 60; ++i) filler += "palabra ";
  Document d = Doc(1, "es", "Título", filler + "la migración de las personas " + filler);
  d.texts["en"] = {"Title", "People and migración here."};
  Put(d);
  Commit();
  Query q;
  q.text = "migracion";
  q.lang = "es";
  Results r = Find(q);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].lang, "es");
  const std::string& s = r.hits[0].snippet_html;
  EXPECT_NE(s.find("<mark>migración</mark>"), std::string::npos) << s;
  EXPECT_EQ(s.rfind("\xE2\x80\xA6", 0), 0u) << s;  // starts with an ellipsis: the passage is cut
  EXPECT_LT(s.size(), 300u) << s;
  q.lang = "en";
  r = Find(q);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].lang, "en");
  EXPECT_NE(r.hits[0].snippet_html.find("<mark>migración</mark>"), std::string::npos)
      << r.hits[0].snippet_html;
  q.lang = "fr";  // not there: the language that matches
  r = Find(q);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_NE(r.hits[0].lang, "fr");
}

// Without a query nothing is marked: the snippet is the start of the
// reader's language (or the first), cut after the last whole word that fits
// in 200 bytes, even when a word's multi-byte letter straddles that byte.
TEST_F(XapianIndexTest, SnippetWithoutAQueryIsTheStartCutAtAWord) {
  std::string filler;
  for (int i = 0; i < 49; ++i) filler += "mot ";  // 196 bytes
  // "aaa", then U+1EA7 (3 bytes, 199-201), then "b": one word across byte 200.
  Document d = Doc(1, "fr", "Titre",
                   filler +
                       "aaa\xE1\xBA\xA7"
                       "b suite et fin");
  d.texts["en"] = {"Title", "Short English text."};
  Put(d);
  Commit();
  Query q;
  q.lang = "fr";
  Results r = Find(q);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].lang, "fr");
  EXPECT_EQ(r.hits[0].snippet_html, filler.substr(0, filler.size() - 1) + "\xE2\x80\xA6");
  q.lang = "en";
  r = Find(q);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].lang, "en");
  EXPECT_EQ(r.hits[0].snippet_html, "Short English text.");
  q.lang = "es";  // not there: the first language
  r = Find(q);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].lang, "en");
}

TEST_F(XapianIndexTest, MarkdownBodyIsIndexedAsText) {
  Put(Doc(1, "en", "T", "Some **bold migrants** and <span>raw</span> [a link](https://x.org)"));
  Commit();
  Query q;
  q.text = "migrants";
  Results r = Find(q);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].snippet_html.find("**"), std::string::npos) << r.hits[0].snippet_html;
  EXPECT_TRUE(FindIds("span").empty());
}

TEST_F(XapianIndexTest, NewestFirstAndPaging) {
  for (Id i = 1; i <= 30; ++i) {
    std::string title = i == 5 ? "migrant migrant migrant" : "migrant";
    Put(Doc(i, "en", title, "story", {}, 1000 * i));
  }
  Commit();
  Query q;
  q.text = "migrant";
  q.newest_first = true;
  q.limit = 10;
  Results r = Find(q);
  EXPECT_EQ(r.total, 30);
  EXPECT_TRUE(r.total_exact);
  EXPECT_EQ(Ids(r), (std::vector<Id>{30, 29, 28, 27, 26, 25, 24, 23, 22, 21}));
  q.offset = 25;
  EXPECT_EQ(Ids(Find(q)), (std::vector<Id>{5, 4, 3, 2, 1}));
  q.offset = 40;
  EXPECT_TRUE(Find(q).hits.empty());

  // By relevance: the strongest match first, then newest.
  q.newest_first = false;
  q.offset = 0;
  q.limit = 3;
  EXPECT_EQ(Ids(Find(q)), (std::vector<Id>{5, 30, 29}));

  // No words: everything, newest first.
  Query all;
  all.limit = 2;
  Results a = Find(all);
  EXPECT_EQ(a.total, 30);
  EXPECT_EQ(Ids(a), (std::vector<Id>{30, 29}));
}

TEST_F(XapianIndexTest, LargeMatchSetsAreRankedFromTheTitleTier) {
  TempDir dir;
  auto idx = OpenXapianIndex(dir.path(), {.check_at_least = 1000, .title_tier_above = 5});
  ASSERT_TRUE(idx.ok());
  for (Id i = 1; i <= 40; ++i) {
    std::string title = i % 4 == 0 ? "Migrant story " + std::to_string(i) : "Story " + std::to_string(i);
    ASSERT_TRUE(
        (*idx)->Upsert(Doc(i, "en", title, "about a migrant and more words", {{"year", {"2015"}}})).ok());
  }
  ASSERT_TRUE((*idx)->Commit(1).ok());
  Query q;
  q.text = "migrants";
  q.limit = 5;
  q.facets = {"year"};
  auto r = (*idx)->Search(q);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->hits.size(), 5u);
  for (const auto& h : r->hits) EXPECT_EQ(h.id % 4, 0) << h.id;  // title matches first
  EXPECT_EQ(r->total, 40);
  EXPECT_EQ(r->facets["year"]["2015"], 40);
  // Past the title tier (10 documents): every match is ranked.
  q.offset = 10;
  r = (*idx)->Search(q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 5u);
  for (const auto& h : r->hits) EXPECT_NE(h.id % 4, 0) << h.id;
  EXPECT_EQ(r->total, 40);
  // Without facets the total is still counted.
  q.offset = 0;
  q.facets = {};
  r = (*idx)->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 40);
}

TEST_F(XapianIndexTest, UpsertReplacesAndRemoveDeletes) {
  Put(Doc(1, "en", "Migrant", "x"));
  Commit();
  Put(Doc(1, "en", "Refugee", "x"));
  Commit(2);
  EXPECT_TRUE(FindIds("migrant").empty());
  EXPECT_EQ(FindIds("refugee"), std::vector<Id>{1});
  ASSERT_TRUE(index_->Remove("campaign", 1).ok());
  ASSERT_TRUE(index_->Remove("campaign", 99).ok());   // absent: fine
  EXPECT_EQ(FindIds("refugee"), std::vector<Id>{1});  // not committed yet
  Commit(3);
  EXPECT_TRUE(FindIds("refugee").empty());
  EXPECT_EQ(*index_->DocumentCount(), 0);
}

TEST_F(XapianIndexTest, DidYouMeanCorrectsAQueryThatFindsNothing) {
  Put(Doc(1, "en", "Migrant workers", "Posters about migrant work."));
  Put(Doc(2, "fr", "Les travailleurs migrants", "Une campagne."));
  Put(Doc(3, "en", "Children at the border", "A report."));
  Commit();
  Query q;
  q.text = "migrnat";
  Results r = Find(q);
  EXPECT_EQ(r.suggestion, "migrant");
  EXPECT_EQ(r.corrected_from, "migrnat");
  EXPECT_EQ(r.total, 2);
  auto ids = Ids(r);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<Id>{1, 2}));
  ASSERT_FALSE(r.hits.empty());
  EXPECT_NE(r.hits[0].snippet_html.find("<mark>"), std::string::npos) << r.hits[0].snippet_html;
  // Only the misspelt word changes; the others stay as typed.
  q.text = "Children bordr";
  r = Find(q);
  EXPECT_EQ(r.suggestion, "Children border");
  EXPECT_EQ(r.corrected_from, "Children bordr");
  EXPECT_EQ(Ids(r), (std::vector<Id>{3}));
  // A query that finds something is not corrected, nor one with no close word.
  q.text = "migrants";
  r = Find(q);
  EXPECT_TRUE(r.suggestion.empty());
  EXPECT_TRUE(r.corrected_from.empty());
  q.text = "zzzzzzzz";
  r = Find(q);
  EXPECT_EQ(r.total, 0);
  EXPECT_TRUE(r.suggestion.empty());
  // Nor one whose correction finds nothing under the same filters.
  q.text = "migrnat";
  q.filters["country"] = {"FRA"};
  r = Find(q);
  EXPECT_EQ(r.total, 0);
  EXPECT_TRUE(r.suggestion.empty());
  EXPECT_TRUE(r.corrected_from.empty());
}

TEST_F(XapianIndexTest, DidYouMeanOffersNoWordOfADocumentTheReaderCannotSee) {
  Put(Doc(1, "en", "Xenophobia", "Members only.", {}, 0, {"members"}));
  Put(Doc(2, "en", "Welcome", "Public.", {}, 0, {"public"}));
  Commit();
  Query q;
  q.text = "xenofobia";
  q.audience = {"public"};
  Results r = Find(q);
  EXPECT_EQ(r.total, 0);
  EXPECT_TRUE(r.suggestion.empty());
  q.audience = {"public", "members"};
  r = Find(q);
  EXPECT_EQ(r.suggestion, "xenophobia");
  EXPECT_EQ(Ids(r), (std::vector<Id>{1}));
}

TEST_F(XapianIndexTest, DidYouMeanFollowsEditsRemovalsAndClear) {
  Put(Doc(1, "en", "Migrant workers", "Posters."));
  Commit(1);
  Query q;
  q.text = "migrnat";
  EXPECT_EQ(Find(q).suggestion, "migrant");
  // An edit that drops the word takes it out of the spelling data.
  Put(Doc(1, "en", "Seasonal workers", "Posters."));
  Commit(2);
  EXPECT_TRUE(Find(q).suggestion.empty());
  q.text = "seasonl";
  EXPECT_EQ(Find(q).suggestion, "seasonal");
  ASSERT_TRUE(index_->Remove("campaign", 1).ok());
  Commit(3);
  EXPECT_TRUE(Find(q).suggestion.empty());
  // A rebuild (Clear, then every document again) counts each word once.
  Put(Doc(2, "en", "Refugees welcome", "Refugees."));
  Commit(4);
  ASSERT_TRUE(index_->Clear().ok());
  Put(Doc(3, "en", "Seasonal work", "Harvest."));
  Commit(5);
  EXPECT_EQ(Find(q).suggestion, "seasonal");
  q.text = "refugess";
  EXPECT_TRUE(Find(q).suggestion.empty());
  // A re-opened index (another process) reads the same spelling data.
  index_.reset();
  auto reopened = OpenXapianIndex(dir_.path() + "/index");
  ASSERT_TRUE(reopened.ok());
  index_ = std::move(reopened).value();
  q.text = "seasonl";
  EXPECT_EQ(Find(q).suggestion, "seasonal");
}

TEST_F(XapianIndexTest, CommitKeepsAppliedSeqAcrossReopen) {
  EXPECT_EQ(*index_->AppliedSeq(), 0);
  Put(Doc(1, "en", "Migrant", "x"));
  Commit(42);
  EXPECT_EQ(*index_->AppliedSeq(), 42);
  index_.reset();
  auto again = OpenXapianIndex(dir_.path() + "/index");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*(*again)->AppliedSeq(), 42);
  EXPECT_EQ(*(*again)->DocumentCount(), 1);
}

TEST_F(XapianIndexTest, FacetValuesSurviveReopen) {
  Put(Doc(1, "en", "Migrant", "x", {{"country", {"GRC"}}, {"theme", {"inclusion"}}}));
  Commit(1);
  index_.reset();
  auto again = OpenXapianIndex(dir_.path() + "/index");
  ASSERT_TRUE(again.ok()) << again.status().message();
  index_ = std::move(again).value();
  // A known value and a new one, after the reopen.
  Put(Doc(2, "en", "Migrant", "x", {{"country", {"GRC", "ESP"}}, {"theme", {"children"}}}));
  Commit(2);
  Query q;
  q.text = "migrant";
  q.facets = {"country", "theme"};
  Results r = Find(q);
  EXPECT_EQ(r.facets["country"], (std::map<std::string, std::int64_t>{{"ESP", 1}, {"GRC", 2}}));
  EXPECT_EQ(r.facets["theme"], (std::map<std::string, std::int64_t>{{"children", 1}, {"inclusion", 1}}));
  q.filters = {{"country", {"ESP"}}};
  EXPECT_EQ(Ids(Find(q)), std::vector<Id>{2});
}

TEST_F(XapianIndexTest, ClearDropsEverythingAtTheNextCommit) {
  Put(Doc(1, "en", "Migrant", "x"));
  Put(Doc(2, "en", "Migrant", "y"));
  Commit(5);
  ASSERT_TRUE(index_->Clear().ok());
  EXPECT_EQ(*index_->DocumentCount(), 2);  // still visible until the commit
  Put(Doc(3, "en", "Migrant", "z"));
  Commit(9);
  EXPECT_EQ(FindIds("migrant"), std::vector<Id>{3});
  EXPECT_EQ(*index_->AppliedSeq(), 9);
}

TEST_F(XapianIndexTest, SecondWriterIsUnavailable) {
  auto second = OpenXapianIndex(dir_.path() + "/index");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().kind(), Status::Kind::kUnavailable) << second.status().message();
}

TEST_F(XapianIndexTest, ConcurrentSearchesWhileWriting) {
  for (Id i = 1; i <= 50; ++i)
    Put(Doc(i, "en", "Migrant " + std::to_string(i), "story", {{"country", {"GRC"}}}));
  Commit();
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        Query q;
        q.text = "migrant";
        q.facets = {"country"};
        auto r = index_->Search(q);
        if (!r.ok() || r->total < 50) ++failures;
      }
    });
  }
  for (Id i = 51; i <= 100; ++i) {
    Put(Doc(i, "en", "Migrant", "story"));
    Commit(i);
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(FindIds("migrant").size(), 20u);
}

std::shared_ptr<const Thesaurus> MigrationThesaurus() {
  auto t = std::make_shared<Thesaurus>();
  t->concepts.push_back({{"en", {"xenophobia"}}, {"fr", {"xénophobie"}}, {"es", {"xenofobia"}}});
  t->concepts.push_back(
      {{"en", {"asylum seeker"}}, {"fr", {"demandeur d'asile"}}, {"es", {"solicitante de asilo"}}});
  return t;
}

TEST_F(XapianIndexTest, ThesaurusSynonymsRankAfterTheReadersOwnWordsAndAreMarked) {
  Put(Doc(1, "en", "Against xenophobia", "Posters in the stations."));
  Put(Doc(2, "fr", "Contre la xénophobie", "Des affiches contre la xénophobie dans les gares."));
  Put(Doc(3, "es", "Un solicitante de asilo", "Historias de Quito."));
  Put(Doc(4, "en", "Seekers of truth", "An asylum for old horses."));
  Commit();
  EXPECT_EQ(FindIds("xenophobia"), std::vector<Id>{1});
  index_->SetThesaurus(MigrationThesaurus());
  EXPECT_EQ(FindIds("xenophobia"), (std::vector<Id>{1, 2}));
  EXPECT_EQ(FindIds("xénophobie"), (std::vector<Id>{2, 1}));
  // A multi-word term is matched as a run of the query's words, and its
  // synonyms need all their words; its words alone are no synonym.
  EXPECT_EQ(FindIds("asylum seekers"), (std::vector<Id>{4, 3}));
  EXPECT_EQ(FindIds("seekers"), std::vector<Id>{4});

  Query q;
  q.text = "xenophobia";
  q.lang = "fr";
  Results r = Find(q);
  ASSERT_EQ(r.hits.size(), 2u);
  for (const auto& h : r.hits) {
    if (h.id == 2) {
      EXPECT_EQ(h.lang, "fr");
      EXPECT_NE(h.snippet_html.find("<mark>xénophobie</mark>"), std::string::npos) << h.snippet_html;
    }
  }

  index_->SetThesaurus(nullptr);
  EXPECT_EQ(FindIds("xenophobia"), std::vector<Id>{1});
}

TEST_F(XapianIndexTest, ThesaurusSwapsWhileSearching) {
  Put(Doc(1, "en", "Against xenophobia", "Posters."));
  Put(Doc(2, "es", "Contra la xenofobia", "Carteles."));
  Commit();
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  readers.reserve(3);
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        Query q;
        q.text = "xenophobia";
        auto r = index_->Search(q);
        // One thesaurus or none, never a torn one: the English campaign first.
        if (!r.ok() || r->hits.empty() || r->hits.front().id != 1) ++failures;
      }
    });
  }
  for (int i = 0; i < 200; ++i) index_->SetThesaurus(i % 2 == 0 ? MigrationThesaurus() : nullptr);
  done = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(XapianIndexTest, BadDocumentsAreRefused) {
  Document d = Doc(1, "en", "x", "y", {{"colour", {"red"}}});
  EXPECT_EQ(index_->Upsert(d).kind(), Status::Kind::kInvalidArgument);
  d.facets = {};
  d.kind = "";
  EXPECT_EQ(index_->Upsert(d).kind(), Status::Kind::kInvalidArgument);
  Document weird = Doc(2, "en", std::string("bad \xFF\xFE utf8 migrant"), std::string(5000, 'a'));
  weird.facets = {{"country", {std::string(300, 'X'), "GRC"}}};
  EXPECT_TRUE(index_->Upsert(weird).ok());
  Commit();
  EXPECT_EQ(FindIds("migrant"), std::vector<Id>{2});
}

// Issue 8: a list without query words copied Xapian::Query::MatchAll, one
// static object whose reference count is not atomic, from every worker
// thread, and the server died under `wrk -c64 /campaigns`. Under the tsan
// preset this test reports that race at once; in the other builds it checks
// that every search answers and that counts stay consistent. Bounded: a
// fixed number of rounds per thread and a deadline.
const char* const kCountries[] = {"GBR", "GRC", "NGA", "ECU"};
const char* const kWords[] = {"migrant", "campaign", "poster", "video"};

Document MixDoc(Id id) {
  Document d;
  d.kind = "campaign";
  d.id = id;
  d.texts["en"] = {std::string("A ") + kWords[id % 4] + " story " + std::to_string(id),
                   std::string("People tell their own ") + kWords[(id + 1) % 4] + " stories."};
  d.facets["country"] = {kCountries[id % 4]};
  d.facets["theme"] = {id % 2 == 0 ? "inclusion" : "xenophobia"};
  d.audience = {"public"};
  d.date = 1000 + id;
  return d;
}

TEST(XapianIndexConcurrency, ListsSearchesAndFacetsFromManyThreadsWhileWriting) {
  TempDir dir;
  auto opened = OpenXapianIndex(dir.path() + "/index");
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  Index& index = **opened;
  constexpr Id kStable = 40;  // documents 1..kStable never change
  for (Id id = 1; id <= kStable; ++id) ASSERT_TRUE(index.Upsert(MixDoc(id)).ok());
  ASSERT_TRUE(index.Commit(1).ok());

  constexpr int kReaders = 8;
  constexpr int kRounds = 60;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::atomic<int> failures{0};
  std::atomic<bool> stop_writer{false};
  std::vector<std::string> errors(kReaders);

  std::thread writer([&] {
    // Documents above kStable come and go; the stable ones never do.
    Id next = kStable + 1;
    std::int64_t seq = 2;
    while (!stop_writer.load() && std::chrono::steady_clock::now() < deadline) {
      if (!index.Upsert(MixDoc(next)).ok() || !index.Remove("campaign", next - 3).ok() ||
          !index.Commit(seq++).ok()) {
        ++failures;
        return;
      }
      ++next;
    }
  });

  std::vector<std::thread> readers;
  readers.reserve(kReaders);
  for (int t = 0; t < kReaders; ++t) {
    readers.emplace_back([&, t] {
      for (int round = 0; round < kRounds && std::chrono::steady_clock::now() < deadline; ++round) {
        Query q;
        q.audience = {"public"};
        q.facets = {"country", "theme"};
        switch ((t + round) % 4) {
          case 0: q.newest_first = true; break;  // the list page: no words
          case 1: q.text = kWords[round % 4]; break;
          case 2: q.filters["country"] = {kCountries[round % 4]}; break;
          case 3:
            q.text = "stories";
            q.filters["theme"] = {"inclusion"};
            break;
        }
        auto r = index.Search(q);
        if (!r.ok()) {
          errors[t] = r.status().message();
          ++failures;
          return;
        }
        // Every list without words sees at least the stable documents.
        if (q.text.empty() && q.filters.empty() && r->total < kStable) {
          errors[t] = "a list saw " + std::to_string(r->total) + " documents";
          ++failures;
          return;
        }
      }
    });
  }
  for (auto& r : readers) r.join();
  stop_writer.store(true);
  writer.join();
  for (int t = 0; t < kReaders; ++t) EXPECT_EQ(errors[t], "") << "reader " << t;
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace waymark::search

namespace waymark::search {
namespace {

// Soak finding (issue 8): with a word and an audience in every document,
// lists and counts failed with DatabaseCorruptError ("Unexpected end of
// posting list for 'stori'") once one document of a few thousand had been
// deleted: a Xapian 1.4 bug that the index's sentinel document avoids (see
// kSentinelTerm in xapian_index.cc). Deterministic, one thread.
// An index of documents 1..3000 (MixDoc), committed as change 1.
std::unique_ptr<Index> OpenLargeIndex(const TempDir& dir) {
  auto opened = OpenXapianIndex(dir.path() + "/index");
  EXPECT_TRUE(opened.ok()) << opened.status().message();
  if (!opened.ok()) return nullptr;
  for (Id id = 1; id <= 3000; ++id) EXPECT_TRUE((*opened)->Upsert(MixDoc(id)).ok());
  EXPECT_TRUE((*opened)->Commit(1).ok());
  return std::move(*opened);
}

TEST(XapianIndex, AWordInEveryDocumentSurvivesADeletion) {
  TempDir dir;
  std::unique_ptr<Index> opened = OpenLargeIndex(dir);
  ASSERT_NE(opened, nullptr);
  Index& index = *opened;
  ASSERT_TRUE(index.Remove("campaign", 502).ok());
  ASSERT_TRUE(index.Commit(2).ok());
  auto count = index.DocumentCount();
  ASSERT_TRUE(count.ok()) << count.status().message();
  EXPECT_EQ(*count, 2999);
  for (const char* text : {"stories", ""}) {
    Query q;
    q.audience = {"public"};
    q.facets = {"country", "theme"};
    q.text = text;
    q.newest_first = q.text.empty();
    auto r = index.Search(q);
    ASSERT_TRUE(r.ok()) << "'" << text << "': " << r.status().message();
    EXPECT_EQ(r->total, 2999) << text;
    std::int64_t themed = 0;
    for (const auto& [value, n] : r->facets.at("theme")) themed += n;
    EXPECT_EQ(themed, 2999) << text;
  }
}

// The same index under a stream of small commits while four threads search:
// no search fails (see active_ in xapian_index.cc for why commits wait).
TEST(XapianIndexConcurrency, SearchesSurviveManyCommitsOnALargeIndex) {
  TempDir dir;
  std::unique_ptr<Index> opened = OpenLargeIndex(dir);
  ASSERT_NE(opened, nullptr);
  Index& index = *opened;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  std::atomic<bool> stop{false};
  std::atomic<int> searches{0};
  std::mutex mu;
  std::string error;
  std::thread writer([&] {
    Id next = 3001;
    std::int64_t seq = 2;
    while (!stop.load() && std::chrono::steady_clock::now() < deadline) {
      for (int i = 0; i < 20; ++i) (void)index.Upsert(MixDoc(next++));
      (void)index.Remove("campaign", next - 2500);
      (void)index.Commit(seq++);
    }
  });
  std::vector<std::thread> readers;
  readers.reserve(4);
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      for (int round = 0; round < 100000 && std::chrono::steady_clock::now() < deadline; ++round) {
        Query q;
        q.audience = {"public"};
        q.facets = {"country", "theme"};
        q.text = (t + round) % 2 ? "stories" : "";
        q.newest_first = q.text.empty();
        auto r = index.Search(q);
        ++searches;
        if (!r.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (error.empty()) error = r.status().message();
          return;
        }
      }
    });
  }
  for (auto& r : readers) r.join();
  stop.store(true);
  writer.join();
  EXPECT_EQ(error, "") << searches.load() << " searches";
}

}  // namespace
}  // namespace waymark::search
