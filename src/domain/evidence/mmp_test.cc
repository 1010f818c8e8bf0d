#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "domain/evidence/csv.h"
#include "domain/evidence/parse.h"

namespace waymark::evidence {
namespace {

const char kCurrentHeader[] =
    "Main ID,Incident ID,Incident Type,Region of Incident,Incident Date,Incident Year,Month,Number of Dead,"
    "Minimum Estimated Number of Missing,Total Number of Dead and Missing,Number of Survivors,Number of "
    "Females,Number of Males,Number of Children,Country of Origin,Region of Origin,Cause of Death,Country of "
    "Incident,Migration Route,Location of Incident,Coordinates,UNSD Geographical Grouping,Information "
    "Source,URL,Source Quality\n";

const char kLegacyHeader[] =
    "\"Web ID\",\"Region of Incident\",\"Reported Date\",\"Reported Year\",\"Reported Month\",\"Number "
    "Dead\",\"Minimum Estimated Number of Missing\",\"Total Dead and Missing\",\"Number of "
    "Survivors\",\"Number of Females\",\"Number of Males\",\"Number of Children\",\"Cause of "
    "Death\",\"Location Description\",\"Information Source\",\"Location Coordinates\",\"Migration "
    "Route\",\"URL\",\"UNSD Geographical Grouping\",\"Source Quality\"\r\n";

const char k2026Header[] =
    "\"Main ID\",\"Incident ID\",Region,\"Incident Date\",Year,\"Reported Month\",\"Number "
    "Dead\",\"Minimum Estimated Number of Missing\",\"Number of Survivors\",\"Number of Females\",\"Number "
    "of Males\",\"Number of Children\",\"Region of Origin\",\"Cause of Death\",\"Country of "
    "Origin\",\"Location of death\",\"Information Source\",Coordinates,\"Migration route\",URL,\"UNSD "
    "Geographical Grouping\",\"Source Quality\"\n";

// One primary-file row with the given cells changed (by column name).
std::string CurrentRow(std::map<std::string, std::string> changes = {}) {
  std::map<std::string, std::string> cells = {
      {"Main ID", "2014.MMP00001"},
      {"Incident ID", "2014.MMP00001"},
      {"Incident Type", "Incident"},
      {"Region of Incident", "North America"},
      {"Incident Date", "2014-01-06"},
      {"Incident Year", "2014"},
      {"Month", "January"},
      {"Number of Dead", "1"},
      {"Minimum Estimated Number of Missing", ""},
      {"Total Number of Dead and Missing", "1"},
      {"Number of Survivors", ""},
      {"Number of Females", ""},
      {"Number of Males", "1"},
      {"Number of Children", ""},
      {"Country of Origin", "Guatemala"},
      {"Region of Origin", "Central America"},
      {"Cause of Death", "Mixed or unknown"},
      {"Country of Incident", "United States of America"},
      {"Migration Route", "US-Mexico border crossing"},
      {"Location of Incident", "Pima County, Arizona"},
      {"Coordinates", "31.650259, -110.366453"},
      {"UNSD Geographical Grouping", "Northern America"},
      {"Information Source", "PCOME"},
      {"URL", "http://humaneborders.info/"},
      {"Source Quality", "5"},
  };
  for (auto& [k, v] : changes) {
    EXPECT_TRUE(cells.count(k)) << k;
    cells[k] = v;
  }
  auto header = SplitCsvLine(std::string(kCurrentHeader, sizeof kCurrentHeader - 2));
  std::string row;
  for (const std::string& h : *header) {
    if (!row.empty()) row += ',';
    const std::string& v = cells[h];
    if (v.find_first_of(",\"\n") != std::string::npos) {
      row += '"';
      for (char c : v) row += (c == '"') ? std::string("\"\"") : std::string(1, c);
      row += '"';
    } else {
      row += v;
    }
  }
  return row + "\n";
}

struct Parsed {
  Result<FileShape> shape = Status::Internal("not run");
  std::vector<ParsedRow<Incident>> rows;
};

Parsed ParseText(const std::string& text, const std::string& format = "auto") {
  Parsed p;
  std::istringstream in(text);
  ParseOptions opts;
  opts.format = format;
  RowSink<Incident> sink;
  sink.on_row = [&](ParsedRow<Incident>&& r) {
    p.rows.push_back(std::move(r));
    return Status::Ok();
  };
  p.shape = ParseIncidents(in, opts, sink);
  return p;
}

// The one accepted incident of a one-row file.
Incident One(const std::string& text, std::vector<RowProblem>* notes = nullptr) {
  Parsed p = ParseText(text);
  EXPECT_TRUE(p.shape.ok()) << p.shape.status().message();
  EXPECT_EQ(p.rows.size(), 1u);
  if (p.rows.size() != 1) return {};
  for (const auto& pr : p.rows[0].problems) ADD_FAILURE() << pr.field << ": " << pr.reason;
  EXPECT_EQ(p.rows[0].records.size(), 1u);
  if (notes) *notes = p.rows[0].notes;
  return p.rows[0].records.empty() ? Incident{} : p.rows[0].records[0];
}

bool HasNote(const std::vector<RowProblem>& notes, const std::string& field, const std::string& reason) {
  for (const auto& n : notes) {
    if (n.field == field && n.reason == reason) return true;
  }
  return false;
}

// ---------------------------------------------------------------- primary schema

TEST(MmpTest, PrimaryRowByName) {
  Parsed p = ParseText(std::string(kCurrentHeader) + CurrentRow());
  ASSERT_TRUE(p.shape.ok()) << p.shape.status().message();
  EXPECT_EQ(p.shape->format, "mmp-current");
  EXPECT_EQ(p.shape->dataset, "mmp");
  EXPECT_EQ(p.shape->columns_used.size(), 25u);
  EXPECT_TRUE(p.shape->columns_ignored.empty());
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].line, 2);
  const Incident& i = p.rows[0].records.at(0);
  EXPECT_EQ(i.source_id, "2014.MMP00001");
  EXPECT_EQ(i.part, 1);
  EXPECT_EQ(i.date, (PartialDate{2014, 1, 6, DatePrecision::kDay}));
  EXPECT_EQ(i.year, 2014);
  EXPECT_EQ(i.month, 1);
  EXPECT_EQ(i.dead, 1);
  EXPECT_FALSE(i.missing.has_value());
  EXPECT_EQ(i.total, 1);
  EXPECT_EQ(i.males, 1);
  EXPECT_EQ(i.causes, std::vector<Cause>{Cause::kMixedOrUnknown});
  EXPECT_DOUBLE_EQ(*i.latitude, 31.650259);
  EXPECT_DOUBLE_EQ(*i.longitude, -110.366453);
  EXPECT_EQ(i.country, "United States of America");
  EXPECT_EQ(i.source_quality, std::vector<int>{5});
  EXPECT_EQ(i.urls, std::vector<std::string>{"http://humaneborders.info/"});
}

TEST(MmpTest, ColumnsAreMappedByNameNotPosition) {
  // The same file with its columns reversed, plus one we do not know.
  auto header = *SplitCsvLine(std::string(kCurrentHeader, sizeof kCurrentHeader - 2));
  auto row = *SplitCsvLine(CurrentRow({{"Main ID", "2015.MMP00009"}}).substr(0, CurrentRow().size() - 1));
  std::string text = "Extra";
  std::string line = "ignored";
  for (std::size_t k = header.size(); k-- > 0;) {
    text += ",\"" + header[k] + "\"";
    line += ",\"" + row[k] + "\"";
  }
  Parsed p = ParseText(text + "\n" + line + "\n");
  ASSERT_TRUE(p.shape.ok()) << p.shape.status().message();
  EXPECT_EQ(p.shape->columns_ignored, std::vector<std::string>{"Extra"});
  EXPECT_EQ(p.rows.at(0).records.at(0).source_id, "2015.MMP00009");
  EXPECT_DOUBLE_EQ(*p.rows[0].records[0].latitude, 31.650259);
}

TEST(MmpTest, NegativeCountRejectsTheRowWithLineColumnAndReason) {
  Parsed p = ParseText(std::string(kCurrentHeader) + CurrentRow() +
                       CurrentRow({{"Main ID", "2015.MMP00565"},
                                   {"Number of Dead", "69"},
                                   {"Minimum Estimated Number of Missing", "-13"},
                                   {"Total Number of Dead and Missing", "56"}}) +
                       CurrentRow({{"Number of Survivors", "-1"}}));
  ASSERT_TRUE(p.shape.ok());
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_FALSE(p.rows[0].rejected());
  ASSERT_TRUE(p.rows[1].rejected());
  EXPECT_TRUE(p.rows[1].records.empty());
  const RowProblem& pr = p.rows[1].problems.at(0);
  EXPECT_EQ(pr.line, 3);
  EXPECT_EQ(pr.column, 9);
  EXPECT_EQ(pr.field, "Minimum Estimated Number of Missing");
  EXPECT_EQ(pr.reason, "negative count -13");
  EXPECT_NE(p.rows[1].raw.find("2015.MMP00565"), std::string::npos);
  ASSERT_TRUE(p.rows[2].rejected());
  EXPECT_EQ(p.rows[2].problems.at(0).field, "Number of Survivors");
  EXPECT_EQ(p.rows[2].problems.at(0).reason, "negative count -1");
}

TEST(MmpTest, BlankDateIsUnknownAndAccepted) {
  Incident i =
      One(std::string(kCurrentHeader) +
          CurrentRow(
              {{"Main ID", "2020.MMP01074"}, {"Incident Date", ""}, {"Incident Year", ""}, {"Month", ""}}));
  EXPECT_FALSE(i.date.known());
  EXPECT_EQ(i.year, 0);
  EXPECT_EQ(i.month, 0);
}

TEST(MmpTest, ZeroDateIsUnknownWithANote) {
  std::vector<RowProblem> notes;
  Incident i = One(std::string(kCurrentHeader) + CurrentRow({{"Main ID", "2020.MMP01343"},
                                                             {"Incident Date", "0"},
                                                             {"Incident Year", "2020"},
                                                             {"Month", "June"}}),
                   &notes);
  EXPECT_TRUE(HasNote(notes, "Incident Date", "no date: 0"));
  // The year and month columns still say when, to that precision.
  EXPECT_EQ(i.date, (PartialDate{2020, 6, 0, DatePrecision::kMonth}));
  EXPECT_EQ(i.year, 2020);
}

TEST(MmpTest, MultiValuedSourceQuality) {
  EXPECT_EQ(One(std::string(kCurrentHeader) + CurrentRow({{"Source Quality", "4,5"}})).source_quality,
            (std::vector<int>{4, 5}));
  EXPECT_EQ(One(std::string(kCurrentHeader) + CurrentRow({{"Source Quality", "3,1,4,3"}})).source_quality,
            (std::vector<int>{1, 3, 4}));
  Parsed bad = ParseText(std::string(kCurrentHeader) + CurrentRow({{"Source Quality", "7"}}));
  ASSERT_TRUE(bad.rows.at(0).rejected());
  EXPECT_EQ(bad.rows[0].problems[0].reason, "source quality not 1..5: 7");
}

TEST(MmpTest, CauseCategoriesContainingCommas) {
  Incident i =
      One(std::string(kCurrentHeader) +
          CurrentRow({{"Cause of Death",
                       "Harsh environmental conditions / lack of adequate shelter, food, water,Sickness / "
                       "lack of access to adequate healthcare"}}));
  EXPECT_EQ(i.causes, (std::vector<Cause>{Cause::kHarshConditions, Cause::kSickness}));
  Incident j =
      One(std::string(kCurrentHeader) +
          CurrentRow({{"Cause of Death",
                       "Mixed or unknown,Vehicle accident / death linked to hazardous transport,Violence"}}));
  EXPECT_EQ(j.causes,
            (std::vector<Cause>{Cause::kMixedOrUnknown, Cause::kVehicleAccident, Cause::kViolence}));
  EXPECT_EQ(j.cause_text, "Mixed or unknown,Vehicle accident / death linked to hazardous transport,Violence");
}

TEST(MmpTest, QuotedNewlineAndHtmlInLocation) {
  std::vector<RowProblem> notes;
  Incident i = One(std::string(kCurrentHeader) +
                       CurrentRow({{"Main ID", "2014.MMP1039"},
                                   {"Location of Incident", "<p>Near Sirte,\nLibya &amp; coast</p>"}}),
                   &notes);
  EXPECT_EQ(i.location, "Near Sirte, Libya & coast");
  EXPECT_TRUE(HasNote(notes, "Location of Incident", "HTML removed"));
}

TEST(MmpTest, ByteOrderMarkInsideMainIdAndTrailingWhitespace) {
  Incident i = One(std::string(kCurrentHeader) + CurrentRow({{"Main ID",
                                                              "\xEF\xBB\xBF"
                                                              "2016.MMP00444"},
                                                             {"Country of Incident", "Mexico  "},
                                                             {"Region of Incident", " Central America "}}));
  EXPECT_EQ(i.source_id, "2016.MMP00444");
  EXPECT_EQ(i.country, "Mexico");
  EXPECT_EQ(i.regions, std::vector<std::string>{"Central America"});
}

TEST(MmpTest, SplitAndCumulativeTypes) {
  Incident both =
      One(std::string(kCurrentHeader) + CurrentRow({{"Incident Type", "Incident,Split Incident"}}));
  EXPECT_EQ(both.kind, IncidentKind::kIncident);
  EXPECT_TRUE(both.also_split);
  EXPECT_EQ(One(std::string(kCurrentHeader) + CurrentRow({{"Incident Type", "Split Incident"}})).kind,
            IncidentKind::kSplit);
  EXPECT_EQ(One(std::string(kCurrentHeader) + CurrentRow({{"Incident Type", "Cumulative Incident"}})).kind,
            IncidentKind::kCumulative);
  Incident ids =
      One(std::string(kCurrentHeader) + CurrentRow({{"Incident ID", "2021.MMP00722756,2021.MMP00722757"}}));
  EXPECT_EQ(ids.incident_ids, (std::vector<std::string>{"2021.MMP00722756", "2021.MMP00722757"}));
  Parsed bad = ParseText(std::string(kCurrentHeader) + CurrentRow({{"Incident Type", "Accident"}}));
  EXPECT_EQ(bad.rows.at(0).problems.at(0).reason, "unknown incident type: Accident");
}

TEST(MmpTest, OriginsPresumedAndUnknown) {
  Incident i = One(std::string(kCurrentHeader) +
                   CurrentRow({{"Country of Origin", "Unknown"},
                               {"Region of Origin", "Latin America / Caribbean (P),Northern Africa"}}));
  EXPECT_TRUE(i.countries_of_origin.empty());
  EXPECT_EQ(i.regions_of_origin,
            (std::vector<Origin>{{"Latin America / Caribbean", true}, {"Northern Africa", false}}));
  Incident j = One(std::string(kCurrentHeader) + CurrentRow({{"Country of Origin", "Afghanistan,Pakistan"}}));
  EXPECT_EQ(j.countries_of_origin, (std::vector<Origin>{{"Afghanistan", false}, {"Pakistan", false}}));
}

TEST(MmpTest, TotalThatDisagreesIsKeptWithANote) {
  std::vector<RowProblem> notes;
  Incident i = One(std::string(kCurrentHeader) + CurrentRow({{"Number of Dead", "3"},
                                                             {"Minimum Estimated Number of Missing", "2"},
                                                             {"Total Number of Dead and Missing", "4"}}),
                   &notes);
  EXPECT_EQ(i.total, 4);
  EXPECT_TRUE(HasNote(notes, "Total Number of Dead and Missing", "total 4 differs from dead + missing = 5"));
  Incident blank = One(std::string(kCurrentHeader) +
                           CurrentRow({{"Number of Dead", "3"}, {"Total Number of Dead and Missing", ""}}),
                       &notes);
  EXPECT_EQ(blank.total, 3);
  EXPECT_TRUE(HasNote(notes, "Total Number of Dead and Missing", "total computed as dead + missing"));
}

TEST(MmpTest, FloatNoiseInACountIsRoundedWithANote) {
  std::vector<RowProblem> notes;
  Incident i = One(std::string(kCurrentHeader) +
                       CurrentRow({{"Number of Survivors", "8.0399999"}, {"Number of Dead", "4.0"}}),
                   &notes);
  EXPECT_EQ(i.survivors, 8);
  EXPECT_EQ(i.dead, 4);
  EXPECT_TRUE(HasNote(notes, "Number of Survivors", "rounded 8.0399999 to 8"));
}

TEST(MmpTest, CoordinatesOutOfRangeRejectTheRow) {
  Parsed p = ParseText(std::string(kCurrentHeader) + CurrentRow({{"Coordinates", "131.6, -110.3"}}));
  ASSERT_TRUE(p.rows.at(0).rejected());
  EXPECT_EQ(p.rows[0].problems[0].field, "Coordinates");
  EXPECT_EQ(p.rows[0].problems[0].column, 21);
  EXPECT_EQ(p.rows[0].problems[0].reason, "coordinates out of range: 131.6, -110.3");
}

TEST(MmpTest, WrongFieldCountRejectsTheRow) {
  Parsed p = ParseText(std::string(kCurrentHeader) + "a,b,c\n");
  ASSERT_TRUE(p.rows.at(0).rejected());
  EXPECT_EQ(p.rows[0].problems[0].reason, "row has 3 fields, the header 25");
}

TEST(MmpTest, CanonicalTextIsStableAndRoundTripsDoubles) {
  std::string text = std::string(kCurrentHeader) + CurrentRow();
  Incident a = One(text), b = One(text);
  EXPECT_EQ(CanonicalText(a), CanonicalText(b));
  const std::string canon = CanonicalText(a);
  EXPECT_NE(canon.find("latitude=31.650259\n"), std::string::npos) << canon;
  EXPECT_NE(canon.find("longitude=-110.366453\n"), std::string::npos);
  EXPECT_NE(canon.find("missing=\n"), std::string::npos);  // unknown, not 0
  EXPECT_NE(canon.find("causes=mixed_or_unknown\n"), std::string::npos);
  Incident c = One(std::string(kCurrentHeader) + CurrentRow({{"Number of Survivors", "5"}}));
  EXPECT_NE(CanonicalText(a), CanonicalText(c));
}

// ---------------------------------------------------------------- legacy schema

TEST(MmpTest, LegacyCrlfBomThousandsAndFreeTextCauses) {
  std::string text =
      std::string("\xEF\xBB\xBF") + kLegacyHeader +
      "\"52682\",\"Mediterranean\",\"January 05, 2020\",\"2020\",\"Jan\",\"4\",\"1\",\"5\",\"51\",\"\","
      "\"5\",\"1\",\"Presumed drowning\",\"Off the coast of Izmir, Turkey\",\"IOM Turkey\","
      "\"38.610762461670, 26.651187816406\",\"Eastern Mediterranean\",\"https://bit.ly/a, "
      "https://bit.ly/b\",\"Uncategorized\",\"4\"\r\n"
      "\"40000\",\"North Africa\",\"May 10, 2016\",\"2016\",\"May\",\"1,022\",\"\",\"1,022\",\"\",\"\","
      "\"\",\"\",\"Sickness and lack of access to medicines, Starvation, Shot, Spontaneous combustion\","
      "\"Sahara\ndesert\",\"x\",\"20.1, 5.2\",\"\",\"\",\"\",\"1\"\r\n";
  Parsed p = ParseText(text);
  ASSERT_TRUE(p.shape.ok()) << p.shape.status().message();
  EXPECT_EQ(p.shape->format, "mmp-legacy");
  EXPECT_EQ(p.shape->dataset, "mmp-legacy");
  ASSERT_EQ(p.rows.size(), 2u);
  const Incident& a = p.rows[0].records.at(0);
  EXPECT_EQ(a.dataset, "mmp-legacy");
  EXPECT_EQ(a.source_id, "web:52682");
  EXPECT_EQ(a.date, (PartialDate{2020, 1, 5, DatePrecision::kDay}));
  EXPECT_EQ(a.month, 1);
  EXPECT_EQ(a.causes, std::vector<Cause>{Cause::kDrowning});
  EXPECT_EQ(a.cause_text, "Presumed drowning");
  EXPECT_EQ(a.urls, (std::vector<std::string>{"https://bit.ly/a", "https://bit.ly/b"}));
  EXPECT_DOUBLE_EQ(*a.latitude, 38.610762461670);
  const Incident& b = p.rows[1].records.at(0);
  EXPECT_EQ(p.rows[1].line, 3);
  EXPECT_EQ(b.dead, 1022);
  EXPECT_EQ(b.total, 1022);
  EXPECT_EQ(b.location, "Sahara\ndesert");
  EXPECT_EQ(b.causes, (std::vector<Cause>{Cause::kSickness, Cause::kHarshConditions, Cause::kViolence,
                                          Cause::kMixedOrUnknown}));
  EXPECT_TRUE(HasNote(p.rows[1].notes, "Cause of Death",
                      "cause \"Spontaneous combustion\" counted as mixed or unknown"));
}

TEST(MmpTest, LegacyCauseTable) {
  struct Case {
    const char* text;
    std::vector<Cause> causes;
  } cases[] = {
      {"Drowning", {Cause::kDrowning}},
      {"Unknown", {Cause::kMixedOrUnknown}},
      {"Unknown (skeletal remains)", {Cause::kMixedOrUnknown}},
      {"Hypothermia", {Cause::kHarshConditions}},
      {"Vehicle Accident", {Cause::kVehicleAccident}},
      {"Fall from train", {Cause::kVehicleAccident}},
      {"Shot or stabbed", {Cause::kViolence}},
      {"Starvation, Dehydration", {Cause::kHarshConditions}},
      {"Harsh weather/lack of adequate shelter", {Cause::kHarshConditions}},
      {"Accidental death", {Cause::kAccidental}},
  };
  for (const Case& c : cases) {
    std::string text =
        std::string(kLegacyHeader) +
        "\"1\",\"\",\"May 10, 2016\",\"2016\",\"May\",\"1\",\"\",\"1\",\"\",\"\",\"\",\"\",\"" + c.text +
        "\",\"\",\"\",\"20.1, 5.2\",\"\",\"\",\"\",\"1\"\r\n";
    EXPECT_EQ(One(text).causes, c.causes) << c.text;
  }
}

// ---------------------------------------------------------------- 2026 schema

TEST(Mmp2026Test, MmDdDatesZeroMissingComputedTotalAndRepeatedIds) {
  std::string text =
      std::string(k2026Header) +
      "2026.MMP0001,2026.MMP0001,\"Western Asia\",\"Thu, 01/01/2026 - 12:00\",2026,January,1,0,,,1,,"
      "\"Western Asia\",Drowning,Iraq,\"Near X\",\"Rudaw\",\"37.3, 42.9\",\"Route\",https://p.cc/1,"
      "\"Western Asia\",3\n"
      "2026.MMP0002,2026.MMP0002175,Mediterranean,\"Sat, 01/31/2026 - 12:00\",2026,January,,3,,,,,"
      "\"Unknown\",Drowning,Unknown,\"Sea\",\"IOM\",\"35.6, -5.3\",,,Uncategorized,1\n"
      "2026.MMP0002,2026.MMP0002176,Mediterranean,\"Sat, 01/31/2026 - 12:00\",2026,January,2,0,,,,,"
      "\"Unknown\",Drowning,Unknown,\"Sea\",\"IOM\",\"35.6, -5.3\",,,Uncategorized,1";
  Parsed p = ParseText(text);
  ASSERT_TRUE(p.shape.ok()) << p.shape.status().message();
  EXPECT_EQ(p.shape->format, "mmp-2026");
  EXPECT_EQ(p.shape->dataset, "mmp");
  ASSERT_EQ(p.rows.size(), 3u);
  const Incident& a = p.rows[0].records.at(0);
  EXPECT_EQ(a.date, (PartialDate{2026, 1, 1, DatePrecision::kDay}));
  EXPECT_EQ(a.missing, 0);  // the publisher's 0 is kept
  EXPECT_EQ(a.total, 1);    // computed: no total column
  const Incident& b = p.rows[1].records.at(0);
  EXPECT_EQ(b.date.day, 31);
  EXPECT_FALSE(b.dead.has_value());
  EXPECT_EQ(b.total, 3);
  const Incident& c = p.rows[2].records.at(0);
  // Split incidents share a Main ID; both stay part 1 here (the store numbers them).
  EXPECT_EQ(b.source_id, c.source_id);
  EXPECT_EQ(c.part, 1);
  EXPECT_NE(b.incident_ids, c.incident_ids);
}

// ---------------------------------------------------------------- API schema

TEST(MmpApiTest, StringValuesMisspeltKeyEntitiesAndTrailingNewline) {
  std::string text =
      "[{\"web_id\":\"\\ufeff2025.MMP0937 \",\"region\":\"Northern Africa\",\"reported_date\":\"2025-09-08\","
      "\"number_dead\":\"\",\"number_missing\":\"4\",\"total_dead_and_missing\":\"4\",\"number_of_"
      "survivors\":\"38\","
      "\"number_of_female\":\"\",\"number_of_male\":\"\",\"number_of_children\":\"\",\"cause_death\":\"Harsh "
      "environmental conditions \\/ lack of adequate shelter, food, "
      "water\",\"country_of_incident\":\"Morocco\","
      "\"location_description\":\"C\\u00f4te d&#039;Ivoire "
      "coast\\n\",\"unsd_geographic_grouping\":\"Uncategorized\","
      "\"location_coodinates\":\"36.09697472, "
      "-7.465096441\",\"migration_route\":\"\",\"information_source\":\"Not\\u00edcias\","
      "\"url\":\"https:\\/\\/perma.cc\\/VBM7-DKEY, "
      "https:\\/\\/perma.cc\\/KAY8-WRBL\",\"source_quality\":\"2\","
      "\"region_origin\":\"Northern Africa (P)\",\"country_origin\":\"Unknown\"},\n"
      " {\"web_id\":\"2025.MMP0992\",\"region\":\"Mediterranean\",\"reported_date\":\"2025-09-08\","
      "\"number_dead\":\"-1\",\"number_missing\":\"0\",\"total_dead_and_missing\":\"1\",\"number_of_"
      "survivors\":\"\","
      "\"number_of_female\":\"\",\"number_of_male\":\"\",\"number_of_children\":\"\",\"cause_death\":"
      "\"Drowning\","
      "\"country_of_incident\":\"Spain\",\"location_description\":\"Beach\\n\",\"unsd_geographic_grouping\":"
      "\"x\","
      "\"location_coodinates\":\"36.7, "
      "-2.2\",\"migration_route\":\"\",\"information_source\":\"\",\"url\":\"\","
      "\"source_quality\":\"\",\"region_origin\":\"\",\"country_origin\":\"\"}]";
  Parsed p = ParseText(text);
  ASSERT_TRUE(p.shape.ok()) << p.shape.status().message();
  EXPECT_EQ(p.shape->format, "mmp-api");
  EXPECT_EQ(p.shape->dataset, "mmp");
  EXPECT_TRUE(p.shape->header.empty());
  ASSERT_EQ(p.rows.size(), 2u);
  const Incident& a = p.rows[0].records.at(0);
  EXPECT_EQ(p.rows[0].line, 1);
  EXPECT_EQ(a.source_id, "2025.MMP0937");
  EXPECT_EQ(a.location, "C\xC3\xB4te d'Ivoire coast");
  EXPECT_TRUE(HasNote(p.rows[0].notes, "location_description", "HTML removed"));
  EXPECT_DOUBLE_EQ(*a.latitude, 36.09697472);
  EXPECT_EQ(a.year, 2025);
  EXPECT_EQ(a.month, 9);
  EXPECT_EQ(a.missing, 4);
  EXPECT_EQ(a.total, 4);
  EXPECT_EQ(a.causes, std::vector<Cause>{Cause::kHarshConditions});
  EXPECT_EQ(a.regions_of_origin, (std::vector<Origin>{{"Northern Africa", true}}));
  EXPECT_TRUE(a.countries_of_origin.empty());
  EXPECT_EQ(a.urls.size(), 2u);
  EXPECT_EQ(p.rows[1].line, 2);
  ASSERT_TRUE(p.rows[1].rejected());
  EXPECT_EQ(p.rows[1].problems[0].field, "number_dead");
  EXPECT_EQ(p.rows[1].problems[0].column, 4);
  EXPECT_EQ(p.rows[1].raw.substr(0, 24), "{\"web_id\":\"2025.MMP0992\"");

  // A quarantined object parsed again after a person corrected it.
  std::string fixed = p.rows[1].raw;
  fixed.replace(fixed.find("\"-1\""), 4, "\"1\"");
  ParsedRow<Incident> again = ReparseIncident("mmp-api", {}, fixed, 2);
  ASSERT_FALSE(again.rejected()) << again.problems[0].reason;
  EXPECT_EQ(again.records.at(0).dead, 1);
}

// One API object with every key, blank values, then the given changes.
std::string ApiObject(const std::map<std::string, std::string>& changes = {}) {
  std::string good =
      "{\"web_id\":\"2025.MMP0992\",\"region\":\"\",\"reported_date\":\"\",\"number_dead\":\"\","
      "\"number_missing\":\"\",\"total_dead_and_missing\":\"\",\"number_of_survivors\":\"\","
      "\"number_of_female\":\"\",\"number_of_male\":\"\",\"number_of_children\":\"\",\"cause_death\":\"\","
      "\"country_of_incident\":\"\",\"location_description\":\"\",\"unsd_geographic_grouping\":\"\","
      "\"location_coodinates\":\"\",\"migration_route\":\"\",\"information_source\":\"\",\"url\":\"\","
      "\"source_quality\":\"\",\"region_origin\":\"\",\"country_origin\":\"\"}";
  for (const auto& [key, value] : changes) {
    const std::string from = "\"" + key + "\":\"\"";
    EXPECT_NE(good.find(from), std::string::npos) << key;
    std::string to = "\"" + key;
    to.append("\":\"").append(value).append("\"");
    good.replace(good.find(from), from.size(), to);
  }
  return good;
}

TEST(MmpApiTest, EntitiesInNamesAndUrlsAreDecoded) {
  Incident i =
      One("[" +
          ApiObject({{"country_origin", "C\\u00f4te d&#039;Ivoire,Lao People&#039;s Democratic Republic"},
                     {"country_of_incident", "Democratic People&#039;s Republic of Korea"},
                     {"url", "https://f.example/story.php?a=1&amp;id=2, https://perma.cc/497F"}}) +
          "]");
  EXPECT_EQ(i.countries_of_origin, (std::vector<Origin>{{"C\xC3\xB4te d'Ivoire", false},
                                                        {"Lao People's Democratic Republic", false}}));
  EXPECT_EQ(i.country, "Democratic People's Republic of Korea");
  EXPECT_EQ(i.urls,
            (std::vector<std::string>{"https://f.example/story.php?a=1&id=2", "https://perma.cc/497F"}));
}

TEST(MmpApiTest, JsonSyntaxErrorNamesTheLine) {
  const std::string good = ApiObject();
  Parsed ok = ParseText("[" + good + "]");
  ASSERT_TRUE(ok.shape.ok()) << ok.shape.status().message();
  EXPECT_EQ(ok.rows.size(), 1u);
  Parsed p = ParseText("[" + good + ",\n{\"web_id\": oops}]");
  ASSERT_FALSE(p.shape.ok());
  EXPECT_EQ(p.shape.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(p.shape.status().message().rfind("line 2, column 12: JSON syntax error", 0), 0u)
      << p.shape.status().message();
  EXPECT_EQ(p.rows.size(), 1u);  // the rows before the error were handed on
  Parsed q = ParseText("[" + good + " {}]");
  ASSERT_FALSE(q.shape.ok());
  EXPECT_EQ(q.shape.status().message(),
            "line 1, column " + std::to_string(good.size() + 3) + ": expected ',' or ']'");
  Parsed r = ParseText("[" + good + "");
  EXPECT_EQ(r.shape.status().kind(), Status::Kind::kInvalidArgument);
  Parsed empty = ParseText(" [ ] ");
  ASSERT_TRUE(empty.shape.ok());
  EXPECT_EQ(empty.shape->format, "mmp-api");
  EXPECT_TRUE(empty.rows.empty());
}

// ---------------------------------------------------------------- HXL

Parsed ParseNamed(const std::string& text, const std::string& filename, const std::string& format = "auto") {
  Parsed p;
  std::istringstream in(text);
  ParseOptions opts;
  opts.format = format;
  opts.filename = filename;
  RowSink<Incident> sink;
  sink.on_row = [&](ParsedRow<Incident>&& r) {
    p.rows.push_back(std::move(r));
    return Status::Ok();
  };
  p.shape = ParseIncidents(in, opts, sink);
  return p;
}

TEST(MmpHxlTest, TaggedColumnsByHashtag) {
  const std::string text =
      "Event,Killed,Missing,When,Lat,Lon,Country,Place,Region,Source,Link,Note,Killed women\n"
      "#event+id,#affected+killed,#affected +Missing,#date,#geo+lat,#geo+lon,#country+name,#loc+name,"
      "#region+name,#meta+source,#meta+url,,#affected+killed+f\n"
      "E1,3,,2024-05-01,12.5,43.1,Yemen,Coast &amp; sea,Horn of Africa,IOM,https://a.example/x,hi,2\n"
      "E2,-1,2,2024-05-02,12.5,43.1,Yemen,Coast,Horn of Africa,IOM,,,\n";
  for (const char* format : {"auto", "hxl"}) {
    Parsed p = ParseNamed(text, "Deaths at Sea.hxl.csv", format);
    ASSERT_TRUE(p.shape.ok()) << p.shape.status().message();
    EXPECT_EQ(p.shape->format, "hxl");
    EXPECT_EQ(p.shape->dataset, "hxl-deaths-at-sea");
    EXPECT_EQ(p.shape->header.at(0), "#event+id");
    EXPECT_EQ(p.shape->columns_used.size(), 11u);
    EXPECT_EQ(p.shape->columns_ignored,
              (std::vector<std::string>{"Note (untagged)", "Killed women (#affected+f+killed)"}));
    ASSERT_EQ(p.rows.size(), 2u);
    const Incident& i = p.rows[0].records.at(0);
    EXPECT_EQ(p.rows[0].line, 3);
    EXPECT_EQ(i.dataset, "hxl-deaths-at-sea");
    EXPECT_EQ(i.source_id, "E1");
    EXPECT_EQ(i.dead, 3);
    EXPECT_FALSE(i.missing.has_value());
    EXPECT_EQ(i.total, 3);
    EXPECT_EQ(i.date, (PartialDate{2024, 5, 1, DatePrecision::kDay}));
    EXPECT_EQ(i.year, 2024);
    EXPECT_DOUBLE_EQ(*i.latitude, 12.5);
    EXPECT_DOUBLE_EQ(*i.longitude, 43.1);
    EXPECT_EQ(i.country, "Yemen");
    EXPECT_EQ(i.location, "Coast & sea");
    EXPECT_EQ(i.regions, std::vector<std::string>{"Horn of Africa"});
    EXPECT_EQ(i.information_source, "IOM");
    EXPECT_EQ(i.urls, std::vector<std::string>{"https://a.example/x"});
    ASSERT_TRUE(p.rows[1].rejected());
    EXPECT_EQ(p.rows[1].problems[0].field, "#affected+killed");
    EXPECT_EQ(p.rows[1].problems[0].column, 2);
    EXPECT_EQ(p.rows[1].problems[0].reason, "negative count -1");

    // The quarantined row again, with the file's hashtag row.
    std::string fixed = p.rows[1].raw;
    fixed.replace(fixed.find(",-1,"), 4, ",1,");
    ParsedRow<Incident> again = ReparseIncident("hxl", p.shape->header, fixed, 4);
    ASSERT_FALSE(again.rejected()) << again.problems[0].reason;
    EXPECT_EQ(again.records.at(0).total, 3);
  }
}

TEST(MmpHxlTest, HashtagRowFirstNoIdAndBadCoordinates) {
  Parsed p = ParseNamed(
      "#date+start,#date+year,#affected+missing,#geo+lat,#geo+lon\n2023-01-02,2023,4,95,10\n"
      "2023-01-03,2023,4,9,10\n",
      "x.csv");
  ASSERT_TRUE(p.shape.ok()) << p.shape.status().message();
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].line, 2);
  ASSERT_TRUE(p.rows[0].rejected());
  EXPECT_EQ(p.rows[0].problems[0].reason, "coordinate out of range: 95");
  const Incident& i = p.rows[1].records.at(0);
  EXPECT_EQ(i.source_id, "2023-01-03|9|10");  // built from what places the row
  EXPECT_EQ(i.missing, 4);
  EXPECT_EQ(i.date.day, 3);
}

TEST(MmpHxlTest, TableWithoutAFigureIsRefused) {
  Parsed p = ParseNamed("a,b\n#date,#country+name\n2020-01-01,Chad\n", "x.csv", "hxl");
  ASSERT_FALSE(p.shape.ok());
  EXPECT_EQ(p.shape.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(p.shape.status().message().find("#affected+killed"), std::string::npos);
}

// ---------------------------------------------------------------- formats

TEST(MmpFormatTest, ExplicitFormatThatDoesNotMatchNamesTheMissingColumns) {
  Parsed p = ParseText(std::string(kCurrentHeader) + CurrentRow(), "mmp-legacy");
  ASSERT_FALSE(p.shape.ok());
  EXPECT_EQ(p.shape.status().kind(), Status::Kind::kInvalidArgument);
  const std::string& m = p.shape.status().message();
  EXPECT_NE(m.find("not a mmp-legacy file, missing columns: Web ID, Reported Date"), std::string::npos) << m;
  EXPECT_TRUE(p.rows.empty());
}

TEST(MmpFormatTest, UnknownHeaderAndHxl) {
  Parsed p = ParseText("a,b,c\n1,2,3\n");
  ASSERT_FALSE(p.shape.ok());
  EXPECT_EQ(p.shape.status().kind(), Status::Kind::kInvalidArgument);
  Parsed h = ParseText("a,b\nx,y\n", "hxl");
  ASSERT_FALSE(h.shape.ok());
  EXPECT_EQ(h.shape.status().message(), "line 2: no HXL hashtag row (#affected+killed, #date, ...)");
  EXPECT_EQ(ParseText("", "auto").shape.status().kind(), Status::Kind::kInvalidArgument);
}

TEST(MmpFormatTest, ReparseCsvRowWithTheFileHeader) {
  Parsed p = ParseText(std::string(kCurrentHeader) + CurrentRow({{"Number of Survivors", "-1"}}));
  ASSERT_TRUE(p.rows.at(0).rejected());
  std::string raw = p.rows[0].raw;
  raw.replace(raw.find(",-1,"), 4, ",1,");
  ParsedRow<Incident> again = ReparseIncident(p.shape->format, p.shape->header, raw, 2);
  ASSERT_FALSE(again.rejected()) << again.problems[0].reason;
  EXPECT_EQ(again.records.at(0).survivors, 1);
  EXPECT_TRUE(ReparseIncident("mmp-current", {"x"}, raw, 2).rejected());
}

// ---------------------------------------------------------------- the real files

struct FileCount {
  std::int64_t rows = 0, accepted = 0, rejected = 0, notes = 0;
  std::int64_t accepted_total = 0;
  std::int64_t year_zero = 0, odd_ids = 0;
  std::set<std::string> ids;
  std::set<std::string> reasons;
  std::map<std::string, int> note_kinds;
  std::vector<ParsedRow<Incident>> rejected_rows;
  FileShape shape;
};

FileCount ParseFile(const std::string& name) {
  FileCount fc;
  std::ifstream in(std::string(WAYMARK_SHARED_DATA) + "/iom-missing-migrants/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  RowSink<Incident> sink;
  sink.on_shape = [&](const FileShape& s) {
    fc.shape = s;
    return Status::Ok();
  };
  sink.on_row = [&](ParsedRow<Incident>&& r) {
    ++fc.rows;
    fc.notes += static_cast<std::int64_t>(r.notes.size());
    for (const auto& n : r.notes) ++fc.note_kinds[n.field + ": " + n.reason.substr(0, n.reason.find(' ', 6))];
    if (r.rejected()) {
      ++fc.rejected;
      for (const auto& p : r.problems) fc.reasons.insert(p.field + ": " + p.reason);
      EXPECT_TRUE(r.records.empty());
      fc.rejected_rows.push_back(std::move(r));
    } else {
      EXPECT_EQ(r.records.size(), 1u);
      ++fc.accepted;
      const Incident& i = r.records[0];
      fc.accepted_total += i.total.value_or(0);
      if (i.year == 0) ++fc.year_zero;
      if (i.source_id.empty() || i.source_id.find_first_of(" \xEF") != std::string::npos) ++fc.odd_ids;
      fc.ids.insert(i.source_id);
    }
    return Status::Ok();
  };
  Result<FileShape> shape = ParseIncidents(in, ParseOptions{}, sink);
  EXPECT_TRUE(shape.ok()) << name << ": " << shape.status().message();
  std::printf("[ mmp file ] %s: format %s, rows %lld, accepted %lld, rejected %lld, notes %lld\n",
              name.c_str(), fc.shape.format.c_str(), static_cast<long long>(fc.rows),
              static_cast<long long>(fc.accepted), static_cast<long long>(fc.rejected),
              static_cast<long long>(fc.notes));
  for (const auto& r : fc.reasons) std::printf("[ mmp file ]   rejected for %s\n", r.c_str());
  for (const auto& [k, n] : fc.note_kinds) std::printf("[ mmp file ]   note x%d %s\n", n, k.c_str());
  return fc;
}

// The publisher's dead + missing of a rejected CSV row, read from its raw text.
std::int64_t RawSum(const FileShape& shape, const std::string& raw, const std::vector<std::string>& columns) {
  auto fields = SplitCsvLine(raw);
  EXPECT_TRUE(fields.ok());
  std::int64_t sum = 0;
  for (const std::string& col : columns) {
    for (std::size_t i = 0; i < shape.header.size(); ++i) {
      if (shape.header[i] != col || i >= fields->size()) continue;
      std::string v;
      for (char c : (*fields)[i]) {
        if (c != ',') v += c;
      }
      if (!v.empty()) sum += std::stoll(v);
    }
  }
  return sum;
}

TEST(MmpFilesTest, PrimaryFile) {
  FileCount fc = ParseFile("mmp_incidents_2014-2025.csv");
  EXPECT_EQ(fc.shape.format, "mmp-current");
  EXPECT_EQ(fc.rows, 19255);
  EXPECT_EQ(fc.accepted + fc.rejected, fc.rows);
  // The six rows with a negative count (SOURCE.md) are the only rejections.
  EXPECT_EQ(fc.rejected, 6);
  std::int64_t rejected_total = 0;
  for (const auto& r : fc.rejected_rows) {
    rejected_total += RawSum(fc.shape, r.raw, {"Total Number of Dead and Missing"});
  }
  EXPECT_EQ(fc.accepted_total + rejected_total, 74376);
  EXPECT_EQ(fc.year_zero, 13);                                      // no date, accepted
  EXPECT_EQ(fc.odd_ids, 0);                                         // the U+FEFF of 9 Main IDs stripped
  EXPECT_EQ(fc.ids.size(), static_cast<std::size_t>(fc.accepted));  // Main IDs are unique here
}

TEST(MmpFilesTest, LegacyFile) {
  FileCount fc = ParseFile("mmp_incidents_legacy_schema_2014-2020.csv");
  EXPECT_EQ(fc.shape.format, "mmp-legacy");
  EXPECT_EQ(fc.shape.dataset, "mmp-legacy");
  EXPECT_EQ(fc.rows, 6249);
  EXPECT_EQ(fc.accepted + fc.rejected, fc.rows);
  std::int64_t rejected_total = 0;
  for (const auto& r : fc.rejected_rows)
    rejected_total += RawSum(fc.shape, r.raw, {"Total Dead and Missing"});
  EXPECT_EQ(fc.accepted_total + rejected_total, 34534);
  EXPECT_EQ(fc.ids.size(), 6249u);
  EXPECT_EQ(fc.ids.count("web:52682"), 1u);
}

TEST(MmpFilesTest, ApiFile) {
  FileCount fc = ParseFile("mmp_api_2025.json");
  EXPECT_EQ(fc.shape.format, "mmp-api");
  EXPECT_EQ(fc.rows, 975);
  EXPECT_EQ(fc.accepted + fc.rejected, fc.rows);
  // Not in SOURCE.md: the sum of total_dead_and_missing over the 975
  // objects, counted independently of this parser.
  EXPECT_EQ(fc.rejected, 0);
  EXPECT_EQ(fc.accepted_total, 3780);
  EXPECT_EQ(fc.ids.size(), 917u);  // 35 web_ids repeat: split incidents, all kept
  EXPECT_EQ(fc.odd_ids, 0);
}

TEST(MmpFilesTest, UcdpEventsAsHxlIncidents) {
  std::ifstream in(std::string(WAYMARK_SHARED_DATA) + "/hxl-samples/ucdp_ged_conflict_events_bgd.hxl.csv",
                   std::ios::binary);
  ASSERT_TRUE(in.good());
  ParseOptions opts;
  opts.filename = "ucdp_ged_conflict_events_bgd.hxl.csv";
  std::int64_t rows = 0, accepted = 0, killed = 0;
  RowSink<Incident> sink;
  sink.on_row = [&](ParsedRow<Incident>&& r) {
    ++rows;
    if (!r.rejected()) {
      ++accepted;
      killed += r.records.at(0).dead.value_or(0);
    }
    return Status::Ok();
  };
  Result<FileShape> shape = ParseIncidents(in, opts, sink);
  ASSERT_TRUE(shape.ok()) << shape.status().message();
  EXPECT_EQ(shape->format, "hxl");
  EXPECT_EQ(shape->dataset, "hxl-ucdp-ged-conflict-events-bgd");
  EXPECT_EQ(rows, 601);
  std::printf(
      "[ mmp file ] ucdp_ged_conflict_events_bgd.hxl.csv as incidents: rows %lld, accepted %lld, killed "
      "%lld\n",
      static_cast<long long>(rows), static_cast<long long>(accepted), static_cast<long long>(killed));
}

TEST(MmpFilesTest, File2026) {
  FileCount fc = ParseFile("mmp_website_export_2026.csv");
  EXPECT_EQ(fc.shape.format, "mmp-2026");
  EXPECT_EQ(fc.rows, 238);
  EXPECT_EQ(fc.accepted + fc.rejected, fc.rows);
  std::int64_t rejected_total = 0;
  for (const auto& r : fc.rejected_rows) {
    rejected_total += RawSum(fc.shape, r.raw, {"Number Dead", "Minimum Estimated Number of Missing"});
  }
  EXPECT_EQ(fc.accepted_total + rejected_total, 1900);
  EXPECT_LT(fc.ids.size(), static_cast<std::size_t>(fc.accepted));  // repeated Main IDs are all kept
}

}  // namespace
}  // namespace waymark::evidence
