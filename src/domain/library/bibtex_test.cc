#include "domain/library/bibtex.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

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

// The only entry of `text`, failing the test when there are problems.
Reference One(const std::string& text) {
  ImportResult r = ParseBibtex(text);
  EXPECT_TRUE(r.problems.empty()) << (r.problems.empty() ? "" : r.problems[0].message);
  EXPECT_EQ(r.entries.size(), 1u);
  return r.entries.empty() ? Reference{} : r.entries[0].ref;
}

std::string Title(const std::string& latex) { return One("@misc{k, title = {" + latex + "}}").title; }

TEST(ParseBibtexTest, ReadsAJournalArticle) {
  ImportResult r = ParseBibtex(R"(% exported by hand
@Article{smith2019,
  Author    = {Smith, John and Jones, Anne B.},
  title     = {Climate change and {Human} Mobility},
  journal   = {Journal of Migration Studies},
  year      = 2019,
  month     = mar,
  volume    = {12},
  number    = {3},
  pages     = {145--167},
  doi       = {https://doi.org/10.1234/jms.2019.12},
  url       = {https://example.org/article},
  keywords  = {migration, climate; adaptation},
  language  = {english},
  abstract  = {First paragraph.

Second paragraph.},
  note      = {Open access},
}
)");
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].message;
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].line, 2);
  const Reference& ref = r.entries[0].ref;
  EXPECT_EQ(ref.type, "article-journal");
  EXPECT_EQ(ref.citation_key, "smith2019");
  EXPECT_EQ(ref.title, "Climate change and Human Mobility");
  EXPECT_EQ(ref.authors, (std::vector<Name>{Person("Smith", "John"), Person("Jones", "Anne B.")}));
  EXPECT_EQ(ref.container_title, "Journal of Migration Studies");
  EXPECT_EQ(ref.issued, (PartialDate{2019, 3, 0}));
  EXPECT_EQ(ref.volume, "12");
  EXPECT_EQ(ref.issue, "3");
  EXPECT_EQ(ref.page, "145-167");
  EXPECT_EQ(ref.doi, "10.1234/jms.2019.12");
  EXPECT_EQ(ref.url, "https://example.org/article");
  EXPECT_EQ(ref.keywords, (std::vector<std::string>{"migration", "climate", "adaptation"}));
  EXPECT_EQ(ref.language, "en");
  EXPECT_EQ(ref.abstract, "First paragraph.\n\nSecond paragraph.");
  EXPECT_EQ(ref.note, "Open access");
}

TEST(ParseBibtexTest, MapsEntryTypes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"article", "article-journal"},
      {"book", "book"},
      {"inbook", "chapter"},
      {"incollection", "chapter"},
      {"techreport", "report"},
      {"report", "report"},
      {"inproceedings", "paper-conference"},
      {"conference", "paper-conference"},
      {"phdthesis", "thesis"},
      {"mastersthesis", "thesis"},
      {"thesis", "thesis"},
      {"online", "webpage"},
      {"electronic", "webpage"},
      {"www", "webpage"},
      {"dataset", "dataset"},
      {"misc", "document"},
      {"unpublished", "document"},
      {"manual", "document"},
      {"patent", "document"},
      {"BOOK", "book"},
  };
  for (const auto& [bib, csl] : cases) {
    EXPECT_EQ(One("@" + bib + "{k, title={T}}").type, csl) << bib;
  }
}

TEST(ParseBibtexTest, ChoosesContainerPublisherAndPlaceFields) {
  Reference chapter =
      One("@incollection{k, title={C}, booktitle={The Book}, series={S}, publisher={P}, address={Geneva}}");
  EXPECT_EQ(chapter.container_title, "The Book");
  EXPECT_EQ(chapter.publisher, "P");
  EXPECT_EQ(chapter.publisher_place, "Geneva");
  Reference article = One("@article{k, title={A}, journaltitle={J}, booktitle={B}}");
  EXPECT_EQ(article.container_title, "J");
  Reference report =
      One("@techreport{k, title={R}, institution={IOM}, location={Geneva}, series={Working papers}}");
  EXPECT_EQ(report.publisher, "IOM");
  EXPECT_EQ(report.publisher_place, "Geneva");
  EXPECT_EQ(report.container_title, "Working papers");
  Reference thesis = One("@phdthesis{k, title={T}, school={University of Dakar}}");
  EXPECT_EQ(thesis.publisher, "University of Dakar");
  Reference manual = One("@manual{k, title={M}, organization={UNHCR}, edition={Second}}");
  EXPECT_EQ(manual.publisher, "UNHCR");
  EXPECT_EQ(manual.edition, "Second");
}

TEST(ParseBibtexTest, ExpandsStringMacrosAndConcatenation) {
  ImportResult r = ParseBibtex(R"(@string{iom = "International Organization for Migration"}
@STRING(wmr = {World Migration Report})
@string{full = wmr # " " # 2020}
@report{k1, title = full, author = {{} # iom # {}}, institution = iom, year = 2019, month = dec, day = 5}
@misc{k2, title = "A " # {quoted} # " title", year = "2020", month = {Sept.}}
)");
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].message;
  ASSERT_EQ(r.entries.size(), 2u);
  const Reference& a = r.entries[0].ref;
  EXPECT_EQ(a.title, "World Migration Report 2020");
  EXPECT_EQ(a.publisher, "International Organization for Migration");
  EXPECT_EQ(a.issued, (PartialDate{2019, 12, 5}));
  EXPECT_EQ(r.entries[1].ref.title, "A quoted title");
  EXPECT_EQ(r.entries[1].ref.issued, (PartialDate{2020, 9, 0}));
  EXPECT_EQ(r.entries[1].line, 5);
}

TEST(ParseBibtexTest, SkipsCommentsPreambleAndTextOutsideEntries) {
  ImportResult r = ParseBibtex(R"(This file lists references; mail me at someone@example.org.
@comment{ @article{commented, title={No}} }
@preamble{ "\newcommand{\noop}[1]{}" }
@Comment jabref-meta: databaseType:bibtex;
% @book{also-commented, title={No}}
@book{kept, title = {Kept}}
)");
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].message;
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].ref.citation_key, "kept");
}

TEST(ParseBibtexTest, ValueForms) {
  Reference ref = One(R"(@misc(paren-key,
  TITLE = "Nested {braces {inside}} and {"}quoted{"} text",
  Year = {2021},
  title = {Ignored second title},
  Volume = 7,
  Pages = {S12 -- S34},
))");
  EXPECT_EQ(ref.citation_key, "paren-key");
  EXPECT_EQ(ref.title, "Nested braces inside and \"quoted\" text");
  EXPECT_EQ(ref.issued.year, 2021);
  EXPECT_EQ(ref.volume, "7");
  EXPECT_EQ(ref.page, "S12-S34");
}

TEST(ParseBibtexTest, FirstValueOfARepeatedFieldWins) {
  EXPECT_EQ(One("@misc{k, title={First}, TITLE={Second}}").title, "First");
}

TEST(ParseBibtexTest, ConvertsLatexToUtf8) {
  EXPECT_EQ(Title(R"(Caf\'e {\'e}t\'{e} {\"{o}}\"u \^o \`a \~n)"), "Café été öü ô à ñ");
  EXPECT_EQ(Title(R"(\c{c}\c c \v{s}\v s \=a \.z \u{g} \H{o} \r{a} \k{e} \'\i \^{\i})"),
            "çç šš ā ż ğ ő å ę í î");
  EXPECT_EQ(Title(R"(Stra\ss e {\o}ster {\O} \ae\AE \oe\OE \aa\AA \l\L \i)"), "Straße øster Ø æÆœŒåÅłŁı");
  EXPECT_EQ(Title(R"(\& \% \$ \# \_ \{ \})"), "& % $ # _ { }");
  EXPECT_EQ(Title(R"(1990--2000 --- a~b ``quoted'')"), "1990–2000 — a b “quoted”");
  EXPECT_EQ(Title(R"({World Bank} \emph{report} \textit{in} $x$)"), "World Bank report in x");
  EXPECT_EQ(Title(R"(\'w \textbackslash{} \LaTeX{} text)"), "w\u0301 \\ LaTeX text");
  EXPECT_EQ(Title("Multiple   spaces\n  and\tlines"), "Multiple spaces and lines");
}

TEST(ParseBibtexTest, SplitsNames) {
  Reference ref = One(R"(@book{k, title={T},
  author = {Smith, John and Jane Q. Doe and van Beethoven, Ludwig and Ludwig van Beethoven and
            King, Jr, Martin Luther and {International Organization for Migration} and
            {\'E}mile Durkheim and Aristotle AND others},
  editor = {Brown, Anne and {Bill and Melinda Gates Foundation}}})");
  EXPECT_EQ(
      ref.authors,
      (std::vector<Name>{Person("Smith", "John"), Person("Doe", "Jane Q."), Person("van Beethoven", "Ludwig"),
                         Person("van Beethoven", "Ludwig"), Person("King Jr", "Martin Luther"),
                         Org("International Organization for Migration"), Person("Durkheim", "Émile"),
                         Person("Aristotle", "")}));
  EXPECT_EQ(ref.editors,
            (std::vector<Name>{Person("Brown", "Anne"), Org("Bill and Melinda Gates Foundation")}));
}

TEST(ParseBibtexTest, ReadsBiblatexDatesAndIdentifiers) {
  Reference ref = One(R"(@online{k, title = {T}, date = {2020-04-07}, year = {1999},
    isbn = {not an isbn, 978-92-9068-769-6}, doi = {doi:10.1000/a\_b}, langid = {french},
    howpublished = {\url{https://example.org/x}}})");
  EXPECT_EQ(ref.issued, (PartialDate{2020, 4, 7}));
  EXPECT_EQ(ref.isbn, "9789290687696");
  EXPECT_EQ(ref.doi, "10.1000/a_b");
  EXPECT_EQ(ref.language, "fr");
  EXPECT_EQ(ref.url, "https://example.org/x");
  EXPECT_EQ(One("@misc{k, title={T}, date={2019-05/2020-01}}").issued, (PartialDate{2019, 5, 0}));
  EXPECT_EQ(One("@misc{k, title={T}, year={2019}, month={13}}").issued, (PartialDate{2019, 0, 0}));
}

TEST(ParseBibtexTest, DropsIdentifiersThatDoNotValidate) {
  Reference ref = One("@misc{k, title={T}, doi={not-a-doi}, isbn={123}, url={javascript:alert(1)}}");
  EXPECT_EQ(ref.doi, "");
  EXPECT_EQ(ref.isbn, "");
  EXPECT_EQ(ref.url, "");
}

TEST(ParseBibtexTest, AcceptsBomAndCrlf) {
  ImportResult r =
      ParseBibtex("\xEF\xBB\xBF@book{a,\r\n  title = {One\r\n line},\r\n}\r\n\r\n@book{b, title={Two}}\r\n");
  ASSERT_TRUE(r.problems.empty());
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[0].ref.title, "One line");
  EXPECT_EQ(r.entries[1].line, 6);
}

TEST(ParseBibtexTest, ReportsBrokenEntriesAndGoesOn) {
  ImportResult r = ParseBibtex(R"(@book{ok1, title = {Fine}}
@book missing-brace, title = {X}}
@book{, title = {No key}}
@book{nokey = {x}}
@article{nocomma title = {X}}
@article{noequals, title {X}}
@article{unclosed, title = {Never closed,
  year = 2019}
@article{ok2, title = "Fine too"}
@article{nomacro, title = undefinedmacro}
@article{notitle, year = 2019}
@article{badyear, title = {X}, year = {19}}
@article{baddate, title = {X}, date = {2019-13}}
@article{missingcomma, title = {X}
  year = 2019}
@article{novalue, title = , year = 2019}
@article{openquote, title = "X, year = 2019}
@article{ok3, title = {Last}}
)");
  std::vector<std::string> keys;
  for (const ImportEntry& e : r.entries) keys.push_back(e.ref.citation_key);
  EXPECT_EQ(keys, (std::vector<std::string>{"ok1", "ok2", "ok3"}));
  const std::vector<ImportProblem> expected = {
      {2, 7, "missing '{' or '(' after @book (found 'm')"},
      {3, 7, "@book entry has no key (it must come first, followed by a comma)"},
      {4, 7, "@book entry has no key (it must come first, followed by a comma)"},
      {5, 18, "missing ',' after the key of entry 'nocomma' (found 't')"},
      {6, 26, "missing '=' after field 'title' in entry 'noequals'"},
      // The title's brace is closed by the one after 2019, so it is the entry that is left open.
      {7, 1, "missing closing '}' for entry 'unclosed' opened at line 7"},
      {10, 19, "undefined @string macro 'undefinedmacro' in field 'title' of entry 'nomacro'"},
      {11, 1, "entry 'notitle' has no title"},
      {12, 32, "year of entry 'badyear' must be a number of 4 digits (found '19')"},
      {13, 32, "date of entry 'baddate' must be YYYY, YYYY-MM or YYYY-MM-DD"},
      {15, 3, "missing ',' after field 'title' in entry 'missingcomma'"},
      {16, 27, "missing value for field 'title' (found ',')"},
      {17, 44, "unbalanced '}' in field 'title'"},
  };
  EXPECT_EQ(r.problems, expected);
  for (std::size_t i = 0; i < r.problems.size() && i < expected.size(); ++i) {
    EXPECT_EQ(r.problems[i], expected[i]) << i << ": " << r.problems[i].message;
  }
}

TEST(ParseBibtexTest, AnEntryMissingItsClosingBraceCostsOnlyItself) {
  ImportResult r =
      ParseBibtex("@book{a, title = {A},\n@book{b, title = {B}}\n@book{c, title = {C}\n@book{d, title={D}}");
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[0].ref.citation_key, "b");
  EXPECT_EQ(r.entries[1].ref.citation_key, "d");
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0], (ImportProblem{1, 1, "missing closing '}' for entry 'a' opened at line 1"}));
  EXPECT_EQ(r.problems[1], (ImportProblem{3, 1, "missing closing '}' for entry 'c' opened at line 3"}));
  ImportResult end = ParseBibtex("@book{a, title = {A}");
  ASSERT_EQ(end.problems.size(), 1u);
  EXPECT_EQ(end.problems[0].message, "missing closing '}' for entry 'a' opened at line 1");
}

TEST(ParseBibtexTest, AnUnterminatedValueEndsAtTheNextEntry) {
  ImportResult r = ParseBibtex(
      "@book{a,\n  title = {Never closed,\n  year = 2019,\n\n@book{b, title = {B}}\n"
      "@book{c, note = \"open quote,\n  @book{d, title = {D}}\n");
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[0].ref.citation_key, "b");
  EXPECT_EQ(r.entries[1].ref.citation_key, "d");
  EXPECT_EQ(r.problems, (std::vector<ImportProblem>{
                            {2, 11, "missing closing brace for field 'title' opened at line 2"},
                            {6, 17, "missing closing quote for field 'note' opened at line 6"},
                        }));
}

TEST(ParseBibtexTest, ReportsInvalidUtf8WhereItIs) {
  ImportResult r = ParseBibtex("@book{a, title = {Caf\xE9}}\n@book{b, title = {Fine é}}\n");
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].ref.title, "Fine é");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0],
            (ImportProblem{
                1, 22, "entry 'a' has bytes that are not valid UTF-8 (is the file in another encoding?)"}));
  // Overlong forms and surrogates are invalid too.
  EXPECT_EQ(ParseBibtex("@book{a, title = {\xC0\xAF}}").problems.size(), 1u);
  EXPECT_EQ(ParseBibtex("@book{a, title = {\xED\xA0\x80}}").problems.size(), 1u);
}

TEST(ParseBibtexTest, CapsBraceNesting) {
  std::string deep = "@book{a, title = {" + std::string(100000, '{') + "x" + std::string(100000, '}') +
                     "}}\n@book{b, title = {" + std::string(63, '{') + "ok" + std::string(63, '}') + "}}\n";
  ImportResult r = ParseBibtex(deep);
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].ref.title, "ok");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].line, 1);
  EXPECT_EQ(r.problems[0].column, 82);  // the 65th brace
  EXPECT_EQ(r.problems[0].message, "braces nested deeper than 64 levels in field 'title'");
}

TEST(ParseBibtexTest, StopsAfterTooManyProblems) {
  std::string text;
  for (int i = 0; i < 1500; ++i) text += "@book{k" + std::to_string(i) + ", year = 2019}\n";
  text += "@book{last, title = {Not read}}\n";
  ImportResult r = ParseBibtex(text);
  EXPECT_TRUE(r.entries.empty());
  ASSERT_EQ(r.problems.size(), kMaxImportProblems);
  EXPECT_EQ(r.problems[998].message, "entry 'k998' has no title");
  EXPECT_EQ(r.problems[999],
            (ImportProblem{1000, 1,
                           "too many problems (1000); reading stopped here, and nothing from line 1000 on "
                           "was imported"}));
}

TEST(ParseBibtexTest, RefusesHugeInput) {
  ImportResult r = ParseBibtex(std::string(kMaxImportBytes + 1, ' '));
  EXPECT_TRUE(r.entries.empty());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].message, "the input is larger than 20 MB; split it into smaller files");
}

TEST(ParseBibtexTest, SurvivesOddInput) {
  for (const std::string text :
       {"@", "@book", "@book{", "@book{k", "@book{k,", "@book{k, title",
        "@book{k, title =", "@book{k, title = {", "@book{k, title = \"", "@string{", "@string{x = ", "}}}{{{",
        "@comment{", "@preamble(", "\\", "@book{k, title={\\"}) {
    ImportResult r = ParseBibtex(text);
    EXPECT_TRUE(r.entries.empty()) << text;
  }
}

TEST(WriteBibtexTest, WritesOneEntryPerReference) {
  Reference r;
  r.type = "report";
  r.title = "Migration & remittances: 50% of {GDP} in C#_";
  r.authors = {Org("International Organization for Migration"), Person("García Márquez", "")};
  r.editors = {Person("Smith, Jr", "John")};
  r.issued = {2019, 3, 5};
  r.publisher = "IOM";
  r.publisher_place = "Geneva";
  r.issue = "12";
  r.page = "12-34";
  r.isbn = "9789290687696";
  r.doi = "10.1234/abc";
  r.url = "https://example.org/a_b?x=1&y=2";
  r.language = "en";
  r.keywords = {"migration", "remittances"};
  r.abstract = "One.\n\n@two";
  r.note = "a--b ~ \\";
  EXPECT_EQ(WriteBibtex({r}),
            "@techreport{international2019migration,\n"
            "  author = {{International Organization for Migration} and García Márquez,},\n"
            "  editor = {{Smith, Jr}, John},\n"
            "  title = {Migration \\& remittances: 50\\% of \\{GDP\\} in C\\#\\_},\n"
            "  year = {2019},\n"
            "  month = mar,\n"
            "  day = {5},\n"
            "  number = {12},\n"
            "  pages = {12--34},\n"
            "  institution = {IOM},\n"
            "  address = {Geneva},\n"
            "  isbn = {9789290687696},\n"
            "  doi = {10.1234/abc},\n"
            "  url = {https://example.org/a_b?x=1&y=2},\n"
            "  language = {en},\n"
            "  keywords = {migration, remittances},\n"
            "  abstract = {One.\n\n{}@two},\n"
            "  note = {a-{}-b \\textasciitilde{} \\textbackslash{}},\n"
            "}\n");
}

std::vector<Reference> SampleReferences() {
  Reference article;
  article.type = "article-journal";
  article.citation_key = "smith2019";
  article.title = "Climate change and human mobility: a review (1990–2020)";
  article.authors = {Person("Smith", "John Ronald"), Person("van Beethoven", "Ludwig"),
                     Person("Ñúñez", "María José")};
  article.issued = {2019, 3, 0};
  article.container_title = "Journal of Migration Studies";
  article.volume = "12";
  article.issue = "3";
  article.page = "145-167";
  article.doi = "10.1234/jms.2019.12";
  article.url = "https://example.org/article?id=1&x=%20";
  article.language = "en";
  article.keywords = {"climate", "mobility"};
  article.abstract =
      "Paragraph one.\n\nParagraph two with 100% & more: {braces}, $5, #tag, snake_case, ~tilde.";
  article.note = "Reviewed -- twice";

  Reference report;
  report.type = "report";
  report.title = "World migration report 2020";
  report.authors = {Org("International Organization for Migration")};
  report.editors = {Person("McAuliffe", "Marie"), Person("Khadria", "Binod")};
  report.issued = {2019, 11, 27};
  report.publisher = "International Organization for Migration";
  report.publisher_place = "Geneva";
  report.isbn = "9789290687894";
  report.edition = "10";
  report.issue = "WMR-2020";

  Reference chapter;
  chapter.type = "chapter";
  chapter.title = "Displacement in the Sahel";
  chapter.authors = {Person("Diallo", "Aminata"), Person("Garcia Marquez", "")};
  chapter.editors = {Person("Brown", "Anne"), Org("Bill and Melinda Gates Foundation")};
  chapter.container_title = "Handbook of forced migration";
  chapter.publisher = "Oxford University Press";
  chapter.page = "12";
  chapter.issued = {2021, 0, 0};

  Reference thesis;
  thesis.type = "thesis";
  thesis.title = "Remittances and schooling";
  thesis.authors = {Person("Okafor", "Chidi")};
  thesis.publisher = "University of Lagos";

  Reference web;
  web.type = "webpage";
  web.title = "Missing migrants";
  web.url = "https://missingmigrants.iom.int";
  web.container_title = "Missing Migrants Project";

  Reference data;
  data.type = "dataset";
  data.title = "Displacement figures";
  data.authors = {Org("IDMC")};
  data.issued = {2022, 0, 0};

  Reference conference;
  conference.type = "paper-conference";
  conference.title = "Counting the uncounted";
  conference.container_title = "Proceedings of the Data Summit";
  conference.editors = {Person("Lee", "Ann")};
  return {article, report, chapter, thesis, web, data, conference};
}

TEST(WriteBibtexTest, RoundTrips) {
  std::vector<Reference> refs = SampleReferences();
  std::vector<std::string> keys = CitationKeys(refs);
  std::string bib = WriteBibtex(refs);
  ImportResult r = ParseBibtex(bib);
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].message << "\n" << bib;
  ASSERT_EQ(r.entries.size(), refs.size());
  for (std::size_t i = 0; i < refs.size(); ++i) {
    Reference expected = refs[i];
    expected.citation_key = keys[i];
    EXPECT_EQ(r.entries[i].ref, expected) << i << "\n" << bib;
  }
}

TEST(CitationKeysTest, UsesKeysOrMakesUniqueOnes) {
  Reference a;
  a.title = "The state of migration";
  a.authors = {Person("García", "Ana")};
  a.issued.year = 2019;
  Reference org;
  org.title = "Les migrations";
  org.authors = {Org("Organisation internationale pour les migrations")};
  Reference keyed;
  keyed.citation_key = "garcia2019state";
  Reference bad_key;
  bad_key.citation_key = "has space,comma";
  Reference empty;
  EXPECT_EQ(CitationKeys({a, org, keyed, a, a, bad_key, empty}),
            (std::vector<std::string>{"garcia2019statea", "organisationmigrations", "garcia2019state",
                                      "garcia2019stateb", "garcia2019statec", "has-space-comma", "ref"}));
}

}  // namespace
}  // namespace waymark::library
