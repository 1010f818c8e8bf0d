// Conformance of the Atlas stores (domain/atlas/stores.h), run against each
// backend: sqlite/AtlasCaseStoreTest, postgres/AtlasCaseStoreTest and so on
// (PostgreSQL needs WAYMARK_TEST_PG_URL). See backend.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backend.h"
#include "crypto/crypto.h"
#include "domain/accounts/stores.h"
#include "domain/atlas/stores.h"
#include "geo/geojson.h"
#include "storage/accounts/account_stores.h"
#include "storage/atlas/atlas_stores.h"
#include "storage/copy.h"

namespace waymark::atlas {

// The model has no comparisons of its own; these compare every field.
inline bool operator==(const CaseText& a, const CaseText& b) {
  return a.title == b.title && a.summary == b.summary && a.story == b.story && a.people == b.people;
}
inline bool operator==(const GlossaryText& a, const GlossaryText& b) {
  return a.term == b.term && a.definition == b.definition && a.aliases == b.aliases;
}
inline bool operator==(const TopicText& a, const TopicText& b) {
  return a.title == b.title && a.body == b.body;
}

// Readable failure messages.
inline void PrintTo(const CaseText& t, std::ostream* os) {
  *os << "{title \"" << t.title << "\", summary \"" << t.summary << "\", story \"" << t.story
      << "\", people \"" << t.people << "\"}";
}
inline void PrintTo(const GlossaryText& t, std::ostream* os) {
  *os << "{term \"" << t.term << "\", definition \"" << t.definition << "\", " << t.aliases.size()
      << " aliases}";
}
inline void PrintTo(const TopicText& t, std::ostream* os) {
  *os << "{title \"" << t.title << "\", body \"" << t.body << "\"}";
}
inline void PrintTo(Lifecycle s, std::ostream* os) { *os << ToString(s); }
inline void PrintTo(Onset o, std::ostream* os) { *os << ToString(o); }

}  // namespace waymark::atlas

namespace waymark::geo {
inline void PrintTo(const Geometry& g, std::ostream* os) { *os << ToGeoJson(g); }
}  // namespace waymark::geo

namespace waymark::conformance {
namespace {

using atlas::CaseRevision;
using atlas::CaseStudy;
using atlas::CaseText;
using atlas::GlossaryTerm;
using atlas::GlossaryText;
using atlas::Id;
using atlas::Lifecycle;
using atlas::Onset;
using atlas::Topic;
using atlas::TopicText;
using geo::Geometry;
using geo::Position;
using Kind = Status::Kind;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr TimestampMs kT0 = 1'700'000'000'000;

// Two areas, one with a hole, coordinates with up to 6 decimals (which
// GeoJSON output keeps exactly), west and south of 0.
Geometry TwoAreas() {
  Geometry g;
  g.kind = Geometry::Kind::kMultiPolygon;
  g.parts = {
      {{{-16.5, 14.25}, {-15.123456, 14.25}, {-15.123456, 15.5}, {-16.5, 15.5}, {-16.5, 14.25}},
       {{-16, 14.5}, {-15.5, 14.5}, {-15.5, 15}, {-16, 14.5}}},
      {{{2.1, -3.000001}, {3.25, -3.000001}, {3.25, -2}, {2.1, -3.000001}}},
  };
  return g;
}

Geometry Dakar() { return Geometry::Point(Position{-17.444123, 14.692778}); }

std::vector<std::string> Slugs(const std::vector<CaseStudy>& cases) {
  std::vector<std::string> out;
  for (const auto& c : cases) out.push_back(c.slug);
  return out;
}

std::vector<std::string> TermSlugs(const std::vector<GlossaryTerm>& terms) {
  std::vector<std::string> out;
  for (const auto& t : terms) out.push_back(t.slug);
  return out;
}

std::vector<std::string> TopicSlugs(const std::vector<Topic>& topics) {
  std::vector<std::string> out;
  for (const auto& t : topics) out.push_back(t.slug);
  return out;
}

struct OrgRef {
  Id id = 0;
  std::string slug;
};

class AtlasStoresTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(IsOk(crypto::Init()));
    account_stores_ = std::make_unique<storage::AccountStores>(db());
    accounts_ = account_stores_->stores();
    stores_ = std::make_unique<storage::AtlasStores>(db());
    jed_ = CreateOrg("jed", "Jeunesse en Détresse");
    ami_ = CreateOrg("ami", "Aide aux Migrants");
    auto user =
        accounts_.users->Create(accounts::NewUser{"ana@example.org", "Ana", "en", "hash", false, false, kT0});
    ASSERT_TRUE(IsOk(user));
    user_id_ = user->id;
  }
  void TearDown() override {
    stores_.reset();
    account_stores_.reset();
    BackendTest::TearDown();
  }

  atlas::CaseStore& cases() { return *stores_->stores().cases; }
  atlas::GlossaryStore& glossary() { return *stores_->stores().glossary; }
  atlas::TopicStore& topics() { return *stores_->stores().topics; }

  OrgRef CreateOrg(const std::string& slug, const std::string& name) {
    accounts::Organisation o;
    o.slug = slug;
    o.name = name;
    o.kind = accounts::OrgKind::kCso;
    o.created_at = kT0;
    o.updated_at = kT0;
    auto created = accounts_.organisations->Create(o);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? OrgRef{created->id, slug} : OrgRef{};
  }

  // A published case study with every field set.
  CaseStudy Full(const std::string& slug) {
    CaseStudy c;
    c.slug = slug;
    c.org_id = jed_.id;
    c.texts["en"] = CaseText{"Leaving the delta « after » the floods",
                             "Villages moved inland; 5 € a day, \"quotes\" \\ and a\nnew line.",
                             "# Story\n\n* one\n* two — ✓", "Fishers and their families"};
    c.texts["fr"] =
        CaseText{"Quitter le delta après les crues", "Des villages déplacés à l'intérieur.", "", ""};
    c.texts["es"] = CaseText{"Salir del delta — 三角洲 🌊", "Resumen con ñ y ü", "Historia", "Pescadores"};
    c.geometry = TwoAreas();
    c.onset = Onset::kSlow;
    c.hazards = {"sea-level-rise", "coastal-erosion", "flood"};
    c.movements = {"planned-relocation", "displacement"};
    c.countries = {"SEN", "GMB"};
    c.year_from = 2009;
    c.year_to = 2019;
    c.sources = {30, 10, 20};
    c.figures = {7};
    c.lifecycle = Lifecycle::kPublished;
    c.moderation_note = "Checked with « the authors »";
    c.created_by = user_id_;
    c.created_at = kT0;
    c.updated_at = kT0 + 5;
    c.published_at = kT0 + 10;
    return c;
  }

  // A draft with a point, one hazard and one movement.
  CaseStudy Minimal(const std::string& slug, Lifecycle lifecycle = Lifecycle::kDraft,
                    TimestampMs updated_at = kT0, std::optional<TimestampMs> published_at = std::nullopt,
                    Id org_id = 0) {
    CaseStudy c;
    c.slug = slug;
    c.org_id = org_id != 0 ? org_id : jed_.id;
    c.texts["en"] = CaseText{"Title " + slug, "Summary", "", ""};
    c.geometry = Dakar();
    c.hazards = {"flood"};
    c.movements = {"evacuation"};
    c.lifecycle = lifecycle;
    c.created_at = kT0;
    c.updated_at = updated_at;
    c.published_at = published_at;
    return c;
  }

  CaseStudy CreateOk(const CaseStudy& c) {
    auto created = cases().Create(c);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : CaseStudy{};
  }

  static GlossaryTerm Term(const std::string& slug) {
    GlossaryTerm t;
    t.slug = slug;
    t.texts["en"] = GlossaryText{"Planned relocation " + slug,
                                 "Moving a community, with its consent.",
                                 {"relocation", "resettlement"}};
    t.texts["fr"] = GlossaryText{"Relocalisation planifiée", "Déplacer une communauté « avec » elle.", {}};
    t.sources = {4, 2};
    t.source_note = "Nansen Initiative (2015), p. 12 — 🌍";
    t.updated_at = kT0;
    return t;
  }

  static Topic Page(const std::string& slug, int position) {
    Topic t;
    t.slug = slug;
    t.texts["en"] = TopicText{"Topic " + slug, "# Heading\n\nBody — ✓"};
    t.texts["es"] = TopicText{"Tema " + slug, "Cuerpo con ñ"};
    t.cases = {3, 1};
    t.figures = {9};
    t.displacement_layer = true;
    t.position = position;
    t.updated_at = kT0;
    return t;
  }

  GlossaryTerm SaveTermOk(const GlossaryTerm& t, std::int64_t expected_version = 0) {
    auto saved = glossary().Save(t, expected_version);
    EXPECT_TRUE(IsOk(saved));
    return saved.ok() ? *saved : GlossaryTerm{};
  }

  Topic SaveTopicOk(const Topic& t, std::int64_t expected_version = 0) {
    auto saved = topics().Save(t, expected_version);
    EXPECT_TRUE(IsOk(saved));
    return saved.ok() ? *saved : Topic{};
  }

  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores accounts_{};
  std::unique_ptr<storage::AtlasStores> stores_;
  OrgRef jed_, ami_;
  Id user_id_ = 0;
};

// Every field but id, version and org_slug (which a revision snapshot does
// not carry).
void ExpectSameCase(const CaseStudy& got, const CaseStudy& want) {
  EXPECT_EQ(got.slug, want.slug);
  EXPECT_EQ(got.org_id, want.org_id);
  EXPECT_EQ(got.texts, want.texts);
  EXPECT_EQ(got.geometry, want.geometry);
  EXPECT_EQ(got.onset, want.onset);
  EXPECT_EQ(got.hazards, want.hazards);
  EXPECT_EQ(got.movements, want.movements);
  EXPECT_EQ(got.countries, want.countries);
  EXPECT_EQ(got.year_from, want.year_from);
  EXPECT_EQ(got.year_to, want.year_to);
  EXPECT_EQ(got.sources, want.sources);
  EXPECT_EQ(got.figures, want.figures);
  EXPECT_EQ(got.lifecycle, want.lifecycle);
  EXPECT_EQ(got.moderation_note, want.moderation_note);
  EXPECT_EQ(got.created_by, want.created_by);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  EXPECT_EQ(got.published_at, want.published_at);
}

void ExpectSameTerm(const GlossaryTerm& got, const GlossaryTerm& want) {
  EXPECT_EQ(got.slug, want.slug);
  EXPECT_EQ(got.texts, want.texts);
  EXPECT_EQ(got.sources, want.sources);
  EXPECT_EQ(got.source_note, want.source_note);
  EXPECT_EQ(got.updated_at, want.updated_at);
}

void ExpectSameTopic(const Topic& got, const Topic& want) {
  EXPECT_EQ(got.slug, want.slug);
  EXPECT_EQ(got.texts, want.texts);
  EXPECT_EQ(got.cases, want.cases);
  EXPECT_EQ(got.figures, want.figures);
  EXPECT_EQ(got.displacement_layer, want.displacement_layer);
  EXPECT_EQ(got.position, want.position);
  EXPECT_EQ(got.updated_at, want.updated_at);
}

// --- Case studies: create and read ------------------------------------------------

using AtlasCaseStoreTest = AtlasStoresTest;

TEST_F(AtlasCaseStoreTest, CreateGetAndFindBySlugGiveBackEveryField) {
  const CaseStudy given = Full("delta");
  CaseStudy created = CreateOk(given);
  EXPECT_GT(created.id, 0);
  EXPECT_EQ(created.version, 1);
  EXPECT_EQ(created.org_slug, "jed");
  ExpectSameCase(created, given);

  auto got = cases().Get(created.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->id, created.id);
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->org_slug, "jed");
  ExpectSameCase(*got, given);
  EXPECT_EQ(geo::KindName(got->geometry.kind), "MultiPolygon");
  ASSERT_EQ(got->geometry.parts.size(), 2u);
  EXPECT_EQ(got->geometry.parts[0].size(), 2u);  // the hole survives
  EXPECT_EQ(got->geometry.parts[0][0][1], (Position{-15.123456, 14.25}));

  auto by_slug = cases().FindBySlug("delta");
  ASSERT_TRUE(IsOk(by_slug));
  EXPECT_EQ(by_slug->id, created.id);
  ExpectSameCase(*by_slug, given);

  // A draft: a point, no publication date, zero years, empty lists, no author.
  CaseStudy draft = Minimal("point", Lifecycle::kDraft, kT0 + 1, std::nullopt, ami_.id);
  draft.year_from = 0;
  CaseStudy stored = CreateOk(draft);
  auto point = cases().Get(stored.id);
  ASSERT_TRUE(IsOk(point));
  ExpectSameCase(*point, draft);
  EXPECT_EQ(point->org_slug, "ami");
  EXPECT_EQ(point->published_at, std::nullopt);
  EXPECT_EQ(point->created_by, 0);
  EXPECT_EQ(point->geometry, Dakar());
  EXPECT_EQ(point->onset, Onset::kSudden);
  EXPECT_THAT(point->countries, IsEmpty());
  EXPECT_THAT(point->sources, IsEmpty());
  EXPECT_EQ(point->texts.size(), 1u);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_cases WHERE published_at IS NULL"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_cases WHERE created_by IS NULL"), 1);
}

TEST_F(AtlasCaseStoreTest, ATakenSlugIsAConflictAndUnknownReferencesAreNotFound) {
  CreateOk(Minimal("taken"));
  EXPECT_TRUE(
      HasKind(cases().Create(Minimal("taken", Lifecycle::kPublished, kT0, kT0, ami_.id)), Kind::kConflict));

  CaseStudy nowhere = Minimal("nowhere");
  nowhere.org_id = 987654;
  EXPECT_TRUE(HasKind(cases().Create(nowhere), Kind::kNotFound));
  CaseStudy nobody = Minimal("nobody");
  nobody.created_by = 987654;
  EXPECT_TRUE(HasKind(cases().Create(nobody), Kind::kNotFound));

  EXPECT_TRUE(HasKind(cases().Get(424242), Kind::kNotFound));
  EXPECT_TRUE(HasKind(cases().FindBySlug("nowhere"), Kind::kNotFound));
  EXPECT_TRUE(HasKind(cases().FindBySlug("TAKEN"), Kind::kNotFound));  // slugs match exactly
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_cases"), 1);

  // The failed inserts left the backend usable: the next insert works.
  EXPECT_TRUE(IsOk(cases().Create(Minimal("after"))));
}

// --- Case studies: Modify ---------------------------------------------------------

TEST_F(AtlasCaseStoreTest, ModifyWritesTheChangeBumpsTheVersionAndKeepsTheFixedFields) {
  CaseStudy x = CreateOk(Minimal("moving", Lifecycle::kSubmitted, kT0 + 1));
  CaseStudy want = Full("moving");  // every other field changes
  want.created_by = 0;              // kept from the insert
  want.created_at = kT0;
  want.org_id = jed_.id;
  auto modified = cases().Modify(x.id, [&](CaseStudy c) -> Result<CaseStudy> {
    EXPECT_EQ(c.version, 1);
    EXPECT_EQ(c.lifecycle, Lifecycle::kSubmitted);
    CaseStudy next = Full("renamed");
    next.id = 999;
    next.org_id = ami_.id;
    next.created_by = user_id_;
    next.created_at = kT0 + 1000;
    next.version = 77;
    return next;
  });
  ASSERT_TRUE(IsOk(modified));
  EXPECT_EQ(modified->id, x.id);
  EXPECT_EQ(modified->version, 2);
  EXPECT_EQ(modified->org_slug, "jed");
  ExpectSameCase(*modified, want);
  auto got = cases().Get(x.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 2);
  ExpectSameCase(*got, want);
  EXPECT_TRUE(HasKind(cases().FindBySlug("renamed"), Kind::kNotFound));

  // Back to a draft without a publication date, and a point.
  auto cleared = cases().Modify(x.id, [](CaseStudy c) -> Result<CaseStudy> {
    c.lifecycle = Lifecycle::kDraft;
    c.published_at.reset();
    c.geometry = Dakar();
    c.texts.erase("es");
    c.sources.clear();
    return c;
  });
  ASSERT_TRUE(IsOk(cleared));
  EXPECT_EQ(cleared->version, 3);
  auto again = cases().Get(x.id);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(again->published_at, std::nullopt);
  EXPECT_EQ(again->lifecycle, Lifecycle::kDraft);
  EXPECT_EQ(again->geometry, Dakar());
  EXPECT_EQ(again->texts.size(), 2u);
  EXPECT_THAT(again->sources, IsEmpty());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_cases WHERE published_at IS NULL AND lifecycle='draft'"),
            1);
}

TEST_F(AtlasCaseStoreTest, ModifyOfAnUnknownIdIsNotFoundWithoutCallingTheChange) {
  bool called = false;
  auto r = cases().Modify(424242, [&](CaseStudy c) -> Result<CaseStudy> {
    called = true;
    return c;
  });
  EXPECT_TRUE(HasKind(r, Kind::kNotFound));
  EXPECT_FALSE(called);
}

TEST_F(AtlasCaseStoreTest, AModifyWhoseChangeFailsWritesNothing) {
  CaseStudy x = CreateOk(Full("stale"));
  auto refused = cases().Modify(x.id, [](CaseStudy c) -> Result<CaseStudy> {
    c.moderation_note = "should not land";
    c.lifecycle = Lifecycle::kArchived;
    return Status::Conflict("changed by someone else");
  });
  ASSERT_TRUE(HasKind(refused, Kind::kConflict));
  EXPECT_EQ(refused.status().message(), "changed by someone else");

  auto got = cases().Get(x.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1);
  ExpectSameCase(*got, Full("stale"));
}

TEST_F(AtlasCaseStoreTest, ConcurrentModifiesFromSeveralThreadsLoseNoUpdate) {
  CaseStudy start_case = Minimal("busy");
  start_case.year_to = 0;
  CaseStudy x = CreateOk(start_case);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  std::atomic<int> failures{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        auto r = cases().Modify(x.id, [&](CaseStudy c) -> Result<CaseStudy> {
          c.year_to += 1;
          c.sources.push_back(t * 100 + i);
          std::this_thread::yield();
          return c;
        });
        if (!r.ok()) {
          ++failures;
          ADD_FAILURE() << Describe(r.status());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto got = cases().Get(x.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->year_to, kThreads * kPerThread);
  EXPECT_EQ(got->version, 1 + kThreads * kPerThread);
  EXPECT_EQ(std::set<Id>(got->sources.begin(), got->sources.end()).size(),
            static_cast<std::size_t>(kThreads * kPerThread));
}

// --- Case studies: lists ----------------------------------------------------------

TEST_F(AtlasCaseStoreTest, ListByLifecycleTakesThePublicationOrUpdateNewestFirstThenIdAndHonoursTheLimit) {
  // Published: ordered by published_at (not updated_at), ties by id, newest first.
  CreateOk(Minimal("p-old", Lifecycle::kPublished, kT0 + 900, kT0 + 100));
  CreateOk(Minimal("p-tie-a", Lifecycle::kPublished, kT0 + 1, kT0 + 500));
  CreateOk(Minimal("p-tie-b", Lifecycle::kPublished, kT0 + 2, kT0 + 500, ami_.id));
  CreateOk(Minimal("p-new", Lifecycle::kPublished, kT0 + 3, kT0 + 800));
  // Drafts: no publication date, so by update.
  CreateOk(Minimal("d-1", Lifecycle::kDraft, kT0 + 30));
  CreateOk(Minimal("d-2", Lifecycle::kDraft, kT0 + 10));
  CreateOk(Minimal("d-3", Lifecycle::kDraft, kT0 + 30));
  CreateOk(Minimal("s-1", Lifecycle::kSubmitted, kT0 + 50));
  // Archived after publication keeps its date.
  CreateOk(Minimal("a-1", Lifecycle::kArchived, kT0 + 2000, kT0 + 600));

  auto published = cases().ListByLifecycle(Lifecycle::kPublished, 10);
  ASSERT_TRUE(IsOk(published));
  EXPECT_THAT(Slugs(*published), ElementsAre("p-new", "p-tie-b", "p-tie-a", "p-old"));
  EXPECT_EQ((*published)[1].org_slug, "ami");
  auto two = cases().ListByLifecycle(Lifecycle::kPublished, 2);
  ASSERT_TRUE(IsOk(two));
  EXPECT_THAT(Slugs(*two), ElementsAre("p-new", "p-tie-b"));
  auto drafts = cases().ListByLifecycle(Lifecycle::kDraft, 10);
  ASSERT_TRUE(IsOk(drafts));
  EXPECT_THAT(Slugs(*drafts), ElementsAre("d-3", "d-1", "d-2"));
  auto submitted = cases().ListByLifecycle(Lifecycle::kSubmitted, 10);
  ASSERT_TRUE(IsOk(submitted));
  EXPECT_THAT(Slugs(*submitted), ElementsAre("s-1"));
  auto archived = cases().ListByLifecycle(Lifecycle::kArchived, 10);
  ASSERT_TRUE(IsOk(archived));
  EXPECT_THAT(Slugs(*archived), ElementsAre("a-1"));
  auto returned = cases().ListByLifecycle(Lifecycle::kReturned, 10);
  ASSERT_TRUE(IsOk(returned));
  EXPECT_THAT(*returned, IsEmpty());
}

TEST_F(AtlasCaseStoreTest, ListByOrganisationTakesEveryStateNewestUpdateFirst) {
  CreateOk(Minimal("j-draft", Lifecycle::kDraft, kT0 + 10));
  CreateOk(Minimal("j-pub", Lifecycle::kPublished, kT0 + 30, kT0 + 5000));  // update, not publication
  CreateOk(Minimal("j-arch", Lifecycle::kArchived, kT0 + 20, kT0));
  CreateOk(Minimal("j-tie", Lifecycle::kReturned, kT0 + 10));
  CreateOk(Minimal("a-draft", Lifecycle::kDraft, kT0 + 100, std::nullopt, ami_.id));

  auto jed = cases().ListByOrganisation(jed_.id, 10);
  ASSERT_TRUE(IsOk(jed));
  EXPECT_THAT(Slugs(*jed), ElementsAre("j-pub", "j-arch", "j-tie", "j-draft"));
  auto limited = cases().ListByOrganisation(jed_.id, 1);
  ASSERT_TRUE(IsOk(limited));
  EXPECT_THAT(Slugs(*limited), ElementsAre("j-pub"));
  auto ami = cases().ListByOrganisation(ami_.id, 10);
  ASSERT_TRUE(IsOk(ami));
  EXPECT_THAT(Slugs(*ami), ElementsAre("a-draft"));
  auto none = cases().ListByOrganisation(987654, 10);
  ASSERT_TRUE(IsOk(none));
  EXPECT_THAT(*none, IsEmpty());
}

TEST_F(AtlasCaseStoreTest, GetManyKeepsTheOrderOfIdsSkipsUnknownOnesAndCrossesBatches) {
  std::vector<Id> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(CreateOk(Minimal("c" + std::to_string(i))).id);
  auto three = cases().GetMany({ids[5], 424242, ids[0], ids[5], ids[12]});
  ASSERT_TRUE(IsOk(three));
  EXPECT_THAT(Slugs(*three), ElementsAre("c5", "c0", "c12"));
  EXPECT_EQ((*three)[0].org_slug, "jed");

  std::vector<Id> reversed(ids.rbegin(), ids.rend());
  reversed.insert(reversed.begin() + 3, 999999);
  auto all = cases().GetMany(reversed);
  ASSERT_TRUE(IsOk(all));
  ASSERT_EQ(all->size(), 20u);
  for (std::size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].id, ids[19 - i]);

  auto empty = cases().GetMany({});
  ASSERT_TRUE(IsOk(empty));
  EXPECT_THAT(*empty, IsEmpty());
  auto unknown = cases().GetMany({424242});
  ASSERT_TRUE(IsOk(unknown));
  EXPECT_THAT(*unknown, IsEmpty());
}

// --- Case studies: revisions ------------------------------------------------------

TEST_F(AtlasCaseStoreTest, RevisionsRoundTripTheirSnapshotAndListNewestFirst) {
  CaseStudy draft = Minimal("revised");
  CaseStudy x = CreateOk(draft);
  CaseRevision r1;
  r1.case_id = x.id;
  r1.version = 1;
  r1.at = kT0;
  r1.actor_user_id = user_id_;
  r1.actor_label = "Ana « A »";
  r1.action = "create";
  r1.snapshot = x;
  ASSERT_TRUE(IsOk(cases().AddRevision(r1)));

  CaseStudy full = Full("revised");
  full.id = x.id;
  full.version = 2;
  CaseRevision r2;
  r2.case_id = x.id;
  r2.version = 2;
  r2.at = kT0 + 60'000;
  r2.actor_label = "cli";  // no user: stored as NULL, read as 0
  r2.action = "publish";
  r2.note = "Bien — ✓";
  r2.snapshot = full;
  ASSERT_TRUE(IsOk(cases().AddRevision(r2)));
  // (case, version) is the key.
  EXPECT_TRUE(HasKind(cases().AddRevision(r2), Kind::kConflict));

  auto list = cases().ListRevisions(x.id);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 2u);
  const CaseRevision& newest = (*list)[0];
  EXPECT_EQ(newest.case_id, x.id);
  EXPECT_EQ(newest.version, 2);
  EXPECT_EQ(newest.at, kT0 + 60'000);
  EXPECT_EQ(newest.actor_user_id, 0);
  EXPECT_EQ(newest.actor_label, "cli");
  EXPECT_EQ(newest.action, "publish");
  EXPECT_EQ(newest.note, "Bien — ✓");
  EXPECT_EQ(newest.snapshot.id, x.id);
  EXPECT_EQ(newest.snapshot.version, 2);
  ExpectSameCase(newest.snapshot, full);
  const CaseRevision& oldest = (*list)[1];
  EXPECT_EQ(oldest.version, 1);
  EXPECT_EQ(oldest.actor_user_id, user_id_);
  EXPECT_EQ(oldest.actor_label, "Ana « A »");
  EXPECT_EQ(oldest.note, "");
  EXPECT_EQ(oldest.snapshot.published_at, std::nullopt);
  ExpectSameCase(oldest.snapshot, draft);

  auto none = cases().ListRevisions(424242);
  ASSERT_TRUE(IsOk(none));
  EXPECT_THAT(*none, IsEmpty());
}

TEST_F(AtlasCaseStoreTest, AFailedUnitOfWorkLeavesNothingBehind) {
  CaseStudy existing = CreateOk(Full("existing"));
  GlossaryTerm term = SaveTermOk(Term("displacement"));
  Status s = accounts_.unit->Run([&]() -> Status {
    auto created = cases().Create(Minimal("doomed"));
    if (!created.ok()) return created.status();
    CaseRevision r;
    r.case_id = created->id;
    r.version = 1;
    r.action = "create";
    r.actor_label = "cli";
    r.snapshot = *created;
    WM_RETURN_IF_ERROR(cases().AddRevision(r));
    auto modified = cases().Modify(existing.id, [](CaseStudy c) -> Result<CaseStudy> {
      c.lifecycle = Lifecycle::kArchived;
      c.moderation_note = "changed";
      return c;
    });
    if (!modified.ok()) return modified.status();
    GlossaryTerm edited = term;
    edited.source_note = "changed";
    auto saved = glossary().Save(edited, term.version);
    if (!saved.ok()) return saved.status();
    auto page = topics().Save(Page("doomed", 1), 0);
    if (!page.ok()) return page.status();
    return Status::Internal("the audit log is full");
  });
  EXPECT_TRUE(HasKind(s, Kind::kInternal));
  EXPECT_TRUE(HasKind(cases().FindBySlug("doomed"), Kind::kNotFound));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_cases"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_case_revisions"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_topics"), 0);
  auto got = cases().Get(existing.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1);
  ExpectSameCase(*got, Full("existing"));
  auto t = glossary().FindBySlug("displacement");
  ASSERT_TRUE(IsOk(t));
  EXPECT_EQ(t->version, 1);
  EXPECT_EQ(t->source_note, Term("displacement").source_note);
}

// --- Glossary ---------------------------------------------------------------------

using AtlasGlossaryStoreTest = AtlasStoresTest;

TEST_F(AtlasGlossaryStoreTest, TermsAreInsertedFoundAndListedBySlug) {
  GlossaryTerm given = Term("resilience");
  given.id = 0;
  given.version = 42;  // ignored on insert
  GlossaryTerm saved = SaveTermOk(given);
  EXPECT_GT(saved.id, 0);
  EXPECT_EQ(saved.version, 1);
  ExpectSameTerm(saved, given);
  SaveTermOk(Term("adaptation"));
  SaveTermOk(Term("zone"));
  SaveTermOk(Term("migration"));

  auto found = glossary().FindBySlug("resilience");
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->id, saved.id);
  EXPECT_EQ(found->version, 1);
  ExpectSameTerm(*found, given);
  EXPECT_THAT(found->texts.at("fr").aliases, IsEmpty());
  EXPECT_TRUE(HasKind(glossary().FindBySlug("nowhere"), Kind::kNotFound));

  auto list = glossary().List();
  ASSERT_TRUE(IsOk(list));
  EXPECT_THAT(TermSlugs(*list), ElementsAre("adaptation", "migration", "resilience", "zone"));
  ExpectSameTerm((*list)[2], given);
}

TEST_F(AtlasGlossaryStoreTest, SavesCheckTheVersionAndTheSlugAndRemoveDeletes) {
  GlossaryTerm t = SaveTermOk(Term("exposure"));
  SaveTermOk(Term("hazard"));

  GlossaryTerm stale = t;
  stale.source_note = "stale";
  stale.updated_at = kT0 + 5;
  EXPECT_TRUE(HasKind(glossary().Save(stale, 7), Kind::kConflict));
  auto unchanged = glossary().FindBySlug("exposure");
  ASSERT_TRUE(IsOk(unchanged));
  EXPECT_EQ(unchanged->version, 1);
  ExpectSameTerm(*unchanged, Term("exposure"));

  GlossaryTerm edited = t;
  edited.texts["es"] = GlossaryText{"Exposición", "Estar en un lugar expuesto.", {"expuesto"}};
  edited.source_note = "IPCC AR6";
  edited.updated_at = kT0 + 10;
  auto saved = glossary().Save(edited, 1);
  ASSERT_TRUE(IsOk(saved));
  EXPECT_EQ(saved->id, t.id);
  EXPECT_EQ(saved->version, 2);
  ExpectSameTerm(*saved, edited);
  EXPECT_TRUE(HasKind(glossary().Save(edited, 1), Kind::kConflict));  // now stale
  auto again = glossary().Save(edited, 2);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(again->version, 3);

  EXPECT_TRUE(HasKind(glossary().Save(Term("hazard"), 0), Kind::kConflict));  // slug taken
  GlossaryTerm ghost = Term("ghost");
  ghost.id = 424242;
  EXPECT_TRUE(HasKind(glossary().Save(ghost, 1), Kind::kNotFound));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_terms"), 2);

  ASSERT_TRUE(IsOk(glossary().Remove(t.id)));
  EXPECT_TRUE(HasKind(glossary().FindBySlug("exposure"), Kind::kNotFound));
  auto list = glossary().List();
  ASSERT_TRUE(IsOk(list));
  EXPECT_THAT(TermSlugs(*list), ElementsAre("hazard"));
  // The slug is free again.
  EXPECT_TRUE(IsOk(glossary().Save(Term("exposure"), 0)));
}

TEST_F(AtlasGlossaryStoreTest, ConcurrentSavesAtTheSameVersionOneWins) {
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE(round);
    GlossaryTerm t = SaveTermOk(Term("race-" + std::to_string(round)));
    constexpr int kThreads = 3;
    std::barrier start(kThreads);
    std::vector<Result<GlossaryTerm>> results(kThreads, Result<GlossaryTerm>(Status::Internal("not run")));
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        GlossaryTerm mine = t;
        mine.source_note = "writer " + std::to_string(i);
        start.arrive_and_wait();
        results[static_cast<std::size_t>(i)] = glossary().Save(mine, 1);
      });
    }
    for (auto& th : threads) th.join();
    int ok = 0, conflicts = 0;
    std::string winner;
    for (const auto& r : results) {
      if (r.ok()) {
        ++ok;
        winner = r->source_note;
      } else if (r.status().IsConflict()) {
        ++conflicts;
      } else {
        ADD_FAILURE() << Describe(r.status());
      }
    }
    EXPECT_EQ(ok, 1);
    EXPECT_EQ(conflicts, kThreads - 1);
    auto got = glossary().FindBySlug(t.slug);
    ASSERT_TRUE(IsOk(got));
    EXPECT_EQ(got->version, 2);
    EXPECT_EQ(got->source_note, winner);
  }
}

// --- Thematic pages ---------------------------------------------------------------

using AtlasTopicStoreTest = AtlasStoresTest;

TEST_F(AtlasTopicStoreTest, PagesRoundTripAndListByPositionThenSlug) {
  Topic given = Page("coasts", 2);
  Topic saved = SaveTopicOk(given);
  EXPECT_GT(saved.id, 0);
  EXPECT_EQ(saved.version, 1);
  ExpectSameTopic(saved, given);
  Topic plain = Page("a-plain", 2);
  plain.displacement_layer = false;
  plain.cases.clear();
  plain.figures.clear();
  SaveTopicOk(plain);
  SaveTopicOk(Page("zeta", 0));
  SaveTopicOk(Page("negative", -1));
  SaveTopicOk(Page("drylands", 10));

  auto found = topics().FindBySlug("coasts");
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->id, saved.id);
  ExpectSameTopic(*found, given);
  auto found_plain = topics().FindBySlug("a-plain");
  ASSERT_TRUE(IsOk(found_plain));
  ExpectSameTopic(*found_plain, plain);
  EXPECT_TRUE(HasKind(topics().FindBySlug("nowhere"), Kind::kNotFound));

  auto list = topics().List();
  ASSERT_TRUE(IsOk(list));
  EXPECT_THAT(TopicSlugs(*list), ElementsAre("negative", "zeta", "a-plain", "coasts", "drylands"));
}

TEST_F(AtlasTopicStoreTest, SavesCheckTheVersionAndTheSlugAndMoveThePage) {
  Topic t = SaveTopicOk(Page("cities", 1));
  SaveTopicOk(Page("deltas", 2));

  Topic stale = t;
  stale.position = 9;
  stale.texts["en"].title = "Stale";
  EXPECT_TRUE(HasKind(topics().Save(stale, 3), Kind::kConflict));
  auto unchanged = topics().FindBySlug("cities");
  ASSERT_TRUE(IsOk(unchanged));
  EXPECT_EQ(unchanged->version, 1);
  ExpectSameTopic(*unchanged, Page("cities", 1));

  Topic moved = t;
  moved.position = 5;  // after deltas now
  moved.texts["fr"] = TopicText{"Villes", "Corps « français »"};
  moved.displacement_layer = false;
  moved.cases = {8};
  moved.updated_at = kT0 + 10;
  auto saved = topics().Save(moved, 1);
  ASSERT_TRUE(IsOk(saved));
  EXPECT_EQ(saved->id, t.id);
  EXPECT_EQ(saved->version, 2);
  ExpectSameTopic(*saved, moved);
  auto list = topics().List();
  ASSERT_TRUE(IsOk(list));
  EXPECT_THAT(TopicSlugs(*list), ElementsAre("deltas", "cities"));

  EXPECT_TRUE(HasKind(topics().Save(moved, 1), Kind::kConflict));
  EXPECT_TRUE(HasKind(topics().Save(Page("deltas", 4), 0), Kind::kConflict));
  Topic ghost = Page("ghost", 1);
  ghost.id = 424242;
  EXPECT_TRUE(HasKind(topics().Save(ghost, 1), Kind::kNotFound));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_topics"), 2);
}

TEST_F(AtlasTopicStoreTest, ConcurrentSavesAtTheSameVersionOneWins) {
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    Topic t = SaveTopicOk(Page("race-" + std::to_string(round), round));
    std::barrier start(2);
    Result<Topic> results[2] = {Status::Internal("not run"), Status::Internal("not run")};
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        Topic mine = t;
        mine.position = 100 + i;
        start.arrive_and_wait();
        results[i] = topics().Save(mine, 1);
      });
    }
    for (auto& th : threads) th.join();
    int ok = (results[0].ok() ? 1 : 0) + (results[1].ok() ? 1 : 0);
    int conflict = (results[0].status().IsConflict() ? 1 : 0) + (results[1].status().IsConflict() ? 1 : 0);
    EXPECT_EQ(ok, 1) << Describe(results[0].status()) << " / " << Describe(results[1].status());
    EXPECT_EQ(conflict, 1) << Describe(results[0].status()) << " / " << Describe(results[1].status());
    auto got = topics().FindBySlug(t.slug);
    ASSERT_TRUE(IsOk(got));
    EXPECT_EQ(got->version, 2);
    EXPECT_EQ(got->position, results[0].ok() ? 100 : 101);
  }
}

// --- Copy -------------------------------------------------------------------------

// `waymark copy` carries the Atlas across backends: this backend -> SQLite ->
// a fresh database on this backend.
TEST_F(AtlasCaseStoreTest, CopyCarriesCasesRevisionsTermsAndPagesAcrossBackends) {
  CaseStudy x = CreateOk(Full("copied"));
  CaseStudy y = CreateOk(Minimal("other"));
  CaseRevision r;
  r.case_id = x.id;
  r.version = 1;
  r.at = kT0;
  r.actor_user_id = user_id_;
  r.actor_label = "Ana";
  r.action = "create";
  r.snapshot = x;
  ASSERT_TRUE(IsOk(cases().AddRevision(r)));
  GlossaryTerm term = SaveTermOk(Term("relocation"));
  Topic page = SaveTopicOk(Page("coasts", 1));

  auto middle = TestDatabase::Create(Backend::kSqlite, true, clock_);
  ASSERT_TRUE(IsOk(middle));
  ASSERT_TRUE(IsOk(storage::CopyDatabase(db(), (*middle)->db(), false, 50, nullptr)));
  auto last = TestDatabase::Create(BackendUnderTest(), true, clock_);
  ASSERT_TRUE(IsOk(last));
  ASSERT_TRUE(IsOk(storage::CopyDatabase((*middle)->db(), (*last)->db(), false, 50, nullptr)));

  storage::AtlasStores copied((*last)->db());
  atlas::Stores s = copied.stores();
  auto got = s.cases->Get(x.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->org_slug, "jed");
  ExpectSameCase(*got, Full("copied"));
  auto revisions = s.cases->ListRevisions(x.id);
  ASSERT_TRUE(IsOk(revisions));
  ASSERT_EQ(revisions->size(), 1u);
  ExpectSameCase((*revisions)[0].snapshot, Full("copied"));
  auto t = s.glossary->FindBySlug("relocation");
  ASSERT_TRUE(IsOk(t));
  EXPECT_EQ(t->id, term.id);
  ExpectSameTerm(*t, Term("relocation"));
  auto p = s.topics->FindBySlug("coasts");
  ASSERT_TRUE(IsOk(p));
  EXPECT_EQ(p->id, page.id);
  ExpectSameTopic(*p, Page("coasts", 1));

  // New rows continue after the copied ids.
  auto next = s.cases->Create(Minimal("after-copy"));
  ASSERT_TRUE(IsOk(next));
  EXPECT_GT(next->id, y.id);
  auto next_term = s.glossary->Save(Term("after-copy"), 0);
  ASSERT_TRUE(IsOk(next_term));
  EXPECT_GT(next_term->id, term.id);
  auto next_page = s.topics->Save(Page("after-copy", 0), 0);
  ASSERT_TRUE(IsOk(next_page));
  EXPECT_GT(next_page->id, page.id);
}

}  // namespace
}  // namespace waymark::conformance
