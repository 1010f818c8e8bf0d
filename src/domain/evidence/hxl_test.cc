#include "domain/evidence/hxl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace waymark::evidence::hxl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(HxlTag, CaseSpacesAndAttributeOrderDoNotMatter) {
  auto a = ParseTag("#Adm1 +Code");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->name, "#adm1");
  EXPECT_THAT(a->attributes, ElementsAre("code"));
  EXPECT_EQ(ParseTag("#affected+killed+f"), ParseTag(" #AFFECTED +f +Killed "));
  EXPECT_EQ(ParseTag("#affected+killed+killed")->ToString(), "#affected+killed");
  EXPECT_EQ(ParseTag("#geo+admin_level")->ToString(), "#geo+admin_level");
  EXPECT_TRUE(ParseTag("#affected+killed")->Has("killed"));
  EXPECT_FALSE(ParseTag("#affected+killed")->Has("idps"));
}

TEST(HxlTag, BlankIsUntaggedAndTextIsNoTag) {
  auto blank = ParseTag("  ");
  ASSERT_TRUE(blank.has_value());
  EXPECT_FALSE(blank->tagged());
  EXPECT_FALSE(ParseTag("Name").has_value());
  EXPECT_FALSE(ParseTag("#").has_value());
  EXPECT_FALSE(ParseTag("#a b").has_value());
  EXPECT_FALSE(ParseTag("#a+").has_value());
  EXPECT_FALSE(ParseTag("#a+b c").has_value());
}

TEST(HxlTag, HashtagRow) {
  EXPECT_TRUE(IsHashtagRow({"", "#date+year", " #affected +killed"}));
  EXPECT_FALSE(IsHashtagRow({"", ""}));
  EXPECT_FALSE(IsHashtagRow({"#country+code", "AFG"}));
  EXPECT_FALSE(IsHashtagRow({"#country+code", "# bad"}));
  EXPECT_FALSE(IsHashtagRow({}));
}

TEST(HxlMapping, FieldsOfTheKnownTags) {
  const std::vector<std::string> tags = {"#country+code", "#country+name", "#adm1+name", "#adm2+name",
                                         "#loc+name",     "#date+year",    "#date",      "#date+start",
                                         "#date+end",     "#meta+source",  "#geo+lat",   "#geo+lon",
                                         "#crisis+type",  "#event+name",   "#event+id"};
  Mapping m = MapColumns({}, tags);
  std::vector<Field> fields;
  for (const Column& c : m.columns) fields.push_back(c.field);
  EXPECT_THAT(fields, ElementsAre(Field::kCountry, Field::kCountryName, Field::kArea, Field::kArea,
                                  Field::kArea, Field::kYear, Field::kDate, Field::kDateStart,
                                  Field::kDateEnd, Field::kSource, Field::kLatitude, Field::kLongitude,
                                  Field::kCauseText, Field::kEventName, Field::kEventId));
  EXPECT_EQ(m.columns[2].area_rank, 1);
  EXPECT_EQ(m.columns[3].area_rank, 2);
  EXPECT_EQ(m.columns[4].area_rank, 9);
  EXPECT_FALSE(m.has_figure());
  EXPECT_EQ(m.used.size(), tags.size());
}

TEST(HxlMapping, FigureKinds) {
  Mapping m = MapColumns({}, {"#affected+idps", "#population+refugees", "#affected+displaced+new",
                              "#affected+killed", "#affected+returnees", "#affected", "#affected+ind+idps"});
  std::vector<std::string> kinds;
  for (const Column& c : m.columns) kinds.push_back(c.kind);
  // The last is IDPs again (+ind says nothing more): a duplicate, ignored.
  EXPECT_THAT(kinds,
              ElementsAre("idps", "refugees", "new_displacements", "killed", "returnees", "affected", ""));
  EXPECT_EQ(m.columns[6].why_ignored, "duplicate of column 1");
  EXPECT_TRUE(m.has_figure());
  EXPECT_EQ(MapColumns({}, {"#population+idps"}).columns[0].kind, "idps");
  EXPECT_EQ(MapColumns({}, {"#affected+displaced"}).columns[0].kind, "new_displacements");
  EXPECT_EQ(MapColumns({}, {"#affected+refugees"}).columns[0].kind, "refugees");
}

TEST(HxlMapping, DisaggregatedAndUnknownTagsAreIgnoredAndListed) {
  Mapping m =
      MapColumns({"id", "women killed", "households", "level", "best", ""},
                 {"", "#affected+killed+f", "#affected+hh+idps", "#adm+level", "#affected+killed", ""});
  EXPECT_THAT(m.used, ElementsAre("best (#affected+killed)"));
  EXPECT_THAT(m.ignored,
              ElementsAre("id (untagged)", "women killed (#affected+f+killed)",
                          "households (#affected+hh+idps)", "level (#adm+level)", "column 6 (untagged)"));
  EXPECT_EQ(m.columns[0].why_ignored, "untagged");
  EXPECT_EQ(m.columns[3].why_ignored, "tag not mapped");
  EXPECT_EQ(m.columns[4].Label(), "best (#affected+killed)");
  EXPECT_EQ(MapColumns({}, {"#affected+killed"}).used.at(0), "#affected+killed");
}

TEST(HxlMapping, TextHeaderWiderThanTheHashtagRow) {
  Mapping m = MapColumns({"country", "killed", "notes"}, {"#country+code", "#affected+killed"});
  ASSERT_EQ(m.columns.size(), 3u);
  EXPECT_THAT(m.ignored, ElementsAre("notes (untagged)"));
}

TEST(HxlMapping, NoFigureMessageNamesSeenAndNeededTags) {
  Mapping m = MapColumns({"Location", "P-Code"}, {"#country+code", "#adm+code"});
  const std::string msg = NoFigureMessage(m);
  EXPECT_THAT(msg, HasSubstr("tags seen: #country+code, #adm+code"));
  EXPECT_THAT(msg, HasSubstr("#affected+idps"));
  EXPECT_THAT(msg, HasSubstr("#population+refugees"));
  EXPECT_THAT(FigurePatterns(), ::testing::Contains("#affected+displaced+new"));
}

RowOptions Opts(DisplacementCause cause = DisplacementCause::kOther) {
  RowOptions o;
  o.dataset = "hxl-test";
  o.default_cause = cause;
  return o;
}

TEST(HxlRow, OneRecordPerFigureWithBuiltKey) {
  Mapping m = MapColumns({}, {"", "#country+code", "#country+name", "#date+year", "#adm1+name", "#loc+name",
                              "#affected+killed", "#affected+idps", "#meta+source"});
  auto row = ConvertRow(m, {"99", "bgd", "Bangladesh", "2013", "Dhaka", "", "3", "", "BBC"}, 5,
                        Opts(DisplacementCause::kConflict));
  ASSERT_FALSE(row.rejected());
  EXPECT_EQ(row.line, 5);
  ASSERT_EQ(row.records.size(), 1u);  // a blank figure is no figure
  const Displacement& d = row.records[0];
  EXPECT_EQ(d.dataset, "hxl-test");
  EXPECT_EQ(d.kind, "killed");
  EXPECT_EQ(d.value, 3);
  EXPECT_EQ(d.country, "BGD");
  EXPECT_EQ(d.country_name, "Bangladesh");
  EXPECT_EQ(d.area, "Dhaka");  // the most specific non-blank area
  EXPECT_EQ(d.year, 2013);
  EXPECT_EQ(d.source, "BBC");
  EXPECT_EQ(d.cause, DisplacementCause::kConflict);
  // Untagged "99" and the source take no part; the name neither when there is a code.
  EXPECT_EQ(d.source_id, "bgd|2013|Dhaka||killed");
}

TEST(HxlRow, EventIdIsTheKeyAndCauseComesFromCrisisType) {
  Mapping m = MapColumns(
      {}, {"#event+id", "#country+code", "#date", "#crisis+type", "#affected", "#affected+displaced"});
  auto row = ConvertRow(m, {"EV-1", "HTI", "2021-08-14", "Natural disaster", "1,200", "0"}, 3, Opts());
  ASSERT_FALSE(row.rejected()) << row.problems[0].reason;
  ASSERT_EQ(row.records.size(), 2u);
  EXPECT_EQ(row.records[0].source_id, "EV-1|affected");
  EXPECT_EQ(row.records[0].value, 1200);
  EXPECT_EQ(row.records[1].kind, "new_displacements");
  EXPECT_EQ(row.records[1].value, 0);  // 0 is a figure
  EXPECT_EQ(row.records[0].cause, DisplacementCause::kDisaster);
  EXPECT_EQ(row.records[0].year, 2021);  // from the date
  EXPECT_EQ(row.records[0].period_start.ToString(), "2021-08-14");
  EXPECT_EQ(row.records[0].period_end.ToString(), "2021-08-14");
  auto conflict = ConvertRow(m, {"EV-2", "HTI", "2021", "Armed Conflict", "5", ""}, 4, Opts());
  EXPECT_EQ(conflict.records.at(0).cause, DisplacementCause::kConflict);
}

TEST(HxlRow, NoCountryOrNoYearIsRejectedWithTheColumn) {
  Mapping m = MapColumns({"country", "year", "best"}, {"#country+code", "#date+year", "#affected+killed"});
  auto row = ConvertRow(m, {"", "", "4"}, 7, Opts());
  ASSERT_TRUE(row.rejected());
  EXPECT_TRUE(row.records.empty());
  ASSERT_EQ(row.problems.size(), 2u);
  EXPECT_EQ(row.problems[0].line, 7);
  EXPECT_EQ(row.problems[0].column, 1);
  EXPECT_EQ(row.problems[0].field, "country");
  EXPECT_THAT(row.problems[0].reason, HasSubstr("no country"));
  EXPECT_EQ(row.problems[1].column, 2);
  EXPECT_THAT(row.problems[1].reason, HasSubstr("no year"));

  Mapping bare = MapColumns({}, {"#affected+killed"});
  auto r2 = ConvertRow(bare, {"4"}, 2, Opts());
  ASSERT_EQ(r2.problems.size(), 2u);
  EXPECT_EQ(r2.problems[0].column, 0);
  EXPECT_THAT(r2.problems[0].reason, HasSubstr("the file has no #country+code column"));
}

TEST(HxlRow, YearColumnHoldingADate) {
  Mapping m = MapColumns({}, {"#country+code", "#date+year", "#affected"});
  EXPECT_EQ(ConvertRow(m, {"BGD", "2013-12-13", "1"}, 2, Opts()).records.at(0).year, 2013);
  auto bad = ConvertRow(m, {"BGD", "13", "1"}, 2, Opts());
  ASSERT_TRUE(bad.rejected());
  EXPECT_THAT(bad.problems[0].reason, HasSubstr("not a year: 13"));
}

TEST(HxlRow, NoFigureIsNotAnErrorButABadCountOrDateIs) {
  Mapping m = MapColumns({}, {"#country+code", "#date+start", "#affected+killed"});
  auto none = ConvertRow(m, {"", "", ""}, 2, Opts());
  EXPECT_FALSE(none.rejected());
  EXPECT_TRUE(none.records.empty());
  auto bad = ConvertRow(m, {"BGD", "2013-01-01", "many"}, 3, Opts());
  ASSERT_TRUE(bad.rejected());
  EXPECT_EQ(bad.problems[0].column, 3);
  EXPECT_EQ(bad.problems[0].field, "#affected+killed");
  auto negative = ConvertRow(m, {"BGD", "2013-01-01", "-3"}, 3, Opts());
  EXPECT_TRUE(negative.rejected());
  auto date = ConvertRow(m, {"BGD", "2013-02-30", "3"}, 4, Opts());
  ASSERT_TRUE(date.rejected());
  EXPECT_EQ(date.problems[0].column, 2);
}

TEST(HxlRow, BadCoordinatesAreDroppedWithANote) {
  Mapping m = MapColumns({}, {"#country+code", "#date+year", "#geo+lat", "#geo+lon", "#affected"});
  auto row = ConvertRow(m, {"BGD", "2013", "95.1", "90.0", "2"}, 2, Opts());
  ASSERT_FALSE(row.rejected());
  EXPECT_FALSE(row.records.at(0).latitude.has_value());
  EXPECT_FALSE(row.records.at(0).longitude.has_value());
  EXPECT_GE(row.notes.size(), 1u);
  auto ok = ConvertRow(m, {"BGD", "2013", "22.5", "90.0", "2"}, 2, Opts());
  ASSERT_TRUE(ok.records.at(0).latitude.has_value());
  EXPECT_DOUBLE_EQ(*ok.records[0].longitude, 90.0);
}

TEST(HxlDataset, FromTheFileName) {
  EXPECT_EQ(DatasetForFile("ucdp_ged_conflict_events_bgd.hxl.csv"), "hxl-ucdp-ged-conflict-events-bgd");
  EXPECT_EQ(DatasetForFile("/tmp/x/DTM Round.CSV"), "hxl-dtm-round");
  EXPECT_EQ(DatasetForFile("data.txt"), "hxl-data-txt");
  EXPECT_EQ(DatasetForFile(""), "hxl-file");
}

}  // namespace
}  // namespace waymark::evidence::hxl
