// Expected entries are written from the style guides' rules (APA 7, Chicago
// 17 author-date, MLA 9, Cite Them Right Harvard, Citing Medicine/Vancouver)
// as their CSL styles lay them out.
#include "domain/library/citation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace waymark::library {
namespace {

Name Person(std::string family, std::string given) { return Name{std::move(family), std::move(given), ""}; }
Name Org(std::string literal) { return Name{"", "", std::move(literal)}; }

std::string Text(const Reference& r, CitationStyle style, std::string_view lang = "en") {
  return FormatCitation(r, style, lang).text;
}
std::string Html(const Reference& r, CitationStyle style, std::string_view lang = "en") {
  return FormatCitation(r, style, lang).html;
}

Reference Article() {
  Reference r;
  r.type = "article-journal";
  r.title = "Climate change and human mobility: a review of the evidence";
  r.authors = {Person("Smith", "John Ronald"), Person("Jones", "Anne"), Person("García", "María")};
  r.issued = {2019, 3, 5};
  r.container_title = "Journal of Migration Studies";
  r.volume = "12";
  r.issue = "3";
  r.page = "145-167";
  r.doi = "10.1234/jms.2019.12";
  return r;
}

Reference IomReport() {
  Reference r;
  r.type = "report";
  r.title = "World migration report 2020";
  r.authors = {Org("International Organization for Migration")};
  r.issued = {2019, 0, 0};
  r.publisher = "International Organization for Migration";
  r.publisher_place = "Geneva";
  r.url = "https://publications.iom.int/books/world-migration-report-2020";
  return r;
}

Reference Chapter() {
  Reference r;
  r.type = "chapter";
  r.title = "Displacement in the Sahel";
  r.authors = {Person("Diallo", "Aminata")};
  r.editors = {Person("Brown", "Anne Marie"), Person("Green", "Bob")};
  r.container_title = "Handbook of forced migration";
  r.edition = "2";
  r.publisher = "Oxford University Press";
  r.publisher_place = "Oxford";
  r.issued = {2021, 0, 0};
  r.page = "12-34";
  return r;
}

Reference UndatedPage() {
  Reference r;
  r.type = "webpage";
  r.title = "Migrant protection platform";
  r.authors = {Org("UNHCR")};
  r.container_title = "UNHCR";
  r.url = "https://www.unhcr.org/platform";
  return r;
}

TEST(CitationStyleTest, NamesAndParsing) {
  EXPECT_EQ(ToString(CitationStyle::kApa), "apa");
  EXPECT_EQ(ToString(CitationStyle::kVancouver), "vancouver");
  for (CitationStyle s : kCitationStyles) EXPECT_EQ(ParseCitationStyle(ToString(s)), s);
  EXPECT_EQ(ParseCitationStyle(" Chicago "), CitationStyle::kChicago);
  EXPECT_EQ(ParseCitationStyle("MLA"), CitationStyle::kMla);
  EXPECT_EQ(ParseCitationStyle("ieee"), std::nullopt);
  EXPECT_EQ(ParseCitationStyle(""), std::nullopt);
  EXPECT_EQ(StyleName(CitationStyle::kApa), "APA (7th edition)");
  EXPECT_EQ(StyleName(CitationStyle::kChicago), "Chicago (author-date, 17th edition)");
  EXPECT_EQ(StyleName(CitationStyle::kMla), "MLA (9th edition)");
  EXPECT_EQ(StyleName(CitationStyle::kHarvard), "Harvard (Cite Them Right, 12th edition)");
  EXPECT_EQ(StyleName(CitationStyle::kVancouver), "Vancouver (ICMJE/NLM)");
}

TEST(FormatCitationTest, JournalArticleWithThreeAuthorsAndDoi) {
  Reference r = Article();
  EXPECT_EQ(
      Text(r, CitationStyle::kApa),
      "Smith, J. R., Jones, A., & García, M. (2019). Climate change and human mobility: a review of the "
      "evidence. Journal of Migration Studies, 12(3), 145–167. https://doi.org/10.1234/jms.2019.12");
  EXPECT_EQ(
      Html(r, CitationStyle::kApa),
      "Smith, J. R., Jones, A., &amp; García, M. (2019). Climate change and human mobility: a review of the "
      "evidence. <i>Journal of Migration Studies</i>, <i>12</i>(3), 145–167. "
      "https://doi.org/10.1234/jms.2019.12");
  EXPECT_EQ(
      Text(r, CitationStyle::kChicago),
      "Smith, John Ronald, Anne Jones, and María García. 2019. “Climate Change and Human Mobility: A Review "
      "of the Evidence.” Journal of Migration Studies 12 (3): 145–67. https://doi.org/10.1234/jms.2019.12.");
  EXPECT_EQ(
      Html(r, CitationStyle::kChicago),
      "Smith, John Ronald, Anne Jones, and María García. 2019. “Climate Change and Human Mobility: A Review "
      "of the Evidence.” <i>Journal of Migration Studies</i> 12 (3): 145–67. "
      "https://doi.org/10.1234/jms.2019.12.");
  EXPECT_EQ(
      Text(r, CitationStyle::kMla),
      "Smith, John Ronald, et al. “Climate Change and Human Mobility: A Review of the Evidence.” Journal of "
      "Migration Studies, vol. 12, no. 3, Mar. 2019, pp. 145–67, https://doi.org/10.1234/jms.2019.12.");
  EXPECT_EQ(
      Text(r, CitationStyle::kHarvard),
      "Smith, J.R., Jones, A. and García, M. (2019) ‘Climate change and human mobility: a review of the "
      "evidence’, Journal of Migration Studies, 12(3), pp. 145–167. Available at: "
      "https://doi.org/10.1234/jms.2019.12.");
  EXPECT_EQ(
      Text(r, CitationStyle::kVancouver),
      "Smith JR, Jones A, García M. Climate change and human mobility: a review of the evidence. Journal of "
      "Migration Studies. 2019 Mar 5;12(3):145-67. doi:10.1234/jms.2019.12");
}

TEST(FormatCitationTest, ReportByAnOrganisation) {
  Reference r = IomReport();
  // APA and MLA name an organisation that is both author and publisher once.
  EXPECT_EQ(Text(r, CitationStyle::kApa),
            "International Organization for Migration. (2019). World migration report 2020. "
            "https://publications.iom.int/books/world-migration-report-2020");
  EXPECT_EQ(Html(r, CitationStyle::kApa),
            "International Organization for Migration. (2019). <i>World migration report 2020</i>. "
            "https://publications.iom.int/books/world-migration-report-2020");
  EXPECT_EQ(
      Text(r, CitationStyle::kChicago),
      "International Organization for Migration. 2019. World Migration Report 2020. Geneva: International "
      "Organization for Migration. https://publications.iom.int/books/world-migration-report-2020.");
  EXPECT_EQ(Text(r, CitationStyle::kMla),
            "World Migration Report 2020. International Organization for Migration, 2019, "
            "https://publications.iom.int/books/world-migration-report-2020.");
  EXPECT_EQ(
      Text(r, CitationStyle::kHarvard),
      "International Organization for Migration (2019) World migration report 2020. Geneva: International "
      "Organization for Migration. Available at: "
      "https://publications.iom.int/books/world-migration-report-2020.");
  EXPECT_EQ(Text(r, CitationStyle::kVancouver),
            "International Organization for Migration. World migration report 2020 [Internet]. Geneva: "
            "International Organization for Migration; 2019. Available from: "
            "https://publications.iom.int/books/world-migration-report-2020");

  Reference numbered = IomReport();
  numbered.publisher = "IOM Publications";
  numbered.issue = "12";
  numbered.url.clear();
  EXPECT_EQ(
      Text(numbered, CitationStyle::kApa),
      "International Organization for Migration. (2019). World migration report 2020 (Report No. 12). IOM "
      "Publications.");
  EXPECT_EQ(
      Text(numbered, CitationStyle::kChicago),
      "International Organization for Migration. 2019. World Migration Report 2020. Report 12. Geneva: IOM "
      "Publications.");
  EXPECT_EQ(
      Text(numbered, CitationStyle::kMla),
      "International Organization for Migration. World Migration Report 2020. No. 12, IOM Publications, "
      "2019.");
  EXPECT_EQ(
      Text(numbered, CitationStyle::kVancouver),
      "International Organization for Migration. World migration report 2020. Geneva: IOM Publications; "
      "2019. Report No.: 12.");
}

TEST(FormatCitationTest, BookChapterWithEditors) {
  Reference r = Chapter();
  EXPECT_EQ(
      Text(r, CitationStyle::kApa),
      "Diallo, A. (2021). Displacement in the Sahel. In A. M. Brown & B. Green (Eds.), Handbook of forced "
      "migration (2nd ed., pp. 12–34). Oxford University Press.");
  EXPECT_EQ(
      Html(r, CitationStyle::kApa),
      "Diallo, A. (2021). Displacement in the Sahel. In A. M. Brown &amp; B. Green (Eds.), <i>Handbook of "
      "forced migration</i> (2nd ed., pp. 12–34). Oxford University Press.");
  EXPECT_EQ(
      Text(r, CitationStyle::kChicago),
      "Diallo, Aminata. 2021. “Displacement in the Sahel.” In Handbook of Forced Migration, edited by Anne "
      "Marie Brown and Bob Green, 2nd ed., 12–34. Oxford: Oxford University Press.");
  EXPECT_EQ(
      Text(r, CitationStyle::kMla),
      "Diallo, Aminata. “Displacement in the Sahel.” Handbook of Forced Migration, edited by Anne Marie "
      "Brown and Bob Green, 2nd ed., Oxford University Press, 2021, pp. 12–34.");
  EXPECT_EQ(
      Text(r, CitationStyle::kHarvard),
      "Diallo, A. (2021) ‘Displacement in the Sahel’, in A.M. Brown and B. Green (eds) Handbook of forced "
      "migration. 2nd edn. Oxford: Oxford University Press, pp. 12–34.");
  EXPECT_EQ(
      Text(r, CitationStyle::kVancouver),
      "Diallo A. Displacement in the Sahel. In: Brown AM, Green B, editors. Handbook of forced migration. "
      "2nd ed. Oxford: Oxford University Press; 2021. p. 12-34.");

  Reference one_editor = Chapter();
  one_editor.editors.resize(1);
  one_editor.page = "7";
  EXPECT_EQ(
      Text(one_editor, CitationStyle::kApa),
      "Diallo, A. (2021). Displacement in the Sahel. In A. M. Brown (Ed.), Handbook of forced migration "
      "(2nd ed., p. 7). Oxford University Press.");
  EXPECT_EQ(
      Text(one_editor, CitationStyle::kHarvard),
      "Diallo, A. (2021) ‘Displacement in the Sahel’, in A.M. Brown (ed.) Handbook of forced migration. 2nd "
      "edn. Oxford: Oxford University Press, p. 7.");
}

TEST(FormatCitationTest, ItemWithoutDate) {
  Reference r = UndatedPage();
  EXPECT_EQ(Text(r, CitationStyle::kApa),
            "UNHCR. (n.d.). Migrant protection platform. https://www.unhcr.org/platform");
  EXPECT_EQ(Text(r, CitationStyle::kChicago),
            "UNHCR. n.d. “Migrant Protection Platform.” UNHCR. https://www.unhcr.org/platform.");
  EXPECT_EQ(Text(r, CitationStyle::kMla),
            "UNHCR. “Migrant Protection Platform.” UNHCR, https://www.unhcr.org/platform.");
  EXPECT_EQ(Text(r, CitationStyle::kHarvard),
            "UNHCR (n.d.) Migrant protection platform, UNHCR. Available at: https://www.unhcr.org/platform.");
  EXPECT_EQ(Text(r, CitationStyle::kVancouver),
            "UNHCR. Migrant protection platform [Internet]. UNHCR. [date unknown]. Available from: "
            "https://www.unhcr.org/platform");
  EXPECT_EQ(Text(r, CitationStyle::kApa, "fr"),
            "UNHCR. (s.d.). Migrant protection platform. https://www.unhcr.org/platform");
  EXPECT_EQ(Text(r, CitationStyle::kApa, "es"),
            "UNHCR. (s.f.). Migrant protection platform. https://www.unhcr.org/platform");
}

TEST(FormatCitationTest, FrenchAndSpanishTerms) {
  Reference r = Article();
  EXPECT_EQ(Text(r, CitationStyle::kChicago, "fr"),
            "Smith, John Ronald, Anne Jones, et María García. 2019. «\u00a0Climate change and human "
            "mobility: a review "
            "of the evidence\u00a0». Journal of Migration Studies 12 (3): 145–67. "
            "https://doi.org/10.1234/jms.2019.12.");
  EXPECT_EQ(Text(r, CitationStyle::kHarvard, "es"),
            "Smith, J.R., Jones, A. y García, M. (2019) «Climate change and human mobility: a review of the "
            "evidence», Journal of Migration Studies, 12(3), pp. 145–167. Disponible en: "
            "https://doi.org/10.1234/jms.2019.12.");
  EXPECT_EQ(
      Text(r, CitationStyle::kMla, "es"),
      "Smith, John Ronald, et al. «Climate change and human mobility: a review of the evidence». Journal of "
      "Migration Studies, vol. 12, n.º 3, mar. 2019, pp. 145–67, https://doi.org/10.1234/jms.2019.12.");
  EXPECT_EQ(
      Text(r, CitationStyle::kHarvard, "fr"),
      "Smith, J.R., Jones, A. et García, M. (2019) «\u00a0Climate change and human mobility: a review of the "
      "evidence\u00a0», Journal of Migration Studies, 12(3), p. 145–167. Disponible à l'adresse: "
      "https://doi.org/10.1234/jms.2019.12.");
  // A region is allowed; an unknown language falls back to English.
  EXPECT_EQ(
      Text(r, CitationStyle::kVancouver, "fr-CA"),
      "Smith JR, Jones A, García M. Climate change and human mobility: a review of the evidence. Journal of "
      "Migration Studies. 2019 mars 5;12(3):145-67. doi:10.1234/jms.2019.12");
  EXPECT_EQ(Text(r, CitationStyle::kApa, "de"), Text(r, CitationStyle::kApa, "en"));

  Reference chapter = Chapter();
  EXPECT_EQ(
      Text(chapter, CitationStyle::kApa, "fr"),
      "Diallo, A. (2021). Displacement in the Sahel. Dans A. M. Brown & B. Green (Éds.), Handbook of forced "
      "migration (2e éd., p. 12–34). Oxford University Press.");
  EXPECT_EQ(
      Text(chapter, CitationStyle::kApa, "es"),
      "Diallo, A. (2021). Displacement in the Sahel. En A. M. Brown & B. Green (Eds.), Handbook of forced "
      "migration (2.ª ed., pp. 12–34). Oxford University Press.");
  EXPECT_EQ(
      Text(chapter, CitationStyle::kChicago, "es"),
      "Diallo, Aminata. 2021. «Displacement in the Sahel». En Handbook of forced migration, editado por Anne "
      "Marie Brown y Bob Green, 2.ª ed., 12–34. Oxford: Oxford University Press.");
  EXPECT_EQ(
      Text(chapter, CitationStyle::kVancouver, "fr"),
      "Diallo A. Displacement in the Sahel. Dans: Brown AM, Green B, éditeurs. Handbook of forced migration. "
      "2e éd. Oxford: Oxford University Press; 2021. p. 12-34.");

  Reference page;
  page.type = "webpage";
  page.title = "Missing migrants";
  page.authors = {Person("Doe", "Jane")};
  page.issued = {2023, 4, 7};
  page.container_title = "Missing Migrants Project";
  page.url = "https://missingmigrants.iom.int";
  EXPECT_EQ(
      Text(page, CitationStyle::kApa),
      "Doe, J. (2023, April 7). Missing migrants. Missing Migrants Project. https://missingmigrants.iom.int");
  EXPECT_EQ(
      Text(page, CitationStyle::kApa, "fr"),
      "Doe, J. (2023, 7 avril). Missing migrants. Missing Migrants Project. https://missingmigrants.iom.int");
  EXPECT_EQ(Text(page, CitationStyle::kApa, "es"),
            "Doe, J. (2023, 7 de abril). Missing migrants. Missing Migrants Project. "
            "https://missingmigrants.iom.int");
  EXPECT_EQ(Text(page, CitationStyle::kChicago),
            "Doe, Jane. 2023. “Missing Migrants.” Missing Migrants Project. April 7, 2023. "
            "https://missingmigrants.iom.int.");
  EXPECT_EQ(Text(page, CitationStyle::kChicago, "es"),
            "Doe, Jane. 2023. «Missing migrants». Missing Migrants Project. 7 de abril de 2023. "
            "https://missingmigrants.iom.int.");
  EXPECT_EQ(Text(page, CitationStyle::kMla, "fr"),
            "Doe, Jane. «\u00a0Missing migrants\u00a0». Missing Migrants Project, 7 avr. 2023, "
            "https://missingmigrants.iom.int.");
}

TEST(FormatCitationTest, BookWithEditionAndNoAuthor) {
  Reference book;
  book.type = "book";
  book.title = "The age of migration: international population movements in the modern world";
  book.authors = {Person("Castles", "Stephen"), Person("de Haas", "Hein")};
  book.edition = "6th";
  book.publisher = "Red Globe Press";
  book.publisher_place = "London";
  book.issued = {2020, 0, 0};
  EXPECT_EQ(
      Text(book, CitationStyle::kApa),
      "Castles, S., & de Haas, H. (2020). The age of migration: international population movements in the "
      "modern world (6th ed.). Red Globe Press.");
  EXPECT_EQ(
      Text(book, CitationStyle::kChicago),
      "Castles, Stephen, and Hein de Haas. 2020. The Age of Migration: International Population Movements in "
      "the Modern World. 6th ed. London: Red Globe Press.");
  EXPECT_EQ(
      Text(book, CitationStyle::kMla),
      "Castles, Stephen, and Hein de Haas. The Age of Migration: International Population Movements in the "
      "Modern World. 6th ed., Red Globe Press, 2020.");
  EXPECT_EQ(
      Text(book, CitationStyle::kHarvard),
      "Castles, S. and de Haas, H. (2020) The age of migration: international population movements in the "
      "modern world. 6th edn. London: Red Globe Press.");
  EXPECT_EQ(
      Text(book, CitationStyle::kVancouver),
      "Castles S, de Haas H. The age of migration: international population movements in the modern world. "
      "6th ed. London: Red Globe Press; 2020.");

  Reference anonymous = book;
  anonymous.authors.clear();
  anonymous.edition.clear();
  EXPECT_EQ(Text(anonymous, CitationStyle::kApa),
            "The age of migration: international population movements in the modern world. (2020). Red Globe "
            "Press.");
  EXPECT_EQ(
      Text(anonymous, CitationStyle::kChicago),
      "The Age of Migration: International Population Movements in the Modern World. 2020. London: Red Globe "
      "Press.");
  EXPECT_EQ(
      Text(anonymous, CitationStyle::kHarvard),
      "The age of migration: international population movements in the modern world (2020). London: Red "
      "Globe Press.");
  EXPECT_EQ(
      Html(anonymous, CitationStyle::kHarvard),
      "<i>The age of migration: international population movements in the modern world</i> (2020). London: "
      "Red Globe Press.");

  Reference edited = anonymous;
  edited.title = "Handbook";
  edited.editors = {Person("Brown", "Anne"), Person("Green", "Bob")};
  EXPECT_EQ(Text(edited, CitationStyle::kApa),
            "Brown, A., & Green, B. (Eds.). (2020). Handbook. Red Globe Press.");
  EXPECT_EQ(Text(edited, CitationStyle::kChicago),
            "Brown, Anne, and Bob Green, eds. 2020. Handbook. London: Red Globe Press.");
  EXPECT_EQ(Text(edited, CitationStyle::kMla),
            "Brown, Anne, and Bob Green, editors. Handbook. Red Globe Press, 2020.");
  EXPECT_EQ(Text(edited, CitationStyle::kHarvard),
            "Brown, A. and Green, B. (eds) (2020) Handbook. London: Red Globe Press.");
  EXPECT_EQ(Text(edited, CitationStyle::kVancouver),
            "Brown A, Green B, editors. Handbook. London: Red Globe Press; 2020.");

  Reference with_editor = book;
  with_editor.editors = {Person("Miller", "Mark J.")};
  with_editor.edition.clear();
  EXPECT_EQ(
      Text(with_editor, CitationStyle::kChicago),
      "Castles, Stephen, and Hein de Haas. 2020. The Age of Migration: International Population Movements in "
      "the Modern World. Edited by Mark J. Miller. London: Red Globe Press.");
  EXPECT_EQ(
      Text(with_editor, CitationStyle::kMla),
      "Castles, Stephen, and Hein de Haas. The Age of Migration: International Population Movements in the "
      "Modern World. Edited by Mark J. Miller, Red Globe Press, 2020.");
}

TEST(FormatCitationTest, DatasetMapAndVideo) {
  Reference data;
  data.type = "dataset";
  data.title = "Displacement data";
  data.authors = {Org("IDMC")};
  data.issued = {2022, 0, 0};
  data.publisher = "Internal Displacement Monitoring Centre";
  data.url = "https://www.internal-displacement.org/database";
  EXPECT_EQ(Text(data, CitationStyle::kApa),
            "IDMC. (2022). Displacement data [Data set]. Internal Displacement Monitoring Centre. "
            "https://www.internal-displacement.org/database");
  EXPECT_EQ(Text(data, CitationStyle::kApa, "fr"),
            "IDMC. (2022). Displacement data [Jeu de données]. Internal Displacement Monitoring Centre. "
            "https://www.internal-displacement.org/database");
  Reference map;
  map.type = "map";
  map.title = "Sahel displacement";
  map.authors = {Org("OCHA")};
  map.issued = {2020, 0, 0};
  EXPECT_EQ(Text(map, CitationStyle::kApa), "OCHA. (2020). Sahel displacement [Map].");
  EXPECT_EQ(Text(map, CitationStyle::kApa, "es"), "OCHA. (2020). Sahel displacement [Mapa].");
  Reference video;
  video.type = "motion_picture";
  video.title = "Journeys";
  video.authors = {Person("Lee", "Ann")};
  video.issued = {2018, 0, 0};
  video.publisher = "IOM";
  EXPECT_EQ(Text(video, CitationStyle::kApa), "Lee, A. (2018). Journeys [Video]. IOM.");
  EXPECT_EQ(Html(video, CitationStyle::kChicago), "Lee, Ann. 2018. <i>Journeys</i>. IOM.");
  Reference thesis;
  thesis.type = "thesis";
  thesis.title = "Remittances and schooling";
  thesis.authors = {Person("Okafor", "Chidi")};
  thesis.issued = {2015, 0, 0};
  thesis.publisher = "University of Lagos";
  EXPECT_EQ(Text(thesis, CitationStyle::kApa),
            "Okafor, C. (2015). Remittances and schooling [Thesis]. University of Lagos.");
  thesis.url = "https://repository.unilag.edu.ng/1";
  EXPECT_EQ(Text(thesis, CitationStyle::kApa),
            "Okafor, C. (2015). Remittances and schooling [Thesis, University of Lagos]. "
            "https://repository.unilag.edu.ng/1");
}

TEST(FormatCitationTest, LongAuthorLists) {
  Reference r;
  r.type = "article-journal";
  r.title = "T";
  r.issued = {2020, 0, 0};
  r.container_title = "J";
  for (int i = 0; i < 22; ++i) r.authors.push_back(Person("A" + std::to_string(i), "B"));
  std::string apa;
  for (int i = 0; i < 19; ++i) apa += "A" + std::to_string(i) + ", B., ";
  EXPECT_EQ(Text(r, CitationStyle::kApa), apa + ". . . A21, B. (2020). T. J.");
  r.authors.resize(11);
  EXPECT_EQ(Text(r, CitationStyle::kChicago),
            "A0, B, B A1, B A2, B A3, B A4, B A5, B A6, et al. 2020. “T.” J.");
  r.authors.resize(10);
  EXPECT_EQ(Text(r, CitationStyle::kChicago),
            "A0, B, B A1, B A2, B A3, B A4, B A5, B A6, B A7, B A8, and B A9. 2020. “T.” J.");
  r.authors.resize(7);
  EXPECT_EQ(Text(r, CitationStyle::kVancouver), "A0 B, A1 B, A2 B, A3 B, A4 B, A5 B, et al. T. J. 2020.");
  r.authors.resize(6);
  EXPECT_EQ(Text(r, CitationStyle::kVancouver), "A0 B, A1 B, A2 B, A3 B, A4 B, A5 B. T. J. 2020.");
  r.authors.resize(4);
  EXPECT_EQ(Text(r, CitationStyle::kHarvard), "A0, B. et al. (2020) ‘T’, J.");
  EXPECT_EQ(Html(r, CitationStyle::kHarvard), "A0, B. <i>et al.</i> (2020) ‘T’, <i>J</i>.");
  r.authors.resize(3);
  EXPECT_EQ(Text(r, CitationStyle::kHarvard), "A0, B., A1, B. and A2, B. (2020) ‘T’, J.");
  EXPECT_EQ(Text(r, CitationStyle::kMla), "A0, B, et al. “T.” J, 2020.");
  r.authors.resize(2);
  EXPECT_EQ(Text(r, CitationStyle::kMla), "A0, B, and B A1. “T.” J, 2020.");
  EXPECT_EQ(Text(r, CitationStyle::kApa), "A0, B., & A1, B. (2020). T. J.");
}

TEST(FormatCitationTest, NameForms) {
  Reference r;
  r.type = "book";
  r.title = "T";
  r.issued = {2020, 0, 0};
  r.authors = {Person("Sartre", "Jean-Paul"), Person("Ølberg", "élise marie"), Person("Plato", "")};
  EXPECT_EQ(Text(r, CitationStyle::kApa), "Sartre, J.-P., Ølberg, É. M., & Plato. (2020). T.");
  EXPECT_EQ(Text(r, CitationStyle::kHarvard), "Sartre, J.-P., Ølberg, É.M. and Plato (2020) T.");
  EXPECT_EQ(Text(r, CitationStyle::kVancouver), "Sartre JP, Ølberg ÉM, Plato. T. 2020.");
  // Separators in odd places (found by fuzzing: this once looped forever).
  r.authors = {Person("Smith", "- J.-"), Person("Doe", " -- ")};
  EXPECT_EQ(Text(r, CitationStyle::kApa), "Smith, J., & Doe. (2020). T.");
}

TEST(FormatCitationTest, PageRangesFollowEachStyle) {
  Reference r;
  r.type = "article-journal";
  r.title = "T";
  r.container_title = "J";
  r.volume = "1";
  r.issued = {2020, 0, 0};
  const std::vector<std::vector<std::string>> cases = {
      // page, Chicago, MLA, Vancouver
      {"3-10", "3–10", "3–10", "3-10"},
      {"71-72", "71–72", "71–72", "71-2"},
      {"100-104", "100–104", "100–04", "100-4"},
      {"101-108", "101–8", "101–08", "101-8"},
      {"321-328", "321–28", "321–28", "321-8"},
      {"498-532", "498–532", "498–532", "498-532"},
      {"1087-1089", "1087–89", "1087–89", "1087-9"},
      {"1496-1504", "1496–1504", "1496–504", "1496-504"},
      {"e12-e20", "e12–e20", "e12–e20", "e12-e20"},
      {"5, 9-12", "5, 9–12", "5, 9–12", "5, 9-12"},
  };
  for (const auto& c : cases) {
    r.page = c[0];
    EXPECT_EQ(Text(r, CitationStyle::kChicago), "“T.” 2020. J 1: " + c[1] + ".") << c[0];
    EXPECT_EQ(Text(r, CitationStyle::kMla), "“T.” J, vol. 1, 2020, pp. " + c[2] + ".") << c[0];
    EXPECT_EQ(Text(r, CitationStyle::kVancouver), "T. J. 2020;1:" + c[3] + ".") << c[0];
  }
}

TEST(FormatCitationTest, TitleCaseOnlyForEnglishInChicagoAndMla) {
  Reference r;
  r.type = "book";
  r.title = "self-reliance in the age of UNHCR: what is to be done?";
  r.issued = {2020, 0, 0};
  EXPECT_EQ(Text(r, CitationStyle::kChicago), "Self-Reliance in the Age of UNHCR: What Is to Be Done? 2020.");
  r.language = "fr";
  EXPECT_EQ(Text(r, CitationStyle::kChicago), "self-reliance in the age of UNHCR: what is to be done? 2020.");
  r.language = "en-GB";
  EXPECT_EQ(Text(r, CitationStyle::kMla, "fr"),
            "Self-Reliance in the Age of UNHCR: What Is to Be Done? 2020.");
}

TEST(FormatCitationTest, EscapesHtml) {
  Reference r;
  r.type = "report";
  r.title = "Migrants & <refugees> \"quoted\" 'single'";
  r.publisher = "A&B";
  r.issued = {2017, 0, 0};
  CitationParts p = FormatCitation(r, CitationStyle::kApa, "en");
  EXPECT_EQ(p.text, "Migrants & <refugees> \"quoted\" 'single'. (2017). A&B.");
  EXPECT_EQ(p.html,
            "<i>Migrants &amp; &lt;refugees&gt; &quot;quoted&quot; &#39;single&#39;</i>. (2017). A&amp;B.");
}

TEST(FormatCitationTest, EmptyReferenceDoesNotCrash) {
  Reference r;
  for (CitationStyle s : kCitationStyles) {
    for (std::string_view lang : {"en", "fr", "es"}) {
      CitationParts p = FormatCitation(r, s, lang);
      EXPECT_EQ(p.html.find("<i></i>"), std::string::npos);
    }
  }
  EXPECT_EQ(Text(r, CitationStyle::kApa), "(n.d.).");
}

}  // namespace
}  // namespace waymark::library
