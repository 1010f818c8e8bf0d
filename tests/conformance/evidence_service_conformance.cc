// EvidenceService over the real stores, against each backend (see backend.h):
// every publisher's file in ../shared/data imports with every row accounted
// for, a second import of the same file changes nothing, an updated file
// updates, the quarantine takes corrections, and the publication policy
// holds (aggregates-only datasets, k suppression, officers).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "backend.h"
#include "domain/evidence/evidence_service.h"
#include "storage/accounts/account_stores.h"
#include "storage/evidence/evidence_stores.h"

namespace waymark::conformance {
namespace {

using accounts::Actor;
using accounts::Id;
using evidence::Batch;
using evidence::EvidenceService;
using evidence::ImportRequest;
using evidence::ImportTarget;
using evidence::RowOutcome;
using evidence::RowReport;
using Kind = Status::Kind;

const std::string kData = WAYMARK_SHARED_DATA;

struct Imported {
  Batch batch;
  std::vector<RowReport> rows;
  std::int64_t total() const { return batch.accepted + batch.updated + batch.unchanged + batch.rejected; }
};

class EvidenceServiceTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    account_stores_ = std::make_unique<storage::AccountStores>(db());
    store_ = std::make_unique<storage::SqlEvidenceStore>(db());
    service_ = std::make_unique<EvidenceService>(account_stores_->stores(), *store_, clock_);
    clock_.SetMs(1'700'000'000'000);
  }

  Actor UserActor(bool admin) {
    accounts::NewUser nu;
    nu.email = "person" + std::to_string(++people_) + "@example.org";
    nu.name = "Person " + std::to_string(people_);
    nu.is_admin = admin;
    auto u = account_stores_->stores().users->Create(nu);
    EXPECT_TRUE(IsOk(u));
    return Actor::ForUser(*u, "req");
  }

  Result<Imported> ImportStream(const Actor& actor, std::istream& in, ImportTarget target,
                                const std::string& name, const std::string& format = "auto",
                                bool dry_run = false) {
    Imported out;
    ImportRequest req;
    req.target = target;
    req.filename = name;
    req.format = format;
    req.dry_run = dry_run;
    evidence::ImportObserver obs;
    obs.on_row = [&out](const RowReport& r) { out.rows.push_back(r); };
    auto b = service_->Import(actor, in, req, obs);
    if (!b.ok()) return b.status();
    out.batch = *b;
    return out;
  }

  Result<Imported> ImportFile(const std::string& relative, ImportTarget target,
                              const std::string& format = "auto", bool dry_run = false) {
    std::ifstream in(kData + "/" + relative, std::ios::binary);
    EXPECT_TRUE(in.good()) << relative;
    return ImportStream(Actor::Cli(), in, target, relative.substr(relative.rfind('/') + 1), format, dry_run);
  }

  Result<Imported> ImportText(const std::string& text, ImportTarget target,
                              const std::string& name = "t.csv") {
    std::istringstream in(text);
    return ImportStream(Actor::Cli(), in, target, name);
  }

  std::unique_ptr<storage::AccountStores> account_stores_;
  std::unique_ptr<storage::SqlEvidenceStore> store_;
  std::unique_ptr<EvidenceService> service_;
  int people_ = 0;
};

// ---------------------------------------------------------------- every file

struct FileCase {
  const char* path;
  ImportTarget target;
  std::int64_t rows;  // data rows the publisher's SOURCE.md counts
};

class EveryFileTest : public EvidenceServiceTest, public ::testing::WithParamInterface<FileCase> {
 protected:
  // SOURCE.md: the primary MMP file's Total Dead and Missing adds up to
  // 74,376 over 19,255 records; per year 2016 1,511 and 2024 2,824. Rows in
  // quarantine are not in the sums, so the check adds their totals back from
  // the file's own text... which the quarantine keeps: the sums of what was
  // accepted plus what was rejected must give the publisher's figures.
  void ExpectPublishersTotals(const Batch& b) {
    evidence::StatsRequest req;
    req.measures = {"total", "incidents"};
    auto all = service_->IncidentStats(Actor::Anonymous("r"), {}, req);
    ASSERT_TRUE(IsOk(all));
    ASSERT_EQ(all->table.rows.size(), 1u);
    EXPECT_EQ(all->table.rows[0].values[1], b.accepted);
    std::int64_t rejected_total = 0;
    auto rows = service_->ListQuarantined(Actor::Cli(), b.id, "open", {0, 500});
    ASSERT_TRUE(IsOk(rows));
    for (const auto& q : *rows) {
      // "Total Number of Dead and Missing" is the 10th column.
      std::vector<std::string> cells;
      std::string cell;
      bool quoted = false;
      for (char ch : q.raw) {
        if (ch == '"') {
          quoted = !quoted;
        } else if (ch == ',' && !quoted) {
          cells.push_back(cell);
          cell.clear();
        } else {
          cell += ch;
        }
      }
      cells.push_back(cell);
      ASSERT_GE(cells.size(), 10u);
      rejected_total += std::stoll(cells[9]);
    }
    EXPECT_EQ(all->table.rows[0].values[0] + rejected_total, 74376);
    req.group_by = {"year"};
    auto by_year = service_->IncidentStats(Actor::Anonymous("r"), {}, req);
    ASSERT_TRUE(IsOk(by_year));
    std::map<std::string, std::int64_t> incidents;
    for (const auto& row : by_year->table.rows) incidents[row.keys[0]] = row.values[1];
    EXPECT_EQ(incidents["2016"], 1511);
    EXPECT_GE(incidents["2024"], 2824 - static_cast<std::int64_t>(rows->size()));
  }
};

TEST_P(EveryFileTest, EveryRowIsAccountedForAndASecondImportChangesNothing) {
  const FileCase& fc = GetParam();
  auto first = ImportFile(fc.path, fc.target);
  ASSERT_TRUE(IsOk(first));
  const Batch& b = first->batch;
  EXPECT_EQ(first->total(), fc.rows) << fc.path;
  EXPECT_EQ(static_cast<std::int64_t>(first->rows.size()), fc.rows);
  EXPECT_EQ(b.updated, 0);
  EXPECT_EQ(b.status, "done");
  EXPECT_EQ(b.sha256.size(), 64u);
  EXPECT_GT(b.bytes, 0);
  std::printf("[ counts   ] %s: accepted %lld, updated %lld, unchanged %lld, rejected %lld\n", fc.path,
              static_cast<long long>(b.accepted), static_cast<long long>(b.updated),
              static_cast<long long>(b.unchanged), static_cast<long long>(b.rejected));
  // Each rejection names its line and a reason, and is in the quarantine.
  std::int64_t quarantined = 0;
  for (const auto& r : first->rows) {
    if (r.outcome != RowOutcome::kRejected) continue;
    ++quarantined;
    ASSERT_FALSE(r.problems.empty());
    EXPECT_GT(r.problems[0].line, 0);
    EXPECT_FALSE(r.problems[0].reason.empty());
    EXPECT_GT(r.quarantine_id, 0);
  }
  EXPECT_EQ(quarantined, b.rejected);

  if (std::string(fc.path) == "iom-missing-migrants/mmp_incidents_2014-2025.csv") ExpectPublishersTotals(b);

  auto second = ImportFile(fc.path, fc.target);
  ASSERT_TRUE(IsOk(second));
  EXPECT_EQ(second->batch.accepted, 0) << fc.path;
  EXPECT_EQ(second->batch.updated, 0) << fc.path;
  EXPECT_EQ(second->batch.unchanged, b.accepted + b.unchanged) << fc.path;
  EXPECT_EQ(second->batch.rejected, b.rejected) << fc.path;
  EXPECT_EQ(second->batch.sha256, b.sha256);
  // The same bad rows are not quarantined twice.
  auto open = store_->CountQuarantined("open");
  ASSERT_TRUE(IsOk(open));
  EXPECT_EQ(*open, b.rejected);
}

INSTANTIATE_TEST_SUITE_P(
    Files, EveryFileTest,
    ::testing::Values(
        FileCase{"iom-missing-migrants/mmp_incidents_2014-2025.csv", ImportTarget::kIncidents, 19255},
        FileCase{"iom-missing-migrants/mmp_incidents_legacy_schema_2014-2020.csv", ImportTarget::kIncidents,
                 6249},
        FileCase{"iom-missing-migrants/mmp_api_2025.json", ImportTarget::kIncidents, 975},
        FileCase{"iom-missing-migrants/mmp_website_export_2026.csv", ImportTarget::kIncidents, 238},
        FileCase{"idmc-gidd/gidd_disaster_events_2008-2024.csv", ImportTarget::kDisplacement, 22119},
        FileCase{"idmc-gidd/gidd_conflict_idps_country_year_2009-2024.csv", ImportTarget::kDisplacement, 961},
        FileCase{"idmc-gidd/gidd_country_year_conflict_disaster_2008-2022.csv", ImportTarget::kDisplacement,
                 1877},
        FileCase{"idmc-gidd/gidd_disaggregated_2023.csv", ImportTarget::kDisplacement, 11290},
        FileCase{"unhcr-population/unhcr_population_end_year_2015-2023.csv", ImportTarget::kDisplacement,
                 48731},
        FileCase{"hxl-samples/ucdp_ged_conflict_events_bgd.hxl.csv", ImportTarget::kDisplacement, 601}),
    [](const ::testing::TestParamInfo<FileCase>& info) {
      std::string name = info.param.path;
      name = name.substr(name.rfind('/') + 1);
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

// The OCHA P-code lists are HXL without any figure: refused as a whole,
// naming the tags seen, rather than 33,363 rows rejected one by one.
TEST_F(EvidenceServiceTest, AnHxlFileWithoutAFigureIsRefusedNamingItsTags) {
  auto r = ImportFile("hxl-samples/ocha_global_pcodes_adm1-2.hxl.csv", ImportTarget::kDisplacement);
  ASSERT_TRUE(HasKind(r, Kind::kInvalidArgument));
  EXPECT_THAT(r.status().message(), ::testing::HasSubstr("#country+code"));
  auto batches = service_->ListBatches(Actor::Cli(), 10);
  ASSERT_TRUE(IsOk(batches));
  ASSERT_EQ(batches->size(), 1u);
  EXPECT_EQ((*batches)[0].status, "failed");
}

// ---------------------------------------------------------------- updates

TEST_F(EvidenceServiceTest, AnUpdatedFileUpdatesOnlyTheChangedRowsAndKeepsRevisions) {
  const std::string header =
      "Main ID,Incident ID,Incident Type,Region of Incident,Incident Date,Incident Year,Month,Number of Dead,"
      "Minimum Estimated Number of Missing,Total Number of Dead and Missing,Number of Survivors,Number of "
      "Females,Number of Males,Number of Children,Country of Origin,Region of Origin,Cause of Death,Country "
      "of "
      "Incident,Migration Route,Location of Incident,Coordinates,UNSD Geographical Grouping,Information "
      "Source,URL,Source Quality\n";
  auto row = [](const std::string& id, int dead) {
    return id + "," + id + ",Incident,Mediterranean,2016-03-05,2016,March," + std::to_string(dead) + ",," +
           std::to_string(dead) +
           ",,,,,Unknown,Unknown,Drowning,Greece,Eastern Mediterranean,Off Lesbos,\"39.1, "
           "26.5\",Uncategorized,IOM,,4\n";
  };
  auto first =
      ImportText(header + row("2016.MMP00001", 2) + row("2016.MMP00002", 3), ImportTarget::kIncidents);
  ASSERT_TRUE(IsOk(first));
  EXPECT_EQ(first->batch.accepted, 2);
  auto second =
      ImportText(header + row("2016.MMP00001", 2) + row("2016.MMP00002", 4), ImportTarget::kIncidents);
  ASSERT_TRUE(IsOk(second));
  EXPECT_EQ(second->batch.accepted, 0);
  EXPECT_EQ(second->batch.updated, 1);
  EXPECT_EQ(second->batch.unchanged, 1);

  evidence::IncidentFilter f;
  auto list = service_->ListIncidents(Actor::Anonymous("r"), f, {});
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 2u);
  const auto& changed = (*list)[1];
  EXPECT_EQ(changed.source_id, "2016.MMP00002");
  EXPECT_EQ(changed.version, 2);
  EXPECT_EQ(changed.dead, 4);
  auto revs = service_->IncidentRevisions(Actor::Anonymous("r"), changed.id);
  ASSERT_TRUE(IsOk(revs));
  ASSERT_EQ(revs->size(), 2u);
  EXPECT_EQ((*revs)[0].version, 2);
  EXPECT_NE((*revs)[0].text, (*revs)[1].text);
}

TEST_F(EvidenceServiceTest, ADryRunReportsButWritesNothing) {
  auto dry =
      ImportFile("iom-missing-migrants/mmp_website_export_2026.csv", ImportTarget::kIncidents, "auto", true);
  ASSERT_TRUE(IsOk(dry));
  EXPECT_EQ(dry->total(), 238);
  EXPECT_GT(dry->batch.accepted, 0);
  auto count = service_->CountIncidents(Actor::Cli(), {});
  ASSERT_TRUE(IsOk(count));
  EXPECT_EQ(*count, 0);
  auto batches = service_->ListBatches(Actor::Cli(), 10);
  ASSERT_TRUE(IsOk(batches));
  EXPECT_TRUE(batches->empty());
  EXPECT_EQ(*store_->CountQuarantined(""), 0);
}

TEST_F(EvidenceServiceTest, AFileInNoKnownFormatIsRefusedBeforeAnyRow) {
  auto r = ImportText("name,age\nAda,36\n", ImportTarget::kIncidents);
  EXPECT_TRUE(HasKind(r, Kind::kInvalidArgument));
  auto bad_format = ImportText("x\n", ImportTarget::kIncidents, "t.csv");
  EXPECT_FALSE(bad_format.ok());
  std::istringstream in("Main ID\n");
  ImportRequest req;
  req.format = "mmp-nonsense";
  auto unknown = service_->Import(Actor::Cli(), in, req, {});
  ASSERT_TRUE(HasKind(unknown, Kind::kValidation));
  EXPECT_EQ(unknown.status().fields().count("format"), 1u);
}

// ---------------------------------------------------------------- quarantine

TEST_F(EvidenceServiceTest, ARejectedRowIsCorrectedAndResubmittedOrDiscardedWithAReason) {
  const std::string header =
      "Main ID,Incident ID,Incident Type,Region of Incident,Incident Date,Incident Year,Month,Number of Dead,"
      "Minimum Estimated Number of Missing,Total Number of Dead and Missing,Number of Survivors,Number of "
      "Females,Number of Males,Number of Children,Country of Origin,Region of Origin,Cause of Death,Country "
      "of "
      "Incident,Migration Route,Location of Incident,Coordinates,UNSD Geographical Grouping,Information "
      "Source,URL,Source Quality\n";
  const std::string bad =
      "2017.MMP1,2017.MMP1,Incident,Mediterranean,2017-01-02,2017,January,1,-2,1,,,,,Unknown,Unknown,"
      "Drowning,"
      "Libya,Central Mediterranean,Off Zuwara,\"32.9, 12.1\",Uncategorized,IOM,,3";
  const std::string bad2 =
      "2017.MMP2,2017.MMP2,Incident,Mediterranean,2017-01-03,2017,January,1,-1,1,,,,,Unknown,Unknown,"
      "Drowning,"
      "Libya,Central Mediterranean,Off Zuwara,\"32.9, 12.1\",Uncategorized,IOM,,3";
  auto r = ImportText(header + bad + "\n" + bad2 + "\n", ImportTarget::kIncidents);
  ASSERT_TRUE(IsOk(r));
  ASSERT_EQ(r->batch.rejected, 2);
  const RowReport& rejected = r->rows[0];
  EXPECT_EQ(rejected.problems[0].line, 2);
  EXPECT_EQ(rejected.problems[0].field, "Minimum Estimated Number of Missing");

  Actor officer = UserActor(false);
  EXPECT_TRUE(HasKind(service_->GetQuarantined(officer, rejected.quarantine_id), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->GetQuarantined(Actor::Anonymous("r"), rejected.quarantine_id),
                      Kind::kUnauthenticated));
  Actor admin = UserActor(true);
  ASSERT_TRUE(IsOk(service_->SetOfficer(admin, officer.user->id, true)));
  EXPECT_TRUE(HasKind(service_->SetOfficer(officer, admin.user->id, true), Kind::kPermissionDenied));

  auto q = service_->GetQuarantined(officer, rejected.quarantine_id);
  ASSERT_TRUE(IsOk(q));
  EXPECT_EQ(q->raw, bad);
  EXPECT_EQ(q->status, "open");

  // Still wrong: stays open with the new problem.
  std::string still_bad = bad;
  still_bad.replace(still_bad.find(",-2,"), 4, ",-3,");
  EXPECT_TRUE(HasKind(service_->Resubmit(officer, q->id, still_bad), Kind::kValidation));
  EXPECT_EQ(service_->GetQuarantined(officer, q->id)->status, "open");

  std::string fixed = bad;
  fixed.replace(fixed.find(",-2,"), 4, ",2,");
  fixed.replace(fixed.find("January,1,2,1,"), 14, "January,1,2,3,");
  auto done = service_->Resubmit(officer, q->id, fixed);
  ASSERT_TRUE(IsOk(done));
  EXPECT_EQ(done->outcome, RowOutcome::kAccepted);
  EXPECT_EQ(service_->GetQuarantined(officer, q->id)->status, "resubmitted");
  EXPECT_TRUE(HasKind(service_->Resubmit(officer, q->id, fixed), Kind::kConflict));
  auto count = service_->CountIncidents(officer, {});
  EXPECT_EQ(*count, 1);

  EXPECT_TRUE(HasKind(service_->Discard(officer, r->rows[1].quarantine_id, "  "), Kind::kValidation));
  ASSERT_TRUE(IsOk(service_->Discard(officer, r->rows[1].quarantine_id, "duplicate of a later report")));
  auto discarded = service_->GetQuarantined(officer, r->rows[1].quarantine_id);
  EXPECT_EQ(discarded->status, "discarded");
  EXPECT_EQ(discarded->resolution, "duplicate of a later report");
  EXPECT_EQ(*service_->CountOpenQuarantine(officer), 0);
}

TEST_F(EvidenceServiceTest, OnlyOfficersImport) {
  std::istringstream in("x\n");
  EXPECT_TRUE(HasKind(service_->Import(Actor::Anonymous("r"), in, {}, {}), Kind::kUnauthenticated));
  Actor member = UserActor(false);
  std::istringstream in2("x\n");
  EXPECT_TRUE(HasKind(service_->Import(member, in2, {}, {}), Kind::kPermissionDenied));
}

// ---------------------------------------------------------------- stats and policy

TEST_F(EvidenceServiceTest, StatsNameBadParameters) {
  evidence::StatsRequest req;
  req.group_by = {"year", "planet"};
  req.measures = {"total"};
  auto bad = service_->IncidentStats(Actor::Anonymous("r"), {}, req);
  ASSERT_TRUE(HasKind(bad, Kind::kValidation));
  EXPECT_EQ(bad.status().fields().count("group_by"), 1u);
  req.group_by = {"year", "year"};
  EXPECT_EQ(service_->IncidentStats(Actor::Anonymous("r"), {}, req).status().fields().count("group_by"), 1u);
  req.group_by = {"year"};
  req.measures = {"dead", "souls"};
  EXPECT_EQ(service_->IncidentStats(Actor::Anonymous("r"), {}, req).status().fields().count("measure"), 1u);
  req.measures = {};
  EXPECT_EQ(service_->IncidentStats(Actor::Anonymous("r"), {}, req).status().fields().count("measure"), 1u);
  req.measures = {"refugees"};
  req.group_by = {"hazard"};
  EXPECT_TRUE(IsOk(service_->DisplacementStats(Actor::Anonymous("r"), {}, req)));
  req.measures = {"dead"};
  EXPECT_EQ(service_->DisplacementStats(Actor::Anonymous("r"), {}, req).status().fields().count("measure"),
            1u);
}

// UNHCR itself rounds small values to 5, so the real table has nothing
// below k = 5: this one, in its layout, has a 3.
TEST_F(EvidenceServiceTest, AnAggregatesOnlyDatasetSuppressesSmallCellsForThePublicOnly) {
  const std::string table =
      "Extracted:,\"United Nations High Commissioner for Refugees\"\n"
      "\"Usage licence\",https://creativecommons.org/licenses/by/4.0/\n"
      "Year,\"Country of origin\",\"Country of origin (ISO)\",\"Country of asylum\",\"Country of asylum "
      "(ISO)\",\"Refugees under UNHCR's mandate\",Asylum-seekers,\"IDPs of concern to UNHCR\",\"Other people "
      "in "
      "need of international protection\",\"Stateless persons\",\"Host Community\",\"Others of concern\"\n"
      "2022,Syria,SYR,Germany,DEU,120,3,0,-,0,0,0\n"
      "2022,Eritrea,ERI,Germany,DEU,3,40,0,-,0,0,0\n"
      "2023,Syria,SYR,Germany,DEU,130,7,0,-,0,0,0\n";
  auto imported = ImportText(table, ImportTarget::kDisplacement, "population.csv");
  ASSERT_TRUE(IsOk(imported));
  EXPECT_EQ(imported->batch.dataset, "unhcr-population");
  evidence::DisplacementFilter f;
  f.dataset = "unhcr-population";
  evidence::StatsRequest req;
  req.group_by = {"year"};
  req.measures = {"refugees", "asylum_seekers"};
  auto pub = service_->DisplacementStats(Actor::Anonymous("r"), f, req);
  ASSERT_TRUE(IsOk(pub));
  EXPECT_TRUE(pub->aggregates_only);
  EXPECT_EQ(pub->min_cell, 5);
  EXPECT_EQ(pub->table.suppressed, 2);
  ASSERT_EQ(pub->table.rows.size(), 2u);
  // 2022: the two 3s are in no sum, so neither total gives them away.
  EXPECT_EQ(pub->table.rows[0].values, (std::vector<std::int64_t>{120, 40}));
  EXPECT_EQ(pub->table.rows[1].values, (std::vector<std::int64_t>{130, 7}));
  // The same with no grouping: the grand total leaves them out too.
  req.group_by = {};
  auto total = service_->DisplacementStats(Actor::Anonymous("r"), f, req);
  ASSERT_TRUE(IsOk(total));
  EXPECT_EQ(total->table.rows[0].values, (std::vector<std::int64_t>{250, 47}));
  // Officers see everything.
  req.group_by = {"year"};
  auto officer = service_->DisplacementStats(Actor::Cli(), f, req);
  ASSERT_TRUE(IsOk(officer));
  EXPECT_EQ(officer->table.suppressed, 0);
  EXPECT_EQ(officer->table.rows[0].values, (std::vector<std::int64_t>{123, 43}));
  // Records are for officers only.
  EXPECT_TRUE(HasKind(service_->ListDisplacement(Actor::Anonymous("r"), f, {}), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->CountDisplacement(Actor::Anonymous("r"), f), Kind::kPermissionDenied));
  auto listed = service_->ListDisplacement(Actor::Cli(), f, {});
  ASSERT_TRUE(IsOk(listed));
  EXPECT_EQ(listed->size(), 6u);
  EXPECT_TRUE(HasKind(service_->GetDisplacement(Actor::Anonymous("r"), (*listed)[0].id), Kind::kNotFound));
}

TEST_F(EvidenceServiceTest, ExportsAreAudited) {
  ASSERT_TRUE(IsOk(service_->RecordExport(Actor::Anonymous("r"), ImportTarget::kIncidents, "csv",
                                          "region=Mediterranean")));
  auto entries = account_stores_->stores().audit->List(10, "incidents", "");
  ASSERT_TRUE(IsOk(entries));
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].action, "evidence.export");
}

}  // namespace
}  // namespace waymark::conformance
