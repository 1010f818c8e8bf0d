#include "domain/library/ris.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "domain/library/bibtex.h"

namespace waymark::library {

// Readable failure messages.
inline void PrintTo(const ImportProblem& p, std::ostream* os) {
  *os << "{" << p.line << ", " << p.column << ", \"" << p.message << "\"}";
}
inline void PrintTo(const Name& n, std::ostream* os) {
  *os << "{family \"" << n.family << "\", given \"" << n.given << "\", literal \"" << n.literal << "\"}";
}

namespace {

Name Person(std::string family, std::string given) { return Name{std::move(family), std::move(given), ""}; }
Name Org(std::string literal) { return Name{"", "", std::move(literal)}; }

TEST(ParseRisTest, ReadsAJournalArticle) {
  ImportResult r = ParseRis(
      "\xEF\xBB\xBFTY  - JOUR\r\n"
      "ID  - smith2019\r\n"
      "AU  - Smith, John\r\n"
      "A1  - Jones, Anne B., Jr.\r\n"
      "AU  - International Organization for Migration\r\n"
      "TI  - Climate change and human mobility\r\n"
      "T2  - Journal of Migration Studies\r\n"
      "JA  - J Migr Stud\r\n"
      "PY  - 2019/03/05/\r\n"
      "SP  - 145\r\n"
      "EP  - 167\r\n"
      "VL  - 12\r\n"
      "IS  - 3\r\n"
      "SN  - 1234-5678\r\n"
      "DO  - https://doi.org/10.1234/jms.2019.12\r\n"
      "UR  - not a url\r\n"
      "UR  - https://example.org/a\r\n"
      "UR  - https://example.org/b\r\n"
      "LA  - English\r\n"
      "KW  - migration\r\n"
      "KW  - climate   \r\n"
      "AB  - An abstract that an exporter\r\n"
      "wrapped over\r\n"
      "   three lines.\r\n"
      "N1  - First note\r\n"
      "N1  - Second note\r\n"
      "XY  - an unknown tag\r\n"
      "ER  - \r\n");
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].message;
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].line, 1);
  const Reference& ref = r.entries[0].ref;
  EXPECT_EQ(ref.type, "article-journal");
  EXPECT_EQ(ref.citation_key, "smith2019");
  EXPECT_EQ(ref.authors, (std::vector<Name>{Person("Smith", "John"), Person("Jones Jr.", "Anne B."),
                                            Org("International Organization for Migration")}));
  EXPECT_EQ(ref.title, "Climate change and human mobility");
  EXPECT_EQ(ref.container_title, "Journal of Migration Studies");
  EXPECT_EQ(ref.issued, (PartialDate{2019, 3, 5}));
  EXPECT_EQ(ref.page, "145-167");
  EXPECT_EQ(ref.volume, "12");
  EXPECT_EQ(ref.issue, "3");
  EXPECT_EQ(ref.isbn, "");  // an ISSN
  EXPECT_EQ(ref.doi, "10.1234/jms.2019.12");
  EXPECT_EQ(ref.url, "https://example.org/a");
  EXPECT_EQ(ref.language, "en");
  EXPECT_EQ(ref.keywords, (std::vector<std::string>{"migration", "climate"}));
  EXPECT_EQ(ref.abstract, "An abstract that an exporter wrapped over three lines.");
  EXPECT_EQ(ref.note, "First note\nSecond note");
}

TEST(ParseRisTest, MapsTypes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"JOUR", "article-journal"},
      {"BOOK", "book"},
      {"CHAP", "chapter"},
      {"RPRT", "report"},
      {"CONF", "paper-conference"},
      {"CPAPER", "paper-conference"},
      {"THES", "thesis"},
      {"ELEC", "webpage"},
      {"WEB", "webpage"},
      {"DATA", "dataset"},
      {"MAP", "map"},
      {"VIDEO", "motion_picture"},
      {"MPCT", "motion_picture"},
      {"GEN", "document"},
      {"PAT", "document"},
      {"jour", "article-journal"},
  };
  for (const auto& [ris, csl] : cases) {
    ImportResult r = ParseRis("TY  - " + ris + "\nTI  - T\nER  -\n");
    ASSERT_EQ(r.entries.size(), 1u) << ris;
    EXPECT_EQ(r.entries[0].ref.type, csl) << ris;
  }
}

TEST(ParseRisTest, ReadsBooksChaptersAndDates) {
  ImportResult r = ParseRis(
      "TY  - BOOK\n"
      "BT  - Handbook of forced migration\n"
      "ED  - Brown, Anne\n"
      "PB  - Oxford University Press\n"
      "CY  - Oxford\n"
      "ET  - 2\n"
      "SN  - ISBN 978-92-9068-769-6 (pbk.)\n"
      "Y1  - 2021///Spring\n"
      "DA  - 2021/05/\n"
      "ER  - \n"
      "\n"
      "TY  - CHAP\n"
      "TI  - Displacement\n"
      "BT  - Handbook of forced migration\n"
      "A2  - Green, Bob\n"
      "SP  - 12-34\n"
      "PY  - 2021\n"
      "DA  - 2020/01/02\n"
      "ER  - \n");
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].message;
  ASSERT_EQ(r.entries.size(), 2u);
  const Reference& book = r.entries[0].ref;
  EXPECT_EQ(book.title, "Handbook of forced migration");
  EXPECT_EQ(book.container_title, "");
  EXPECT_EQ(book.editors, (std::vector<Name>{Person("Brown", "Anne")}));
  EXPECT_EQ(book.publisher, "Oxford University Press");
  EXPECT_EQ(book.publisher_place, "Oxford");
  EXPECT_EQ(book.edition, "2");
  EXPECT_EQ(book.isbn, "9789290687696");
  EXPECT_EQ(book.issued, (PartialDate{2021, 5, 0}));
  const Reference& chapter = r.entries[1].ref;
  EXPECT_EQ(r.entries[1].line, 12);
  EXPECT_EQ(chapter.container_title, "Handbook of forced migration");
  EXPECT_EQ(chapter.editors, (std::vector<Name>{Person("Green", "Bob")}));
  EXPECT_EQ(chapter.page, "12-34");
  EXPECT_EQ(chapter.issued, (PartialDate{2021, 0, 0}));  // DA disagrees with PY on the year
}

TEST(ParseRisTest, ReportsBrokenRecordsAndGoesOn) {
  ImportResult r = ParseRis(
      "Exported by hand\n"            // 1: text outside records is ignored
      "\n"                            // 2
      "AU  - Stray, Author\n"         // 3
      "TI  - Stray title\n"           // 4
      "TY  - JOUR\n"                  // 5
      "TI  - Good one\n"              // 6
      "ER  - \n"                      // 7
      "TY  - JOUR\n"                  // 8
      "AU  - Nobody, Titled\n"        // 9
      "ER  - \n"                      // 10
      "TY  - \n"                      // 11
      "TI  - No type\n"               // 12
      "ER  - \n"                      // 13
      "TY  - BOOK\n"                  // 14
      "TI  - Bad year\n"              // 15
      "PY  - 19\n"                    // 16
      "ER  - \n"                      // 17
      "TY  - BOOK\n"                  // 18
      "TI  - Caf\xE9\n"               // 19
      "ER  - \n"                      // 20
      "TY  - BOOK\n"                  // 21
      "TI  - Never ended\n"           // 22
      "TY  - RPRT\n"                  // 23
      "TI  - Good two\n"              // 24
      "ER  - \n"                      // 25
      "TY  - RPRT\n"                  // 26
      "TI  - Cut off at the end\n");  // 27
  std::vector<std::string> titles;
  for (const ImportEntry& e : r.entries) titles.push_back(e.ref.title);
  EXPECT_EQ(titles, (std::vector<std::string>{"Good one", "Good two"}));
  EXPECT_EQ(r.problems, (std::vector<ImportProblem>{
                            {3, 1, "'AU' outside a record (no TY before it)"},
                            {8, 1, "record at line 8 has no title (TI or T1)"},
                            {11, 7, "record at line 11 has an empty type (TY)"},
                            {16, 7, "year of record at line 14 must be a number of 4 digits (found '19')"},
                            {19, 10,
                             "record at line 18 has bytes that are not valid UTF-8 (is the file in "
                             "another encoding?)"},
                            {21, 1,
                             "record starting at line 21 has no ER (end of record) before the next TY at "
                             "line 23"},
                            {26, 1,
                             "record starting at line 26 has no ER (end of record) before the end of the "
                             "input"},
                        }));
}

TEST(ParseRisTest, OneSpaceIsNotATag) {
  ImportResult r = ParseRis("TY  - JOUR\nTI  - Borders\nAB  - About the\nUS - Mexico border\nER  - \n");
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].ref.abstract, "About the US - Mexico border");
}

TEST(ParseRisTest, StopsAfterTooManyProblems) {
  std::string text;
  for (int i = 0; i < 1200; ++i) text += "TY  - JOUR\nER  - \nAU  - Stray\n";
  ImportResult r = ParseRis(text);
  EXPECT_TRUE(r.entries.empty());
  ASSERT_EQ(r.problems.size(), kMaxImportProblems);
  EXPECT_EQ(r.problems[0], (ImportProblem{1, 1, "record at line 1 has no title (TI or T1)"}));
  EXPECT_EQ(r.problems[1], (ImportProblem{3, 1, "'AU' outside a record (no TY before it)"}));
  EXPECT_EQ(r.problems[999].message,
            "too many problems (1000); reading stopped here, and nothing from line 1500 on was imported");
}

TEST(ParseRisTest, RefusesHugeInput) {
  ImportResult r = ParseRis(std::string(kMaxImportBytes + 1, '\n'));
  EXPECT_TRUE(r.entries.empty());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].message, "the input is larger than 20 MB; split it into smaller files");
}

TEST(WriteRisTest, WritesStandardRis) {
  Reference r;
  r.type = "chapter";
  r.title = "Displacement\nin the Sahel";
  r.authors = {Person("Diallo", "Aminata"), Org("IOM"), Person("Aristotle", "")};
  r.editors = {Person("Brown", "Anne")};
  r.container_title = "Handbook";
  r.issued = {2021, 5, 0};
  r.page = "12-34";
  r.isbn = "9789290687696";
  r.keywords = {"a", "b"};
  EXPECT_EQ(WriteRis({r}),
            "TY  - CHAP\r\n"
            "ID  - diallo2021displacement\r\n"
            "AU  - Diallo, Aminata\r\n"
            "AU  - IOM\r\n"
            "AU  - Aristotle,\r\n"
            "A2  - Brown, Anne\r\n"
            "TI  - Displacement in the Sahel\r\n"
            "T2  - Handbook\r\n"
            "PY  - 2021\r\n"
            "DA  - 2021/05\r\n"
            "SP  - 12\r\n"
            "EP  - 34\r\n"
            "SN  - 9789290687696\r\n"
            "KW  - a\r\n"
            "KW  - b\r\n"
            "ER  - \r\n");
}

TEST(WriteRisTest, RoundTrips) {
  Reference article;
  article.type = "article-journal";
  article.citation_key = "smith2019";
  article.title = "Climate change and human mobility: a review";
  article.authors = {Person("Smith", "John Ronald"), Person("Ñúñez", "María José"), Org("UNHCR")};
  article.issued = {2019, 3, 5};
  article.container_title = "Journal of Migration Studies";
  article.volume = "12";
  article.issue = "3";
  article.page = "e145";
  article.doi = "10.1234/jms.2019.12";
  article.url = "https://example.org/article?id=1";
  article.language = "en";
  article.keywords = {"climate, adaptation", "mobility"};
  article.abstract = "One paragraph with 100% & symbols.";
  article.note = "Reviewed";
  Reference report;
  report.type = "report";
  report.title = "World migration report 2020";
  report.authors = {Org("International Organization for Migration")};
  report.editors = {Person("McAuliffe", "Marie"), Person("Garcia Marquez", "")};
  report.issued = {2019, 0, 0};
  report.publisher = "IOM";
  report.publisher_place = "Geneva";
  report.isbn = "080442957X";
  report.edition = "10";
  report.page = "1-5, 9";
  Reference others[] = {report, report, report, report, report, report};
  const char* types[] = {"book", "thesis", "webpage", "dataset", "map", "motion_picture"};
  std::vector<Reference> refs = {article, report};
  for (int i = 0; i < 6; ++i) {
    others[i].type = types[i];
    refs.push_back(others[i]);
  }
  Reference chapter = report;
  chapter.type = "paper-conference";
  refs.push_back(chapter);

  std::vector<std::string> keys = CitationKeys(refs);
  std::string ris = WriteRis(refs);
  ImportResult r = ParseRis(ris);
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].message;
  ASSERT_EQ(r.entries.size(), refs.size());
  for (std::size_t i = 0; i < refs.size(); ++i) {
    Reference expected = refs[i];
    expected.citation_key = keys[i];
    EXPECT_EQ(r.entries[i].ref, expected) << i << "\n" << ris;
  }
}

}  // namespace
}  // namespace waymark::library
