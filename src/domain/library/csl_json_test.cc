#include "domain/library/csl_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace waymark::library {
namespace {

Reference Full() {
  Reference r;
  r.type = "chapter";
  r.title = "Displacement in the Sahel \"quoted\" \\ é";
  r.abstract = "Line one.\nLine two.";
  r.authors = {Name{"Diallo", "Aminata", ""}, Name{"", "", "IOM"}, Name{"Solo", "", ""}, Name{}};
  r.editors = {Name{"Brown", "Anne", ""}};
  r.issued = {2021, 5, 17};
  r.container_title = "Handbook";
  r.publisher = "Oxford University Press";
  r.publisher_place = "Oxford";
  r.volume = "2";
  r.issue = "3";
  r.page = "12-34";
  r.edition = "2";
  r.doi = "10.1234/abc";
  r.isbn = "9789290687696";
  r.url = "https://example.org";
  r.language = "fr";
  r.keywords = {"a, with comma", "b"};
  r.note = "n";
  r.citation_key = "diallo2021";
  return r;
}

TEST(CslJsonTest, OneItemRoundTripsExactly) {
  std::vector<Reference> cases = {Full(), Reference{}};
  Reference partial;
  partial.type = "";
  partial.issued = {2020, 0, 0};
  cases.push_back(partial);
  Reference month;
  month.issued = {2020, 7, 0};
  month.title = "T";
  cases.push_back(month);
  Reference odd;
  odd.issued = {0, 0, 9};  // not a sensible date, but it must survive the store
  cases.push_back(odd);
  for (const Reference& r : cases) {
    Result<Reference> back = ReferenceFromCslJson(ReferenceToCslJson(r));
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(*back, r) << ReferenceToCslJson(r);
  }
}

TEST(CslJsonTest, WritesCslItems) {
  Reference r;
  r.type = "article-journal";
  r.title = "T";
  r.authors = {Name{"Smith", "John", ""}, Name{"", "", "UNHCR"}};
  r.issued = {2019, 3, 0};
  r.keywords = {"x", "y"};
  r.doi = "10.1/x";
  EXPECT_EQ(
      ReferenceToCslJson(r),
      R"({"id":"smith2019t","type":"article-journal","title":"T","author":[{"family":"Smith","given":"John"},)"
      R"({"literal":"UNHCR"}],"issued":{"date-parts":[[2019,3]]},"DOI":"10.1/x","keyword":"x, y",)"
      R"("waymark-keywords":["x","y"]})");
  Reference keyed = r;
  keyed.citation_key = "k";
  std::string all = ToCslJson({r, r, keyed});
  EXPECT_NE(all.find("\"id\": \"smith2019t\""), std::string::npos) << all;
  EXPECT_NE(all.find("\"id\": \"smith2019ta\""), std::string::npos) << all;
  EXPECT_NE(all.find("\"citation-key\": \"k\""), std::string::npos) << all;
  EXPECT_EQ(all.front(), '[');
  EXPECT_EQ(ToCslJson({}), "[]");
}

TEST(CslJsonTest, ReadsForeignItems) {
  Result<Reference> r = ReferenceFromCslJson(R"({
    "id": "http://zotero.org/items/ABC", "type": "book", "title": "B", "volume": 3, "page": "7",
    "issued": {"date-parts": [["2018", "2", 1]]}, "keyword": "one; two, three",
    "author": [{"family": "F", "given": "G", "dropping-particle": "x"}], "unknown": {"deep": [1, 2]}})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->citation_key, "");
  EXPECT_EQ(r->type, "book");
  EXPECT_EQ(r->volume, "3");
  EXPECT_EQ(r->issued, (PartialDate{2018, 2, 1}));
  EXPECT_EQ(r->keywords, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(r->authors, (std::vector<Name>{Name{"F", "G", ""}}));
  Result<Reference> raw = ReferenceFromCslJson(R"({"title": "R", "issued": {"raw": "2017-06"}})");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->type, "document");
  EXPECT_EQ(raw->issued, (PartialDate{2017, 6, 0}));
  Result<Reference> literal = ReferenceFromCslJson(R"({"title": "R", "issued": {"literal": "Spring 2017"}})");
  ASSERT_TRUE(literal.ok());
  EXPECT_TRUE(literal->issued.Empty());
}

TEST(CslJsonTest, RejectsMalformedItems) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "CSL-JSON is not valid JSON (at byte 1)"},
      {"{\"title\": ", "CSL-JSON is not valid JSON (at byte 11)"},
      {"[]", "CSL-JSON item must be an object"},
      {R"({"title": 5})", "CSL-JSON member 'title' must be a string"},
      {R"({"volume": 1.5})", "CSL-JSON member 'volume' must be a string or a whole number"},
      {R"({"author": "Smith"})", "CSL-JSON member 'author' must be an array of names"},
      {R"({"author": ["Smith"]})",
       "CSL-JSON member 'author' must be an array of objects with family, given or literal"},
      {R"({"editor": [{"family": 1}]})", "editor: CSL-JSON member 'family' must be a string"},
      {R"({"issued": "2019"})", "CSL-JSON member 'issued' must be an object with date-parts"},
      {R"({"issued": {"date-parts": [2019]}})",
       "CSL-JSON member 'issued' must be an object with date-parts [[year, month, day]]"},
      {R"({"issued": {"date-parts": [[2019, 13]]}})",
       "CSL-JSON member 'issued' must be an object whose date-parts are numbers (year, month 1-12, day "
       "1-31)"},
      {R"({"waymark-keywords": "a"})", "CSL-JSON member 'waymark-keywords' must be an array of strings"},
      {R"({"waymark-keywords": [1]})", "CSL-JSON member 'waymark-keywords' must be an array of strings"},
      {"{\"title\": \"\xff\"}", "CSL-JSON is not valid JSON (at byte 12)"},
      {std::string(100, '[') + std::string(100, ']'), "CSL-JSON is nested too deeply"},
  };
  for (const auto& [json, message] : cases) {
    Result<Reference> r = ReferenceFromCslJson(json);
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_EQ(r.status().kind(), Status::Kind::kInvalidArgument);
    EXPECT_EQ(r.status().message(), message) << json;
  }
}

TEST(CslJsonTest, NeverThrowsOnInvalidUtf8InAReference) {
  Reference r;
  r.title = "bad \xff byte";
  std::string json = ReferenceToCslJson(r);
  Result<Reference> back = ReferenceFromCslJson(json);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->title, "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace waymark::library
