// Conformance of the idea exchange's stores (domain/exchange/stores.h), run
// against each backend: exchange_stores_test (SQLite) and
// exchange_stores_pgtest (PostgreSQL; needs WAYMARK_TEST_PG_URL). See backend.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <string>
#include <thread>
#include <vector>

#include "backend.h"
#include "domain/accounts/stores.h"
#include "domain/exchange/stores.h"
#include "storage/accounts/account_stores.h"
#include "storage/campaigns/campaign_stores.h"
#include "storage/exchange/exchange_stores.h"

namespace waymark::conformance {
namespace {

using exchange::DigestFrequency;
using exchange::Group;
using exchange::GroupMember;
using exchange::Id;
using exchange::MemberState;
using exchange::Notification;
using exchange::Post;
using exchange::Report;
using exchange::Target;
using exchange::Thread;
using exchange::ThreadFilter;
using exchange::ThreadKind;
using Kind = Status::Kind;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr TimestampMs kT0 = 1'700'000'000'000;

class ExchangeStoresTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    account_stores_ = std::make_unique<storage::AccountStores>(db());
    accounts_ = account_stores_->stores();
    campaign_stores_ = std::make_unique<storage::CampaignStores>(db(), clock_);
    exchange_stores_ = std::make_unique<storage::ExchangeStores>(db());
    s_ = exchange_stores_->stores();
    jed_ = CreateOrg("jed", "Jeunesse en Détresse");
    ami_ = CreateOrg("ami", "Aide aux Migrants");
    ana_ = CreateUser("ana@example.org", "Ana");
    ben_ = CreateUser("ben@example.org", "Ben");
    cho_ = CreateUser("cho@example.org", "Chō");
  }
  void TearDown() override {
    exchange_stores_.reset();
    campaign_stores_.reset();
    account_stores_.reset();
    BackendTest::TearDown();
  }

  Id CreateOrg(const std::string& slug, const std::string& name) {
    accounts::Organisation o;
    o.slug = slug;
    o.name = name;
    o.kind = accounts::OrgKind::kCso;
    o.created_at = kT0;
    o.updated_at = kT0;
    auto created = accounts_.organisations->Create(o);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? created->id : 0;
  }

  Id CreateUser(const std::string& email, const std::string& name) {
    auto created = accounts_.users->Create(accounts::NewUser{email, name, "en", "hash", false, false, kT0});
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? created->id : 0;
  }

  Id CreateCampaign(const std::string& slug) {
    campaigns::Campaign c;
    c.slug = slug;
    c.texts["en"] = campaigns::LocalText{"Title " + slug, "", ""};
    c.organisation.id = jed_;
    c.created_at = kT0;
    c.updated_at = kT0;
    auto created = campaign_stores_->campaigns().Create(c);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? created->id : 0;
  }

  static Thread MakeThread(ThreadKind kind, const std::string& title, Id author, TimestampMs at) {
    Thread t;
    t.kind = kind;
    t.title = title;
    t.author_id = author;
    t.created_at = at;
    t.last_post_at = at;
    return t;
  }

  Thread CreateThread(const Thread& t) {
    auto created = s_.threads->CreateThread(t);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : Thread{};
  }

  Post CreatePost(Id thread, Id author, const std::string& body, TimestampMs at) {
    Post p;
    p.thread_id = thread;
    p.author_id = author;
    p.body = body;
    p.created_at = at;
    auto created = s_.threads->CreatePost(p);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : Post{};
  }

  Group CreateGroup(const std::string& slug, const std::string& name) {
    Group g;
    g.slug = slug;
    g.name = name;
    g.purpose = "Purpose of " + name;
    g.created_by = ana_;
    g.created_at = kT0;
    auto created = s_.groups->Create(g);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : Group{};
  }

  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores accounts_{};
  std::unique_ptr<storage::CampaignStores> campaign_stores_;
  std::unique_ptr<storage::ExchangeStores> exchange_stores_;
  exchange::ExchangeStores s_{};
  Id jed_ = 0, ami_ = 0, ana_ = 0, ben_ = 0, cho_ = 0;
};

std::vector<std::string> Titles(const std::vector<Thread>& ts) {
  std::vector<std::string> out;
  for (const auto& t : ts) out.push_back(t.title);
  return out;
}

std::vector<std::string> Bodies(const std::vector<Post>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.body);
  return out;
}

// --- Threads --------------------------------------------------------------------

TEST_F(ExchangeStoresTest, CreateThreadReturnsEveryFieldWithSortedUniqueTags) {
  Thread t = MakeThread(ThreadKind::kIdea, "Football against racism?", ana_, kT0);
  t.tags = {"sport", "football", "sport", "youth"};
  t.lang = "fr";
  t.organisation_id = jed_;
  auto created = s_.threads->CreateThread(t);
  ASSERT_TRUE(IsOk(created));
  EXPECT_GT(created->id, 0);
  for (const Thread& got : {*created, s_.threads->GetThread(created->id).value()}) {
    EXPECT_EQ(got.id, created->id);
    EXPECT_EQ(got.kind, ThreadKind::kIdea);
    EXPECT_FALSE(got.campaign_id.has_value());
    EXPECT_FALSE(got.group_id.has_value());
    EXPECT_EQ(got.title, "Football against racism?");
    EXPECT_THAT(got.tags, ElementsAre("football", "sport", "youth"));
    EXPECT_EQ(got.lang, "fr");
    EXPECT_EQ(got.author_id, ana_);
    EXPECT_EQ(got.author_name, "Ana");
    EXPECT_EQ(got.organisation_id, jed_);
    EXPECT_EQ(got.post_count, 0);
    EXPECT_EQ(got.useful_count, 0);
    EXPECT_FALSE(got.hidden);
    EXPECT_EQ(got.created_at, kT0);
    EXPECT_EQ(got.last_post_at, kT0);
  }
  EXPECT_TRUE(HasKind(s_.threads->GetThread(created->id + 100), Kind::kNotFound));
}

TEST_F(ExchangeStoresTest, ACampaignHasAtMostOneThread) {
  Id campaign = CreateCampaign("c1");
  Id other = CreateCampaign("c2");
  Thread t = MakeThread(ThreadKind::kCampaign, "About c1", ana_, kT0);
  t.campaign_id = campaign;
  Thread created = CreateThread(t);
  EXPECT_EQ(created.campaign_id, campaign);
  EXPECT_TRUE(HasKind(s_.threads->CreateThread(t), Kind::kConflict));

  auto found = s_.threads->ThreadForCampaign(campaign);
  ASSERT_TRUE(IsOk(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, created.id);
  auto none = s_.threads->ThreadForCampaign(other);
  ASSERT_TRUE(IsOk(none));
  EXPECT_FALSE(none->has_value());
}

TEST_F(ExchangeStoresTest, CreatePostBumpsTheThreadsCountAndActivity) {
  Thread t = CreateThread(MakeThread(ThreadKind::kIdea, "Idea", ana_, kT0));
  Post first = CreatePost(t.id, ana_, "Opening post", kT0);
  EXPECT_GT(first.id, 0);
  EXPECT_EQ(first.author_name, "Ana");
  Post p;
  p.thread_id = t.id;
  p.author_id = ben_;
  p.body = "A reply « quoting »";
  p.lang = "es";
  p.quote_of = first.id;
  p.quote_text = "Opening";
  p.created_at = kT0 + 10;
  auto reply = s_.threads->CreatePost(p);
  ASSERT_TRUE(IsOk(reply));
  for (const Post& got : {*reply, s_.threads->GetPost(reply->id).value()}) {
    EXPECT_EQ(got.id, reply->id);
    EXPECT_EQ(got.thread_id, t.id);
    EXPECT_EQ(got.author_id, ben_);
    EXPECT_EQ(got.author_name, "Ben");
    EXPECT_EQ(got.body, "A reply « quoting »");
    EXPECT_EQ(got.lang, "es");
    EXPECT_EQ(got.quote_of, first.id);
    EXPECT_EQ(got.quote_text, "Opening");
    EXPECT_EQ(got.useful_count, 0);
    EXPECT_FALSE(got.hidden);
    EXPECT_EQ(got.created_at, kT0 + 10);
  }
  // An older timestamp does not move last_post_at back.
  CreatePost(t.id, cho_, "Late arrival", kT0 + 5);
  auto thread = s_.threads->GetThread(t.id);
  ASSERT_TRUE(IsOk(thread));
  EXPECT_EQ(thread->post_count, 3);
  EXPECT_EQ(thread->last_post_at, kT0 + 10);

  auto posts = s_.threads->ListPosts(t.id, false);
  ASSERT_TRUE(IsOk(posts));
  EXPECT_THAT(Bodies(*posts), ElementsAre("Opening post", "A reply « quoting »", "Late arrival"));

  Post orphan;
  orphan.thread_id = t.id + 100;
  orphan.author_id = ana_;
  orphan.body = "x";
  EXPECT_TRUE(HasKind(s_.threads->CreatePost(orphan), Kind::kNotFound));
  EXPECT_TRUE(HasKind(s_.threads->GetPost(reply->id + 100), Kind::kNotFound));
}

TEST_F(ExchangeStoresTest, HiddenPostsAndThreadsAreListedOnlyOnRequest) {
  Thread t = CreateThread(MakeThread(ThreadKind::kIdea, "Visible", ana_, kT0));
  Thread h = CreateThread(MakeThread(ThreadKind::kIdea, "Hidden", ana_, kT0 + 1));
  Post a = CreatePost(t.id, ana_, "a", kT0);
  Post b = CreatePost(t.id, ben_, "b", kT0 + 1);
  ASSERT_TRUE(IsOk(s_.threads->SetPostHidden(b.id, true)));
  ASSERT_TRUE(IsOk(s_.threads->SetThreadHidden(h.id, true)));
  EXPECT_THAT(Bodies(s_.threads->ListPosts(t.id, false).value()), ElementsAre("a"));
  EXPECT_THAT(Bodies(s_.threads->ListPosts(t.id, true).value()), ElementsAre("a", "b"));
  EXPECT_TRUE(s_.threads->GetPost(b.id)->hidden);
  EXPECT_TRUE(s_.threads->GetThread(h.id)->hidden);

  ThreadFilter f;
  EXPECT_THAT(Titles(s_.threads->ListThreads(f).value()), ElementsAre("Visible"));
  EXPECT_EQ(s_.threads->CountThreads(f).value(), 1);
  f.include_hidden = true;
  EXPECT_THAT(Titles(s_.threads->ListThreads(f).value()), ElementsAre("Hidden", "Visible"));
  EXPECT_EQ(s_.threads->CountThreads(f).value(), 2);

  ASSERT_TRUE(IsOk(s_.threads->SetPostHidden(b.id, false)));
  EXPECT_FALSE(s_.threads->GetPost(b.id)->hidden);
  EXPECT_TRUE(HasKind(s_.threads->SetPostHidden(b.id + 100, true), Kind::kNotFound));
  EXPECT_TRUE(HasKind(s_.threads->SetThreadHidden(h.id + 100, true), Kind::kNotFound));
  (void)a;
}

TEST_F(ExchangeStoresTest, ListThreadsFiltersAndOrdersByLatestActivity) {
  Id campaign = CreateCampaign("c1");
  Group g = CreateGroup("g", "Group");
  Thread idea1 = MakeThread(ThreadKind::kIdea, "idea1", ana_, kT0 + 1);
  idea1.tags = {"sport"};
  idea1 = CreateThread(idea1);
  Thread idea2 = MakeThread(ThreadKind::kIdea, "idea2", ana_, kT0 + 2);
  idea2.tags = {"sport", "art"};
  idea2 = CreateThread(idea2);
  Thread idea3 = MakeThread(ThreadKind::kIdea, "idea3", ben_, kT0 + 3);
  idea3.tags = {"art"};
  idea3 = CreateThread(idea3);
  Thread ct = MakeThread(ThreadKind::kCampaign, "campaign", ana_, kT0 + 4);
  ct.campaign_id = campaign;
  CreateThread(ct);
  Thread gt = MakeThread(ThreadKind::kGroup, "group", ana_, kT0 + 5);
  gt.group_id = g.id;
  CreateThread(gt);
  // A new post makes idea1 the most recent.
  CreatePost(idea1.id, ben_, "bump", kT0 + 10);

  ThreadFilter all;
  EXPECT_THAT(Titles(s_.threads->ListThreads(all).value()),
              ElementsAre("idea1", "group", "campaign", "idea3", "idea2"));
  EXPECT_EQ(s_.threads->CountThreads(all).value(), 5);

  ThreadFilter ideas;
  ideas.kind = ThreadKind::kIdea;
  EXPECT_THAT(Titles(s_.threads->ListThreads(ideas).value()), ElementsAre("idea1", "idea3", "idea2"));
  EXPECT_EQ(s_.threads->CountThreads(ideas).value(), 3);
  ideas.limit = 1;
  ideas.offset = 1;
  EXPECT_THAT(Titles(s_.threads->ListThreads(ideas).value()), ElementsAre("idea3"));
  EXPECT_EQ(s_.threads->CountThreads(ideas).value(), 3);  // ignores paging

  ThreadFilter sport;
  sport.kind = ThreadKind::kIdea;
  sport.tag = "sport";
  auto sports = s_.threads->ListThreads(sport);
  ASSERT_TRUE(IsOk(sports));
  EXPECT_THAT(Titles(*sports), ElementsAre("idea1", "idea2"));
  EXPECT_THAT((*sports)[1].tags, ElementsAre("art", "sport"));
  EXPECT_EQ(s_.threads->CountThreads(sport).value(), 2);

  ThreadFilter by_campaign;
  by_campaign.campaign_id = campaign;
  EXPECT_THAT(Titles(s_.threads->ListThreads(by_campaign).value()), ElementsAre("campaign"));
  ThreadFilter by_group;
  by_group.group_id = g.id;
  EXPECT_THAT(Titles(s_.threads->ListThreads(by_group).value()), ElementsAre("group"));
  EXPECT_EQ(s_.threads->CountThreads(by_group).value(), 1);

  auto tags = s_.threads->IdeaTags(10);
  ASSERT_TRUE(IsOk(tags));
  EXPECT_THAT(*tags, ElementsAre(Pair("art", 2), Pair("sport", 2)));
  auto one = s_.threads->IdeaTags(1);
  ASSERT_TRUE(IsOk(one));
  EXPECT_THAT(*one, ElementsAre(Pair("art", 2)));
}

TEST_F(ExchangeStoresTest, UsefulMarksAreIdempotentAndCounted) {
  Thread t = CreateThread(MakeThread(ThreadKind::kIdea, "Idea", ana_, kT0));
  Post a = CreatePost(t.id, ana_, "a", kT0);
  Post b = CreatePost(t.id, ana_, "b", kT0 + 1);

  EXPECT_EQ(s_.threads->MarkUseful(a.id, ben_).value(), true);
  EXPECT_EQ(s_.threads->MarkUseful(a.id, ben_).value(), false);
  EXPECT_EQ(s_.threads->MarkUseful(a.id, cho_).value(), true);
  EXPECT_EQ(s_.threads->MarkUseful(b.id, ben_).value(), true);
  EXPECT_EQ(s_.threads->GetPost(a.id)->useful_count, 2);
  EXPECT_EQ(s_.threads->GetPost(b.id)->useful_count, 1);
  EXPECT_EQ(s_.threads->GetThread(t.id)->useful_count, 3);

  auto marks = s_.threads->UsefulMarksBy(ben_, {b.id, a.id, b.id + 100});
  ASSERT_TRUE(IsOk(marks));
  EXPECT_THAT(*marks, ElementsAre(a.id, b.id));
  EXPECT_THAT(s_.threads->UsefulMarksBy(cho_, {a.id, b.id}).value(), ElementsAre(a.id));
  EXPECT_THAT(s_.threads->UsefulMarksBy(ana_, {a.id, b.id}).value(), IsEmpty());
  EXPECT_THAT(s_.threads->UsefulMarksBy(ben_, {}).value(), IsEmpty());

  EXPECT_EQ(s_.threads->UnmarkUseful(a.id, ben_).value(), true);
  EXPECT_EQ(s_.threads->UnmarkUseful(a.id, ben_).value(), false);
  EXPECT_EQ(s_.threads->GetPost(a.id)->useful_count, 1);
  EXPECT_EQ(s_.threads->GetThread(t.id)->useful_count, 2);

  EXPECT_TRUE(HasKind(s_.threads->MarkUseful(b.id + 100, ben_), Kind::kNotFound));
  EXPECT_TRUE(HasKind(s_.threads->UnmarkUseful(b.id + 100, ben_), Kind::kNotFound));
}

TEST_F(ExchangeStoresTest, ConcurrentPostsAndMarksAllCount) {
  Thread t = CreateThread(MakeThread(ThreadKind::kIdea, "Busy", ana_, kT0));
  Post first = CreatePost(t.id, ana_, "first", kT0);
  constexpr int kPerThread = 10;
  std::atomic<int> failures{0};
  std::barrier start(3);
  std::vector<std::thread> threads;
  for (Id user : {ana_, ben_, cho_}) {
    threads.emplace_back([&, user] {
      start.arrive_and_wait();
      if (!s_.threads->MarkUseful(first.id, user).ok()) ++failures;
      for (int i = 0; i < kPerThread; ++i) {
        Post p;
        p.thread_id = t.id;
        p.author_id = user;
        p.body = "post";
        p.created_at = kT0 + i;
        if (!s_.threads->CreatePost(p).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto got = s_.threads->GetThread(t.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->post_count, 1 + 3 * kPerThread);
  EXPECT_EQ(got->useful_count, 3);
  EXPECT_EQ(s_.threads->GetPost(first.id)->useful_count, 3);
}

TEST_F(ExchangeStoresTest, ListPostIdsPagesInIdOrder) {
  Thread t = CreateThread(MakeThread(ThreadKind::kIdea, "Idea", ana_, kT0));
  std::vector<Id> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(CreatePost(t.id, ana_, "p", kT0 + i).id);
  EXPECT_THAT(s_.threads->ListPostIds(0, 3).value(), ElementsAre(ids[0], ids[1], ids[2]));
  EXPECT_THAT(s_.threads->ListPostIds(ids[2], 3).value(), ElementsAre(ids[3]));
}

// --- Groups ---------------------------------------------------------------------

TEST_F(ExchangeStoresTest, GroupsCreateFindListAndUpdate) {
  Group b = CreateGroup("beta", "Beta group");
  Group a = CreateGroup("alpha", "Alpha group");
  EXPECT_GT(a.id, 0);
  EXPECT_NE(a.id, b.id);
  Group dup;
  dup.slug = "alpha";
  dup.name = "Other";
  dup.created_at = kT0;
  EXPECT_TRUE(HasKind(s_.groups->Create(dup), Kind::kConflict));

  auto got = s_.groups->FindBySlug("alpha");
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->id, a.id);
  EXPECT_EQ(got->name, "Alpha group");
  EXPECT_EQ(got->purpose, "Purpose of Alpha group");
  EXPECT_TRUE(got->members_only);
  EXPECT_EQ(got->created_by, ana_);
  EXPECT_EQ(got->created_at, kT0);
  EXPECT_EQ(s_.groups->Get(b.id)->slug, "beta");
  EXPECT_TRUE(HasKind(s_.groups->Get(b.id + 100), Kind::kNotFound));
  EXPECT_TRUE(HasKind(s_.groups->FindBySlug("gamma"), Kind::kNotFound));

  auto list = s_.groups->List(10, 0);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].slug, "alpha");
  EXPECT_EQ((*list)[1].slug, "beta");
  EXPECT_EQ(s_.groups->List(1, 1)->front().slug, "beta");

  Group changed = a;
  changed.slug = "ignored";
  changed.name = "Zulu group";
  changed.purpose = "New purpose";
  changed.members_only = false;
  ASSERT_TRUE(IsOk(s_.groups->Update(changed)));
  auto after = s_.groups->Get(a.id);
  ASSERT_TRUE(IsOk(after));
  EXPECT_EQ(after->slug, "alpha");
  EXPECT_EQ(after->name, "Zulu group");
  EXPECT_EQ(after->purpose, "New purpose");
  EXPECT_FALSE(after->members_only);
  EXPECT_EQ(s_.groups->List(10, 0)->front().slug, "beta");
  changed.id = a.id + 100;
  EXPECT_TRUE(HasKind(s_.groups->Update(changed), Kind::kNotFound));

  // The operator (no user) can create groups too.
  Group by_operator;
  by_operator.slug = "op";
  by_operator.name = "Op";
  by_operator.created_at = kT0;
  auto op = s_.groups->Create(by_operator);
  ASSERT_TRUE(IsOk(op));
  EXPECT_EQ(s_.groups->Get(op->id)->created_by, 0);
}

TEST_F(ExchangeStoresTest, GroupMembershipStatesAndCampaignLinks) {
  Group g = CreateGroup("g", "Group");
  GroupMember m;
  m.group_id = g.id;
  m.organisation_id = jed_;
  m.state = MemberState::kMember;
  m.coordinator = true;
  m.at = kT0;
  ASSERT_TRUE(IsOk(s_.groups->SetMember(m)));
  GroupMember req = m;
  req.organisation_id = ami_;
  req.state = MemberState::kRequested;
  req.coordinator = false;
  req.at = kT0 + 1;
  ASSERT_TRUE(IsOk(s_.groups->SetMember(req)));

  auto members = s_.groups->Members(g.id);
  ASSERT_TRUE(IsOk(members));
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].organisation_slug, "ami");  // by name
  EXPECT_EQ((*members)[0].organisation_name, "Aide aux Migrants");
  EXPECT_EQ((*members)[0].state, MemberState::kRequested);
  EXPECT_FALSE((*members)[0].coordinator);
  EXPECT_EQ((*members)[0].at, kT0 + 1);
  EXPECT_EQ((*members)[1].organisation_slug, "jed");
  EXPECT_EQ((*members)[1].state, MemberState::kMember);
  EXPECT_TRUE((*members)[1].coordinator);

  // Accepting the request changes the same row.
  req.state = MemberState::kMember;
  req.at = kT0 + 2;
  ASSERT_TRUE(IsOk(s_.groups->SetMember(req)));
  auto ami = s_.groups->Member(g.id, ami_);
  ASSERT_TRUE(IsOk(ami));
  ASSERT_TRUE(ami->has_value());
  EXPECT_EQ((*ami)->state, MemberState::kMember);
  EXPECT_EQ((*ami)->at, kT0 + 2);
  EXPECT_EQ(s_.groups->Members(g.id)->size(), 2u);

  ASSERT_TRUE(IsOk(s_.groups->RemoveMember(g.id, ami_)));
  EXPECT_FALSE(s_.groups->Member(g.id, ami_)->has_value());
  EXPECT_TRUE(HasKind(s_.groups->RemoveMember(g.id, ami_), Kind::kNotFound));
  GroupMember invited = m;
  invited.organisation_id = ami_;
  invited.state = MemberState::kInvited;
  invited.coordinator = false;
  ASSERT_TRUE(IsOk(s_.groups->SetMember(invited)));
  EXPECT_EQ(s_.groups->Member(g.id, ami_).value()->state, MemberState::kInvited);

  Id c1 = CreateCampaign("c1");
  Id c2 = CreateCampaign("c2");
  ASSERT_TRUE(IsOk(s_.groups->LinkCampaign(g.id, c2, kT0)));
  ASSERT_TRUE(IsOk(s_.groups->LinkCampaign(g.id, c1, kT0 + 1)));
  ASSERT_TRUE(IsOk(s_.groups->LinkCampaign(g.id, c2, kT0 + 2)));  // idempotent
  EXPECT_THAT(s_.groups->LinkedCampaigns(g.id).value(), ElementsAre(c2, c1));
  ASSERT_TRUE(IsOk(s_.groups->UnlinkCampaign(g.id, c2)));
  EXPECT_THAT(s_.groups->LinkedCampaigns(g.id).value(), ElementsAre(c1));
  EXPECT_FALSE(s_.groups->LinkCampaign(g.id, c2 + 100, kT0).ok());
}

// --- Follows --------------------------------------------------------------------

TEST_F(ExchangeStoresTest, FollowAndUnfollowAreIdempotent) {
  Target campaign{"campaign", 7};
  Target thread{"thread", 3};
  ASSERT_TRUE(IsOk(s_.follows->Follow(ana_, thread, kT0)));
  ASSERT_TRUE(IsOk(s_.follows->Follow(ana_, campaign, kT0)));
  ASSERT_TRUE(IsOk(s_.follows->Follow(ana_, campaign, kT0 + 1)));
  ASSERT_TRUE(IsOk(s_.follows->Follow(ben_, campaign, kT0)));
  EXPECT_TRUE(s_.follows->IsFollowing(ana_, campaign).value());
  EXPECT_FALSE(s_.follows->IsFollowing(cho_, campaign).value());
  EXPECT_FALSE(s_.follows->IsFollowing(ana_, Target{"campaign", 8}).value());
  EXPECT_THAT(s_.follows->Followers(campaign).value(), ElementsAre(ana_, ben_));
  EXPECT_THAT(s_.follows->Following(ana_).value(), ElementsAre(campaign, thread));

  ASSERT_TRUE(IsOk(s_.follows->Unfollow(ana_, campaign)));
  ASSERT_TRUE(IsOk(s_.follows->Unfollow(ana_, campaign)));
  EXPECT_FALSE(s_.follows->IsFollowing(ana_, campaign).value());
  EXPECT_THAT(s_.follows->Followers(campaign).value(), ElementsAre(ben_));
  EXPECT_THAT(s_.follows->Following(ana_).value(), ElementsAre(thread));
}

// --- Notifications --------------------------------------------------------------

TEST_F(ExchangeStoresTest, NotificationsUnreadReadAndEmailed) {
  auto add = [&](Id user, const std::string& event, TimestampMs at) {
    Notification n;
    n.user_id = user;
    n.event = event;
    n.target = Target{"thread", 3};
    n.title = "Title of " + event;
    n.actor_name = "Ben";
    n.created_at = at;
    ASSERT_TRUE(IsOk(s_.notifications->Add(n)));
  };
  add(ana_, "post.created", kT0 + 1);
  add(ana_, "campaign.published", kT0 + 3);
  add(ana_, "group.invited", kT0 + 2);
  add(ben_, "post.created", kT0 + 4);

  auto list = s_.notifications->List(ana_, false, 10);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].event, "campaign.published");
  EXPECT_EQ((*list)[1].event, "group.invited");
  EXPECT_EQ((*list)[2].event, "post.created");
  const Notification& n = (*list)[0];
  EXPECT_GT(n.id, 0);
  EXPECT_EQ(n.user_id, ana_);
  EXPECT_EQ(n.target, (Target{"thread", 3}));
  EXPECT_EQ(n.title, "Title of campaign.published");
  EXPECT_EQ(n.actor_name, "Ben");
  EXPECT_EQ(n.created_at, kT0 + 3);
  EXPECT_FALSE(n.read_at.has_value());
  EXPECT_FALSE(n.emailed);
  EXPECT_EQ(s_.notifications->List(ana_, false, 2)->size(), 2u);
  EXPECT_EQ(s_.notifications->CountUnread(ana_).value(), 3);

  // One, then all; someone else's is NotFound.
  ASSERT_TRUE(IsOk(s_.notifications->MarkRead(ana_, n.id, kT0 + 10)));
  ASSERT_TRUE(IsOk(s_.notifications->MarkRead(ana_, n.id, kT0 + 11)));  // again: no error
  EXPECT_TRUE(HasKind(s_.notifications->MarkRead(ben_, n.id, kT0 + 10), Kind::kNotFound));
  EXPECT_EQ(s_.notifications->CountUnread(ana_).value(), 2);
  auto unread = s_.notifications->List(ana_, true, 10);
  ASSERT_TRUE(IsOk(unread));
  ASSERT_EQ(unread->size(), 2u);
  EXPECT_EQ((*unread)[0].event, "group.invited");
  EXPECT_EQ(s_.notifications->List(ana_, false, 10)->front().read_at, kT0 + 10);
  ASSERT_TRUE(IsOk(s_.notifications->MarkRead(ana_, std::nullopt, kT0 + 20)));
  EXPECT_EQ(s_.notifications->CountUnread(ana_).value(), 0);
  EXPECT_EQ(s_.notifications->CountUnread(ben_).value(), 1);
  EXPECT_THAT(s_.notifications->List(ana_, true, 10).value(), IsEmpty());

  auto unemailed = s_.notifications->Unemailed(ana_, 10);
  ASSERT_TRUE(IsOk(unemailed));
  ASSERT_EQ(unemailed->size(), 3u);
  EXPECT_EQ((*unemailed)[0].event, "post.created");  // oldest first
  EXPECT_EQ((*unemailed)[1].event, "group.invited");
  EXPECT_EQ((*unemailed)[2].event, "campaign.published");
  EXPECT_EQ(s_.notifications->Unemailed(ana_, 1)->size(), 1u);
  ASSERT_TRUE(IsOk(s_.notifications->MarkEmailed({(*unemailed)[0].id, (*unemailed)[1].id})));
  ASSERT_TRUE(IsOk(s_.notifications->MarkEmailed({})));
  auto rest = s_.notifications->Unemailed(ana_, 10);
  ASSERT_TRUE(IsOk(rest));
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ(rest->front().event, "campaign.published");
  EXPECT_TRUE(s_.notifications->List(ana_, false, 10)->back().emailed);
  EXPECT_EQ(s_.notifications->Unemailed(ben_, 10)->size(), 1u);
}

TEST_F(ExchangeStoresTest, DigestPreferencesAndDueDigests) {
  EXPECT_EQ(s_.notifications->Frequency(ana_).value(), DigestFrequency::kNone);
  ASSERT_TRUE(IsOk(s_.notifications->SetFrequency(ana_, DigestFrequency::kDaily)));
  ASSERT_TRUE(IsOk(s_.notifications->SetFrequency(ben_, DigestFrequency::kWeekly)));
  ASSERT_TRUE(IsOk(s_.notifications->SetFrequency(cho_, DigestFrequency::kWeekly)));
  ASSERT_TRUE(IsOk(s_.notifications->SetFrequency(cho_, DigestFrequency::kDaily)));
  EXPECT_EQ(s_.notifications->Frequency(ana_).value(), DigestFrequency::kDaily);
  EXPECT_EQ(s_.notifications->Frequency(cho_).value(), DigestFrequency::kDaily);

  // Never sent: due.
  EXPECT_THAT(s_.notifications->DigestsDue(DigestFrequency::kDaily, kT0).value(), ElementsAre(ana_, cho_));
  EXPECT_THAT(s_.notifications->DigestsDue(DigestFrequency::kWeekly, kT0).value(), ElementsAre(ben_));

  ASSERT_TRUE(IsOk(s_.notifications->MarkDigestSent(ana_, kT0)));
  EXPECT_THAT(s_.notifications->DigestsDue(DigestFrequency::kDaily, kT0).value(), ElementsAre(cho_));
  EXPECT_THAT(s_.notifications->DigestsDue(DigestFrequency::kDaily, kT0 + 1).value(),
              ElementsAre(ana_, cho_));
  // Changing the frequency keeps the last sending.
  ASSERT_TRUE(IsOk(s_.notifications->SetFrequency(ana_, DigestFrequency::kWeekly)));
  EXPECT_THAT(s_.notifications->DigestsDue(DigestFrequency::kWeekly, kT0).value(), ElementsAre(ben_));
  ASSERT_TRUE(IsOk(s_.notifications->SetFrequency(ana_, DigestFrequency::kNone)));
  EXPECT_EQ(s_.notifications->Frequency(ana_).value(), DigestFrequency::kNone);
  EXPECT_THAT(s_.notifications->DigestsDue(DigestFrequency::kWeekly, kT0 + 1).value(), ElementsAre(ben_));
}

// --- Reports --------------------------------------------------------------------

TEST_F(ExchangeStoresTest, ReportsOnePerReporterUntilResolved) {
  Target post{"post", 9};
  Target campaign{"campaign", 4};
  auto report = [&](const Target& t, Id reporter, TimestampMs at) {
    Report r;
    r.target = t;
    r.reporter_id = reporter;
    r.reason = "spam from " + std::to_string(reporter);
    r.created_at = at;
    return s_.reports->Add(r);
  };
  auto first = report(post, ana_, kT0 + 5);
  ASSERT_TRUE(IsOk(first));
  EXPECT_GT(first->id, 0);
  EXPECT_FALSE(first->resolved_at.has_value());
  EXPECT_TRUE(HasKind(report(post, ana_, kT0 + 6), Kind::kConflict));
  ASSERT_TRUE(IsOk(report(post, ben_, kT0 + 7)));
  ASSERT_TRUE(IsOk(report(campaign, ana_, kT0 + 1)));
  EXPECT_EQ(s_.reports->CountOpen(post).value(), 2);
  EXPECT_EQ(s_.reports->CountOpen(campaign).value(), 1);
  EXPECT_EQ(s_.reports->CountOpen(Target{"post", 10}).value(), 0);

  auto open = s_.reports->Open(10);
  ASSERT_TRUE(IsOk(open));
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].first, campaign);  // its oldest report is older
  ASSERT_EQ((*open)[0].second.size(), 1u);
  EXPECT_EQ((*open)[1].first, post);
  ASSERT_EQ((*open)[1].second.size(), 2u);
  const Report& r = (*open)[1].second[0];
  EXPECT_EQ(r.id, first->id);
  EXPECT_EQ(r.target, post);
  EXPECT_EQ(r.reporter_id, ana_);
  EXPECT_EQ(r.reason, "spam from " + std::to_string(ana_));
  EXPECT_EQ(r.created_at, kT0 + 5);
  EXPECT_EQ((*open)[1].second[1].reporter_id, ben_);
  EXPECT_EQ(s_.reports->Open(1)->size(), 1u);

  ASSERT_TRUE(IsOk(s_.reports->Resolve(post, "restored", kT0 + 20)));
  EXPECT_EQ(s_.reports->CountOpen(post).value(), 0);
  auto after = s_.reports->Open(10);
  ASSERT_TRUE(IsOk(after));
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(after->front().first, campaign);
  EXPECT_EQ(
      CountRows("SELECT COUNT(*) FROM reports WHERE resolution='restored' AND resolved_at=$1", {kT0 + 20}),
      2);
  // Once resolved, the same reporter may report again.
  ASSERT_TRUE(IsOk(report(post, ana_, kT0 + 30)));
  EXPECT_EQ(s_.reports->CountOpen(post).value(), 1);
  ASSERT_TRUE(IsOk(s_.reports->Resolve(Target{"post", 12345}, "removed", kT0)));
}

// --- Units of work --------------------------------------------------------------

TEST_F(ExchangeStoresTest, AFailedUnitOfWorkLeavesNothingBehind) {
  Thread kept = CreateThread(MakeThread(ThreadKind::kIdea, "Kept", ana_, kT0));
  Post kept_post = CreatePost(kept.id, ana_, "kept", kT0);
  Status s = accounts_.unit->Run([&]() -> Status {
    Thread t = MakeThread(ThreadKind::kIdea, "Doomed", ana_, kT0);
    t.tags = {"doomed"};
    auto created = s_.threads->CreateThread(t);
    if (!created.ok()) return created.status();
    Post p;
    p.thread_id = kept.id;
    p.author_id = ben_;
    p.body = "doomed reply";
    p.created_at = kT0 + 50;
    WM_RETURN_IF_ERROR(s_.threads->CreatePost(p).status());
    WM_RETURN_IF_ERROR(s_.threads->MarkUseful(kept_post.id, ben_).status());
    WM_RETURN_IF_ERROR(s_.follows->Follow(ben_, Target{"thread", kept.id}, kT0));
    Notification n;
    n.user_id = ana_;
    n.event = "post.created";
    n.target = Target{"thread", kept.id};
    n.created_at = kT0;
    WM_RETURN_IF_ERROR(s_.notifications->Add(n));
    Group g;
    g.slug = "doomed";
    g.name = "Doomed";
    g.created_at = kT0;
    WM_RETURN_IF_ERROR(s_.groups->Create(g).status());
    Report r;
    r.target = Target{"post", kept_post.id};
    r.reporter_id = ben_;
    r.created_at = kT0;
    WM_RETURN_IF_ERROR(s_.reports->Add(r).status());
    WM_RETURN_IF_ERROR(s_.notifications->SetFrequency(ben_, DigestFrequency::kDaily));
    return Status::Unavailable("the audit log could not be written");
  });
  EXPECT_TRUE(HasKind(s, Kind::kUnavailable));
  EXPECT_EQ(s_.threads->CountThreads(ThreadFilter{}).value(), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM thread_tags"), 0);
  auto thread = s_.threads->GetThread(kept.id);
  ASSERT_TRUE(IsOk(thread));
  EXPECT_EQ(thread->post_count, 1);
  EXPECT_EQ(thread->useful_count, 0);
  EXPECT_EQ(thread->last_post_at, kT0);
  EXPECT_EQ(s_.threads->ListPosts(kept.id, true)->size(), 1u);
  EXPECT_EQ(s_.threads->GetPost(kept_post.id)->useful_count, 0);
  EXPECT_FALSE(s_.follows->IsFollowing(ben_, Target{"thread", kept.id}).value());
  EXPECT_EQ(s_.notifications->CountUnread(ana_).value(), 0);
  EXPECT_TRUE(HasKind(s_.groups->FindBySlug("doomed"), Kind::kNotFound));
  EXPECT_EQ(s_.reports->CountOpen(Target{"post", kept_post.id}).value(), 0);
  EXPECT_EQ(s_.notifications->Frequency(ben_).value(), DigestFrequency::kNone);
}

}  // namespace
}  // namespace waymark::conformance
