// Conformance of the practices stores (domain/practices/stores.h), run
// against each backend: sqlite/PracticeStoresTest and postgres/PracticeStoresTest
// (PostgreSQL needs WAYMARK_TEST_PG_URL). See backend.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <string>
#include <thread>
#include <vector>

#include "backend.h"
#include "domain/accounts/stores.h"
#include "domain/practices/stores.h"
#include "storage/accounts/account_stores.h"
#include "storage/copy.h"
#include "storage/practices/practice_stores.h"

namespace waymark::conformance {
namespace {

using practices::Adoption;
using practices::Collection;
using practices::Contributor;
using practices::File;
using practices::Id;
using practices::Lifecycle;
using practices::Link;
using practices::LocalText;
using practices::Message;
using practices::Party;
using practices::Place;
using practices::PlaceRole;
using practices::Practice;
using practices::Revision;
using practices::Sensitivity;
using practices::Term;
using Kind = Status::Kind;
using namespace std::string_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr TimestampMs kT0 = 1'700'000'000'000;

// Every byte value, NULs and 0xFF included, and more than one page of them.
std::string BinaryBytes(std::size_t n) {
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>((i * 7 + i / 256) % 256));
  return out;
}

struct OrgRef {
  Id id = 0;
  std::string slug;
  std::string name;
};

class PracticeStoresTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    account_stores_ = std::make_unique<storage::AccountStores>(db());
    accounts_ = account_stores_->stores();
    stores_ = std::make_unique<storage::PracticeStores>(db(), clock_);
    jed_ = CreateOrg("jed", "Jeunesse en Détresse");
    ami_ = CreateOrg("ami", "Aide aux Migrants");
    zeta_ = CreateOrg("zeta", "Zeta Foundation");
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

  practices::PracticeStore& store() { return stores_->practices(); }
  practices::TermStore& terms() { return stores_->terms(); }

  OrgRef CreateOrg(const std::string& slug, const std::string& name) {
    accounts::Organisation o;
    o.slug = slug;
    o.name = name;
    o.kind = accounts::OrgKind::kCso;
    o.created_at = kT0;
    o.updated_at = kT0;
    auto created = accounts_.organisations->Create(o);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? OrgRef{created->id, slug, name} : OrgRef{};
  }

  Id CreateGroup(const std::string& slug) {
    auto lease = db().Acquire();
    EXPECT_TRUE(IsOk(lease));
    if (!lease.ok()) return 0;
    auto row = (*lease)->QueryOne(
        "INSERT INTO working_groups(slug, name, created_at) VALUES ($1,$2,$3) RETURNING id",
        {slug, "Group " + slug, kT0});
    EXPECT_TRUE(IsOk(row));
    return row.ok() ? row->Int(0) : 0;
  }

  // A practice with every field set; lists in the model's order.
  Practice Full(const std::string& slug) {
    Practice p;
    p.slug = slug;
    p.texts["en"] =
        LocalText{"Hotline for migrants", "A 24/7 hotline",    "Nobody to call",     "**We** set up\na line",
                  "3,000 calls",          "Staff it at night", "Two phones, €5,000", "A phone and a roster"};
    p.texts["fr"] = LocalText{"Ligne d'urgence", "Une ligne « 24/7 »", "", "Décrit", "", "", "", ""};
    p.lead = Party{jed_.id, "", "JED as typed", "civil-society"};
    p.partners = {Party{zeta_.id, "", "", "foundation"},
                  Party{std::nullopt, "", "Croix-Rouge locale", "cso"}};
    p.places = {Place{"LBN", PlaceRole::kCrisis}, Place{"SYR", PlaceRole::kOrigin},
                Place{"SYR", PlaceRole::kTransit}};
    p.generalised_location = "Middle East";
    p.start_date = "2015";
    p.end_date = "2016-03-31";
    p.phases = {"emergency", "preparedness"};
    p.crises = {"conflict", "other"};
    p.crisis_other = "Heatwave";
    p.guidelines = {"g1", "g7"};
    p.themes = {"communication", "evacuation"};
    p.targets = {"children", "women"};
    p.types = {"hotline"};
    p.contacts = "Ana, +961 1 234 567\nana@jed.example";
    p.links = {Link{"https://jed.example/hotline", "Hotline"}, Link{"https://jed.example/report.pdf", ""}};
    p.licence = "cc-by-sa";
    p.sensitivity = Sensitivity::kSensitive;
    p.contacts_private = true;
    p.summary_only = true;
    p.campaigns = {3, 1};
    p.threads = {9};
    p.lifecycle = Lifecycle::kPublished;
    p.merged_into = 77;
    p.moderation_note = "Checked with the lead";
    p.contributor = Contributor{user_id_, "Ana", "ana@example.org", "fr"};
    p.status_token_hash = std::string(64, 'a');
    p.status_expires_at = kT0 + 1000;
    p.submitted_from = "keyed-hash-1";
    p.created_at = kT0;
    p.updated_at = kT0 + 5;
    p.published_at = kT0 + 10;
    return p;
  }

  // A minimal draft by an anonymous contributor.
  Practice Minimal(const std::string& slug) {
    Practice p;
    p.slug = slug;
    p.texts["en"].title = "Title " + slug;
    p.phases = {"preparedness"};
    p.created_at = kT0;
    p.updated_at = kT0;
    return p;
  }

  Practice CreateOk(const Practice& p) {
    auto created = store().Create(p);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : Practice{};
  }

  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores accounts_{};
  std::unique_ptr<storage::PracticeStores> stores_;
  OrgRef jed_, ami_, zeta_;
  Id user_id_ = 0;
};

// Every field but id, version and files.
void ExpectSamePractice(const Practice& got, const Practice& want) {
  EXPECT_EQ(got.slug, want.slug);
  EXPECT_EQ(got.texts, want.texts);
  EXPECT_EQ(got.lead, want.lead);
  EXPECT_EQ(got.partners, want.partners);
  EXPECT_EQ(got.places, want.places);
  EXPECT_EQ(got.generalised_location, want.generalised_location);
  EXPECT_EQ(got.start_date, want.start_date);
  EXPECT_EQ(got.end_date, want.end_date);
  EXPECT_EQ(got.phases, want.phases);
  EXPECT_EQ(got.crises, want.crises);
  EXPECT_EQ(got.crisis_other, want.crisis_other);
  EXPECT_EQ(got.guidelines, want.guidelines);
  EXPECT_EQ(got.themes, want.themes);
  EXPECT_EQ(got.targets, want.targets);
  EXPECT_EQ(got.types, want.types);
  EXPECT_EQ(got.contacts, want.contacts);
  EXPECT_EQ(got.links, want.links);
  EXPECT_EQ(got.licence, want.licence);
  EXPECT_EQ(got.sensitivity, want.sensitivity);
  EXPECT_EQ(got.contacts_private, want.contacts_private);
  EXPECT_EQ(got.summary_only, want.summary_only);
  EXPECT_EQ(got.campaigns, want.campaigns);
  EXPECT_EQ(got.threads, want.threads);
  EXPECT_EQ(got.lifecycle, want.lifecycle);
  EXPECT_EQ(got.merged_into, want.merged_into);
  EXPECT_EQ(got.moderation_note, want.moderation_note);
  EXPECT_EQ(got.contributor, want.contributor);
  EXPECT_EQ(got.status_token_hash, want.status_token_hash);
  EXPECT_EQ(got.status_expires_at, want.status_expires_at);
  EXPECT_EQ(got.submitted_from, want.submitted_from);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  EXPECT_EQ(got.published_at, want.published_at);
}

std::vector<std::string> Slugs(const std::vector<Practice>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.slug);
  return out;
}

// --- Create and read --------------------------------------------------------------

TEST_F(PracticeStoresTest, CreateReturnsEveryFieldAsStoredWithRegisteredNamesFilledIn) {
  auto created = store().Create(Full("hotline"));
  ASSERT_TRUE(IsOk(created));
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->version, 1);
  EXPECT_THAT(created->files, IsEmpty());

  Practice want = Full("hotline");
  want.lead = Party{jed_.id, "jed", "Jeunesse en Détresse", "civil-society"};
  want.partners = {Party{zeta_.id, "zeta", "Zeta Foundation", "foundation"},
                   Party{std::nullopt, "", "Croix-Rouge locale", "cso"}};
  ExpectSamePractice(*created, want);

  auto got = store().Get(created->id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->id, created->id);
  EXPECT_EQ(got->version, 1);
  ExpectSamePractice(*got, want);

  auto by_slug = store().FindBySlug("hotline");
  ASSERT_TRUE(IsOk(by_slug));
  EXPECT_EQ(by_slug->id, created->id);
  ExpectSamePractice(*by_slug, want);

  auto by_token = store().FindByStatusToken(std::string(64, 'a'));
  ASSERT_TRUE(IsOk(by_token));
  EXPECT_EQ(by_token->id, created->id);
  ExpectSamePractice(*by_token, want);
}

TEST_F(PracticeStoresTest, CreateIgnoresGivenIdVersionAndFiles) {
  Practice p = Minimal("m");
  p.id = 999;
  p.version = 7;
  p.files.push_back(File{5, 5, "x.pdf", "application/pdf", 3, "abc", kT0});
  auto created = store().Create(p);
  ASSERT_TRUE(IsOk(created));
  EXPECT_NE(created->id, 999);
  EXPECT_EQ(created->version, 1);
  EXPECT_THAT(created->files, IsEmpty());
}

TEST_F(PracticeStoresTest, MinimalPracticeRoundTripsEmptyAndNullFieldsAndDefaults) {
  Practice p = Minimal("minimal");
  p.lead = Party{std::nullopt, "", "A group of volunteers", ""};
  Practice created = CreateOk(p);
  auto got = store().Get(created.id);
  ASSERT_TRUE(IsOk(got));
  ExpectSamePractice(*got, p);
  EXPECT_FALSE(got->lead.org_id.has_value());
  EXPECT_FALSE(got->start_date.has_value());
  EXPECT_FALSE(got->end_date.has_value());
  EXPECT_FALSE(got->merged_into.has_value());
  EXPECT_FALSE(got->published_at.has_value());
  EXPECT_FALSE(got->contributor.user_id.has_value());
  EXPECT_EQ(got->contributor.lang, "en");
  EXPECT_EQ(got->licence, "cc-by");
  EXPECT_EQ(got->lifecycle, Lifecycle::kDraft);
  EXPECT_EQ(got->sensitivity, Sensitivity::kNormal);
  EXPECT_EQ(got->status_token_hash, "");
  EXPECT_EQ(got->texts.at("en").summary, "");
}

TEST_F(PracticeStoresTest, CreateSortsAndDeduplicatesCodesAndPlaces) {
  Practice p = Minimal("unsorted");
  p.phases = {"response", "preparedness", "response"};
  p.themes = {"b", "a", "b"};
  p.places = {Place{"SYR", PlaceRole::kTransit}, Place{"LBN", PlaceRole::kDestination},
              Place{"SYR", PlaceRole::kOrigin}, Place{"SYR", PlaceRole::kTransit}};
  Practice created = CreateOk(p);
  EXPECT_THAT(created.phases, ElementsAre("preparedness", "response"));
  EXPECT_THAT(created.themes, ElementsAre("a", "b"));
  EXPECT_THAT(created.places,
              ElementsAre(Place{"LBN", PlaceRole::kDestination}, Place{"SYR", PlaceRole::kOrigin},
                          Place{"SYR", PlaceRole::kTransit}));
}

TEST_F(PracticeStoresTest, DuplicateSlugIsConflictAndSlugTakenSaysSo) {
  CreateOk(Minimal("taken"));
  EXPECT_TRUE(HasKind(store().Create(Minimal("taken")), Kind::kConflict));
  EXPECT_EQ(store().SlugTaken("taken").value(), true);
  EXPECT_EQ(store().SlugTaken("free").value(), false);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM practices"), 1);
}

TEST_F(PracticeStoresTest, UnknownIdSlugOrTokenIsNotFound) {
  CreateOk(Minimal("no-token"));  // holds '' as its token hash
  EXPECT_TRUE(HasKind(store().Get(12345), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().FindBySlug("nope"), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().FindByStatusToken("nope"), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().FindByStatusToken(""), Kind::kNotFound));
  EXPECT_TRUE(
      HasKind(store().Modify(12345, [](Practice p) -> Result<Practice> { return p; }), Kind::kNotFound));
}

TEST_F(PracticeStoresTest, CreateNamingAnUnknownOrganisationIsNotFound) {
  Practice lead = Minimal("lead");
  lead.lead.org_id = 98765;
  EXPECT_TRUE(HasKind(store().Create(lead), Kind::kNotFound));
  Practice partner = Minimal("partner");
  partner.partners = {Party{zeta_.id, "", "", ""}, Party{98765, "", "", ""}};
  EXPECT_TRUE(HasKind(store().Create(partner), Kind::kNotFound));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM practices"), 0);
}

TEST_F(PracticeStoresTest, RegisteredNamesFollowTheOrganisation) {
  Practice p = Minimal("renamed");
  p.lead = Party{ami_.id, "", "", ""};
  Practice created = CreateOk(p);
  auto renamed =
      accounts_.organisations->Modify("ami", [](accounts::Organisation o) -> Result<accounts::Organisation> {
        o.name = "Aide aux Migrants (AAM)";
        return o;
      });
  ASSERT_TRUE(IsOk(renamed));
  EXPECT_EQ(store().Get(created.id)->lead.name, "Aide aux Migrants (AAM)");
}

TEST_F(PracticeStoresTest, GetManyKeepsTheOrderOfIdsAndSkipsUnknownOnes) {
  Practice a = CreateOk(Full("a"));
  Practice b = CreateOk(Minimal("b"));
  Practice c = CreateOk(Minimal("c"));
  auto many = store().GetMany({c.id, 424242, a.id, b.id, c.id});
  ASSERT_TRUE(IsOk(many));
  EXPECT_THAT(Slugs(*many), ElementsAre("c", "a", "b"));
  EXPECT_EQ((*many)[1].partners.size(), 2u);
  EXPECT_EQ((*many)[1].lead.slug, "jed");
  EXPECT_EQ((*many)[1].partners[0].name, "Zeta Foundation");
  auto none = store().GetMany({});
  ASSERT_TRUE(IsOk(none));
  EXPECT_THAT(*none, IsEmpty());
}

TEST_F(PracticeStoresTest, GetManyHandlesMoreIdsThanOneBatch) {
  std::vector<Id> ids;
  for (int i = 0; i < 70; ++i) ids.push_back(CreateOk(Minimal("p" + std::to_string(i))).id);
  std::reverse(ids.begin(), ids.end());
  auto many = store().GetMany(ids);
  ASSERT_TRUE(IsOk(many));
  ASSERT_EQ(many->size(), 70u);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ((*many)[i].id, ids[i]);
    EXPECT_EQ((*many)[i].texts.at("en").title, "Title " + (*many)[i].slug);
  }
}

TEST_F(PracticeStoresTest, ListIdsPagesInIdOrder) {
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(CreateOk(Minimal("p" + std::to_string(i))).id);
  auto first = store().ListIds(0, 3);
  ASSERT_TRUE(IsOk(first));
  EXPECT_THAT(*first, ElementsAre(ids[0], ids[1], ids[2]));
  auto rest = store().ListIds(ids[2], 10);
  ASSERT_TRUE(IsOk(rest));
  EXPECT_THAT(*rest, ElementsAre(ids[3], ids[4]));
}

// --- Modify -----------------------------------------------------------------------

TEST_F(PracticeStoresTest, ModifyWritesEveryFieldButTheFixedOnesAndBumpsTheVersion) {
  Practice original = CreateOk(Full("full"));
  auto file = store().AddFile(File{0, original.id, "report.pdf", "application/pdf", 0, "", kT0}, "%PDF-1.4");
  ASSERT_TRUE(IsOk(file));
  Practice want;
  auto modified = store().Modify(original.id, [&](Practice p) -> Result<Practice> {
    EXPECT_EQ(p.version, 1);
    EXPECT_EQ(p.files.size(), 1u);
    p.slug = "renamed";  // ignored
    p.created_at = 1;    // ignored
    p.version = 40;      // ignored
    p.files.clear();     // ignored
    p.texts.erase("fr");
    p.texts["es"] = LocalText{"Línea", "Resumen", "", "", "", "", "", ""};
    p.lead = Party{ami_.id, "", "", "cso"};
    p.partners = {Party{jed_.id, "", "", ""}};
    p.places = {Place{"FRA", PlaceRole::kDestination}};
    p.generalised_location = "";
    p.start_date.reset();
    p.end_date = "2017";
    p.phases = {"response"};
    p.crises = {};
    p.crisis_other = "";
    p.guidelines = {"g2"};
    p.themes = {};
    p.targets = {"youth"};
    p.types = {"training"};
    p.contacts = "";
    p.links = {};
    p.licence = "cc0";
    p.sensitivity = Sensitivity::kRestricted;
    p.contacts_private = false;
    p.summary_only = false;
    p.campaigns = {};
    p.threads = {4, 2};
    p.lifecycle = Lifecycle::kReturned;
    p.merged_into.reset();
    p.moderation_note = "Please add results";
    p.contributor = Contributor{std::nullopt, "Anonymous", "anon@example.org", "es"};
    p.status_token_hash = std::string(64, 'b');
    p.status_expires_at = kT0 + 2000;
    p.submitted_from = "keyed-hash-2";
    p.updated_at = kT0 + 100;
    p.published_at.reset();
    want = p;
    return p;
  });
  ASSERT_TRUE(IsOk(modified));
  EXPECT_EQ(modified->version, 2);
  EXPECT_EQ(modified->id, original.id);
  want.slug = "full";
  want.created_at = kT0;
  want.lead = Party{ami_.id, "ami", "Aide aux Migrants", "cso"};
  want.partners = {Party{jed_.id, "jed", "Jeunesse en Détresse", ""}};
  ExpectSamePractice(*modified, want);
  ASSERT_EQ(modified->files.size(), 1u);  // kept
  EXPECT_EQ(modified->files[0], *file);

  auto got = store().Get(original.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 2);
  ExpectSamePractice(*got, want);
  EXPECT_TRUE(HasKind(store().FindByStatusToken(std::string(64, 'a')), Kind::kNotFound));
  EXPECT_EQ(store().FindByStatusToken(std::string(64, 'b'))->id, original.id);

  auto third = store().Modify(original.id, [](Practice p) -> Result<Practice> { return p; });
  ASSERT_TRUE(IsOk(third));
  EXPECT_EQ(third->version, 3);
}

TEST_F(PracticeStoresTest, ModifyWhoseChangeFailsWritesNothing) {
  Practice p = CreateOk(Full("stale"));
  auto result = store().Modify(p.id, [&](Practice x) -> Result<Practice> {
    if (x.version != 0) return Status::Conflict("changed by someone else");
    x.contacts = "should not land";
    return x;
  });
  ASSERT_TRUE(HasKind(result, Kind::kConflict));
  EXPECT_EQ(result.status().message(), "changed by someone else");
  auto got = store().Get(p.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->contacts, Full("stale").contacts);
}

TEST_F(PracticeStoresTest, ModifyNamingAnUnknownOrganisationLeavesThePracticeAsItWas) {
  Practice p = CreateOk(Full("half"));
  auto result = store().Modify(p.id, [](Practice x) -> Result<Practice> {
    x.contacts = "changed";
    x.partners.push_back(Party{98765, "", "", ""});
    return x;
  });
  EXPECT_TRUE(HasKind(result, Kind::kNotFound));
  auto got = store().Get(p.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->partners.size(), 2u);
}

TEST_F(PracticeStoresTest, ConcurrentModifiesFromTwoThreadsAreSerialised) {
  Practice p = CreateOk(Minimal("busy"));
  constexpr int kThreads = 2;
  constexpr int kPerThread = 15;
  std::atomic<int> failures{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store().Modify(p.id, [&](Practice x) -> Result<Practice> {
          x.threads.push_back(t * 100 + i);
          std::this_thread::yield();
          return x;
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
  auto got = store().Get(p.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1 + kThreads * kPerThread);
  EXPECT_EQ(got->threads.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

// --- Lists and counts -------------------------------------------------------------

TEST_F(PracticeStoresTest, ListPublishedIsNewestPublicationFirst) {
  auto make = [&](const std::string& slug, Lifecycle l, TimestampMs published) {
    Practice p = Minimal(slug);
    p.lifecycle = l;
    if (published) p.published_at = published;
    return CreateOk(p);
  };
  make("old", Lifecycle::kPublished, kT0 + 1);
  make("new", Lifecycle::kPublished, kT0 + 3);
  make("mid", Lifecycle::kPublished, kT0 + 2);
  make("archived", Lifecycle::kArchived, kT0 + 4);
  make("draft", Lifecycle::kDraft, 0);
  auto all = store().ListPublished(10);
  ASSERT_TRUE(IsOk(all));
  EXPECT_THAT(Slugs(*all), ElementsAre("new", "mid", "old"));
  auto two = store().ListPublished(2);
  ASSERT_TRUE(IsOk(two));
  EXPECT_THAT(Slugs(*two), ElementsAre("new", "mid"));
}

TEST_F(PracticeStoresTest, ListByLifecycleIsOldestUpdateFirst) {
  auto make = [&](const std::string& slug, Lifecycle l, TimestampMs updated) {
    Practice p = Minimal(slug);
    p.lifecycle = l;
    p.updated_at = updated;
    return CreateOk(p);
  };
  make("late", Lifecycle::kSubmitted, kT0 + 30);
  make("early", Lifecycle::kSubmitted, kT0 + 10);
  make("returned", Lifecycle::kReturned, kT0 + 5);
  make("middle", Lifecycle::kSubmitted, kT0 + 20);
  auto queue = store().ListByLifecycle(Lifecycle::kSubmitted, 10);
  ASSERT_TRUE(IsOk(queue));
  EXPECT_THAT(Slugs(*queue), ElementsAre("early", "middle", "late"));
  EXPECT_THAT(Slugs(store().ListByLifecycle(Lifecycle::kSubmitted, 1).value()), ElementsAre("early"));
  EXPECT_THAT(Slugs(store().ListByLifecycle(Lifecycle::kReturned, 10).value()), ElementsAre("returned"));
  EXPECT_THAT(store().ListByLifecycle(Lifecycle::kMerged, 10).value(), IsEmpty());
}

TEST_F(PracticeStoresTest, ListByOrganisationIsTheLeadsPracticesNewestUpdateFirst) {
  auto make = [&](const std::string& slug, Id lead, Lifecycle l, TimestampMs updated) {
    Practice p = Minimal(slug);
    p.lead.org_id = lead;
    p.lifecycle = l;
    p.updated_at = updated;
    return CreateOk(p);
  };
  make("jed-old", jed_.id, Lifecycle::kPublished, kT0 + 1);
  make("jed-new", jed_.id, Lifecycle::kDraft, kT0 + 3);
  make("jed-mid", jed_.id, Lifecycle::kRejected, kT0 + 2);
  make("ami", ami_.id, Lifecycle::kPublished, kT0 + 4);
  Practice partner = Minimal("jed-partner");  // a partner, not the lead
  partner.partners = {Party{jed_.id, "", "", ""}};
  CreateOk(partner);
  auto jed = store().ListByOrganisation(jed_.id, 10);
  ASSERT_TRUE(IsOk(jed));
  EXPECT_THAT(Slugs(*jed), ElementsAre("jed-new", "jed-mid", "jed-old"));
  EXPECT_THAT(Slugs(store().ListByOrganisation(jed_.id, 2).value()), ElementsAre("jed-new", "jed-mid"));
  EXPECT_THAT(store().ListByOrganisation(zeta_.id, 10).value(), IsEmpty());
}

TEST_F(PracticeStoresTest, CountSubmittedFromCountsFromTheStartOfTheWindow) {
  auto make = [&](const std::string& slug, const std::string& from, TimestampMs created) {
    Practice p = Minimal(slug);
    p.submitted_from = from;
    p.created_at = created;
    return CreateOk(p);
  };
  make("a", "addr-1", kT0);
  make("b", "addr-1", kT0 + 10);
  make("c", "addr-1", kT0 + 20);
  make("d", "addr-2", kT0 + 20);
  EXPECT_EQ(store().CountSubmittedFrom("addr-1", kT0).value(), 3);
  EXPECT_EQ(store().CountSubmittedFrom("addr-1", kT0 + 10).value(), 2);
  EXPECT_EQ(store().CountSubmittedFrom("addr-1", kT0 + 11).value(), 1);
  EXPECT_EQ(store().CountSubmittedFrom("addr-1", kT0 + 21).value(), 0);
  EXPECT_EQ(store().CountSubmittedFrom("addr-2", 0).value(), 1);
  EXPECT_EQ(store().CountSubmittedFrom("addr-3", 0).value(), 0);
}

// --- Revisions --------------------------------------------------------------------

TEST_F(PracticeStoresTest, RevisionsRoundTripTheirSnapshotAndListNewestFirst) {
  Practice p = CreateOk(Full("revised"));
  ASSERT_TRUE(IsOk(store().AddFile(File{0, p.id, "a.pdf", "application/pdf", 0, "", kT0}, BinaryBytes(10))));
  Practice snapshot = store().Get(p.id).value();
  ASSERT_EQ(snapshot.files.size(), 1u);

  Revision r1;
  r1.practice_id = p.id;
  r1.version = 1;
  r1.at = kT0 + 1;
  r1.actor_user_id = user_id_;
  r1.actor_label = "user:" + std::to_string(user_id_);
  r1.action = "create";
  r1.note = "";
  r1.snapshot = snapshot;
  ASSERT_TRUE(IsOk(store().AddRevision(r1)));

  Revision r2 = r1;
  r2.version = 2;
  r2.at = kT0 + 2;
  r2.actor_user_id.reset();
  r2.actor_label = "cli";
  r2.action = "return";
  r2.note = "Please say « how »";
  r2.snapshot = Minimal("revised");
  r2.snapshot.id = p.id;
  r2.snapshot.version = 2;
  ASSERT_TRUE(IsOk(store().AddRevision(r2)));

  EXPECT_TRUE(HasKind(store().AddRevision(r2), Kind::kConflict));
  Revision orphan = r2;
  orphan.practice_id = 424242;
  EXPECT_TRUE(HasKind(store().AddRevision(orphan), Kind::kNotFound));

  auto list = store().ListRevisions(p.id);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 2u);
  const Revision& second = (*list)[0];
  const Revision& first = (*list)[1];
  EXPECT_EQ(second.version, 2);
  EXPECT_EQ(second.practice_id, p.id);
  EXPECT_EQ(second.at, kT0 + 2);
  EXPECT_FALSE(second.actor_user_id.has_value());
  EXPECT_EQ(second.actor_label, "cli");
  EXPECT_EQ(second.action, "return");
  EXPECT_EQ(second.note, "Please say « how »");
  ExpectSamePractice(second.snapshot, r2.snapshot);
  EXPECT_EQ(second.snapshot.version, 2);
  EXPECT_FALSE(second.snapshot.published_at.has_value());
  EXPECT_THAT(second.snapshot.files, IsEmpty());

  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(first.actor_user_id, user_id_);
  EXPECT_EQ(first.actor_label, r1.actor_label);
  EXPECT_EQ(first.action, "create");
  EXPECT_EQ(first.snapshot.id, snapshot.id);
  EXPECT_EQ(first.snapshot.version, snapshot.version);
  EXPECT_EQ(first.snapshot.files, snapshot.files);
  ExpectSamePractice(first.snapshot, snapshot);

  EXPECT_THAT(store().ListRevisions(p.id + 1000).value(), IsEmpty());
}

// --- Messages ---------------------------------------------------------------------

TEST_F(PracticeStoresTest, MessagesComeBackWithIdsOldestFirst) {
  Practice p = CreateOk(Minimal("talk"));
  Practice other = CreateOk(Minimal("other"));
  Message later{0, p.id, kT0 + 20, true, user_id_, "Moderator Ana", "Could you add results?"};
  Message earlier{0, p.id, kT0 + 10, false, std::nullopt, "Contributor", "Here it is.\nThanks « é »"};
  auto a = store().AddMessage(later);
  ASSERT_TRUE(IsOk(a));
  EXPECT_GT(a->id, 0);
  later.id = a->id;
  EXPECT_EQ(*a, later);
  auto b = store().AddMessage(earlier);
  ASSERT_TRUE(IsOk(b));
  earlier.id = b->id;
  ASSERT_TRUE(IsOk(store().AddMessage(Message{0, other.id, kT0, false, std::nullopt, "X", "elsewhere"})));

  auto list = store().ListMessages(p.id);
  ASSERT_TRUE(IsOk(list));
  EXPECT_THAT(*list, ElementsAre(earlier, later));
  EXPECT_TRUE(
      HasKind(store().AddMessage(Message{0, 424242, kT0, false, std::nullopt, "X", "y"}), Kind::kNotFound));
}

// --- Adoptions --------------------------------------------------------------------

TEST_F(PracticeStoresTest, AdoptionsFillRegisteredNamesAndListOldestFirst) {
  Practice p = CreateOk(Minimal("adopted"));
  Adoption registered;
  registered.practice_id = p.id;
  registered.organisation = Party{ami_.id, "", "typed", "cso"};
  registered.country = "TUN";
  registered.start_date = "2019-02";
  registered.results = "It *worked*";
  registered.lang = "fr";
  registered.created_by = user_id_;
  registered.created_at = kT0 + 20;
  Adoption named;
  named.practice_id = p.id;
  named.organisation = Party{std::nullopt, "", "Village council", "local-authority"};
  named.country = "NER";
  named.end_date = "2020";
  named.created_at = kT0 + 10;

  auto a = store().AddAdoption(registered);
  ASSERT_TRUE(IsOk(a));
  EXPECT_GT(a->id, 0);
  Adoption want_a = registered;
  want_a.id = a->id;
  want_a.organisation = Party{ami_.id, "ami", "Aide aux Migrants", "cso"};
  EXPECT_EQ(*a, want_a);
  auto b = store().AddAdoption(named);
  ASSERT_TRUE(IsOk(b));
  Adoption want_b = named;
  want_b.id = b->id;
  EXPECT_EQ(*b, want_b);
  EXPECT_EQ(b->created_by, 0);
  EXPECT_FALSE(b->start_date.has_value());

  EXPECT_EQ(store().GetAdoption(a->id).value(), want_a);
  auto list = store().ListAdoptions(p.id);
  ASSERT_TRUE(IsOk(list));
  EXPECT_THAT(*list, ElementsAre(want_b, want_a));

  ASSERT_TRUE(IsOk(store().RemoveAdoption(b->id)));
  EXPECT_TRUE(HasKind(store().GetAdoption(b->id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().RemoveAdoption(b->id), Kind::kNotFound));
  EXPECT_THAT(store().ListAdoptions(p.id).value(), ElementsAre(want_a));

  Adoption orphan = named;
  orphan.practice_id = 424242;
  EXPECT_TRUE(HasKind(store().AddAdoption(orphan), Kind::kNotFound));
  Adoption unknown_org = named;
  unknown_org.organisation.org_id = 98765;
  EXPECT_TRUE(HasKind(store().AddAdoption(unknown_org), Kind::kNotFound));
}

// --- Collections ------------------------------------------------------------------

TEST_F(PracticeStoresTest, CollectionsConflictOnRepeatAndListBothWays) {
  Practice a = CreateOk(Minimal("a"));
  Practice b = CreateOk(Minimal("b"));
  Id g1 = CreateGroup("g1");
  Id g2 = CreateGroup("g2");
  ASSERT_TRUE(IsOk(store().AddCollection(Collection{g1, a.id, user_id_, kT0 + 1})));
  ASSERT_TRUE(IsOk(store().AddCollection(Collection{g1, b.id, 0, kT0 + 2})));
  ASSERT_TRUE(IsOk(store().AddCollection(Collection{g2, a.id, user_id_, kT0 + 3})));
  EXPECT_TRUE(HasKind(store().AddCollection(Collection{g1, a.id, user_id_, kT0 + 9}), Kind::kConflict));
  EXPECT_TRUE(HasKind(store().AddCollection(Collection{g1, 424242, user_id_, kT0}), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().AddCollection(Collection{424242, a.id, user_id_, kT0}), Kind::kNotFound));

  auto by_g1 = store().CollectedBy(g1);
  ASSERT_TRUE(IsOk(by_g1));
  EXPECT_THAT(*by_g1, ElementsAre(Collection{g1, b.id, 0, kT0 + 2}, Collection{g1, a.id, user_id_, kT0 + 1}));
  auto of_a = store().CollectionsOf(a.id);
  ASSERT_TRUE(IsOk(of_a));
  EXPECT_THAT(*of_a,
              ElementsAre(Collection{g1, a.id, user_id_, kT0 + 1}, Collection{g2, a.id, user_id_, kT0 + 3}));

  ASSERT_TRUE(IsOk(store().RemoveCollection(g1, a.id)));
  EXPECT_TRUE(HasKind(store().RemoveCollection(g1, a.id), Kind::kNotFound));
  EXPECT_THAT(store().CollectionsOf(a.id).value(), ElementsAre(Collection{g2, a.id, user_id_, kT0 + 3}));
  EXPECT_THAT(store().CollectedBy(g1).value(), ElementsAre(Collection{g1, b.id, 0, kT0 + 2}));
}

// --- Files ------------------------------------------------------------------------

TEST_F(PracticeStoresTest, FileBytesRoundTripExactlyIncludingNulAndFfBytes) {
  Practice p = CreateOk(Minimal("files"));
  const std::string bytes = std::string("%PDF-1.7\0\xff\xfe\0\x80", 14) + BinaryBytes(300'000) + "\xff\0"s;
  clock_.SetMs(kT0 + 42);
  auto added = store().AddFile(File{0, p.id, "report « é ».pdf", "application/pdf", 0, "", 0}, bytes);
  ASSERT_TRUE(IsOk(added));
  EXPECT_GT(added->id, 0);
  EXPECT_EQ(added->practice_id, p.id);
  EXPECT_EQ(added->created_at, kT0 + 42);
  EXPECT_EQ(added->size, static_cast<std::int64_t>(bytes.size()));
  EXPECT_EQ(added->sha256.size(), 64u);

  auto got = store().GetFile(added->id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, *added);
  auto back = store().FileBytes(added->id);
  ASSERT_TRUE(IsOk(back));
  EXPECT_EQ(back->size(), bytes.size());
  EXPECT_TRUE(*back == bytes);

  // An empty file and a given created_at.
  auto empty = store().AddFile(File{0, p.id, "empty.png", "image/png", 0, "", kT0 + 1}, "");
  ASSERT_TRUE(IsOk(empty));
  EXPECT_EQ(empty->created_at, kT0 + 1);
  EXPECT_EQ(empty->size, 0);
  EXPECT_EQ(store().FileBytes(empty->id).value(), "");

  // The practice carries its files, in upload order.
  EXPECT_THAT(store().Get(p.id)->files, ElementsAre(*added, *empty));

  ASSERT_TRUE(IsOk(store().RemoveFile(added->id)));
  EXPECT_TRUE(HasKind(store().GetFile(added->id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().FileBytes(added->id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().RemoveFile(added->id), Kind::kNotFound));
  EXPECT_THAT(store().Get(p.id)->files, ElementsAre(*empty));
}

TEST_F(PracticeStoresTest, TheSameBytesAreStoredOncePerPractice) {
  Practice p = CreateOk(Minimal("p"));
  Practice q = CreateOk(Minimal("q"));
  auto first = store().AddFile(File{0, p.id, "a.pdf", "application/pdf", 0, "", kT0}, "\0same"s);
  ASSERT_TRUE(IsOk(first));
  auto again = store().AddFile(File{0, p.id, "b.pdf", "application/pdf", 0, "", kT0 + 1}, "\0same"s);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(*again, *first);
  auto elsewhere = store().AddFile(File{0, q.id, "b.pdf", "application/pdf", 0, "", kT0 + 1}, "\0same"s);
  ASSERT_TRUE(IsOk(elsewhere));
  EXPECT_NE(elsewhere->id, first->id);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM practice_files"), 2);
  EXPECT_TRUE(HasKind(store().AddFile(File{0, 424242, "x.pdf", "application/pdf", 0, "", kT0}, "x"),
                      Kind::kNotFound));
}

// --- Terms ------------------------------------------------------------------------

TEST_F(PracticeStoresTest, TermsAreSavedReplacedAndListedByVocabularyPositionCode) {
  EXPECT_THAT(terms().List().value(), IsEmpty());
  Term response{"phase", "response", "", {{"en", "Emergency response"}, {"fr", "Réponse"}}, 2, true};
  Term preparedness{"phase", "preparedness", "", {{"en", "Preparedness"}}, 1, true};
  Term b{"theme", "b-theme", "response", {{"en", "B"}}, 1, true};
  Term a{"theme", "a-theme", "response", {}, 1, true};
  Term actor{"actor", "state", "", {{"es", "Estado"}}, 9, false};
  for (const Term& t : {response, preparedness, b, a, actor}) ASSERT_TRUE(IsOk(terms().Save(t)));
  auto list = terms().List();
  ASSERT_TRUE(IsOk(list));
  EXPECT_THAT(*list, ElementsAre(actor, preparedness, response, a, b));

  Term replaced{"phase", "response", "", {{"es", "Respuesta"}}, 0, false};
  ASSERT_TRUE(IsOk(terms().Save(replaced)));
  list = terms().List();
  ASSERT_TRUE(IsOk(list));
  EXPECT_THAT(*list, ElementsAre(actor, replaced, preparedness, a, b));
}

// --- Units of work ----------------------------------------------------------------

TEST_F(PracticeStoresTest, AFailedUnitOfWorkLeavesNothingBehind) {
  Practice existing = CreateOk(Full("existing"));
  Status s = accounts_.unit->Run([&]() -> Status {
    auto created = store().Create(Full("doomed"));
    if (!created.ok()) return created.status();
    WM_RETURN_IF_ERROR(
        store().AddFile(File{0, created->id, "x.pdf", "application/pdf", 0, "", kT0}, "\0x"s).status());
    auto modified = store().Modify(existing.id, [](Practice p) -> Result<Practice> {
      p.contacts = "changed";
      return p;
    });
    if (!modified.ok()) return modified.status();
    Revision r;
    r.practice_id = created->id;
    r.version = 1;
    r.action = "create";
    r.snapshot = *created;
    WM_RETURN_IF_ERROR(store().AddRevision(r));
    WM_RETURN_IF_ERROR(
        store().AddMessage(Message{0, created->id, kT0, false, std::nullopt, "X", "y"}).status());
    WM_RETURN_IF_ERROR(terms().Save(Term{"type", "doomed", "", {}, 0, true}));
    return Status::Internal("the audit log is full");
  });
  EXPECT_TRUE(HasKind(s, Kind::kInternal));
  EXPECT_EQ(store().SlugTaken("doomed").value(), false);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM practices"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM practice_files"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM practice_revisions"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM practice_messages"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM practice_terms"), 0);
  auto got = store().Get(existing.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->contacts, Full("existing").contacts);
}

TEST_F(PracticeStoresTest, ASuccessfulUnitOfWorkCommitsEveryStoreCall) {
  Status s = accounts_.unit->Run([&]() -> Status {
    auto created = store().Create(Full("kept"));
    if (!created.ok()) return created.status();
    auto modified = store().Modify(created->id, [](Practice p) -> Result<Practice> {
      p.contacts = "changed";
      return p;
    });
    return modified.status();
  });
  ASSERT_TRUE(IsOk(s));
  auto got = store().FindBySlug("kept");
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->contacts, "changed");
}

// --- Copy -------------------------------------------------------------------------

// `waymark copy` carries practices, their rows and file bytes across backends:
// this backend -> SQLite -> a fresh database on this backend.
TEST_F(PracticeStoresTest, CopyCarriesPracticesAndFileBytesAcrossBackends) {
  Practice p = CreateOk(Full("copied"));
  Practice merged = Minimal("merged");
  merged.lifecycle = Lifecycle::kMerged;
  merged = CreateOk(merged);
  // An older practice merged into a newer one.
  ASSERT_TRUE(IsOk(store().Modify(p.id, [&](Practice x) -> Result<Practice> {
    x.merged_into = merged.id;
    return x;
  })));
  const std::string bytes = BinaryBytes(70'000);
  auto f = store().AddFile(File{0, p.id, "a.pdf", "application/pdf", 0, "", kT0}, bytes);
  ASSERT_TRUE(IsOk(f));
  Revision r;
  r.practice_id = p.id;
  r.version = 1;
  r.action = "create";
  r.snapshot = p;
  ASSERT_TRUE(IsOk(store().AddRevision(r)));
  ASSERT_TRUE(IsOk(store().AddMessage(Message{0, p.id, kT0, true, user_id_, "Ana", "Hello"})));
  Adoption a;
  a.practice_id = p.id;
  a.organisation = Party{zeta_.id, "", "", ""};
  a.created_by = user_id_;
  a.created_at = kT0;
  ASSERT_TRUE(IsOk(store().AddAdoption(a)));
  Id group = CreateGroup("g");
  ASSERT_TRUE(IsOk(store().AddCollection(Collection{group, p.id, user_id_, kT0})));
  ASSERT_TRUE(IsOk(terms().Save(Term{"phase", "response", "", {{"en", "Response"}}, 1, true})));

  auto middle = TestDatabase::Create(Backend::kSqlite, true, clock_);
  ASSERT_TRUE(IsOk(middle));
  ASSERT_TRUE(IsOk(storage::CopyDatabase(db(), (*middle)->db(), false, 50, nullptr)));
  auto last = TestDatabase::Create(BackendUnderTest(), true, clock_);
  ASSERT_TRUE(IsOk(last));
  ASSERT_TRUE(IsOk(storage::CopyDatabase((*middle)->db(), (*last)->db(), false, 50, nullptr)));

  storage::PracticeStores copied((*last)->db(), clock_);
  auto got = copied.practices().Get(p.id);
  ASSERT_TRUE(IsOk(got));
  auto original = store().Get(p.id);
  ASSERT_TRUE(IsOk(original));
  ExpectSamePractice(*got, *original);
  EXPECT_EQ(got->files, original->files);
  EXPECT_EQ(copied.practices().FileBytes(f->id).value(), bytes);
  EXPECT_EQ(copied.practices().ListRevisions(p.id)->size(), 1u);
  EXPECT_EQ(copied.practices().ListMessages(p.id).value(), store().ListMessages(p.id).value());
  EXPECT_EQ(copied.practices().ListAdoptions(p.id).value(), store().ListAdoptions(p.id).value());
  EXPECT_EQ(copied.practices().CollectionsOf(p.id).value(), store().CollectionsOf(p.id).value());
  EXPECT_EQ(copied.terms().List().value(), terms().List().value());
  // New rows continue after the copied ids.
  auto next = copied.practices().Create(Minimal("after-copy"));
  ASSERT_TRUE(IsOk(next));
  EXPECT_GT(next->id, merged.id);
}

}  // namespace
}  // namespace waymark::conformance
