// ParseDisplacement / ReparseDisplacement: one test per publisher quirk,
// then every real file in ../shared/data read whole.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "domain/evidence/parse.h"

namespace waymark::evidence {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Parsed {
  Status status;
  FileShape shape;
  std::vector<ParsedRow<Displacement>> rows;

  // Rows with records + rows without a figure + rejected rows.
  std::int64_t with_records = 0, without_figure = 0, rejected = 0, records = 0;
  void Count() {
    for (const auto& r : rows) {
      if (r.rejected()) {
        ++rejected;
        EXPECT_TRUE(r.records.empty()) << "line " << r.line;
      } else if (r.records.empty()) {
        ++without_figure;
      } else {
        ++with_records;
      }
      records += static_cast<std::int64_t>(r.records.size());
    }
  }
};

Parsed ParseStream(std::istream& in, const std::string& format, const std::string& filename = "",
                   DisplacementCause cause = DisplacementCause::kOther) {
  Parsed p;
  ParseOptions o;
  o.format = format;
  o.filename = filename;
  o.hxl_cause = cause;
  RowSink<Displacement> sink;
  sink.on_shape = [&](const FileShape& s) {
    p.shape = s;
    return Status::Ok();
  };
  sink.on_row = [&](ParsedRow<Displacement>&& r) {
    p.rows.push_back(std::move(r));
    return Status::Ok();
  };
  auto r = ParseDisplacement(in, o, sink);
  p.status = r.ok() ? Status::Ok() : r.status();
  p.Count();
  return p;
}

Parsed ParseText(const std::string& text, const std::string& format = "auto",
                 const std::string& filename = "", DisplacementCause cause = DisplacementCause::kOther) {
  std::istringstream in(text);
  return ParseStream(in, format, filename, cause);
}

const Displacement* FindKind(const ParsedRow<Displacement>& row, const std::string& kind) {
  for (const auto& d : row.records) {
    if (d.kind == kind) return &d;
  }
  return nullptr;
}

bool HasNote(const ParsedRow<Displacement>& row, const std::string& text) {
  for (const auto& n : row.notes) {
    if (n.reason.find(text) != std::string::npos) return true;
  }
  return false;
}

const char kEventsHeader[] =
    "iso3,country_name,year,start_date,start_date_accuracy,end_date,end_date_accuracy,event_name,hazard_"
    "category,"
    "hazard_category_name,hazard_sub_category,hazard_sub_category_name,hazard_type,hazard_type_name,hazard_"
    "sub_"
    "type,hazard_subtype_name,new_displacement,new_displacement_rounded,total_displacement,total_"
    "displacement_"
    "rounded,event_codes\n";

// ---------------------------------------------------------------- IDMC events

TEST(IdmcEvents, RowGivesNewDisplacementsAndIdps) {
  Parsed p = ParseText(std::string(kEventsHeader) +
                       "PHL,Philippines,2008,2008-01-01,Month,2008-06-23,Day,Philippines: Storm - "
                       "01/01/2008,2,Weather related,4,Meteorological,14,Storm,21,,2039155,2039000,1200,1000,"
                       "\"['FL-2016-000026-PNG', 'FL-2016-000027-PNG']\"\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "idmc-events");
  EXPECT_EQ(p.shape.dataset, "idmc-gidd");
  EXPECT_THAT(p.shape.columns_ignored,
              ElementsAre("hazard_category", "hazard_sub_category", "hazard_type", "hazard_sub_type"));
  ASSERT_EQ(p.rows.size(), 1u);
  const auto& row = p.rows[0];
  EXPECT_EQ(row.line, 2);
  ASSERT_EQ(row.records.size(), 2u);
  const Displacement* nd = FindKind(row, "new_displacements");
  ASSERT_NE(nd, nullptr);
  EXPECT_EQ(nd->source_id, "PHL|2008|Philippines: Storm - 01/01/2008|2008-01-01|new_displacements");
  EXPECT_EQ(nd->value, 2039155);
  EXPECT_EQ(nd->rounded, 2039000);
  EXPECT_EQ(nd->cause, DisplacementCause::kDisaster);
  EXPECT_EQ(nd->hazard_category, "Weather related");
  EXPECT_EQ(nd->hazard_sub_category, "Meteorological");
  EXPECT_EQ(nd->hazard_type, "Storm");
  EXPECT_EQ(nd->hazard_sub_type, "");                // only a numeric code in the file: names, not codes
  EXPECT_EQ(nd->event_start.ToString(), "2008-01");  // accuracy "Month"
  EXPECT_EQ(nd->event_end.ToString(), "2008-06-23");
  EXPECT_THAT(nd->event_codes, ElementsAre("FL-2016-000026-PNG", "FL-2016-000027-PNG"));
  const Displacement* idps = FindKind(row, "idps");
  ASSERT_NE(idps, nullptr);
  EXPECT_EQ(idps->value, 1200);
  EXPECT_EQ(idps->rounded, 1000);
  EXPECT_EQ(idps->source_id, "PHL|2008|Philippines: Storm - 01/01/2008|2008-01-01|idps");
}

TEST(IdmcEvents, BlankStockIsNoFigureAndEmptyListHasNoCodes) {
  Parsed p =
      ParseText(std::string(kEventsHeader) +
                "XKX,,2019,2019-05-02,,,,Kosovo: Flood - 02/05/2019,2,Weather related,3,Hydrological,10,"
                "Flood,13,,40,40,,,[]\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  ASSERT_EQ(p.rows.size(), 1u);
  ASSERT_EQ(p.rows[0].records.size(), 1u);
  const Displacement& d = p.rows[0].records[0];
  EXPECT_EQ(d.kind, "new_displacements");
  EXPECT_EQ(d.country, "XKX");  // IDMC's own code kept
  EXPECT_EQ(d.country_name, "");
  EXPECT_TRUE(d.event_codes.empty());
  EXPECT_FALSE(d.event_end.known());
  EXPECT_EQ(d.event_start.precision, DatePrecision::kDay);  // blank accuracy: as written
}

TEST(IdmcEvents, UnroundedZeroWithBlankRoundedStockIsNoFigure) {
  Parsed p =
      ParseText(std::string(kEventsHeader) +
                "AB9,,2023,2023-05-02,Week,,,Abyei: Flood - 02/05/2023,2,Weather related,3,Hydrological,10,"
                "Flood,13,,120,100,0,,['FL-2015-000176-BDI']\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  const auto& row = p.rows.at(0);
  ASSERT_EQ(row.records.size(), 1u);
  EXPECT_EQ(row.records[0].kind, "new_displacements");
  EXPECT_EQ(row.records[0].event_start.precision, DatePrecision::kWeek);
  EXPECT_THAT(row.records[0].event_codes, ElementsAre("FL-2015-000176-BDI"));
  EXPECT_TRUE(HasNote(row, "idps: unrounded 0 with a blank rounded value is no figure"));
}

TEST(IdmcEvents, EventCodesThatAreNotAListAreReadWithANote) {
  Parsed p = ParseText(
      "iso3,year,event_name,start_date,new_displacement,event_codes\n"
      "TGO,2010,Togo: Flood,2010-01-07,5,\"FL-1, FL-2\"\n"
      "TGO,2010,Togo: Flood,2010-01-07,5,\"[\"\"FL-3\"\", 'FL-4',]\"\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_THAT(p.rows.at(0).records.at(0).event_codes, ElementsAre("FL-1", "FL-2"));
  EXPECT_TRUE(HasNote(p.rows[0], "not a list"));
  EXPECT_THAT(p.rows.at(1).records.at(0).event_codes, ElementsAre("FL-3", "FL-4"));
}

TEST(IdmcEvents, BadCountRejectsTheRowWithLineColumnAndField) {
  Parsed p =
      ParseText(std::string(kEventsHeader) +
                "IDN,Indonesia,2008,2008-01-02,Day,2008-02-06,Day,Indonesia: Flood - 02/01/2008,2,Weather "
                "related,3,Hydrological,10,Flood,13,,lots,50000,,,[]\n"
                "IDN,Indonesia,2008,2008-01-02,Day,2008-02-06,Day,Indonesia: Flood - 02/01/2008,2,Weather "
                "related,3,Hydrological,10,Flood,13,,-5,,,,[]\n");
  ASSERT_TRUE(p.status.ok());
  ASSERT_EQ(p.rows.size(), 2u);
  for (const auto& row : p.rows) {
    ASSERT_TRUE(row.rejected());
    EXPECT_TRUE(row.records.empty());
    EXPECT_EQ(row.problems[0].column, 17);
    EXPECT_EQ(row.problems[0].field, "new_displacement");
  }
  EXPECT_EQ(p.rows[0].problems[0].line, 2);
  EXPECT_THAT(p.rows[0].problems[0].reason, HasSubstr("lots"));
  EXPECT_THAT(p.rows[1].problems[0].reason, HasSubstr("negative"));
  EXPECT_EQ(p.rows[1].raw.substr(0, 4), "IDN,");
}

TEST(IdmcEvents, ColumnsAreFoundByNameNotPosition) {
  Parsed p = ParseText(
      "event_codes,new_displacement,year,iso3,event_name,start_date,Extra\n"
      "[],77,2010,TGO,Togo: Flood - 07/01/2010,2010-01-07,x\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "idmc-events");
  EXPECT_THAT(p.shape.columns_ignored, ElementsAre("Extra"));
  ASSERT_EQ(p.rows.at(0).records.size(), 1u);
  EXPECT_EQ(p.rows[0].records[0].value, 77);
  EXPECT_EQ(p.rows[0].records[0].rounded, std::nullopt);
  EXPECT_EQ(p.rows[0].records[0].source_id, "TGO|2010|Togo: Flood - 07/01/2010|2010-01-07|new_displacements");
}

TEST(IdmcEvents, HashtagRowUnderTheHeaderIsSkipped) {
  Parsed p = ParseText(
      "iso3,year,event_name,start_date,new_displacement\n"
      "#country+code,#date+year,#event+name,#date+start,#affected+displaced\n"
      "TGO,2010,Togo: Flood,2010-01-07,5\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].line, 3);
  EXPECT_FALSE(p.rows[0].rejected());
}

TEST(IdmcEvents, ShortRowAndCellBeyondTheHeaderAreRejected) {
  Parsed p = ParseText(
      "iso3,year,event_name,start_date,new_displacement\n"
      "TGO,2010,Togo: Flood\n"
      "TGO,2010,Togo: Flood,2010-01-07,5,,\n"
      "TGO,2010,Togo: Flood,2010-01-07,5,surprise\n");
  ASSERT_TRUE(p.status.ok());
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_TRUE(p.rows[0].rejected());
  EXPECT_THAT(p.rows[0].problems[0].reason, HasSubstr("3 cells, the header 5"));
  EXPECT_FALSE(p.rows[1].rejected());  // blank trailing cells are harmless
  EXPECT_TRUE(p.rows[2].rejected());
  EXPECT_EQ(p.rows[2].problems[0].column, 6);
}

TEST(IdmcEvents, UnreadableRecordIsARejectedRowAndTheParseGoesOn) {
  Parsed p = ParseText(
      "iso3,year,event_name,start_date,new_displacement\n"
      "TGO,2010,Bad \xff byte,2010-01-07,5\n"
      "TGO,2011,Good,2011-01-07,6\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_TRUE(p.rows[0].rejected());
  EXPECT_THAT(p.rows[0].problems[0].reason, HasSubstr("UTF-8"));
  EXPECT_EQ(p.rows[1].records.size(), 1u);
}

// ---------------------------------------------------------------- IDMC conflict

TEST(IdmcConflict, ZeroWithBlankRoundedIsNoFigureWithANote) {
  Parsed p = ParseText(
      "iso3,country_name,year,new_displacement,new_displacement_rounded,total_displacement,total_"
      "displacement_rounded\n"
      "AFG,Afghanistan,2009,0,,297000,297000\n"
      "AGO,Angola,2009,0,,,\n"
      "AB9,,2012,,,0,\n"
      "SYR,Syria,2012,1234,1200,0,0\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "idmc-conflict");  // a subset of the events columns: tried last
  EXPECT_EQ(p.shape.dataset, "idmc-gidd");
  ASSERT_EQ(p.rows.size(), 4u);
  ASSERT_EQ(p.rows[0].records.size(), 1u);
  EXPECT_EQ(p.rows[0].records[0].kind, "idps");
  EXPECT_EQ(p.rows[0].records[0].source_id, "AFG|2009|idps");
  EXPECT_EQ(p.rows[0].records[0].cause, DisplacementCause::kConflict);
  EXPECT_TRUE(HasNote(p.rows[0], "new_displacements: unrounded 0"));
  EXPECT_TRUE(p.rows[1].records.empty());  // no figure, not an error
  EXPECT_FALSE(p.rows[1].rejected());
  EXPECT_TRUE(p.rows[2].records.empty());
  // A published rounded 0 makes a zero a figure.
  ASSERT_EQ(p.rows[3].records.size(), 2u);
  EXPECT_EQ(FindKind(p.rows[3], "idps")->value, 0);
  EXPECT_EQ(FindKind(p.rows[3], "new_displacements")->source_id, "SYR|2012|new_displacements");
}

// ---------------------------------------------------------------- IDMC country-year

TEST(IdmcCountryYear, FourFiguresKeyedByCauseAndKind) {
  Parsed p = ParseText(
      "ISO3,Name,Year,Conflict Stock Displacement,Conflict Stock Displacement (Raw),Conflict Internal "
      "Displacements,Conflict Internal Displacements (Raw),Disaster Internal Displacements,Disaster Internal "
      "Displacements (Raw),Disaster Stock Displacement,Disaster Stock Displacement (Raw)\n"
      "AFG,Afghanistan,2022,4394000,4393749,32000,32424,220000,220387,2164000,2164085\n"
      "AGO,Angola,2022,,,,0,1800,1771,,\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "idmc-country-year");
  EXPECT_EQ(p.shape.dataset, "idmc-gidd-2023-edition");
  ASSERT_EQ(p.rows.size(), 2u);
  ASSERT_EQ(p.rows[0].records.size(), 4u);
  const auto& r = p.rows[0].records;
  EXPECT_EQ(r[0].source_id, "AFG|2022|conflict|idps");
  EXPECT_EQ(r[0].value, 4393749);
  EXPECT_EQ(r[0].rounded, 4394000);
  EXPECT_EQ(r[1].source_id, "AFG|2022|conflict|new_displacements");
  EXPECT_EQ(r[2].source_id, "AFG|2022|disaster|new_displacements");
  EXPECT_EQ(r[2].cause, DisplacementCause::kDisaster);
  EXPECT_EQ(r[3].source_id, "AFG|2022|disaster|idps");
  EXPECT_EQ(r[3].value, 2164085);
  ASSERT_EQ(p.rows[1].records.size(), 1u);  // blank is no figure; raw 0 without a rounded value neither
  EXPECT_EQ(p.rows[1].records[0].value, 1771);
}

// ---------------------------------------------------------------- IDMC figures

const char kFiguresHeader[] =
    "ID,ISO3,Country,Geographical region,Figure cause,Year,Figure category,Figure unit,Reported "
    "figures,Household "
    "size,Total figures,Hazard category,Hazard sub category,Hazard type,Hazard sub type,Violence type,Other "
    "event "
    "sub type,Start date,Start date accuracy,End date,End date accuracy,Stock date,Stock date accuracy,Stock "
    "reporting date,Publishers,Sources,Sources type,Event ID,Event name,Event cause,Event main trigger,Event "
    "start date,Event end date,Event start date accuracy,Event end date accuracy,Is housing "
    "destruction,Event "
    "codes (Code:Type),Locations coordinates,Locations name,Locations accuracy,Locations type,Displacement "
    "occurred\n";

TEST(IdmcFigures, FlowWithCodesCoordinatesAndHouseholdNoise) {
  Parsed p =
      ParseText(std::string(kFiguresHeader) +
                "140001,LBY,Libya,Middle East and North Africa,Disaster,2023,Internal Displacements,"
                "Household,100,8.039999999999999,804,Weather related,Hydrological,Flood,Riverine flood,,,"
                "2023-09-10,Month,2023-09-12,Day,,,,IOM DTM Libya,IOM,International Organization,1,"
                "Libya: Storm Daniel,Disaster,Flood,2023-09-10,2023-09-12,Day,Day,Yes,"
                "\"FL-2023-000168-LBY:Glide Number; MDRLY005:IFRC Appeal ID\","
                "\"32.76, 22.64; 31.1, 20.1\",\"Derna, درنة, Libya; Benghazi, Libya\",ADM2; ADM1,"
                "Origin; Origin,Displacement\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "idmc-figures");
  EXPECT_EQ(p.shape.dataset, "idmc-figures-2023");
  ASSERT_EQ(p.rows.size(), 1u);
  ASSERT_FALSE(p.rows[0].rejected()) << p.rows[0].problems[0].reason;
  ASSERT_EQ(p.rows[0].records.size(), 1u);
  const Displacement& d = p.rows[0].records[0];
  EXPECT_EQ(d.source_id, "140001");
  EXPECT_EQ(d.kind, "new_displacements");
  EXPECT_EQ(d.value, 804);
  EXPECT_EQ(d.cause, DisplacementCause::kDisaster);
  EXPECT_EQ(d.hazard_sub_type, "Riverine flood");
  EXPECT_EQ(d.period_start.ToString(), "2023-09");
  EXPECT_EQ(d.period_end.ToString(), "2023-09-12");
  EXPECT_THAT(d.event_codes, ElementsAre("FL-2023-000168-LBY", "MDRLY005"));
  ASSERT_TRUE(d.latitude && d.longitude);
  EXPECT_DOUBLE_EQ(*d.latitude, 32.76);
  EXPECT_DOUBLE_EQ(*d.longitude, 22.64);
  EXPECT_EQ(d.area, "Derna, درنة, Libya");
  EXPECT_EQ(d.source, "IOM DTM Libya / IOM");
  EXPECT_THAT(p.shape.columns_ignored, ::testing::Contains("Household size"));
}

TEST(IdmcFigures, StockEndsOnItsStockDateAndUnknownCategoryIsRejected) {
  Parsed p = ParseText(
      std::string(kFiguresHeader) +
      "7,SDN,Sudan,Africa,Conflict,2023,IDPs,Person,5000,,5000,,,,,Armed conflict,,,,,,"
      "2023-12-31,Day,2024-01-15,UN,UN,UN,9,Sudan: conflict,Conflict,,,,,,No,,,,,,\n"
      "8,SDN,Sudan,Africa,Conflict,2023,Returns,Person,5000,,5000,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  ASSERT_EQ(p.rows.size(), 2u);
  ASSERT_EQ(p.rows[0].records.size(), 1u);
  EXPECT_EQ(p.rows[0].records[0].kind, "idps");
  EXPECT_EQ(p.rows[0].records[0].cause, DisplacementCause::kConflict);
  EXPECT_FALSE(p.rows[0].records[0].period_start.known());
  EXPECT_EQ(p.rows[0].records[0].period_end.ToString(), "2023-12-31");
  EXPECT_TRUE(p.rows[1].rejected());
  EXPECT_EQ(p.rows[1].problems[0].field, "Figure category");
  EXPECT_EQ(p.rows[1].problems[0].column, 7);
}

// ---------------------------------------------------------------- UNHCR

const char kUnhcrFile[] =
    "\n"
    "Extracted:,\"United Nations High Commissioner for Refugees\"\n"
    "\"Date extracted:\",\"21/07/2024 14:54 UTC\"\n"
    "\"Usage licence\",https://creativecommons.org/licenses/by/4.0/\n"
    "Years:\n"
    "Year,\"Country of origin\",\"Country of origin (ISO)\",\"Country of asylum\",\"Country of asylum "
    "(ISO)\",\"Refugees under UNHCR's mandate\",Asylum-seekers,\"IDPs of concern to UNHCR\",\"Other people "
    "in "
    "need of international protection\",\"Stateless persons\",\"Host Community\",\"Others of concern\"\n"
    "2015,\"Iran (Islamic Rep. of)\",IRN,Afghanistan,AFG,30,20,0,-,0,0,0\n"
    "2016,Unknown ,UNK,Curacao ,CUW,5,-,-,-,-,-,-\n";

TEST(UnhcrPopulation, MetadataBeforeTheHeaderDashesAndZeros) {
  Parsed p = ParseText(kUnhcrFile);
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "unhcr-population");
  EXPECT_EQ(p.shape.dataset, "unhcr-population");
  EXPECT_EQ(p.shape.header.at(0), "Year");
  EXPECT_TRUE(p.shape.columns_ignored.empty());
  ASSERT_EQ(p.rows.size(), 2u);
  const auto& first = p.rows[0];
  EXPECT_EQ(first.line, 7);
  EXPECT_TRUE(HasNote(first, "https://creativecommons.org/licenses/by/4.0/"));
  // Neither 0 nor "-" (not applicable) is a figure (displacement.cc says why).
  ASSERT_EQ(first.records.size(), 2u);
  EXPECT_EQ(FindKind(first, "other_in_need"), nullptr);
  const Displacement* ref = FindKind(first, "refugees");
  ASSERT_NE(ref, nullptr);
  EXPECT_EQ(ref->source_id, "2015|IRN|AFG|refugees");
  EXPECT_EQ(ref->country, "AFG");
  EXPECT_EQ(ref->origin, "IRN");
  EXPECT_EQ(ref->origin_name, "Iran (Islamic Rep. of)");
  EXPECT_EQ(ref->value, 30);
  EXPECT_EQ(FindKind(first, "idps"), nullptr);
  EXPECT_EQ(FindKind(first, "asylum_seekers")->source_id, "2015|IRN|AFG|asylum_seekers");
  const auto& second = p.rows[1];
  ASSERT_EQ(second.records.size(), 1u);
  EXPECT_EQ(second.records[0].origin_name, "Unknown");  // trailing space trimmed
  EXPECT_EQ(second.records[0].country_name, "Curacao");
  EXPECT_FALSE(HasNote(second, "licence"));
}

// ---------------------------------------------------------------- choosing the format

TEST(DisplacementFormat, ExplicitFormatThatDoesNotMatchNamesTheMissingColumns) {
  Parsed p = ParseText(kUnhcrFile, "idmc-events");
  ASSERT_EQ(p.status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_THAT(p.status.message(), HasSubstr("not an idmc-events file"));
  EXPECT_THAT(p.status.message(), HasSubstr("\"event_name\""));
  EXPECT_THAT(p.status.message(), HasSubstr("\"new_displacement\""));
  EXPECT_TRUE(p.rows.empty());
}

TEST(DisplacementFormat, ExplicitFormatThatMatchesIsUsed) {
  Parsed p = ParseText(kUnhcrFile, "unhcr-population");
  ASSERT_TRUE(p.status.ok());
  EXPECT_EQ(p.rows.size(), 2u);
}

TEST(DisplacementFormat, UnknownHeaderEmptyFileAndUnknownFormat) {
  Parsed p = ParseText("a,b,c\n1,2,3\n");
  EXPECT_EQ(p.status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_THAT(p.status.message(), HasSubstr("no known displacement header"));
  EXPECT_EQ(ParseText("").status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(ParseText("a\n", "mmp-current").status.kind(), Status::Kind::kInvalidArgument);
  Parsed h = ParseText("a,b\n1,2\n", "hxl");
  EXPECT_EQ(h.status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_THAT(h.status.message(), HasSubstr("no HXL hashtag row"));
}

TEST(DisplacementFormat, HxlChosenByItsHashtagRow) {
  Parsed p = ParseText(
      "id,country,year,best\n"
      ",#country+code,#date+year,#affected+killed\n"
      "1,BGD,2013,3\n"
      "2,,,4\n",
      "auto", "dir/UCDP GED.hxl.csv", DisplacementCause::kConflict);
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "hxl");
  EXPECT_EQ(p.shape.dataset, "hxl-ucdp-ged");
  EXPECT_THAT(p.shape.header, ElementsAre("", "#country+code", "#date+year", "#affected+killed"));
  EXPECT_THAT(p.shape.columns_used,
              ElementsAre("country (#country+code)", "year (#date+year)", "best (#affected+killed)"));
  EXPECT_THAT(p.shape.columns_ignored, ElementsAre("id (untagged)"));
  ASSERT_EQ(p.rows.size(), 2u);
  ASSERT_EQ(p.rows[0].records.size(), 1u);
  EXPECT_EQ(p.rows[0].records[0].kind, "killed");
  EXPECT_EQ(p.rows[0].records[0].cause, DisplacementCause::kConflict);
  EXPECT_EQ(p.rows[0].records[0].source_id, "BGD|2013|killed");
  EXPECT_EQ(p.rows[0].records[0].dataset, "hxl-ucdp-ged");
  EXPECT_TRUE(p.rows[1].rejected());
  EXPECT_EQ(p.rows[1].problems.size(), 2u);  // no country, no year
}

TEST(DisplacementFormat, HxlCellsBeyondTheHashtagRowAreUntaggedColumns) {
  Parsed p = ParseText(
      "country,year,best\n"
      "#country+code,#date+year,#affected+killed\n"
      "BGD,2013,3,an extra note\n"
      "BGD,2013\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_FALSE(p.rows[0].rejected());
  EXPECT_TRUE(p.rows[1].rejected());  // a short row
}

// ---------------------------------------------------------------- reparse

TEST(DisplacementReparse, CorrectedRowWithTheFileHeader) {
  Parsed p = ParseText(kUnhcrFile);
  ASSERT_TRUE(p.status.ok());
  auto row = ReparseDisplacement("unhcr-population", p.shape.header,
                                 "2016,Unknown ,UNK,\"Curacao \",CUW,5,-,-,-,-,-,7", 8);
  ASSERT_FALSE(row.rejected());
  EXPECT_EQ(row.line, 8);
  ASSERT_EQ(row.records.size(), 2u);
  EXPECT_EQ(row.records[1].kind, "others_of_concern");
  EXPECT_EQ(row.records[1].source_id, "2016|UNK|CUW|others_of_concern");
  EXPECT_EQ(row.records[1].dataset, "unhcr-population");

  auto still_bad =
      ReparseDisplacement("unhcr-population", p.shape.header, "2016,x,UNK,y,CUW,five,0,0,-,0,0,0", 8);
  ASSERT_TRUE(still_bad.rejected());
  EXPECT_EQ(still_bad.problems[0].field, "Refugees under UNHCR's mandate");
  EXPECT_TRUE(still_bad.records.empty());

  auto wrong_header = ReparseDisplacement("idmc-events", p.shape.header, "2016,x", 8);
  ASSERT_TRUE(wrong_header.rejected());
  EXPECT_THAT(wrong_header.problems[0].reason, HasSubstr("missing columns"));

  auto unclosed = ReparseDisplacement("unhcr-population", p.shape.header, "2016,\"x", 8);
  EXPECT_TRUE(unclosed.rejected());
}

TEST(DisplacementReparse, HxlRowWithItsHashtagRow) {
  auto row =
      ReparseDisplacement("hxl", {"", "#country+code", "#date+year", "#affected+killed"}, "1,BGD,2013,3", 4);
  ASSERT_FALSE(row.rejected());
  ASSERT_EQ(row.records.size(), 1u);
  EXPECT_EQ(row.records[0].source_id, "BGD|2013|killed");
  EXPECT_EQ(row.records[0].dataset, "");  // the caller knows the file's dataset
}

// ---------------------------------------------------------------- the real files

std::string DataPath(const std::string& rel) { return std::string(WAYMARK_SHARED_DATA) + "/" + rel; }

Parsed ParseFile(const std::string& rel, const std::string& format = "auto",
                 DisplacementCause cause = DisplacementCause::kOther) {
  std::ifstream in(DataPath(rel), std::ios::binary);
  EXPECT_TRUE(in.good()) << rel;
  std::string name = rel.substr(rel.rfind('/') + 1);
  Parsed p = ParseStream(in, format, name, cause);
  std::printf("[ counts ] %s: rows %zu, records %lld, rows without figure %lld, rejected %lld\n", rel.c_str(),
              p.rows.size(), static_cast<long long>(p.records), static_cast<long long>(p.without_figure),
              static_cast<long long>(p.rejected));
  return p;
}

void ExpectAccounted(const Parsed& p, std::int64_t rows) {
  EXPECT_EQ(static_cast<std::int64_t>(p.rows.size()), rows);
  EXPECT_EQ(p.with_records + p.without_figure + p.rejected, rows);
}

TEST(DisplacementRealFiles, IdmcDisasterEvents) {
  Parsed p = ParseFile("idmc-gidd/gidd_disaster_events_2008-2024.csv");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "idmc-events");
  ExpectAccounted(p, 22119);
  EXPECT_EQ(p.rejected, 0);
  EXPECT_EQ(p.without_figure, 0);
  // Every event has a flow; 5,152 have a published stock (1,056 unrounded 0s without one).
  EXPECT_EQ(p.records, 27271);
  int blank_names = 0;
  for (const auto& r : p.rows) {
    if (!r.records.empty() && r.records[0].country_name.empty()) {
      ++blank_names;
      EXPECT_TRUE(r.records[0].country == "AB9" || r.records[0].country == "XKX") << r.records[0].country;
    }
  }
  EXPECT_EQ(blank_names, 14);
}

TEST(DisplacementRealFiles, IdmcConflictCountryYear) {
  Parsed p = ParseFile("idmc-gidd/gidd_conflict_idps_country_year_2009-2024.csv");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "idmc-conflict");
  ExpectAccounted(p, 961);
  EXPECT_EQ(p.rejected, 0);
  EXPECT_EQ(p.without_figure, 55);
  EXPECT_EQ(p.records, 1438);
}

TEST(DisplacementRealFiles, IdmcCountryYear2023Edition) {
  Parsed p = ParseFile("idmc-gidd/gidd_country_year_conflict_disaster_2008-2022.csv");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "idmc-country-year");
  ExpectAccounted(p, 1877);
  EXPECT_EQ(p.rejected, 0);
  EXPECT_EQ(p.records, 3259);
}

TEST(DisplacementRealFiles, IdmcDisaggregatedFigures2023) {
  Parsed p = ParseFile("idmc-gidd/gidd_disaggregated_2023.csv");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "idmc-figures");
  ExpectAccounted(p, 11290);
  EXPECT_EQ(p.rejected, 0);
  EXPECT_EQ(p.records, 11290);
  std::int64_t flows = 0, located = 0;
  for (const auto& r : p.rows) {
    for (const auto& d : r.records) {
      if (d.kind == "new_displacements") ++flows;
      if (d.latitude) ++located;
    }
  }
  EXPECT_EQ(flows, 8107);
  EXPECT_EQ(located, 11290);
}

TEST(DisplacementRealFiles, UnhcrPopulation) {
  Parsed p = ParseFile("unhcr-population/unhcr_population_end_year_2015-2023.csv");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "unhcr-population");
  ExpectAccounted(p, 48731);
  EXPECT_EQ(p.rejected, 0);
  EXPECT_EQ(p.rows.front().line, 16);
  // The cells that are neither 0 nor "-" (counted with Python's csv module).
  EXPECT_EQ(p.records, 77252);
}

// The footnotes are text about figures, not figures: no displacement
// format takes them, and the file is refused before any row.
TEST(DisplacementRealFiles, UnhcrFootnotesAreRefused) {
  Parsed p = ParseFile("unhcr-population/unhcr_population_footnotes.csv");
  EXPECT_EQ(p.status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_TRUE(p.rows.empty());
}

TEST(DisplacementRealFiles, UcdpConflictEventsHxl) {
  Parsed p =
      ParseFile("hxl-samples/ucdp_ged_conflict_events_bgd.hxl.csv", "auto", DisplacementCause::kConflict);
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.shape.format, "hxl");
  EXPECT_EQ(p.shape.dataset, "hxl-ucdp-ged-conflict-events-bgd");
  ExpectAccounted(p, 601);
  EXPECT_EQ(p.rejected, 0);
  EXPECT_EQ(p.records, 601);
  EXPECT_EQ(p.shape.columns_used.size() + p.shape.columns_ignored.size(), 43u);
  EXPECT_THAT(p.shape.columns_used, ::testing::Contains("best (#affected+killed)"));
  EXPECT_THAT(p.shape.columns_ignored, ::testing::Contains("id (untagged)"));
  EXPECT_THAT(p.shape.columns_ignored, ::testing::Contains("side_a (#group+first+name)"));
  const Displacement& d = p.rows.at(0).records.at(0);
  EXPECT_EQ(d.kind, "killed");
  EXPECT_EQ(d.value, 1);
  EXPECT_EQ(d.cause, DisplacementCause::kConflict);
  EXPECT_EQ(d.country, "BGD");
  EXPECT_EQ(d.year, 2013);
  EXPECT_EQ(d.area, "Bhāndāria town");  // #loc+name: the most specific area
  EXPECT_EQ(d.period_start.ToString(), "2013-12-13");
  EXPECT_EQ(d.period_end.ToString(), "2013-12-14");
  EXPECT_THAT(d.source, HasSubstr("BBC Monitoring Newsfile"));
  ASSERT_TRUE(d.latitude.has_value());
  EXPECT_DOUBLE_EQ(*d.latitude, 22.488976);
  // The tagged dimensions in column order (the untagged id takes no part).
  EXPECT_EQ(d.source_id,
            "2013|Bhāndāria town|Barisāl Division|Pirojpur District|22.488976|90.062732|BGD|2013-12-13|"
            "2013-12-14|killed");
}

TEST(DisplacementRealFiles, OchaPcodeTablesAreRefusedNamingTheirTags) {
  for (const char* f :
       {"hxl-samples/ocha_global_pcodes_adm1-2.hxl.csv", "hxl-samples/ocha_global_pcode_lengths.hxl.csv"}) {
    Parsed p = ParseFile(f);
    EXPECT_EQ(p.status.kind(), Status::Kind::kInvalidArgument) << f;
    EXPECT_THAT(p.status.message(), HasSubstr("without any figure column")) << f;
    EXPECT_THAT(p.status.message(), HasSubstr("#country+code")) << f;
    EXPECT_THAT(p.status.message(), HasSubstr("#affected+killed")) << f;
    EXPECT_THAT(p.status.message(), HasSubstr("line 2")) << f;
    EXPECT_TRUE(p.rows.empty());
  }
}

// The HXL standard's own tables start with the hashtag row: it is found,
// and the tables (vocabularies, no figures) are refused.
TEST(DisplacementRealFiles, HxlStandardTablesStartWithTheirHashtagRow) {
  Parsed p = ParseFile("hxl-standard/hxl_core_hashtags.hxl.csv");
  EXPECT_EQ(p.status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_THAT(p.status.message(), HasSubstr("line 1: HXL table without any figure column"));
  EXPECT_THAT(p.status.message(), HasSubstr("#valid_tag"));
}

}  // namespace
}  // namespace waymark::evidence
