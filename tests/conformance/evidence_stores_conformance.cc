// Conformance of the evidence store (domain/evidence/stores.h), run against
// each backend (see backend.h): records round-trip exactly, imports account
// for every record (accepted, unchanged, updated) with versions, revisions
// and the parts of repeated ids, a dry run writes nothing, the aggregates
// kept beside the incidents equal a brute-force sum, and the quarantine,
// lists, facets, officers and saved queries behave as documented.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backend.h"
#include "domain/evidence/stores.h"
#include "storage/accounts/account_stores.h"
#include "storage/evidence/evidence_stores.h"

namespace waymark::conformance {
namespace {

using evidence::Batch;
using evidence::Cause;
using evidence::DatePrecision;
using evidence::Displacement;
using evidence::DisplacementCause;
using evidence::DisplacementFilter;
using evidence::Id;
using evidence::ImportTarget;
using evidence::Incident;
using evidence::IncidentFilter;
using evidence::IncidentKind;
using evidence::Page;
using evidence::PartialDate;
using evidence::QuarantinedRow;
using evidence::RowOutcome;
using evidence::StatsRequest;
using evidence::StatsRow;
using evidence::StatsTable;
using Kind = Status::Kind;
using ::testing::ElementsAre;

constexpr TimestampMs kT0 = 1'700'000'000'000;

PartialDate Date(int y, int m, int d) {
  PartialDate out;
  out.year = y;
  out.month = m;
  out.day = d;
  out.precision = y == 0   ? DatePrecision::kUnknown
                  : m == 0 ? DatePrecision::kYear
                  : d == 0 ? DatePrecision::kMonth
                           : DatePrecision::kDay;
  return out;
}

Incident SimpleIncident(const std::string& source_id, int year, int month, const std::string& region,
                        std::optional<std::int64_t> dead) {
  Incident i;
  i.source_id = source_id;
  i.date = Date(year, month, month == 0 ? 0 : 1);
  i.year = year;
  i.month = month;
  if (!region.empty()) i.regions = {region};
  i.country = "Libya";
  i.route = "Central Mediterranean";
  i.dead = dead;
  i.total = dead;
  i.causes = {Cause::kDrowning};
  return i;
}

Incident FullIncident() {
  Incident i;
  i.dataset = "mmp";
  i.source_id = "2016.MMP00042";
  i.incident_ids = {"2016.MMP00042", "2016.MMP00043", ""};
  i.kind = IncidentKind::kSplit;
  i.also_split = true;
  i.date = Date(2016, 3, 5);
  i.year = 2016;
  i.month = 3;
  i.regions = {"Mediterranean", "Northern Africa"};
  i.country = "Côte d'Ivoire";
  i.country_code = "CIV";
  i.location = "Off the coast,\nnear \"Zuwara\"\tport \\ back";
  i.latitude = 32.93113124;
  i.longitude = -12.0823456789012;
  i.route = "Central Mediterranean";
  i.unsd_grouping = "Northern Africa";
  i.dead = 12;
  i.missing = 0;
  i.total = 12;
  i.survivors = 4'000'000'000'000LL;
  i.females = std::nullopt;
  i.males = 3;
  i.children = 1;
  i.causes = {Cause::kViolence, Cause::kDrowning};
  i.cause_text = "Violence; drowning";
  i.countries_of_origin = {{"Eritrea", false}, {"Sudan", true}, {"", false}};
  i.regions_of_origin = {{"Horn of Africa", true}};
  i.information_source = "IOM Libya; NGO";
  i.urls = {"https://example.org/a?b=1&c=2", "https://example.org/\tx"};
  i.source_quality = {1, 3, 5};
  return i;
}

void ExpectSameIncident(const Incident& got, const Incident& want) {
  EXPECT_EQ(got.dataset, want.dataset);
  EXPECT_EQ(got.source_id, want.source_id);
  EXPECT_EQ(got.part, want.part);
  EXPECT_EQ(got.incident_ids, want.incident_ids);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.also_split, want.also_split);
  EXPECT_EQ(got.date, want.date);
  EXPECT_EQ(got.year, want.year);
  EXPECT_EQ(got.month, want.month);
  EXPECT_EQ(got.regions, want.regions);
  EXPECT_EQ(got.country, want.country);
  EXPECT_EQ(got.country_code, want.country_code);
  EXPECT_EQ(got.location, want.location);
  EXPECT_EQ(got.latitude, want.latitude);
  EXPECT_EQ(got.longitude, want.longitude);
  EXPECT_EQ(got.route, want.route);
  EXPECT_EQ(got.unsd_grouping, want.unsd_grouping);
  EXPECT_EQ(got.dead, want.dead);
  EXPECT_EQ(got.missing, want.missing);
  EXPECT_EQ(got.total, want.total);
  EXPECT_EQ(got.survivors, want.survivors);
  EXPECT_EQ(got.females, want.females);
  EXPECT_EQ(got.males, want.males);
  EXPECT_EQ(got.children, want.children);
  EXPECT_EQ(got.causes, want.causes);
  EXPECT_EQ(got.cause_text, want.cause_text);
  EXPECT_EQ(got.countries_of_origin, want.countries_of_origin);
  EXPECT_EQ(got.regions_of_origin, want.regions_of_origin);
  EXPECT_EQ(got.information_source, want.information_source);
  EXPECT_EQ(got.urls, want.urls);
  EXPECT_EQ(got.source_quality, want.source_quality);
  EXPECT_EQ(evidence::CanonicalText(got), evidence::CanonicalText(want));
}

Displacement FullDisplacement() {
  Displacement d;
  d.dataset = "idmc-gidd";
  d.source_id = "event:123|figure:456";
  d.country = "SDN";
  d.country_name = "Sudan";
  d.origin = "SSD";
  d.origin_name = "South Sudan";
  d.area = "Darfur\tNorth";
  d.year = 2023;
  d.period_start = Date(2023, 4, 15);
  d.period_end = Date(2023, 12, 0);
  d.cause = DisplacementCause::kDisaster;
  d.hazard_category = "Weather related";
  d.hazard_sub_category = "Hydrological";
  d.hazard_type = "Flood";
  d.hazard_sub_type = "Riverine flood";
  d.event_name = "Sudan: Floods - 2023";
  d.event_start = Date(2023, 7, 0);
  d.event_end = Date(0, 0, 0);
  d.event_codes = {"FL-2023-000123-SDN", "", "x\ny"};
  d.kind = "new_displacements";
  d.value = 123'456'789'012LL;
  d.rounded = 123'000'000'000LL;
  d.source = "OCHA; IFRC";
  d.latitude = 15.5007;
  d.longitude = 32.5599;
  return d;
}

void ExpectSameDisplacement(const Displacement& got, const Displacement& want) {
  EXPECT_EQ(got.dataset, want.dataset);
  EXPECT_EQ(got.source_id, want.source_id);
  EXPECT_EQ(got.country, want.country);
  EXPECT_EQ(got.country_name, want.country_name);
  EXPECT_EQ(got.origin, want.origin);
  EXPECT_EQ(got.origin_name, want.origin_name);
  EXPECT_EQ(got.area, want.area);
  EXPECT_EQ(got.year, want.year);
  EXPECT_EQ(got.period_start, want.period_start);
  EXPECT_EQ(got.period_end, want.period_end);
  EXPECT_EQ(got.cause, want.cause);
  EXPECT_EQ(got.hazard_category, want.hazard_category);
  EXPECT_EQ(got.hazard_sub_category, want.hazard_sub_category);
  EXPECT_EQ(got.hazard_type, want.hazard_type);
  EXPECT_EQ(got.hazard_sub_type, want.hazard_sub_type);
  EXPECT_EQ(got.event_name, want.event_name);
  EXPECT_EQ(got.event_start, want.event_start);
  EXPECT_EQ(got.event_end, want.event_end);
  EXPECT_EQ(got.event_codes, want.event_codes);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.value, want.value);
  EXPECT_EQ(got.rounded, want.rounded);
  EXPECT_EQ(got.source, want.source);
  EXPECT_EQ(got.latitude, want.latitude);
  EXPECT_EQ(got.longitude, want.longitude);
  EXPECT_EQ(evidence::CanonicalText(got), evidence::CanonicalText(want));
}

Displacement Figure(const std::string& source_id, const std::string& country, int year,
                    const std::string& kind, std::optional<std::int64_t> value,
                    const std::string& hazard = "") {
  Displacement d;
  d.dataset = "idmc-gidd";
  d.source_id = source_id;
  d.country = country;
  d.year = year;
  d.kind = kind;
  d.value = value;
  d.hazard_type = hazard;
  d.cause = hazard.empty() ? DisplacementCause::kConflict : DisplacementCause::kDisaster;
  return d;
}

class EvidenceStoresTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    account_stores_ = std::make_unique<storage::AccountStores>(db());
    store_ = std::make_unique<storage::SqlEvidenceStore>(db());
  }
  void TearDown() override {
    store_.reset();
    account_stores_.reset();
    BackendTest::TearDown();
  }

  Id NewBatch(ImportTarget target = ImportTarget::kIncidents, const std::string& dataset = "mmp",
              bool dry_run = false) {
    Batch b;
    b.target = target;
    b.dataset = dataset;
    b.format = "test";
    b.filename = "file.csv";
    b.started_at = kT0;
    b.dry_run = dry_run;
    auto created = store_->CreateBatch(b);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? created->id : 0;
  }

  Id NewUser(const std::string& email) {
    auto u = account_stores_->stores().users->Create(
        accounts::NewUser{email, "Name", "en", "hash", false, false, kT0});
    EXPECT_TRUE(IsOk(u));
    return u.ok() ? u->id : 0;
  }

  std::vector<RowOutcome> Apply(Id batch, const std::vector<Incident>& records, bool dry_run = false) {
    auto r = store_->ApplyIncidents(batch, records, kT0 + batch, dry_run);
    EXPECT_TRUE(IsOk(r));
    return r.ok() ? *r : std::vector<RowOutcome>{};
  }

  std::vector<RowOutcome> ApplyFigures(Id batch, const std::vector<Displacement>& records,
                                       bool dry_run = false) {
    auto r = store_->ApplyDisplacement(batch, records, kT0 + batch, dry_run);
    EXPECT_TRUE(IsOk(r));
    return r.ok() ? *r : std::vector<RowOutcome>{};
  }

  std::vector<Incident> AllIncidents(const IncidentFilter& f = {}) {
    std::vector<Incident> out;
    Page page{0, 7};
    while (true) {
      auto list = store_->ListIncidents(f, page);
      EXPECT_TRUE(IsOk(list));
      if (!list.ok() || list->empty()) break;
      for (auto& i : *list) out.push_back(i);
      page.after_id = list->back().id;
    }
    return out;
  }

  StatsTable Stats(const IncidentFilter& f, std::vector<std::string> group_by,
                   std::vector<std::string> measures = {"incidents", "dead", "missing", "total"}) {
    auto t = store_->IncidentStats(f, StatsRequest{std::move(group_by), std::move(measures)});
    EXPECT_TRUE(IsOk(t));
    return t.ok() ? *t : StatsTable{};
  }

  std::unique_ptr<storage::AccountStores> account_stores_;
  std::unique_ptr<storage::SqlEvidenceStore> store_;
};

// ---------------------------------------------------------------- round trips

TEST_F(EvidenceStoresTest, IncidentRoundTripsExactly) {
  Id batch = NewBatch();
  Incident in = FullIncident();
  EXPECT_THAT(Apply(batch, {in}), ElementsAre(RowOutcome::kAccepted));
  auto list = store_->ListIncidents({}, Page{});
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 1u);
  auto got = store_->GetIncident(list->front().id);
  ASSERT_TRUE(IsOk(got));
  ExpectSameIncident(*got, in);
  EXPECT_EQ(got->batch_id, batch);
  EXPECT_EQ(got->version, 1);
  ExpectSameIncident(list->front(), in);

  // Empty values and unknown counts stay what they were.
  Incident bare;
  bare.source_id = "web:1";
  bare.dataset = "mmp-legacy";
  EXPECT_THAT(Apply(batch, {bare}), ElementsAre(RowOutcome::kAccepted));
  auto legacy = store_->ListIncidents(IncidentFilter{"mmp-legacy"}, Page{});
  ASSERT_TRUE(IsOk(legacy));
  ASSERT_EQ(legacy->size(), 1u);
  ExpectSameIncident(legacy->front(), bare);
  EXPECT_FALSE(legacy->front().latitude.has_value());
  EXPECT_FALSE(legacy->front().dead.has_value());

  EXPECT_TRUE(HasKind(store_->GetIncident(9999), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store_->IncidentRevisions(9999), Kind::kNotFound));
}

TEST_F(EvidenceStoresTest, DisplacementRoundTripsExactly) {
  Id batch = NewBatch(ImportTarget::kDisplacement, "idmc-gidd");
  Displacement in = FullDisplacement();
  Displacement bare = Figure("bare", "", 0, "idps", std::nullopt);
  EXPECT_THAT(ApplyFigures(batch, {in, bare}), ElementsAre(RowOutcome::kAccepted, RowOutcome::kAccepted));
  auto list = store_->ListDisplacement({}, Page{});
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 2u);
  auto got = store_->GetDisplacement(list->front().id);
  ASSERT_TRUE(IsOk(got));
  ExpectSameDisplacement(*got, in);
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->batch_id, batch);
  ExpectSameDisplacement(list->back(), bare);
  EXPECT_TRUE(HasKind(store_->GetDisplacement(9999), Kind::kNotFound));
}

// ---------------------------------------------------------------- imports

TEST_F(EvidenceStoresTest, OutcomesVersionsAndRevisions) {
  Id b1 = NewBatch();
  Incident a = SimpleIncident("A", 2016, 3, "Mediterranean", 5);
  Incident b = SimpleIncident("B", 2017, 1, "Mediterranean", 1);
  EXPECT_THAT(Apply(b1, {a, b}), ElementsAre(RowOutcome::kAccepted, RowOutcome::kAccepted));

  Id b2 = NewBatch();
  Incident a2 = a;
  a2.dead = 7;
  EXPECT_THAT(Apply(b2, {a2, b}), ElementsAre(RowOutcome::kUpdated, RowOutcome::kUnchanged));

  auto all = AllIncidents();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].version, 2);
  EXPECT_EQ(all[0].batch_id, b2);
  EXPECT_EQ(all[0].dead, 7);
  EXPECT_EQ(all[1].version, 1);
  EXPECT_EQ(all[1].batch_id, b1);  // unchanged: still the batch that last changed it

  auto revs = store_->IncidentRevisions(all[0].id);
  ASSERT_TRUE(IsOk(revs));
  ASSERT_EQ(revs->size(), 2u);
  EXPECT_EQ((*revs)[0].version, 2);
  EXPECT_EQ((*revs)[0].batch_id, b2);
  EXPECT_EQ((*revs)[0].at, kT0 + b2);
  EXPECT_EQ((*revs)[0].text, evidence::CanonicalText(a2));
  EXPECT_EQ((*revs)[1].version, 1);
  EXPECT_EQ((*revs)[1].text, evidence::CanonicalText(a));
  auto revs_b = store_->IncidentRevisions(all[1].id);
  ASSERT_TRUE(IsOk(revs_b));
  EXPECT_EQ(revs_b->size(), 1u);

  // Back to the first text: a new version again.
  Id b3 = NewBatch();
  EXPECT_THAT(Apply(b3, {a}), ElementsAre(RowOutcome::kUpdated));
  auto again = store_->GetIncident(all[0].id);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(again->version, 3);
  EXPECT_EQ(again->dead, 5);

  // Displacement likewise.
  Id d1 = NewBatch(ImportTarget::kDisplacement, "idmc-gidd");
  Displacement f = Figure("F", "SDN", 2020, "idps", 100);
  EXPECT_THAT(ApplyFigures(d1, {f}), ElementsAre(RowOutcome::kAccepted));
  Id d2 = NewBatch(ImportTarget::kDisplacement, "idmc-gidd");
  Displacement f2 = f;
  f2.value = 150;
  EXPECT_THAT(ApplyFigures(d2, {f2}), ElementsAre(RowOutcome::kUpdated));
  Id d3 = NewBatch(ImportTarget::kDisplacement, "idmc-gidd");
  EXPECT_THAT(ApplyFigures(d3, {f2}), ElementsAre(RowOutcome::kUnchanged));
  auto figures = store_->ListDisplacement({}, Page{});
  ASSERT_TRUE(IsOk(figures));
  ASSERT_EQ(figures->size(), 1u);
  EXPECT_EQ(figures->front().version, 2);
  EXPECT_EQ(figures->front().batch_id, d2);
  auto frevs = store_->DisplacementRevisions(figures->front().id);
  ASSERT_TRUE(IsOk(frevs));
  ASSERT_EQ(frevs->size(), 2u);
  EXPECT_EQ((*frevs)[0].version, 2);
  EXPECT_EQ((*frevs)[0].text, evidence::CanonicalText(f2));
}

TEST_F(EvidenceStoresTest, RepeatedIdsGetPartsInFileOrder) {
  Incident a1 = SimpleIncident("A", 2016, 3, "Mediterranean", 1);
  Incident a2 = SimpleIncident("A", 2016, 3, "Mediterranean", 2);
  Incident a3 = SimpleIncident("A", 2016, 3, "Mediterranean", 3);
  Incident b = SimpleIncident("B", 2016, 3, "Mediterranean", 9);
  a3.part = 1;  // what the caller says about parts does not matter

  Id b1 = NewBatch();
  // Two chunks of one batch: the parts carry on across them.
  EXPECT_THAT(Apply(b1, {a1, b, a2}),
              ElementsAre(RowOutcome::kAccepted, RowOutcome::kAccepted, RowOutcome::kAccepted));
  EXPECT_THAT(Apply(b1, {a3}), ElementsAre(RowOutcome::kAccepted));
  auto all = AllIncidents();
  ASSERT_EQ(all.size(), 4u);
  std::map<std::pair<std::string, int>, std::int64_t> dead_by_key;
  for (const auto& i : all) dead_by_key[{i.source_id, i.part}] = i.dead.value_or(-1);
  EXPECT_EQ(dead_by_key, (std::map<std::pair<std::string, int>, std::int64_t>{
                             {{"A", 1}, 1}, {{"A", 2}, 2}, {{"A", 3}, 3}, {{"B", 1}, 9}}));

  // The same again in a second batch: nothing changes.
  Id b2 = NewBatch();
  EXPECT_THAT(Apply(b2, {a1, a2}), ElementsAre(RowOutcome::kUnchanged, RowOutcome::kUnchanged));
  EXPECT_THAT(Apply(b2, {b, a3}), ElementsAre(RowOutcome::kUnchanged, RowOutcome::kUnchanged));
  for (const auto& i : AllIncidents()) {
    EXPECT_EQ(i.version, 1);
    EXPECT_EQ(i.batch_id, b1);
  }

  // A third batch that drops the first part: the rest move up one part.
  Id b3 = NewBatch();
  EXPECT_THAT(Apply(b3, {a2, a3}), ElementsAre(RowOutcome::kUpdated, RowOutcome::kUpdated));
  dead_by_key.clear();
  for (const auto& i : AllIncidents()) dead_by_key[{i.source_id, i.part}] = i.dead.value_or(-1);
  EXPECT_EQ(dead_by_key[std::make_pair(std::string("A"), 1)], 2);
  EXPECT_EQ(dead_by_key[std::make_pair(std::string("A"), 2)], 3);
  EXPECT_EQ(dead_by_key[std::make_pair(std::string("A"), 3)], 3);  // left as it was

  // Displacement: repeated source ids get parts too.
  Id d1 = NewBatch(ImportTarget::kDisplacement, "idmc-gidd");
  Displacement f = Figure("F", "SDN", 2020, "idps", 1);
  Displacement g = Figure("F", "SDN", 2020, "idps", 2);
  EXPECT_THAT(ApplyFigures(d1, {f, g}), ElementsAre(RowOutcome::kAccepted, RowOutcome::kAccepted));
  Id d2 = NewBatch(ImportTarget::kDisplacement, "idmc-gidd");
  EXPECT_THAT(ApplyFigures(d2, {f}), ElementsAre(RowOutcome::kUnchanged));
  EXPECT_THAT(ApplyFigures(d2, {g}), ElementsAre(RowOutcome::kUnchanged));
}

TEST_F(EvidenceStoresTest, DryRunWritesNothing) {
  Id b1 = NewBatch();
  Incident a = SimpleIncident("A", 2016, 3, "Mediterranean", 5);
  ASSERT_THAT(Apply(b1, {a}), ElementsAre(RowOutcome::kAccepted));
  auto before = Stats({}, {"region"});

  Id dry = NewBatch(ImportTarget::kIncidents, "mmp", true);
  Incident changed = a;
  changed.dead = 50;
  Incident fresh = SimpleIncident("C", 2018, 1, "Sahara", 2);
  EXPECT_THAT(Apply(dry, {changed, fresh, fresh}, true),
              ElementsAre(RowOutcome::kUpdated, RowOutcome::kAccepted, RowOutcome::kAccepted));
  // A later chunk of the same dry run numbers the parts on.
  EXPECT_THAT(Apply(dry, {a, fresh}, true), ElementsAre(RowOutcome::kAccepted, RowOutcome::kAccepted));

  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM evidence_incidents"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM evidence_incident_revisions"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM evidence_incidents WHERE last_batch_id = $1", {dry}), 0);
  EXPECT_EQ(Stats({}, {"region"}).rows, before.rows);
  auto got = store_->GetIncident(AllIncidents().front().id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->dead, 5);
  EXPECT_EQ(got->version, 1);

  Id ddry = NewBatch(ImportTarget::kDisplacement, "idmc-gidd", true);
  EXPECT_THAT(ApplyFigures(ddry, {Figure("F", "SDN", 2020, "idps", 1)}, true),
              ElementsAre(RowOutcome::kAccepted));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM evidence_displacement"), 0);
}

TEST_F(EvidenceStoresTest, ApplyToAMissingBatchIsNotFoundAndWritesNothing) {
  Incident a = SimpleIncident("A", 2016, 3, "Mediterranean", 5);
  EXPECT_TRUE(HasKind(store_->ApplyIncidents(12345, {a}, kT0, false), Kind::kNotFound));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM evidence_incidents"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM evidence_incident_cells"), 0);
}

// ---------------------------------------------------------------- aggregates

// The filter's meaning, written out plainly.
bool Matches(const Incident& i, const IncidentFilter& f) {
  if (!f.dataset.empty() && i.dataset != f.dataset) return false;
  std::string region = i.regions.empty() ? "" : i.regions.front();
  if (!f.region.empty() && region != f.region) return false;
  if (!f.country.empty() && i.country != f.country) return false;
  if (!f.route.empty() && i.route != f.route) return false;
  if (f.cause && std::find(i.causes.begin(), i.causes.end(), *f.cause) == i.causes.end()) return false;
  if ((f.from.known() || f.to.known()) && i.year == 0) return false;
  if (f.from.known()) {
    if (i.year < f.from.year) return false;
    if (f.from.month != 0 && i.year == f.from.year && i.month < f.from.month) return false;
  }
  if (f.to.known()) {
    if (i.year > f.to.year) return false;
    if (f.to.month != 0 && i.year == f.to.year && (i.month == 0 || i.month > f.to.month)) return false;
  }
  return true;
}

StatsTable BruteForce(const std::vector<Incident>& all, const IncidentFilter& f,
                      const std::vector<std::string>& group_by) {
  std::map<std::vector<std::string>, std::vector<std::int64_t>> groups;
  auto add = [&](const Incident& i, const std::string& cause_code) {
    std::vector<std::string> keys;
    for (const auto& g : group_by) {
      if (g == "year") keys.push_back(std::to_string(i.year));
      if (g == "month") keys.push_back(std::to_string(i.month));
      if (g == "region") keys.push_back(i.regions.empty() ? "" : i.regions.front());
      if (g == "country") keys.push_back(i.country);
      if (g == "route") keys.push_back(i.route);
      if (g == "cause") keys.push_back(cause_code);
    }
    auto& v = groups[keys];
    v.resize(4, 0);
    v[0] += 1;
    v[1] += i.dead.value_or(0);
    v[2] += i.missing.value_or(0);
    v[3] += i.total.value_or(0);
  };
  bool by_cause = std::find(group_by.begin(), group_by.end(), "cause") != group_by.end();
  for (const auto& i : all) {
    if (!Matches(i, f)) continue;
    if (by_cause) {
      for (Cause c : i.causes) add(i, evidence::CauseCode(c));
    } else {
      add(i, "");
    }
  }
  StatsTable out;
  if (group_by.empty() && groups.empty()) groups[{}] = {0, 0, 0, 0};
  for (auto& [keys, values] : groups) out.rows.push_back(StatsRow{keys, values});
  // Keys in order, years and months numerically.
  std::sort(out.rows.begin(), out.rows.end(), [&](const StatsRow& a, const StatsRow& b) {
    for (std::size_t k = 0; k < group_by.size(); ++k) {
      if (a.keys[k] == b.keys[k]) continue;
      if (group_by[k] == "year" || group_by[k] == "month")
        return std::stoll(a.keys[k]) < std::stoll(b.keys[k]);
      return a.keys[k] < b.keys[k];
    }
    return false;
  });
  return out;
}

std::vector<Incident> Generate(std::mt19937& rng, int n, const std::string& prefix) {
  const std::vector<std::string> regions = {"Mediterranean", "Sahara Desert", "US-Mexico Border", ""};
  const std::vector<std::string> countries = {"Libya", "Niger", "Mexico", "Italy", ""};
  const std::vector<std::string> routes = {"Central Mediterranean", "", "Western Mediterranean"};
  std::vector<Incident> out;
  for (int k = 0; k < n; ++k) {
    Incident i;
    i.source_id = prefix + std::to_string(k);
    int year = static_cast<int>(rng() % 6);
    i.year = year == 0 ? 0 : 2013 + year;  // 0 (unknown), 2014..2018
    i.month = i.year == 0 ? 0 : static_cast<int>(rng() % 13);
    i.date = Date(i.year, i.month, 0);
    std::string region = regions[rng() % regions.size()];
    if (!region.empty()) i.regions.push_back(region);
    if (rng() % 5 == 0) i.regions.push_back("Northern Africa");
    i.country = countries[rng() % countries.size()];
    i.route = routes[rng() % routes.size()];
    auto count = [&]() -> std::optional<std::int64_t> {
      if (rng() % 4 == 0) return std::nullopt;
      return static_cast<std::int64_t>(rng() % 40);
    };
    i.dead = count();
    i.missing = count();
    i.total = count();
    for (int c = 0; c < evidence::kCauseCount; ++c) {
      if (rng() % 5 == 0) i.causes.push_back(static_cast<Cause>(c));
    }
    out.push_back(std::move(i));
  }
  return out;
}

TEST_F(EvidenceStoresTest, AggregatesEqualABruteForceSum) {
  std::mt19937 rng(20240601);
  std::vector<Incident> records = Generate(rng, 300, "S");
  Id b1 = NewBatch();
  Apply(b1, std::vector<Incident>(records.begin(), records.begin() + 150));
  Apply(b1, std::vector<Incident>(records.begin() + 150, records.end()));

  // A second batch moves a third of them between cells (and changes counts).
  std::vector<Incident> moved = Generate(rng, 300, "S");
  std::vector<Incident> second;
  for (std::size_t k = 0; k < records.size(); ++k) {
    if (k % 3 == 0) records[k] = moved[k];
    second.push_back(records[k]);
  }
  // Another dataset never mixes in.
  Incident other = SimpleIncident("X", 2016, 3, "Mediterranean", 1000);
  other.dataset = "mmp-legacy";
  second.push_back(other);
  Id b2 = NewBatch();
  auto outcomes = Apply(b2, second);
  ASSERT_EQ(outcomes.size(), second.size());
  int updated = 0;
  for (auto o : outcomes) updated += o == RowOutcome::kUpdated;
  EXPECT_GT(updated, 80);

  // And one more round with fewer records changed.
  for (std::size_t k = 1; k < records.size(); k += 7) {
    records[k].dead = records[k].dead.value_or(0) + 3;
    records[k].causes = {Cause::kSickness, Cause::kViolence};
  }
  Apply(NewBatch(), records);

  std::vector<Incident> stored = AllIncidents();
  ASSERT_EQ(stored.size(), 300u);
  for (std::size_t k = 0; k < stored.size(); ++k) ExpectSameIncident(stored[k], records[k]);

  std::vector<IncidentFilter> filters(8);
  filters[1].region = "Mediterranean";
  filters[2].cause = Cause::kDrowning;
  filters[3].from = Date(2015, 0, 0);
  filters[3].to = Date(2016, 0, 0);
  filters[4].from = Date(2015, 6, 0);
  filters[4].to = Date(2017, 2, 0);
  filters[5].to = Date(2016, 4, 0);
  filters[5].country = "Libya";
  filters[6].from = Date(2017, 0, 0);
  filters[6].route = "Central Mediterranean";
  filters[6].cause = Cause::kViolence;
  filters[7].dataset = "mmp-legacy";
  const std::vector<std::vector<std::string>> groupings = {{},
                                                           {"year"},
                                                           {"year", "month"},
                                                           {"region"},
                                                           {"cause"},
                                                           {"country", "cause"},
                                                           {"route", "year", "region"}};
  for (std::size_t fi = 0; fi < filters.size(); ++fi) {
    std::vector<Incident> universe = fi == 7 ? std::vector<Incident>{other} : records;
    for (const auto& g : groupings) {
      SCOPED_TRACE("filter " + std::to_string(fi) + " group_by " + ::testing::PrintToString(g));
      EXPECT_EQ(Stats(filters[fi], g).rows, BruteForce(universe, filters[fi], g).rows);
    }
    auto count = store_->CountIncidents(filters[fi]);
    ASSERT_TRUE(IsOk(count));
    EXPECT_EQ(*count, BruteForce(universe, filters[fi], {}).rows.front().values[0]);
    EXPECT_EQ(static_cast<std::int64_t>(AllIncidents(filters[fi]).size()), *count);
  }

  // Measures in the order asked for.
  auto t = Stats({}, {}, {"total", "incidents"});
  auto brute = BruteForce(records, {}, {});
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].values, (std::vector<std::int64_t>{brute.rows[0].values[3], brute.rows[0].values[0]}));

  // No cell is left with no incident in it.
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM evidence_incident_cells WHERE incidents <= 0"), 0);
  EXPECT_EQ(CountRows("SELECT COALESCE(SUM(incidents), 0) FROM evidence_incident_cells"), 301);
}

TEST_F(EvidenceStoresTest, MultiCauseIncidentCountsOncePerCause) {
  Incident i = SimpleIncident("M", 2019, 5, "Mediterranean", 10);
  i.causes = {Cause::kViolence, Cause::kDrowning, Cause::kSickness};
  Incident j = SimpleIncident("N", 2019, 6, "Mediterranean", 1);
  j.causes = {Cause::kDrowning};
  Apply(NewBatch(), {i, j});
  auto t = Stats({}, {"cause"}, {"incidents", "dead"});
  EXPECT_THAT(t.rows, ElementsAre(StatsRow{{"drowning"}, {2, 11}}, StatsRow{{"sickness"}, {1, 10}},
                                  StatsRow{{"violence"}, {1, 10}}));
  EXPECT_THAT(Stats({}, {}, {"incidents", "dead"}).rows, ElementsAre(StatsRow{{}, {2, 11}}));
  IncidentFilter f;
  f.cause = Cause::kViolence;
  EXPECT_THAT(Stats(f, {"month"}, {"dead"}).rows, ElementsAre(StatsRow{{"5"}, {10}}));
  auto n = store_->CountIncidents(f);
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(*n, 1);
}

TEST_F(EvidenceStoresTest, DateRangesAndUnknownDates) {
  Apply(NewBatch(), {SimpleIncident("a", 2015, 12, "R", 1), SimpleIncident("b", 2016, 0, "R", 10),
                     SimpleIncident("c", 2016, 3, "R", 100), SimpleIncident("d", 2016, 4, "R", 1000),
                     SimpleIncident("e", 0, 0, "R", 10000), SimpleIncident("f", 2017, 1, "R", 100000)});
  auto dead = [&](PartialDate from, PartialDate to) {
    IncidentFilter f;
    f.from = from;
    f.to = to;
    auto t = Stats(f, {}, {"dead"});
    return t.rows.empty() ? -1 : t.rows[0].values[0];
  };
  const PartialDate none;
  EXPECT_EQ(dead(none, none), 111111);                          // everything, unknown dates too
  EXPECT_EQ(dead(Date(2016, 0, 0), Date(2016, 0, 0)), 1110);    // the year, its unknown month too
  EXPECT_EQ(dead(Date(2016, 3, 0), Date(2016, 3, 0)), 100);     // March only
  EXPECT_EQ(dead(Date(2016, 3, 0), none), 101100);              // from March 2016 on
  EXPECT_EQ(dead(none, Date(2016, 3, 0)), 101);                 // up to March 2016
  EXPECT_EQ(dead(Date(2015, 12, 0), Date(2016, 4, 0)), 1101);   // month-bounded: unknown month out
  EXPECT_EQ(dead(Date(2015, 0, 0), Date(2017, 0, 0)), 101111);  // years: all but the unknown date
  EXPECT_EQ(dead(Date(2016, 3, 5), Date(2016, 3, 9)), 100);     // a day is ignored
  EXPECT_THAT(Stats({}, {"year"}, {"incidents"}).rows,
              ElementsAre(StatsRow{{"0"}, {1}}, StatsRow{{"2015"}, {1}}, StatsRow{{"2016"}, {3}},
                          StatsRow{{"2017"}, {1}}));
}

TEST_F(EvidenceStoresTest, YearsSortNumerically) {
  Apply(NewBatch(), {SimpleIncident("a", 999, 1, "R", 1), SimpleIncident("b", 2016, 10, "R", 1),
                     SimpleIncident("c", 2016, 9, "R", 1)});
  EXPECT_THAT(
      Stats({}, {"year", "month"}, {"incidents"}).rows,
      ElementsAre(StatsRow{{"999", "1"}, {1}}, StatsRow{{"2016", "9"}, {1}}, StatsRow{{"2016", "10"}, {1}}));
}

TEST_F(EvidenceStoresTest, DisplacementStatsSuppressSmallValues) {
  Id batch = NewBatch(ImportTarget::kDisplacement, "idmc-gidd");
  ApplyFigures(batch, {
                          Figure("1", "SDN", 2020, "idps", 3),
                          Figure("2", "SDN", 2020, "idps", 100),
                          Figure("3", "SDN", 2021, "new_displacements", 4, "Flood"),
                          Figure("4", "SDN", 2021, "new_displacements", 50, "Flood"),
                          Figure("5", "ETH", 2020, "idps", 0),
                          Figure("6", "ETH", 2020, "idps", std::nullopt),
                          Figure("7", "ETH", 2021, "new_displacements", 5, "Drought"),
                          Figure("8", "ETH", 2019, "refugees", 2),
                      });
  Displacement elsewhere = Figure("9", "SDN", 2020, "idps", 1'000'000);
  elsewhere.dataset = "unhcr-population";
  ApplyFigures(NewBatch(ImportTarget::kDisplacement, "unhcr-population"), {elsewhere});

  auto stats = [&](const DisplacementFilter& f, std::vector<std::string> group_by, std::int64_t k) {
    auto t =
        store_->DisplacementStats(f, StatsRequest{std::move(group_by), {"idps", "new_displacements"}}, k);
    EXPECT_TRUE(IsOk(t));
    return t.ok() ? *t : StatsTable{};
  };
  auto none = stats({}, {"country"}, 0);
  EXPECT_THAT(none.rows, ElementsAre(StatsRow{{"ETH"}, {0, 5}}, StatsRow{{"SDN"}, {103, 54}}));
  EXPECT_EQ(none.suppressed, 0);

  auto k5 = stats({}, {"country"}, 5);
  EXPECT_THAT(k5.rows, ElementsAre(StatsRow{{"ETH"}, {0, 5}}, StatsRow{{"SDN"}, {100, 50}}));
  EXPECT_EQ(k5.suppressed, 3);  // 3, 4 and the refugees' 2; 0, blank and 5 are not below k

  DisplacementFilter sdn;
  sdn.country = "SDN";
  sdn.from_year = 2021;
  auto t = stats(sdn, {"year", "hazard", "cause"}, 5);
  EXPECT_THAT(t.rows, ElementsAre(StatsRow{{"2021", "Flood", "disaster"}, {0, 50}}));
  EXPECT_EQ(t.suppressed, 1);

  auto by_kind = store_->DisplacementStats({}, StatsRequest{{"kind"}, {"idps", "refugees"}}, 0);
  ASSERT_TRUE(IsOk(by_kind));
  EXPECT_THAT(by_kind->rows, ElementsAre(StatsRow{{"idps"}, {103, 0}}, StatsRow{{"refugees"}, {0, 2}}));

  DisplacementFilter flood;
  flood.hazard = "Flood";
  auto n = store_->CountDisplacement(flood);
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(*n, 2);
  DisplacementFilter conflict;
  conflict.cause = DisplacementCause::kConflict;
  conflict.to_year = 2020;
  auto list = store_->ListDisplacement(conflict, Page{});
  ASSERT_TRUE(IsOk(list));
  std::vector<std::string> ids;
  for (const auto& d : *list) ids.push_back(d.source_id);
  EXPECT_THAT(ids, ElementsAre("1", "2", "5", "6", "8"));

  auto facet = store_->DisplacementFacet("idmc-gidd", "kind");
  ASSERT_TRUE(IsOk(facet));
  ASSERT_EQ(facet->size(), 3u);
  EXPECT_EQ((*facet)[0].value, "idps");
  EXPECT_EQ((*facet)[0].count, 4);
  auto hazards = store_->DisplacementFacet("idmc-gidd", "hazard");
  ASSERT_TRUE(IsOk(hazards));
  ASSERT_EQ(hazards->size(), 2u);
  EXPECT_EQ((*hazards)[0].value, "Flood");
  auto datasets = store_->DisplacementDatasets();
  ASSERT_TRUE(IsOk(datasets));
  ASSERT_EQ(datasets->size(), 2u);
  EXPECT_EQ((*datasets)[0].value, "idmc-gidd");
  EXPECT_EQ((*datasets)[0].count, 8);
}

// Stats answers are kept per query under the versions of the datasets they
// read (evidence_stats_versions): every committed write through any store
// (here a second one, as another instance would be) is seen at once, and a
// rolled-back unit of work leaves nothing kept behind.
TEST_F(EvidenceStoresTest, KeptStatsFollowEveryCommittedWrite) {
  storage::SqlEvidenceStore other(db());
  IncidentFilter mmp, all;
  all.dataset = "";
  auto stats = [&](storage::SqlEvidenceStore& s, const IncidentFilter& f) {
    auto t = s.IncidentStats(f, StatsRequest{{"year"}, {"incidents", "dead"}});
    EXPECT_TRUE(IsOk(t));
    return t.ok() ? t->rows : std::vector<StatsRow>{};
  };
  Apply(NewBatch(), {SimpleIncident("a", 2016, 1, "R", 1)});
  for (auto* s : {store_.get(), &other}) {
    EXPECT_THAT(stats(*s, mmp), ElementsAre(StatsRow{{"2016"}, {1, 1}}));
    EXPECT_THAT(stats(*s, all), ElementsAre(StatsRow{{"2016"}, {1, 1}}));
  }
  EXPECT_THAT(stats(other, mmp), ElementsAre(StatsRow{{"2016"}, {1, 1}}));  // asked again: kept
  EXPECT_EQ(other.kept_stats(), 2u);

  // A write through one store: both see it, for the dataset and for all.
  Apply(NewBatch(), {SimpleIncident("a", 2016, 1, "R", 5), SimpleIncident("b", 2017, 2, "R", 2)});
  for (auto* s : {store_.get(), &other}) {
    EXPECT_THAT(stats(*s, mmp), ElementsAre(StatsRow{{"2016"}, {1, 5}}, StatsRow{{"2017"}, {1, 2}}));
    EXPECT_THAT(stats(*s, all), ElementsAre(StatsRow{{"2016"}, {1, 5}}, StatsRow{{"2017"}, {1, 2}}));
  }
  // Another dataset's write leaves this dataset's answers as they were and
  // moves the answer over every dataset.
  Incident legacy = SimpleIncident("x", 2016, 3, "R", 100);
  legacy.dataset = "mmp-legacy";
  Apply(NewBatch(ImportTarget::kIncidents, "mmp-legacy"), {legacy});
  EXPECT_THAT(stats(other, mmp), ElementsAre(StatsRow{{"2016"}, {1, 5}}, StatsRow{{"2017"}, {1, 2}}));
  EXPECT_THAT(stats(other, all), ElementsAre(StatsRow{{"2016"}, {2, 105}}, StatsRow{{"2017"}, {1, 2}}));

  // Stats asked inside a unit of work see its writes, and nothing of them
  // is kept when it rolls back; the next committed write (which takes the
  // version the rolled-back one had) is seen, not the rolled-back one.
  Id batch = NewBatch();
  Status rolled_back = db().InTransaction([&]() -> Status {
    auto r = other.ApplyIncidents(batch, {SimpleIncident("c", 2018, 1, "R", 1000)}, kT0, false);
    if (!r.ok()) return r.status();
    EXPECT_THAT(stats(other, mmp), ElementsAre(StatsRow{{"2016"}, {1, 5}}, StatsRow{{"2017"}, {1, 2}},
                                               StatsRow{{"2018"}, {1, 1000}}));
    return Status::InvalidArgument("roll back");
  });
  EXPECT_FALSE(rolled_back.ok());
  EXPECT_THAT(stats(other, mmp), ElementsAre(StatsRow{{"2016"}, {1, 5}}, StatsRow{{"2017"}, {1, 2}}));
  Apply(NewBatch(), {SimpleIncident("d", 2018, 1, "R", 7)});
  EXPECT_THAT(stats(other, mmp), ElementsAre(StatsRow{{"2016"}, {1, 5}}, StatsRow{{"2017"}, {1, 2}},
                                             StatsRow{{"2018"}, {1, 7}}));

  // Displacement answers, with and without suppression, likewise.
  auto figures = [&](storage::SqlEvidenceStore& s, std::int64_t min_cell) {
    DisplacementFilter f;
    f.dataset = "idmc-gidd";
    auto t = s.DisplacementStats(f, StatsRequest{{"country"}, {"idps"}}, min_cell);
    EXPECT_TRUE(IsOk(t));
    return t.ok() ? std::make_pair(t->rows, t->suppressed) : std::make_pair(std::vector<StatsRow>{}, -1L);
  };
  ApplyFigures(NewBatch(ImportTarget::kDisplacement, "idmc-gidd"), {Figure("1", "SDN", 2020, "idps", 3)});
  EXPECT_EQ(figures(other, 0).first, (std::vector<StatsRow>{{{"SDN"}, {3}}}));
  EXPECT_EQ(figures(other, 5).second, 1);
  ApplyFigures(NewBatch(ImportTarget::kDisplacement, "idmc-gidd"), {Figure("1", "SDN", 2020, "idps", 30)});
  EXPECT_EQ(figures(other, 0).first, (std::vector<StatsRow>{{{"SDN"}, {30}}}));
  EXPECT_EQ(figures(other, 5).first, (std::vector<StatsRow>{{{"SDN"}, {30}}}));
  EXPECT_EQ(figures(other, 5).second, 0);

  // A store that keeps nothing answers the same.
  storage::SqlEvidenceStore plain(db(), 0);
  EXPECT_THAT(stats(plain, all), ElementsAre(StatsRow{{"2016"}, {2, 105}}, StatsRow{{"2017"}, {1, 2}},
                                             StatsRow{{"2018"}, {1, 7}}));
  EXPECT_EQ(plain.kept_stats(), 0u);
}

// The displacement stats read evidence_displacement_cells, which every
// import keeps equal to the records grouped by the dimensions.
TEST_F(EvidenceStoresTest, DisplacementCellsFollowUpdatedRecords) {
  ApplyFigures(NewBatch(ImportTarget::kDisplacement, "idmc-gidd"),
               {Figure("1", "SDN", 2020, "idps", 3), Figure("2", "SDN", 2020, "idps", 100),
                Figure("3", "ETH", 2021, "new_displacements", 4, "Flood"),
                Figure("4", "ETH", 2021, "idps", std::nullopt), Figure("5", "SDN", 2019, "idps", 8)});
  // A value changes, a record moves to another country and kind (its old
  // cell empties), one is unchanged, a blank gets a value, one is new.
  auto outcomes =
      ApplyFigures(NewBatch(ImportTarget::kDisplacement, "idmc-gidd"),
                   {Figure("1", "SDN", 2020, "idps", 7), Figure("2", "ETH", 2020, "refugees", 100),
                    Figure("3", "ETH", 2021, "new_displacements", 4, "Flood"),
                    Figure("4", "ETH", 2021, "idps", 9), Figure("6", "SDN", 2020, "idps", 1)});
  EXPECT_THAT(outcomes, ElementsAre(RowOutcome::kUpdated, RowOutcome::kUpdated, RowOutcome::kUnchanged,
                                    RowOutcome::kUpdated, RowOutcome::kAccepted));
  auto t =
      store_->DisplacementStats({}, StatsRequest{{"country"}, {"idps", "refugees", "new_displacements"}}, 0);
  ASSERT_TRUE(IsOk(t));
  EXPECT_THAT(t->rows, ElementsAre(StatsRow{{"ETH"}, {9, 100, 4}}, StatsRow{{"SDN"}, {16, 0, 0}}));
  auto n = store_->CountDisplacement({});
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(*n, 6);

  const std::string records =
      "SELECT dataset, year, country, cause, hazard_type, kind, COUNT(*), COALESCE(SUM(value), 0) "
      "FROM evidence_displacement GROUP BY dataset, year, country, cause, hazard_type, kind";
  const std::string cells =
      "SELECT dataset, year, country, cause, hazard_type, kind, records, value FROM "
      "evidence_displacement_cells";
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM (" + records + " EXCEPT " + cells + ") x"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM (" + cells + " EXCEPT " + records + ") x"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM evidence_displacement_cells"), 5);
}

// ---------------------------------------------------------------- lists, facets

TEST_F(EvidenceStoresTest, ListsPageByIdAndFacetsCount) {
  std::vector<Incident> records;
  for (int k = 0; k < 25; ++k) {
    records.push_back(SimpleIncident("L" + std::to_string(k), 2016, 1 + k % 12,
                                     k % 5 == 0 ? "Sahara Desert" : "Mediterranean", k));
    if (k % 10 == 0) records.back().regions.clear();
  }
  Apply(NewBatch(), records);
  auto first = store_->ListIncidents({}, Page{0, 10});
  ASSERT_TRUE(IsOk(first));
  ASSERT_EQ(first->size(), 10u);
  EXPECT_EQ(first->front().source_id, "L0");
  auto second = store_->ListIncidents({}, Page{first->back().id, 10});
  ASSERT_TRUE(IsOk(second));
  ASSERT_EQ(second->size(), 10u);
  EXPECT_EQ(second->front().source_id, "L10");
  EXPECT_GT(second->front().id, first->back().id);
  auto none = store_->ListIncidents({}, Page{0, 0});
  ASSERT_TRUE(IsOk(none));
  EXPECT_TRUE(none->empty());
  auto capped = store_->ListIncidents({}, Page{0, 1'000'000});
  ASSERT_TRUE(IsOk(capped));
  EXPECT_EQ(capped->size(), 25u);

  IncidentFilter sahara;
  sahara.region = "Sahara Desert";
  auto s = store_->ListIncidents(sahara, Page{});
  ASSERT_TRUE(IsOk(s));
  std::vector<std::string> ids;
  for (const auto& i : *s) ids.push_back(i.source_id);
  EXPECT_THAT(ids, ElementsAre("L5", "L15"));

  auto regions = store_->IncidentFacet("mmp", "region");
  ASSERT_TRUE(IsOk(regions));
  ASSERT_EQ(regions->size(), 2u);  // the blank region is no choice
  EXPECT_EQ((*regions)[0].value, "Mediterranean");
  EXPECT_EQ((*regions)[0].count, 20);
  EXPECT_EQ((*regions)[1].value, "Sahara Desert");
  EXPECT_EQ((*regions)[1].count, 2);
  auto routes = store_->IncidentFacet("mmp", "route");
  ASSERT_TRUE(IsOk(routes));
  ASSERT_EQ(routes->size(), 1u);
  EXPECT_EQ((*routes)[0].count, 25);
  auto empty = store_->IncidentFacet("nothing", "country");
  ASSERT_TRUE(IsOk(empty));
  EXPECT_TRUE(empty->empty());
  auto datasets = store_->IncidentDatasets();
  ASSERT_TRUE(IsOk(datasets));
  ASSERT_EQ(datasets->size(), 1u);
  EXPECT_EQ((*datasets)[0].value, "mmp");
  EXPECT_EQ((*datasets)[0].count, 25);
}

// ---------------------------------------------------------------- batches

TEST_F(EvidenceStoresTest, BatchesAreCreatedFinishedAndListedNewestFirst) {
  Id user = NewUser("officer@example.org");
  Batch b;
  b.target = ImportTarget::kDisplacement;
  b.dataset = "idmc-gidd";
  b.format = "idmc-events";
  b.filename = "events.csv";
  b.sha256 = std::string(64, 'a');
  b.bytes = 1234;
  b.imported_by = user;
  b.imported_by_label = "user:" + std::to_string(user);
  b.started_at = kT0;
  b.dry_run = true;
  auto created = store_->CreateBatch(b);
  ASSERT_TRUE(IsOk(created));
  EXPECT_GT(created->id, 0);
  Batch done = *created;
  done.finished_at = kT0 + 5;
  done.accepted = 1;
  done.updated = 2;
  done.unchanged = 3;
  done.rejected = 4;
  done.columns_used = {"Country", "Figure"};
  done.columns_ignored = {""};
  done.status = "done";
  ASSERT_TRUE(IsOk(store_->FinishBatch(done)));
  auto got = store_->GetBatch(created->id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->target, ImportTarget::kDisplacement);
  EXPECT_EQ(got->dataset, "idmc-gidd");
  EXPECT_EQ(got->format, "idmc-events");
  EXPECT_EQ(got->filename, "events.csv");
  EXPECT_EQ(got->sha256, b.sha256);
  EXPECT_EQ(got->bytes, 1234);
  EXPECT_EQ(got->imported_by, user);
  EXPECT_EQ(got->imported_by_label, b.imported_by_label);
  EXPECT_EQ(got->started_at, kT0);
  EXPECT_EQ(got->finished_at, kT0 + 5);
  EXPECT_TRUE(got->dry_run);
  EXPECT_EQ(got->accepted, 1);
  EXPECT_EQ(got->updated, 2);
  EXPECT_EQ(got->unchanged, 3);
  EXPECT_EQ(got->rejected, 4);
  EXPECT_EQ(got->columns_used, done.columns_used);
  EXPECT_EQ(got->columns_ignored, done.columns_ignored);
  EXPECT_EQ(got->status, "done");

  Id second = NewBatch();
  auto list = store_->ListBatches(10);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, second);
  EXPECT_EQ((*list)[0].imported_by, 0);
  EXPECT_EQ((*list)[1].id, created->id);
  done.id = 9999;
  EXPECT_TRUE(HasKind(store_->FinishBatch(done), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store_->GetBatch(9999), Kind::kNotFound));
}

// ---------------------------------------------------------------- quarantine

TEST_F(EvidenceStoresTest, QuarantineResolvesOnlyOpenRows) {
  Id user = NewUser("officer@example.org");
  Id b1 = NewBatch();
  Id b2 = NewBatch();
  auto add = [&](Id batch, std::int64_t line) {
    QuarantinedRow q;
    q.batch_id = batch;
    q.target = ImportTarget::kIncidents;
    q.dataset = "mmp";
    q.format = "mmp-current";
    q.line = line;
    q.header = {"Main ID", "Number Dead", "Multi\nline\theader"};
    q.raw = "2016.MMP" + std::to_string(line) + ",-2,\"x\ny\"";
    q.problems = {{line, 2, "Number Dead", "negative count -2"}, {line, 0, "", "tab\there, newline\nthere"}};
    q.created_at = kT0 + line;
    auto added = store_->AddQuarantined(q);
    EXPECT_TRUE(IsOk(added));
    return added.ok() ? *added : QuarantinedRow{};
  };
  QuarantinedRow r1 = add(b1, 5);
  QuarantinedRow r2 = add(b1, 9);
  QuarantinedRow r3 = add(b2, 2);
  // The same bad row again (a re-import) is the row already waiting.
  QuarantinedRow again = r1;
  again.id = 0;
  again.batch_id = b2;
  auto same = store_->AddQuarantined(again);
  ASSERT_TRUE(IsOk(same));
  EXPECT_EQ(same->id, r1.id);
  EXPECT_EQ(same->batch_id, b1);

  auto got = store_->GetQuarantined(r1.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->batch_id, b1);
  EXPECT_EQ(got->target, ImportTarget::kIncidents);
  EXPECT_EQ(got->dataset, "mmp");
  EXPECT_EQ(got->format, "mmp-current");
  EXPECT_EQ(got->line, 5);
  EXPECT_EQ(got->header, r1.header);
  EXPECT_EQ(got->raw, r1.raw);
  ASSERT_EQ(got->problems.size(), 2u);
  EXPECT_EQ(got->problems[0].line, 5);
  EXPECT_EQ(got->problems[0].column, 2);
  EXPECT_EQ(got->problems[0].field, "Number Dead");
  EXPECT_EQ(got->problems[0].reason, "negative count -2");
  EXPECT_EQ(got->problems[1].reason, "tab\there, newline\nthere");
  EXPECT_EQ(got->status, "open");
  EXPECT_EQ(got->created_at, kT0 + 5);

  // Newest batch first, oldest first within a batch; paging follows that order.
  auto ids = [&](Id batch, const std::string& status, Page page) {
    std::vector<Id> out;
    auto list = store_->ListQuarantined(batch, status, page);
    EXPECT_TRUE(IsOk(list));
    if (list.ok()) {
      for (const auto& q : *list) out.push_back(q.id);
    }
    return out;
  };
  EXPECT_THAT(ids(0, "", Page{}), ElementsAre(r3.id, r1.id, r2.id));
  EXPECT_THAT(ids(0, "", Page{r3.id, 1}), ElementsAre(r1.id));
  EXPECT_THAT(ids(0, "", Page{r1.id, 5}), ElementsAre(r2.id));
  EXPECT_THAT(ids(b1, "open", Page{}), ElementsAre(r1.id, r2.id));

  // A correction that still fails stays open with its new text and problems.
  QuarantinedRow still = *got;
  still.raw = "2016.MMP1,-3,x";
  still.problems = {{5, 2, "Number Dead", "negative count -3"}};
  ASSERT_TRUE(IsOk(store_->ResolveQuarantined(still, "open")));
  QuarantinedRow discard = still;
  discard.status = "discarded";
  discard.resolution = "duplicate of 2016.MMP2";
  discard.resolved_by = user;
  discard.resolved_at = kT0 + 100;
  ASSERT_TRUE(IsOk(store_->ResolveQuarantined(discard, "open")));
  auto resolved = store_->GetQuarantined(r1.id);
  ASSERT_TRUE(IsOk(resolved));
  EXPECT_EQ(resolved->status, "discarded");
  EXPECT_EQ(resolved->resolution, "duplicate of 2016.MMP2");
  EXPECT_EQ(resolved->resolved_by, user);
  EXPECT_EQ(resolved->resolved_at, kT0 + 100);
  EXPECT_EQ(resolved->raw, "2016.MMP1,-3,x");
  ASSERT_EQ(resolved->problems.size(), 1u);

  QuarantinedRow twice = discard;
  twice.status = "resubmitted";
  twice.resolution = "accepted as #4";
  EXPECT_TRUE(HasKind(store_->ResolveQuarantined(twice, "open"), Kind::kConflict));
  auto unchanged = store_->GetQuarantined(r1.id);
  ASSERT_TRUE(IsOk(unchanged));
  EXPECT_EQ(unchanged->status, "discarded");
  twice.id = 9999;
  EXPECT_TRUE(HasKind(store_->ResolveQuarantined(twice, "open"), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store_->GetQuarantined(9999), Kind::kNotFound));

  EXPECT_THAT(ids(0, "open", Page{}), ElementsAre(r3.id, r2.id));
  EXPECT_THAT(ids(0, "discarded", Page{}), ElementsAre(r1.id));
  auto open = store_->CountQuarantined("open");
  ASSERT_TRUE(IsOk(open));
  EXPECT_EQ(*open, 2);
  auto all = store_->CountQuarantined("");
  ASSERT_TRUE(IsOk(all));
  EXPECT_EQ(*all, 3);

  QuarantinedRow orphan = r1;
  orphan.batch_id = 9999;
  EXPECT_TRUE(HasKind(store_->AddQuarantined(orphan), Kind::kNotFound));
}

// ---------------------------------------------------------------- officers, queries

TEST_F(EvidenceStoresTest, OfficersAndSavedQueries) {
  Id ana = NewUser("ana@example.org");
  Id ben = NewUser("ben@example.org");
  auto is = [&](Id id) {
    auto r = store_->IsOfficer(id);
    EXPECT_TRUE(IsOk(r));
    return r.ok() && *r;
  };
  EXPECT_FALSE(is(ana));
  ASSERT_TRUE(IsOk(store_->SetOfficer(ben, true)));
  ASSERT_TRUE(IsOk(store_->SetOfficer(ana, true)));
  ASSERT_TRUE(IsOk(store_->SetOfficer(ana, true)));
  EXPECT_TRUE(is(ana));
  auto list = store_->ListOfficers();
  ASSERT_TRUE(IsOk(list));
  EXPECT_THAT(*list, ElementsAre(ana, ben));
  ASSERT_TRUE(IsOk(store_->SetOfficer(ana, false)));
  ASSERT_TRUE(IsOk(store_->SetOfficer(ana, false)));
  EXPECT_FALSE(is(ana));
  EXPECT_TRUE(HasKind(store_->SetOfficer(9999, true), Kind::kNotFound));

  evidence::SavedQuery q;
  q.target = ImportTarget::kDisplacement;
  q.title = "Flood displacement in Sudan";
  q.query = "measure=new_displacements&country=SDN&hazard=Flood";
  q.created_by = ana;
  q.created_at = kT0;
  auto saved = store_->SaveQuery(q);
  ASSERT_TRUE(IsOk(saved));
  q.title = "Deaths in the Mediterranean";
  q.target = ImportTarget::kIncidents;
  q.created_by = 0;
  auto saved2 = store_->SaveQuery(q);
  ASSERT_TRUE(IsOk(saved2));
  auto got = store_->GetQuery(saved->id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->target, ImportTarget::kDisplacement);
  EXPECT_EQ(got->title, "Flood displacement in Sudan");
  EXPECT_EQ(got->query, "measure=new_displacements&country=SDN&hazard=Flood");
  EXPECT_EQ(got->created_by, ana);
  EXPECT_EQ(got->created_at, kT0);
  auto queries = store_->ListQueries(10);
  ASSERT_TRUE(IsOk(queries));
  ASSERT_EQ(queries->size(), 2u);
  EXPECT_EQ((*queries)[0].id, saved2->id);
  EXPECT_EQ((*queries)[0].created_by, 0);
  EXPECT_TRUE(HasKind(store_->GetQuery(9999), Kind::kNotFound));
}

// ---------------------------------------------------------------- size

// The size of the MMP download, in chunks as the service writes them: the
// time is printed (the budget, half a second on SQLite, is for a release
// build); a second import of the same records changes nothing.
TEST_F(EvidenceStoresTest, ImportsAFullFileInChunks) {
  std::mt19937 rng(7);
  std::vector<Incident> records = Generate(rng, 19'255, "2014.MMP");
  for (auto& r : records) {
    r.location = "Somewhere along the route, " + r.source_id;
    r.information_source = "IOM; local media";
    r.urls = {"https://example.org/" + r.source_id};
    r.source_quality = {3};
  }
  auto import = [&](Id batch) {
    std::map<RowOutcome, int> counts;
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpu_start = std::clock();
    for (std::size_t k = 0; k < records.size(); k += 2000) {
      std::vector<Incident> chunk(
          records.begin() + static_cast<std::ptrdiff_t>(k),
          records.begin() + static_cast<std::ptrdiff_t>(std::min(records.size(), k + 2000)));
      for (auto o : Apply(batch, chunk)) ++counts[o];
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    auto cpu_ms = (std::clock() - cpu_start) * 1000 / CLOCKS_PER_SEC;
    std::cout << "[ info ] " << BackendName(backend()) << ": " << records.size() << " incidents in "
              << ms.count() << " ms (" << cpu_ms << " ms of CPU in this process)\n";
    return counts;
  };
  EXPECT_EQ(import(NewBatch()), (std::map<RowOutcome, int>{{RowOutcome::kAccepted, 19'255}}));
  EXPECT_EQ(import(NewBatch()), (std::map<RowOutcome, int>{{RowOutcome::kUnchanged, 19'255}}));
  auto page = store_->ListIncidents({}, Page{0, 5000});
  ASSERT_TRUE(IsOk(page));
  EXPECT_EQ(page->size(), 1000u);
  EXPECT_EQ(Stats({}, {"year"}).rows, BruteForce(records, {}, {"year"}).rows);
}

}  // namespace
}  // namespace waymark::conformance
