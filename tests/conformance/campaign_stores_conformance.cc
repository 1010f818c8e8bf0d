// Conformance of the campaigns stores (domain/campaigns/stores.h) and of the
// search change feed (search::ChangeFeed), run against each backend:
// campaign_stores_test (SQLite) and campaign_stores_pgtest (PostgreSQL; needs
// WAYMARK_TEST_PG_URL). See backend.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "backend.h"
#include "domain/accounts/stores.h"
#include "domain/campaigns/stores.h"
#include "domain/search/search.h"
#include "storage/accounts/account_stores.h"
#include "storage/campaigns/campaign_stores.h"
#include "storage/copy.h"

namespace waymark::conformance {
namespace {

using campaigns::Campaign;
using campaigns::Figure;
using campaigns::Id;
using campaigns::Lifecycle;
using campaigns::LocalText;
using campaigns::Media;
using campaigns::OrgRef;
using campaigns::Revision;
using campaigns::Stage;
using campaigns::Theme;
using campaigns::Visibility;
using Kind = Status::Kind;
using namespace std::string_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr TimestampMs kT0 = 1'700'000'000'000;

// Every byte value, NULs included, and more than one page of them.
std::string BinaryBytes(std::size_t n) {
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>((i * 7 + i / 256) % 256));
  return out;
}

class CampaignStoresTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    account_stores_ = std::make_unique<storage::AccountStores>(db());
    accounts_ = account_stores_->stores();
    stores_ = std::make_unique<storage::CampaignStores>(db(), clock_);
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

  campaigns::CampaignStore& campaigns() { return stores_->campaigns(); }
  campaigns::ThemeStore& themes() { return stores_->themes(); }
  campaigns::MediaStore& media() { return stores_->media(); }
  search::ChangeFeed& feed() { return stores_->feed(); }

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

  // A campaign with every field set.
  Campaign Full(const std::string& slug) {
    Campaign c;
    c.slug = slug;
    c.texts["en"] =
        LocalText{"I am an Immigrant", "Posters across the Underground", "**Bold** body\nline two"};
    c.texts["fr"] = LocalText{"Je suis un immigré", "Des affiches", "Corps « français » — é"};
    c.organisation = OrgRef{jed_.id, "", ""};
    c.partners = {OrgRef{zeta_.id, "", ""}, OrgRef{ami_.id, "", ""}};
    c.countries = {"GRC", "GBR", "ESP"};
    c.themes = {"xenophobia", "inclusion", "public-perception"};
    c.channels = {"posters", "social_media", "events"};
    c.audiences = {"young people", "commuters"};
    c.start_date = "2015-05-01";
    c.end_date = "2015-12-31";
    c.stage = Stage::kEnded;
    c.lifecycle = Lifecycle::kPublished;
    c.visibility = Visibility::kMembers;
    c.outcomes = "Reached *many*.";
    c.figures = {Figure{"reach", 1'200'000}, Figure{"press mentions", 45}, Figure{"negative", -3}};
    c.video_links = {"https://video.example/1", "https://video.example/2"};
    c.licence = "cc-by-sa";
    c.contact = "press@jed.example";
    c.return_reason = "needs a summary";
    c.hidden = false;
    c.created_by = user_id_;
    c.created_at = kT0;
    c.updated_at = kT0 + 5;
    c.published_at = kT0 + 10;
    return c;
  }

  // A minimal draft.
  Campaign Minimal(const std::string& slug, const OrgRef& org) {
    Campaign c;
    c.slug = slug;
    c.texts["en"] = LocalText{"Title " + slug, "", ""};
    c.organisation = OrgRef{org.id, "", ""};
    c.created_at = kT0;
    c.updated_at = kT0;
    return c;
  }

  Campaign CreateOk(const Campaign& c) {
    auto created = campaigns().Create(c);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : Campaign{};
  }

  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores accounts_{};
  std::unique_ptr<storage::CampaignStores> stores_;
  OrgRef jed_, ami_, zeta_;
  Id user_id_ = 0;
};

// Every field but id and version.
void ExpectSameCampaign(const Campaign& got, const Campaign& want) {
  EXPECT_EQ(got.slug, want.slug);
  EXPECT_EQ(got.texts, want.texts);
  EXPECT_EQ(got.organisation.id, want.organisation.id);
  EXPECT_EQ(got.organisation.slug, want.organisation.slug);
  EXPECT_EQ(got.organisation.name, want.organisation.name);
  ASSERT_EQ(got.partners.size(), want.partners.size());
  for (std::size_t i = 0; i < got.partners.size(); ++i) {
    EXPECT_EQ(got.partners[i].id, want.partners[i].id);
    EXPECT_EQ(got.partners[i].slug, want.partners[i].slug);
    EXPECT_EQ(got.partners[i].name, want.partners[i].name);
  }
  EXPECT_EQ(got.countries, want.countries);
  EXPECT_EQ(got.themes, want.themes);
  EXPECT_EQ(got.channels, want.channels);
  EXPECT_EQ(got.audiences, want.audiences);
  EXPECT_EQ(got.start_date, want.start_date);
  EXPECT_EQ(got.end_date, want.end_date);
  EXPECT_EQ(got.stage, want.stage);
  EXPECT_EQ(got.lifecycle, want.lifecycle);
  EXPECT_EQ(got.visibility, want.visibility);
  EXPECT_EQ(got.outcomes, want.outcomes);
  EXPECT_EQ(got.figures, want.figures);
  EXPECT_EQ(got.video_links, want.video_links);
  EXPECT_EQ(got.media, want.media);
  EXPECT_EQ(got.licence, want.licence);
  EXPECT_EQ(got.contact, want.contact);
  EXPECT_EQ(got.adapted_from, want.adapted_from);
  EXPECT_EQ(got.return_reason, want.return_reason);
  EXPECT_EQ(got.hidden, want.hidden);
  EXPECT_EQ(got.created_by, want.created_by);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  EXPECT_EQ(got.published_at, want.published_at);
}

std::vector<std::string> Slugs(const std::vector<Campaign>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(c.slug);
  return out;
}

// --- CampaignStore: create and read -----------------------------------------------

TEST_F(CampaignStoresTest, CreateReturnsEveryFieldAsStoredWithNamesAndSortedCodes) {
  auto created = campaigns().Create(Full("i-am-an-immigrant"));
  ASSERT_TRUE(IsOk(created));
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->version, 1);

  Campaign want = Full("i-am-an-immigrant");
  want.organisation = jed_;
  want.partners = {zeta_, ami_};  // in the order given
  want.countries = {"ESP", "GBR", "GRC"};
  want.themes = {"inclusion", "public-perception", "xenophobia"};
  ExpectSameCampaign(*created, want);

  auto got = campaigns().Get(created->id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->id, created->id);
  EXPECT_EQ(got->version, 1);
  ExpectSameCampaign(*got, want);

  auto by_slug = campaigns().FindBySlug("i-am-an-immigrant");
  ASSERT_TRUE(IsOk(by_slug));
  EXPECT_EQ(by_slug->id, created->id);
  ExpectSameCampaign(*by_slug, want);
}

TEST_F(CampaignStoresTest, CreateIgnoresGivenIdVersionAndMedia) {
  Campaign c = Minimal("m", jed_);
  c.id = 999;
  c.version = 7;
  c.media.push_back(Media{5, 5, "x.png", "image/png", 3, "abc", "", kT0});
  auto created = campaigns().Create(c);
  ASSERT_TRUE(IsOk(created));
  EXPECT_NE(created->id, 999);
  EXPECT_EQ(created->version, 1);
  EXPECT_THAT(created->media, IsEmpty());
}

TEST_F(CampaignStoresTest, MinimalCampaignRoundTripsEmptyAndNullFields) {
  Campaign c = Minimal("minimal", jed_);
  auto created = campaigns().Create(c);
  ASSERT_TRUE(IsOk(created));
  auto got = campaigns().Get(created->id);
  ASSERT_TRUE(IsOk(got));
  Campaign want = c;
  want.organisation = jed_;
  ExpectSameCampaign(*got, want);
  EXPECT_FALSE(got->start_date.has_value());
  EXPECT_FALSE(got->published_at.has_value());
  EXPECT_FALSE(got->adapted_from.has_value());
  EXPECT_EQ(got->created_by, 0);
  EXPECT_EQ(got->stage, Stage::kIdea);
  EXPECT_EQ(got->lifecycle, Lifecycle::kDraft);
  EXPECT_EQ(got->visibility, Visibility::kPublic);
}

TEST_F(CampaignStoresTest, DuplicateSlugIsConflictAndSlugTakenSaysSo) {
  CreateOk(Minimal("taken", jed_));
  EXPECT_TRUE(HasKind(campaigns().Create(Minimal("taken", ami_)), Kind::kConflict));
  EXPECT_EQ(campaigns().SlugTaken("taken").value(), true);
  EXPECT_EQ(campaigns().SlugTaken("free").value(), false);
  EXPECT_EQ(campaigns().Count().value(), 1);
  // The failed insert left no child rows behind.
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM campaign_texts"), 1);
}

TEST_F(CampaignStoresTest, UnknownIdOrSlugIsNotFound) {
  EXPECT_TRUE(HasKind(campaigns().Get(12345), Kind::kNotFound));
  EXPECT_TRUE(HasKind(campaigns().FindBySlug("nope"), Kind::kNotFound));
  EXPECT_TRUE(
      HasKind(campaigns().Modify(12345, [](Campaign c) -> Result<Campaign> { return c; }), Kind::kNotFound));
  EXPECT_TRUE(HasKind(campaigns().SetHidden(12345, true), Kind::kNotFound));
}

TEST_F(CampaignStoresTest, CreateForUnknownOrganisationFails) {
  Campaign c = Minimal("orphan", OrgRef{98765, "", ""});
  auto created = campaigns().Create(c);
  EXPECT_FALSE(created.ok());
  EXPECT_EQ(campaigns().Count().value(), 0);
}

TEST_F(CampaignStoresTest, GetManyKeepsTheOrderOfIdsAndSkipsUnknownOnes) {
  Campaign a = CreateOk(Full("a"));
  Campaign b = CreateOk(Minimal("b", ami_));
  Campaign c = CreateOk(Minimal("c", zeta_));
  auto many = campaigns().GetMany({c.id, 424242, a.id, b.id});
  ASSERT_TRUE(IsOk(many));
  EXPECT_THAT(Slugs(*many), ElementsAre("c", "a", "b"));
  // Lists are filled in for each.
  EXPECT_EQ((*many)[1].partners.size(), 2u);
  EXPECT_EQ((*many)[1].texts.size(), 2u);
  EXPECT_EQ((*many)[0].organisation.slug, "zeta");
  auto none = campaigns().GetMany({});
  ASSERT_TRUE(IsOk(none));
  EXPECT_THAT(*none, IsEmpty());
}

TEST_F(CampaignStoresTest, GetManyHandlesMoreIdsThanOneBatch) {
  std::vector<Id> ids;
  for (int i = 0; i < 70; ++i) ids.push_back(CreateOk(Minimal("c" + std::to_string(i), jed_)).id);
  std::reverse(ids.begin(), ids.end());
  auto many = campaigns().GetMany(ids);
  ASSERT_TRUE(IsOk(many));
  ASSERT_EQ(many->size(), 70u);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ((*many)[i].id, ids[i]);
    EXPECT_EQ((*many)[i].texts.at("en").title, "Title " + (*many)[i].slug);
  }
}

TEST_F(CampaignStoresTest, ListIdsPagesInIdOrderAndCountCounts) {
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(CreateOk(Minimal("c" + std::to_string(i), jed_)).id);
  auto first = campaigns().ListIds(0, 3);
  ASSERT_TRUE(IsOk(first));
  EXPECT_THAT(*first, ElementsAre(ids[0], ids[1], ids[2]));
  auto rest = campaigns().ListIds(ids[2], 10);
  ASSERT_TRUE(IsOk(rest));
  EXPECT_THAT(*rest, ElementsAre(ids[3], ids[4]));
  EXPECT_EQ(campaigns().Count().value(), 5);
}

// --- CampaignStore: Modify --------------------------------------------------------

TEST_F(CampaignStoresTest, ModifyWritesEveryFieldButTheFixedOnesAndBumpsTheVersion) {
  Campaign original = CreateOk(Full("full"));
  auto modified = campaigns().Modify(original.id, [&](Campaign c) -> Result<Campaign> {
    EXPECT_EQ(c.version, 1);
    c.slug = "renamed";  // ignored
    c.created_at = 1;    // ignored
    c.created_by = 0;    // ignored
    c.texts.erase("fr");
    c.texts["es"] = LocalText{"Soy un inmigrante", "Carteles", "Cuerpo"};
    c.organisation = OrgRef{ami_.id, "", ""};
    c.partners = {OrgRef{jed_.id, "", ""}};
    c.countries = {"FRA"};
    c.themes = {"gender"};
    c.channels = {"press"};
    c.audiences = {};
    c.start_date.reset();
    c.end_date = "2016-01-31";
    c.stage = Stage::kRunning;
    c.lifecycle = Lifecycle::kReturned;
    c.visibility = Visibility::kOrganisation;
    c.outcomes = "";
    c.figures = {Figure{"reach", 5}};
    c.video_links = {};
    c.licence = "cc0";
    c.contact = "";
    c.return_reason = "";
    c.hidden = true;
    c.updated_at = kT0 + 100;
    c.published_at.reset();
    return c;
  });
  ASSERT_TRUE(IsOk(modified));
  EXPECT_EQ(modified->version, 2);
  EXPECT_EQ(modified->id, original.id);
  EXPECT_EQ(modified->slug, "full");
  EXPECT_EQ(modified->created_at, kT0);
  EXPECT_EQ(modified->created_by, user_id_);
  EXPECT_EQ(modified->organisation.slug, "ami");
  ASSERT_EQ(modified->partners.size(), 1u);
  EXPECT_EQ(modified->partners[0].name, "Jeunesse en Détresse");

  auto got = campaigns().Get(original.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 2);
  ExpectSameCampaign(*got, *modified);
  EXPECT_EQ(got->texts.size(), 2u);
  EXPECT_EQ(got->texts.count("fr"), 0u);
  EXPECT_THAT(got->countries, ElementsAre("FRA"));
  EXPECT_THAT(got->audiences, IsEmpty());
  EXPECT_FALSE(got->start_date.has_value());
  EXPECT_TRUE(got->hidden);
  EXPECT_EQ(got->lifecycle, Lifecycle::kReturned);
  // Children were replaced, not added to.
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM campaign_countries"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM campaign_channels"), 1);

  auto third = campaigns().Modify(original.id, [](Campaign c) -> Result<Campaign> { return c; });
  ASSERT_TRUE(IsOk(third));
  EXPECT_EQ(third->version, 3);
}

TEST_F(CampaignStoresTest, ModifyWithAStaleVersionReturnsTheChangesConflictAndWritesNothing) {
  Campaign c = CreateOk(Full("stale"));
  const std::int64_t expected = 0;  // what a stale form would carry
  auto result = campaigns().Modify(c.id, [&](Campaign x) -> Result<Campaign> {
    if (x.version != expected) return Status::Conflict("changed by someone else");
    x.outcomes = "should not land";
    return x;
  });
  ASSERT_TRUE(HasKind(result, Kind::kConflict));
  EXPECT_EQ(result.status().message(), "changed by someone else");
  auto got = campaigns().Get(c.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->outcomes, "Reached *many*.");
}

TEST_F(CampaignStoresTest, ModifyThatFailsHalfwayLeavesTheCampaignAsItWas) {
  Campaign c = CreateOk(Full("half"));
  auto result = campaigns().Modify(c.id, [](Campaign x) -> Result<Campaign> {
    x.outcomes = "changed";
    x.themes = {"no-such-theme"};  // violates the themes foreign key after the update
    return x;
  });
  EXPECT_FALSE(result.ok());
  auto got = campaigns().Get(c.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->outcomes, "Reached *many*.");
  EXPECT_EQ(got->themes.size(), 3u);
}

TEST_F(CampaignStoresTest, ConcurrentModifiesFromTwoThreadsAreSerialised) {
  Campaign c = Minimal("busy", jed_);
  c.figures = {Figure{"counter", 0}};
  c = CreateOk(c);
  constexpr int kThreads = 2;
  constexpr int kPerThread = 15;
  std::atomic<int> failures{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        auto r = campaigns().Modify(c.id, [&](Campaign x) -> Result<Campaign> {
          x.figures[0].value += 1;
          x.audiences.push_back("t" + std::to_string(t) + "-" + std::to_string(i));
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
  auto got = campaigns().Get(c.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1 + kThreads * kPerThread);
  ASSERT_EQ(got->figures.size(), 1u);
  EXPECT_EQ(got->figures[0].value, kThreads * kPerThread);
  EXPECT_EQ(got->audiences.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

// --- CampaignStore: lists ---------------------------------------------------------

TEST_F(CampaignStoresTest, ListPublishedIsPublicVisibleNewestPublicationFirst) {
  auto make = [&](const std::string& slug, Lifecycle l, Visibility v, bool hidden, TimestampMs published) {
    Campaign c = Minimal(slug, jed_);
    c.lifecycle = l;
    c.visibility = v;
    c.hidden = hidden;
    if (published) c.published_at = published;
    return CreateOk(c);
  };
  make("old", Lifecycle::kPublished, Visibility::kPublic, false, kT0 + 1);
  make("new", Lifecycle::kPublished, Visibility::kPublic, false, kT0 + 3);
  make("mid", Lifecycle::kPublished, Visibility::kPublic, false, kT0 + 2);
  make("members", Lifecycle::kPublished, Visibility::kMembers, false, kT0 + 4);
  make("own-org", Lifecycle::kPublished, Visibility::kOrganisation, false, kT0 + 4);
  make("hidden", Lifecycle::kPublished, Visibility::kPublic, true, kT0 + 5);
  make("draft", Lifecycle::kDraft, Visibility::kPublic, false, 0);
  make("submitted", Lifecycle::kSubmitted, Visibility::kPublic, false, 0);
  make("archived", Lifecycle::kArchived, Visibility::kPublic, false, kT0 + 6);

  auto all = campaigns().ListPublished(10);
  ASSERT_TRUE(IsOk(all));
  EXPECT_THAT(Slugs(*all), ElementsAre("new", "mid", "old"));
  auto two = campaigns().ListPublished(2);
  ASSERT_TRUE(IsOk(two));
  EXPECT_THAT(Slugs(*two), ElementsAre("new", "mid"));
}

TEST_F(CampaignStoresTest, ListByOrganisationIsEveryLifecycleNewestUpdateFirst) {
  auto make = [&](const std::string& slug, const OrgRef& org, Lifecycle l, TimestampMs updated) {
    Campaign c = Minimal(slug, org);
    c.lifecycle = l;
    c.updated_at = updated;
    return CreateOk(c);
  };
  make("a", jed_, Lifecycle::kDraft, kT0 + 1);
  make("b", jed_, Lifecycle::kPublished, kT0 + 3);
  make("c", jed_, Lifecycle::kArchived, kT0 + 2);
  make("other", ami_, Lifecycle::kDraft, kT0 + 9);
  auto listed = campaigns().ListByOrganisation(jed_.id, 10);
  ASSERT_TRUE(IsOk(listed));
  EXPECT_THAT(Slugs(*listed), ElementsAre("b", "c", "a"));
  auto limited = campaigns().ListByOrganisation(jed_.id, 1);
  ASSERT_TRUE(IsOk(limited));
  EXPECT_THAT(Slugs(*limited), ElementsAre("b"));
  // A partner is not the lead.
  auto ami = campaigns().ListByOrganisation(ami_.id, 10);
  ASSERT_TRUE(IsOk(ami));
  EXPECT_THAT(Slugs(*ami), ElementsAre("other"));
}

TEST_F(CampaignStoresTest, ListByLifecycleIsOldestUpdateFirst) {
  auto make = [&](const std::string& slug, Lifecycle l, TimestampMs updated) {
    Campaign c = Minimal(slug, jed_);
    c.lifecycle = l;
    c.updated_at = updated;
    return CreateOk(c);
  };
  make("s-late", Lifecycle::kSubmitted, kT0 + 3);
  make("s-early", Lifecycle::kSubmitted, kT0 + 1);
  make("d", Lifecycle::kDraft, kT0);
  make("s-mid", Lifecycle::kSubmitted, kT0 + 2);
  auto queue = campaigns().ListByLifecycle(Lifecycle::kSubmitted, 10);
  ASSERT_TRUE(IsOk(queue));
  EXPECT_THAT(Slugs(*queue), ElementsAre("s-early", "s-mid", "s-late"));
  auto limited = campaigns().ListByLifecycle(Lifecycle::kSubmitted, 2);
  ASSERT_TRUE(IsOk(limited));
  EXPECT_THAT(Slugs(*limited), ElementsAre("s-early", "s-mid"));
  auto none = campaigns().ListByLifecycle(Lifecycle::kReturned, 10);
  ASSERT_TRUE(IsOk(none));
  EXPECT_THAT(*none, IsEmpty());
}

TEST_F(CampaignStoresTest, ListAdaptationsIsTheDirectChildrenByCreation) {
  Campaign origin = CreateOk(Full("origin"));
  auto adapt = [&](const std::string& slug, Id from, TimestampMs at) {
    Campaign c = Minimal(slug, ami_);
    c.adapted_from = from;
    c.created_at = at;
    return CreateOk(c);
  };
  Campaign second = adapt("second", origin.id, kT0 + 2);
  adapt("first", origin.id, kT0 + 1);
  adapt("grandchild", second.id, kT0 + 3);
  auto children = campaigns().ListAdaptations(origin.id);
  ASSERT_TRUE(IsOk(children));
  EXPECT_THAT(Slugs(*children), ElementsAre("first", "second"));
  EXPECT_EQ(children->front().adapted_from, origin.id);
  auto grand = campaigns().ListAdaptations(second.id);
  ASSERT_TRUE(IsOk(grand));
  EXPECT_THAT(Slugs(*grand), ElementsAre("grandchild"));
}

TEST_F(CampaignStoresTest, SetHiddenFlipsTheFlagWithoutANewVersion) {
  Campaign c = CreateOk(Full("flag"));
  ASSERT_TRUE(IsOk(campaigns().SetHidden(c.id, true)));
  auto got = campaigns().Get(c.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_TRUE(got->hidden);
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->updated_at, c.updated_at);
  ASSERT_TRUE(IsOk(campaigns().SetHidden(c.id, false)));
  EXPECT_FALSE(campaigns().Get(c.id)->hidden);
}

// --- Revisions -------------------------------------------------------------------

TEST_F(CampaignStoresTest, RevisionsRoundTripTheirSnapshotAndListNewestFirst) {
  Campaign c = CreateOk(Full("revised"));
  auto added =
      media().Add(Media{0, c.id, "poster.png", "image/png", 0, "", "The poster", kT0}, BinaryBytes(10));
  ASSERT_TRUE(IsOk(added));
  Campaign snapshot = campaigns().Get(c.id).value();
  ASSERT_EQ(snapshot.media.size(), 1u);
  snapshot.adapted_from = 77;  // every optional set
  snapshot.hidden = true;

  Revision r1;
  r1.campaign_id = c.id;
  r1.version = 1;
  r1.at = kT0 + 1;
  r1.actor_user_id = user_id_;
  r1.actor_label = "user:" + std::to_string(user_id_);
  r1.action = "create";
  r1.changed = {};
  r1.snapshot = snapshot;
  ASSERT_TRUE(IsOk(campaigns().AddRevision(r1)));

  Revision r2 = r1;
  r2.version = 2;
  r2.at = kT0 + 2;
  r2.actor_user_id.reset();
  r2.actor_label = "cli";
  r2.action = "update";
  r2.changed = {"title.en", "countries"};
  r2.snapshot = Minimal("revised", jed_);
  r2.snapshot.id = c.id;
  r2.snapshot.organisation = jed_;
  r2.snapshot.version = 2;
  ASSERT_TRUE(IsOk(campaigns().AddRevision(r2)));

  EXPECT_TRUE(HasKind(campaigns().AddRevision(r2), Kind::kConflict));

  auto list = campaigns().ListRevisions(c.id);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].version, 2);
  EXPECT_EQ((*list)[1].version, 1);
  EXPECT_FALSE((*list)[0].actor_user_id.has_value());
  EXPECT_EQ((*list)[0].actor_label, "cli");
  EXPECT_THAT((*list)[0].changed, ElementsAre("title.en", "countries"));

  auto got = campaigns().GetRevision(c.id, 1);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->campaign_id, c.id);
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->at, kT0 + 1);
  EXPECT_EQ(got->actor_user_id, user_id_);
  EXPECT_EQ(got->actor_label, r1.actor_label);
  EXPECT_EQ(got->action, "create");
  EXPECT_THAT(got->changed, IsEmpty());
  EXPECT_EQ(got->snapshot.id, snapshot.id);
  EXPECT_EQ(got->snapshot.version, snapshot.version);
  ExpectSameCampaign(got->snapshot, snapshot);

  auto second = campaigns().GetRevision(c.id, 2);
  ASSERT_TRUE(IsOk(second));
  ExpectSameCampaign(second->snapshot, r2.snapshot);
  EXPECT_FALSE(second->snapshot.published_at.has_value());
  EXPECT_FALSE(second->snapshot.start_date.has_value());

  EXPECT_TRUE(HasKind(campaigns().GetRevision(c.id, 3), Kind::kNotFound));
  auto other = campaigns().ListRevisions(c.id + 1000);
  ASSERT_TRUE(IsOk(other));
  EXPECT_THAT(*other, IsEmpty());
}

// --- Themes ---------------------------------------------------------------------

TEST_F(CampaignStoresTest, ThemesAreSeededWithLabelsInEveryLanguageOrderedByCode) {
  auto list = themes().List();
  ASSERT_TRUE(IsOk(list));
  std::vector<std::string> codes;
  for (const auto& t : *list) {
    codes.push_back(t.code);
    EXPECT_TRUE(t.active) << t.code;
    EXPECT_EQ(t.labels.size(), 3u) << t.code;
    EXPECT_EQ(t.labels.count("en") + t.labels.count("fr") + t.labels.count("es"), 3u) << t.code;
  }
  EXPECT_THAT(codes, ElementsAre("children", "civic-participation", "climate-environment", "education",
                                 "gender", "health", "inclusion", "integration", "labour-rights",
                                 "protection", "public-perception", "returns", "xenophobia"));
  const Theme& xeno = list->back();
  EXPECT_EQ(xeno.Label("fr"), "Xénophobie");
  EXPECT_EQ(xeno.Label("es"), "Xenofobia");
}

TEST_F(CampaignStoresTest, SaveThemeInsertsOrReplacesByCode) {
  Theme t;
  t.code = "anti-racism";
  t.labels = {{"en", "Anti-racism"}, {"fr", "Antiracisme"}};
  ASSERT_TRUE(IsOk(themes().Save(t)));
  Theme retired;
  retired.code = "returns";
  retired.labels = {{"en", "Voluntary returns"}};
  retired.active = false;
  ASSERT_TRUE(IsOk(themes().Save(retired)));

  auto list = themes().List();
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 14u);
  EXPECT_EQ(list->front().code, "anti-racism");
  EXPECT_EQ(list->front().labels, t.labels);
  EXPECT_TRUE(list->front().active);
  auto it = std::find_if(list->begin(), list->end(), [](const Theme& x) { return x.code == "returns"; });
  ASSERT_NE(it, list->end());
  EXPECT_FALSE(it->active);
  EXPECT_EQ(it->labels, retired.labels);
  // A new theme can be used at once.
  Campaign c = Minimal("themed", jed_);
  c.themes = {"anti-racism"};
  EXPECT_THAT(CreateOk(c).themes, ElementsAre("anti-racism"));
}

// --- Media ----------------------------------------------------------------------

TEST_F(CampaignStoresTest, MediaBytesRoundTripExactlyIncludingNulBytes) {
  Campaign c = CreateOk(Full("media"));
  const std::string bytes = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + BinaryBytes(300'000);
  Media m{0, c.id, "poster.png", "image/png", 0, "", "Caption « é »", 0};
  clock_.SetMs(kT0 + 42);
  auto added = media().Add(m, bytes);
  ASSERT_TRUE(IsOk(added));
  EXPECT_GT(added->id, 0);
  EXPECT_EQ(added->created_at, kT0 + 42);
  EXPECT_EQ(added->size, static_cast<std::int64_t>(bytes.size()));
  EXPECT_EQ(added->sha256.size(), 64u);

  auto got = media().Get(added->id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, *added);
  auto back = media().Bytes(added->id);
  ASSERT_TRUE(IsOk(back));
  EXPECT_EQ(back->size(), bytes.size());
  EXPECT_TRUE(*back == bytes);

  // An empty file and a given created_at.
  Media empty{0, c.id, "empty.pdf", "application/pdf", 0, "", "", kT0 + 1};
  auto added_empty = media().Add(empty, "");
  ASSERT_TRUE(IsOk(added_empty));
  EXPECT_EQ(added_empty->created_at, kT0 + 1);
  EXPECT_EQ(media().Bytes(added_empty->id).value(), "");

  auto list = media().ListForCampaign(c.id);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0], *added);
  EXPECT_EQ((*list)[1], *added_empty);
  // The campaign carries its media, in upload order.
  auto campaign = campaigns().Get(c.id);
  ASSERT_TRUE(IsOk(campaign));
  EXPECT_EQ(campaign->media, *list);

  ASSERT_TRUE(IsOk(media().Remove(added->id)));
  EXPECT_TRUE(HasKind(media().Get(added->id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(media().Bytes(added->id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(media().Remove(added->id), Kind::kNotFound));
  EXPECT_EQ(media().ListForCampaign(c.id)->size(), 1u);
}

TEST_F(CampaignStoresTest, MediaForAnUnknownCampaignIsNotFound) {
  EXPECT_TRUE(
      HasKind(media().Add(Media{0, 4242, "x.png", "image/png", 0, "", "", kT0}, "abc"), Kind::kNotFound));
}

TEST_F(CampaignStoresTest, ModifyKeepsTheMedia) {
  Campaign c = CreateOk(Minimal("keep", jed_));
  ASSERT_TRUE(IsOk(media().Add(Media{0, c.id, "a.gif", "image/gif", 0, "", "", kT0}, "GIF89a")));
  auto modified = campaigns().Modify(c.id, [](Campaign x) -> Result<Campaign> {
    x.media.clear();  // read-only here
    return x;
  });
  ASSERT_TRUE(IsOk(modified));
  EXPECT_EQ(modified->media.size(), 1u);
}

// --- Change feed ----------------------------------------------------------------

TEST_F(CampaignStoresTest, ChangeFeedHandsOutSequenceNumbersInOrder) {
  EXPECT_EQ(feed().Head().value(), 0);
  auto empty = feed().Since(0, 10);
  ASSERT_TRUE(IsOk(empty));
  EXPECT_THAT(*empty, IsEmpty());

  ASSERT_TRUE(IsOk(feed().Append("campaign", 7)));
  ASSERT_TRUE(IsOk(feed().Append("post", 3)));
  ASSERT_TRUE(IsOk(feed().Append("campaign", 7)));
  EXPECT_EQ(feed().Head().value(), 3);

  auto all = feed().Since(0, 10);
  ASSERT_TRUE(IsOk(all));
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].seq, 1);
  EXPECT_EQ((*all)[0].kind, "campaign");
  EXPECT_EQ((*all)[0].id, 7);
  EXPECT_EQ((*all)[1].seq, 2);
  EXPECT_EQ((*all)[1].kind, "post");
  EXPECT_EQ((*all)[1].id, 3);
  EXPECT_EQ((*all)[2].seq, 3);

  auto after_one = feed().Since(1, 1);
  ASSERT_TRUE(IsOk(after_one));
  ASSERT_EQ(after_one->size(), 1u);
  EXPECT_EQ(after_one->front().seq, 2);
  EXPECT_THAT(feed().Since(3, 10).value(), IsEmpty());
}

TEST_F(CampaignStoresTest, ConcurrentAppendsGetDistinctContiguousNumbers) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  std::atomic<int> failures{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        Status s = feed().Append("post", t * 100 + i);
        if (!s.ok()) {
          ++failures;
          ADD_FAILURE() << Describe(s);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto all = feed().Since(0, 1000);
  ASSERT_TRUE(IsOk(all));
  ASSERT_EQ(all->size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (std::size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].seq, static_cast<std::int64_t>(i + 1));
  EXPECT_EQ(feed().Head().value(), kThreads * kPerThread);
}

// A unit of work that appended and has not committed holds back later
// appends, so that numbers follow commit order: a reader that has seen N
// never later finds a new N-1.
TEST_F(CampaignStoresTest, ChangeFeedNumbersFollowCommitOrder) {
  std::promise<void> appended;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::thread slow([&] {
    Status s = accounts_.unit->Run([&]() -> Status {
      WM_RETURN_IF_ERROR(feed().Append("campaign", 1));
      appended.set_value();
      released.wait();
      return Status::Ok();
    });
    EXPECT_TRUE(IsOk(s));
  });
  appended.get_future().wait();
  std::atomic<bool> fast_done{false};
  std::thread fast([&] {
    EXPECT_TRUE(IsOk(feed().Append("campaign", 2)));
    fast_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // The second append waits for the first unit of work; nothing is visible yet.
  EXPECT_FALSE(fast_done.load());
  EXPECT_EQ(feed().Head().value(), 0);
  release.set_value();
  slow.join();
  fast.join();
  auto all = feed().Since(0, 10);
  ASSERT_TRUE(IsOk(all));
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, 1);
  EXPECT_EQ((*all)[0].seq, 1);
  EXPECT_EQ((*all)[1].id, 2);
  EXPECT_EQ((*all)[1].seq, 2);
}

// --- Units of work --------------------------------------------------------------

TEST_F(CampaignStoresTest, AFailedUnitOfWorkLeavesNothingBehind) {
  Campaign existing = CreateOk(Full("existing"));
  Status s = accounts_.unit->Run([&]() -> Status {
    auto created = campaigns().Create(Full("doomed"));
    if (!created.ok()) return created.status();
    WM_RETURN_IF_ERROR(
        media().Add(Media{0, created->id, "x.png", "image/png", 0, "", "", kT0}, "\0x"s).status());
    auto modified = campaigns().Modify(existing.id, [](Campaign c) -> Result<Campaign> {
      c.outcomes = "changed";
      return c;
    });
    if (!modified.ok()) return modified.status();
    Revision r;
    r.campaign_id = created->id;
    r.version = 1;
    r.action = "create";
    r.snapshot = *created;
    WM_RETURN_IF_ERROR(campaigns().AddRevision(r));
    Theme t;
    t.code = "doomed-theme";
    WM_RETURN_IF_ERROR(themes().Save(t));
    WM_RETURN_IF_ERROR(feed().Append("campaign", created->id));
    return Status::Internal("the audit log is full");
  });
  EXPECT_TRUE(HasKind(s, Kind::kInternal));
  EXPECT_EQ(campaigns().Count().value(), 1);
  EXPECT_EQ(campaigns().SlugTaken("doomed").value(), false);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM media"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM campaign_revisions"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM themes WHERE code='doomed-theme'"), 0);
  EXPECT_EQ(feed().Head().value(), 0);
  auto got = campaigns().Get(existing.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->outcomes, "Reached *many*.");
}

TEST_F(CampaignStoresTest, ASuccessfulUnitOfWorkCommitsEveryStoreCall) {
  Status s = accounts_.unit->Run([&]() -> Status {
    auto created = campaigns().Create(Full("kept"));
    if (!created.ok()) return created.status();
    auto modified = campaigns().Modify(created->id, [](Campaign c) -> Result<Campaign> {
      c.outcomes = "changed";
      return c;
    });
    if (!modified.ok()) return modified.status();
    return feed().Append("campaign", created->id);
  });
  ASSERT_TRUE(IsOk(s));
  auto got = campaigns().FindBySlug("kept");
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->outcomes, "changed");
  EXPECT_EQ(feed().Head().value(), 1);
}

// --- Copy -----------------------------------------------------------------------

// `waymark copy` carries campaigns, media bytes and the vocabulary across
// backends: this backend -> SQLite -> a fresh database on this backend.
TEST_F(CampaignStoresTest, CopyCarriesCampaignsAndMediaBytesAcrossBackends) {
  Campaign c = CreateOk(Full("copied"));
  const std::string bytes = BinaryBytes(70'000);
  auto m = media().Add(Media{0, c.id, "a.pdf", "application/pdf", 0, "", "", kT0}, bytes);
  ASSERT_TRUE(IsOk(m));
  Theme t;
  t.code = "extra";
  t.labels = {{"en", "Extra"}};
  ASSERT_TRUE(IsOk(themes().Save(t)));
  ASSERT_TRUE(IsOk(feed().Append("campaign", c.id)));

  auto middle = TestDatabase::Create(Backend::kSqlite, true, clock_);
  ASSERT_TRUE(IsOk(middle));
  ASSERT_TRUE(IsOk(storage::CopyDatabase(db(), (*middle)->db(), false, 50, nullptr)));
  auto last = TestDatabase::Create(BackendUnderTest(), true, clock_);
  ASSERT_TRUE(IsOk(last));
  ASSERT_TRUE(IsOk(storage::CopyDatabase((*middle)->db(), (*last)->db(), false, 50, nullptr)));

  storage::CampaignStores copied((*last)->db(), clock_);
  auto got = copied.campaigns().Get(c.id);
  ASSERT_TRUE(IsOk(got));
  ExpectSameCampaign(*got, campaigns().Get(c.id).value());
  EXPECT_EQ(copied.media().Bytes(m->id).value(), bytes);
  EXPECT_EQ(copied.themes().List()->size(), 14u);
  EXPECT_EQ(copied.feed().Head().value(), 1);
  // New rows continue after the copied ids.
  auto next = copied.campaigns().Create(Minimal("after-copy", jed_));
  ASSERT_TRUE(IsOk(next));
  EXPECT_GT(next->id, c.id);
}

}  // namespace
}  // namespace waymark::conformance
