// ExchangeService and DigestService over the real stores, run against each
// backend: exchange_service_test (SQLite) and exchange_service_pgtest
// (PostgreSQL; needs WAYMARK_TEST_PG_URL). See backend.h.
//
// Users are inserted through the store (no password hashing); campaigns are
// made and published through the real CampaignService.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "backend.h"
#include "crypto/crypto.h"
#include "domain/accounts/account_service.h"
#include "domain/campaigns/campaign_service.h"
#include "domain/exchange/exchange_service.h"
#include "i18n/countries.h"
#include "storage/accounts/account_stores.h"
#include "storage/campaigns/campaign_stores.h"
#include "storage/exchange/exchange_stores.h"

namespace waymark::conformance {
namespace {

using accounts::Actor;
using accounts::Id;
using accounts::User;
using campaigns::Campaign;
using campaigns::CampaignInput;
using campaigns::CampaignService;
using exchange::DigestFrequency;
using exchange::DigestService;
using exchange::Email;
using exchange::ExchangeService;
using exchange::GroupView;
using exchange::MemberState;
using exchange::NewGroup;
using exchange::NewPost;
using exchange::NewThread;
using exchange::Notification;
using exchange::Post;
using exchange::Target;
using exchange::Thread;
using exchange::ThreadKind;
using exchange::ThreadView;
using Kind = Status::Kind;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr TimestampMs kHour = 60 * 60 * 1000;
constexpr TimestampMs kDay = 24 * kHour;

// A Mailer that records what it is asked to send, or fails on demand.
class RecordingMailer final : public exchange::Mailer {
 public:
  Status Send(const Email& email) override {
    if (fail) return Status::Unavailable("smtp down (test)");
    sent.push_back(email);
    return Status::Ok();
  }
  bool fail = false;
  std::vector<Email> sent;
};

std::vector<Id> PostIds(const std::vector<Post>& posts) {
  std::vector<Id> out;
  for (const Post& p : posts) out.push_back(p.id);
  return out;
}

class ExchangeTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(IsOk(crypto::Init()));
    auto countries = i18n::Countries::Load(i18n::kDefaultIsoCodesJsonPath, i18n::Countries::DefaultMoPaths());
    ASSERT_TRUE(IsOk(countries));
    countries_ = std::move(countries).value();
    account_stores_ = std::make_unique<storage::AccountStores>(db());
    campaign_stores_ = std::make_unique<storage::CampaignStores>(db());
    exchange_stores_ = std::make_unique<storage::ExchangeStores>(db());
    stores_ = account_stores_->stores();
    accounts_ =
        std::make_unique<accounts::AccountService>(stores_, clock_, *countries_, crypto::PasswordPolicy{});
    campaigns_ = std::make_unique<CampaignService>(stores_, campaign_stores_->campaigns(),
                                                   campaign_stores_->themes(), campaign_stores_->media(),
                                                   campaign_stores_->feed(), clock_, *countries_);
    exchange_ =
        std::make_unique<ExchangeService>(stores_, exchange_stores_->stores(), *campaigns_,
                                          campaign_stores_->feed(), clock_, exchange::ExchangeOptions{});

    AddOrg("jcwi", "Joint Council for the Welfare of Immigrants");
    AddOrg("kisa", "KISA");
    AddOrg("cgil", "CGIL");
    ana_ = AddUser("ana@example.org", "Ana");
    bob_ = AddUser("bob@example.org", "Bob");
    carol_ = AddUser("carol@example.org", "Carol");
    mod_ = AddUser("mod@example.org", "Moderator");
    jmod_ = AddUser("jmod@example.org", "Jcwi moderator");
    Grant(ana_, "jcwi", "editor");
    Grant(bob_, "kisa", "editor");
    Grant(carol_, "kisa", "member");
    Grant(mod_, "cgil", "moderator");
    Grant(jmod_, "jcwi", "moderator");
  }

  void TearDown() override {
    exchange_.reset();
    campaigns_.reset();
    accounts_.reset();
    exchange_stores_.reset();
    campaign_stores_.reset();
    account_stores_.reset();
    BackendTest::TearDown();
  }

  User AddUser(const std::string& email, const std::string& name, bool is_admin = false) {
    accounts::NewUser nu;
    nu.email = email;
    nu.name = name;
    nu.password_hash = "not-a-hash";
    nu.is_admin = is_admin;
    nu.created_at = clock_.NowMs();
    auto created = stores_.users->Create(nu);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : User{};
  }

  void AddOrg(const std::string& slug, const std::string& name) {
    accounts::OrganisationInput in;
    in.slug = slug;
    in.name = name;
    in.kind = "cso";
    EXPECT_TRUE(IsOk(accounts_->CreateOrganisation(Actor::Cli(), in)));
  }

  void Grant(const User& user, const std::string& slug, const std::string& role) {
    EXPECT_TRUE(IsOk(accounts_->SetMembership(Actor::Cli(), user.id, slug, role)));
  }

  // The actor for `user` as a request would see it: loaded afresh, with memberships.
  Actor As(const User& user) {
    auto u = stores_.users->FindById(user.id);
    EXPECT_TRUE(IsOk(u));
    return Actor::ForUser(u.ok() ? *u : user, "req-test");
  }
  static Actor Anonymous() { return Actor::Anonymous("req-anon"); }

  // A campaign led by jcwi, created by Ana; published unless `publish` is false.
  Campaign AddCampaign(const std::string& title,
                       campaigns::Visibility visibility = campaigns::Visibility::kPublic,
                       bool publish = true) {
    CampaignInput in;
    in.organisation = "jcwi";
    in.texts = std::map<std::string, campaigns::LocalText>{{"en", {title, "A summary", "A body"}}};
    in.visibility = std::string(campaigns::ToString(visibility));
    auto c = campaigns_->Create(As(ana_), in);
    EXPECT_TRUE(IsOk(c));
    if (!c.ok()) return Campaign{};
    if (!publish) return *c;
    EXPECT_TRUE(IsOk(campaigns_->Submit(As(ana_), c->id)));
    auto published = campaigns_->Publish(Actor::Cli(), c->id);
    EXPECT_TRUE(IsOk(published));
    return published.ok() ? *published : *c;
  }

  Thread StartIdea(const User& who, const std::string& title, const std::string& body,
                   std::vector<std::string> tags = {}) {
    NewThread t;
    t.kind = ThreadKind::kIdea;
    t.title = title;
    t.body = body;
    t.tags = std::move(tags);
    auto started = exchange_->StartThread(As(who), t);
    EXPECT_TRUE(IsOk(started));
    return started.ok() ? *started : Thread{};
  }

  Post ReplyAs(const User& who, Id thread_id, const std::string& body) {
    NewPost p;
    p.body = body;
    auto r = exchange_->Reply(As(who), thread_id, p);
    EXPECT_TRUE(IsOk(r));
    return r.ok() ? *r : Post{};
  }

  // A group founded by jcwi (Ana), members-only unless said otherwise.
  exchange::Group AddGroup(const std::string& slug, bool members_only = true) {
    NewGroup g;
    g.slug = slug;
    g.name = "Group " + slug;
    g.purpose = "Working together";
    g.members_only = members_only;
    g.organisation = "jcwi";
    auto created = exchange_->CreateGroup(As(ana_), g);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : exchange::Group{};
  }

  std::vector<std::string> Events(const User& who) {
    auto list = exchange_->Notifications(As(who), false, 100);
    EXPECT_TRUE(IsOk(list));
    std::vector<std::string> out;
    if (list.ok()) {
      for (const Notification& n : *list)
        out.push_back(n.event + " " + n.target.kind + ":" + std::to_string(n.target.id));
    }
    return out;
  }

  std::vector<std::string> AuditActions(const std::string& type, Id id) {
    auto entries = stores_.audit->List(100, type, std::to_string(id));
    EXPECT_TRUE(IsOk(entries));
    std::vector<std::string> out;
    if (entries.ok()) {
      for (const auto& e : *entries) out.push_back(e.action);
    }
    return out;
  }

  // Every (kind, id) in the change feed.
  std::vector<std::pair<std::string, Id>> FeedEntries() {
    auto changes = campaign_stores_->feed().Since(0, 10'000);
    EXPECT_TRUE(IsOk(changes));
    std::vector<std::pair<std::string, Id>> out;
    if (changes.ok()) {
      for (const auto& c : *changes) out.emplace_back(c.kind, c.id);
    }
    return out;
  }

  std::unique_ptr<i18n::Countries> countries_;
  std::unique_ptr<storage::AccountStores> account_stores_;
  std::unique_ptr<storage::CampaignStores> campaign_stores_;
  std::unique_ptr<storage::ExchangeStores> exchange_stores_;
  accounts::Stores stores_{};
  std::unique_ptr<accounts::AccountService> accounts_;
  std::unique_ptr<CampaignService> campaigns_;
  std::unique_ptr<ExchangeService> exchange_;
  User ana_, bob_, carol_, mod_, jmod_;
};

TEST_F(ExchangeTest, StartReplyAndQuote) {
  Thread t = StartIdea(ana_, "  Posters in the underground  ", "We could put posters\nin every station.",
                       {"Public Perception", "posters", "posters"});
  EXPECT_EQ(t.title, "Posters in the underground");
  EXPECT_EQ(t.kind, ThreadKind::kIdea);
  EXPECT_THAT(t.tags, ElementsAre("posters", "public-perception"));
  EXPECT_EQ(t.author_id, ana_.id);
  EXPECT_EQ(t.post_count, 1);

  auto view = exchange_->GetThread(Anonymous(), t.id);
  ASSERT_TRUE(IsOk(view));
  ASSERT_EQ(view->posts.size(), 1u);
  Post opening = view->posts[0];
  EXPECT_EQ(opening.body, "We could put posters\nin every station.");
  EXPECT_FALSE(view->can_post);

  clock_.AdvanceMs(1000);
  NewPost quote;
  quote.body = "Yes, and in buses.";
  quote.lang = "en";
  quote.quote_of = opening.id;
  auto reply = exchange_->Reply(As(bob_), t.id, quote);
  ASSERT_TRUE(IsOk(reply));
  EXPECT_EQ(reply->quote_of, opening.id);
  EXPECT_EQ(reply->quote_text, opening.body);  // short: the whole post
  EXPECT_EQ(reply->author_name, "Bob");

  // A long post is quoted in part: 300 characters and an ellipsis.
  std::string long_body;
  for (int i = 0; i < 100; ++i) long_body += "été ";
  Post long_post = ReplyAs(ana_, t.id, long_body);
  quote.quote_of = long_post.id;
  auto second = exchange_->Reply(As(bob_), t.id, quote);
  ASSERT_TRUE(IsOk(second));
  EXPECT_LT(second->quote_text.size(), long_body.size());
  EXPECT_EQ(second->quote_text.rfind("\xE2\x80\xA6"), second->quote_text.size() - 3);
  // An explicit passage is kept as given.
  quote.quote_text = "in every station";
  quote.quote_of = opening.id;
  auto third = exchange_->Reply(As(carol_), t.id, quote);
  ASSERT_TRUE(IsOk(third));
  EXPECT_EQ(third->quote_text, "in every station");

  // Quoting a post of another thread is refused.
  Thread other = StartIdea(carol_, "Other", "Something else");
  quote.quote_of = opening.id;
  EXPECT_TRUE(HasKind(exchange_->Reply(As(bob_), other.id, quote), Kind::kValidation));

  auto again = exchange_->GetThread(As(ana_), t.id);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(again->thread.post_count, 5);
  EXPECT_EQ(again->posts.size(), 5u);
  EXPECT_TRUE(again->can_post);
  EXPECT_TRUE(again->following);  // authors follow what they start
  EXPECT_EQ(again->thread.last_post_at, third->created_at);

  // Every post reached the search feed; the thread's creation the audit log.
  auto feed = FeedEntries();
  for (const Post& p : again->posts) {
    EXPECT_NE(std::find(feed.begin(), feed.end(), std::make_pair(std::string("post"), p.id)), feed.end());
  }
  EXPECT_THAT(AuditActions("thread", t.id), ElementsAre("thread.create"));
  EXPECT_THAT(AuditActions("post", reply->id), ElementsAre("post.create"));

  // The Ideas board, newest activity first, with tag filters and counts.
  auto ideas = exchange_->Ideas(Anonymous(), std::nullopt, 20, 0);
  ASSERT_TRUE(IsOk(ideas));
  ASSERT_EQ(ideas->size(), 2u);
  EXPECT_EQ((*ideas)[0].id, other.id);
  auto tagged = exchange_->Ideas(Anonymous(), std::string("Public Perception"), 20, 0);
  ASSERT_TRUE(IsOk(tagged));
  ASSERT_EQ(tagged->size(), 1u);
  EXPECT_EQ((*tagged)[0].id, t.id);
  auto count = exchange_->CountIdeas(std::string("posters"));
  ASSERT_TRUE(IsOk(count));
  EXPECT_EQ(*count, 1);
  auto tags = exchange_->IdeaTags(10);
  ASSERT_TRUE(IsOk(tags));
  EXPECT_THAT(*tags, UnorderedElementsAre(std::pair<std::string, int>{"posters", 1},
                                          std::pair<std::string, int>{"public-perception", 1}));
}

TEST_F(ExchangeTest, ValidationNamesFieldsWithCodes) {
  NewThread t;
  t.kind = ThreadKind::kIdea;
  t.title = std::string(201, 'x');
  t.body = "   ";
  t.lang = "de";
  for (int i = 0; i < 11; ++i) t.tags.push_back("tag" + std::to_string(i));
  auto r = exchange_->StartThread(As(ana_), t);
  ASSERT_TRUE(HasKind(r, Kind::kValidation));
  const auto& codes = r.status().field_codes();
  EXPECT_EQ(codes.at("title").code, "too_long");
  EXPECT_EQ(codes.at("title").args.at("max"), "200");
  EXPECT_EQ(codes.at("body").code, "required");
  EXPECT_EQ(codes.at("lang").code, "invalid");
  EXPECT_EQ(codes.at("tags").code, "too_many");

  t = NewThread{};
  t.title = "";
  t.body = std::string(20001, 'b');
  r = exchange_->StartThread(As(ana_), t);
  ASSERT_TRUE(HasKind(r, Kind::kValidation));
  EXPECT_EQ(r.status().field_codes().at("title").code, "required");
  EXPECT_EQ(r.status().field_codes().at("body").code, "too_long");
  EXPECT_EQ(r.status().field_codes().at("body").args.at("max"), "20000");

  Thread ok = StartIdea(ana_, "Fine", "Fine");
  NewPost p;
  p.body = "";
  EXPECT_TRUE(HasKind(exchange_->Reply(As(bob_), ok.id, p), Kind::kValidation));
  EXPECT_TRUE(HasKind(exchange_->Reply(As(bob_), ok.id + 1000, NewPost{"x"}), Kind::kNotFound));
}

TEST_F(ExchangeTest, AnonymousCannotPost) {
  Thread t = StartIdea(ana_, "Idea", "Body");
  NewThread nt;
  nt.title = "Mine";
  nt.body = "Body";
  EXPECT_TRUE(HasKind(exchange_->StartThread(Anonymous(), nt), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(exchange_->Reply(Anonymous(), t.id, NewPost{"hello"}), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(exchange_->MarkUseful(Anonymous(), t.id, true), Kind::kUnauthenticated));
  EXPECT_TRUE(
      HasKind(exchange_->ReportTarget(Anonymous(), Target{"post", 1}, "spam"), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(exchange_->Follow(Anonymous(), Target{"thread", t.id}, true), Kind::kUnauthenticated));
}

TEST_F(ExchangeTest, MembersOnlyGroupPermissions) {
  exchange::Group g = AddGroup("labour");
  // Ana's organisation founded it: she posts.
  NewThread nt;
  nt.kind = ThreadKind::kGroup;
  nt.group_id = g.id;
  nt.title = "Agenda";
  nt.body = "First meeting";
  auto t = exchange_->StartThread(As(ana_), nt);
  ASSERT_TRUE(IsOk(t));
  EXPECT_EQ(t->organisation_id, stores_.organisations->FindBySlug("jcwi")->id);

  // Bob's organisation is not a member: he can neither read nor post.
  auto denied = exchange_->StartThread(As(bob_), nt);
  ASSERT_TRUE(HasKind(denied, Kind::kPermissionDenied));
  EXPECT_EQ(denied.status().message(), "only member organisations may post in this group");
  EXPECT_TRUE(HasKind(exchange_->GetThread(As(bob_), t->id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(exchange_->GetThread(Anonymous(), t->id), Kind::kNotFound));
  auto reply = exchange_->Reply(As(bob_), t->id, NewPost{"let me in"});
  ASSERT_TRUE(HasKind(reply, Kind::kPermissionDenied));
  EXPECT_EQ(reply.status().message(), "only member organisations may post in this group");
  EXPECT_TRUE(HasKind(exchange_->Reply(Anonymous(), t->id, NewPost{"let me in"}), Kind::kUnauthenticated));
  // A moderator of another organisation is an outsider here like anyone.
  EXPECT_TRUE(HasKind(exchange_->GetThread(As(mod_), t->id), Kind::kNotFound));

  auto view = exchange_->GetGroup(As(bob_), g.id);
  ASSERT_TRUE(IsOk(view));
  EXPECT_FALSE(view->can_read);
  EXPECT_FALSE(view->can_post);
  EXPECT_THAT(view->threads, IsEmpty());
  ASSERT_EQ(view->members.size(), 1u);
  EXPECT_EQ(view->members[0].organisation_slug, "jcwi");
  EXPECT_TRUE(view->members[0].coordinator);
  EXPECT_EQ(view->members[0].state, MemberState::kMember);

  view = exchange_->GetGroup(As(ana_), g.id);
  ASSERT_TRUE(IsOk(view));
  EXPECT_TRUE(view->can_read);
  EXPECT_TRUE(view->can_post);
  EXPECT_TRUE(view->can_manage);
  EXPECT_TRUE(view->following);
  ASSERT_EQ(view->threads.size(), 1u);
  ASSERT_TRUE(view->mine.has_value());

  // An open group: everyone signed in reads, only members post.
  exchange::Group open = AddGroup("open-forum", /*members_only=*/false);
  nt.group_id = open.id;
  auto ot = exchange_->StartThread(As(ana_), nt);
  ASSERT_TRUE(IsOk(ot));
  EXPECT_TRUE(IsOk(exchange_->GetThread(As(bob_), ot->id)));
  EXPECT_TRUE(HasKind(exchange_->GetThread(Anonymous(), ot->id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(exchange_->Reply(As(bob_), ot->id, NewPost{"hi"}), Kind::kPermissionDenied));
}

TEST_F(ExchangeTest, GroupInvitationFlow) {
  exchange::Group g = AddGroup("climate");
  // Only a coordinator (or admin) invites.
  EXPECT_TRUE(HasKind(exchange_->Invite(As(bob_), g.id, "cgil"), Kind::kPermissionDenied));
  ASSERT_TRUE(IsOk(exchange_->Invite(As(ana_), g.id, "kisa")));
  auto view = exchange_->GetGroup(As(bob_), g.id);
  ASSERT_TRUE(IsOk(view));
  ASSERT_TRUE(view->mine.has_value());
  EXPECT_EQ(view->mine->state, MemberState::kInvited);
  EXPECT_FALSE(view->can_read);

  // A plain member of KISA cannot accept for it; its editor can.
  EXPECT_TRUE(HasKind(exchange_->Accept(As(carol_), g.id, "kisa"), Kind::kPermissionDenied));
  ASSERT_TRUE(IsOk(exchange_->Accept(As(bob_), g.id, "kisa")));
  EXPECT_TRUE(HasKind(exchange_->Accept(As(bob_), g.id, "kisa"), Kind::kConflict));

  view = exchange_->GetGroup(As(carol_), g.id);
  ASSERT_TRUE(IsOk(view));
  EXPECT_TRUE(view->can_read);
  EXPECT_TRUE(view->can_post);  // any of KISA's people post once KISA is a member
  EXPECT_FALSE(view->can_manage);
  NewThread nt;
  nt.kind = ThreadKind::kGroup;
  nt.group_id = g.id;
  nt.title = "Hello";
  nt.body = "From KISA";
  EXPECT_TRUE(IsOk(exchange_->StartThread(As(carol_), nt)));

  EXPECT_THAT(AuditActions("group", g.id), ElementsAre("group.accept", "group.invite", "group.create"));
  EXPECT_TRUE(HasKind(exchange_->Invite(As(ana_), g.id, "nope"), Kind::kNotFound));
}

TEST_F(ExchangeTest, GroupRequestFlowAndLeaving) {
  exchange::Group g = AddGroup("integration");
  // Only an editor of the organisation asks for it.
  EXPECT_TRUE(HasKind(exchange_->RequestMembership(As(carol_), g.id, "kisa"), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(exchange_->RequestMembership(As(bob_), g.id, "cgil"), Kind::kPermissionDenied));
  ASSERT_TRUE(IsOk(exchange_->RequestMembership(As(bob_), g.id, "kisa")));
  ASSERT_TRUE(IsOk(exchange_->RequestMembership(As(bob_), g.id, "kisa")));  // asking twice is fine

  // Followers of the group (Ana, who founded it) hear of the request.
  EXPECT_THAT(Events(ana_), ElementsAre("group.requested group:" + std::to_string(g.id)));

  auto pending = exchange_->GetGroup(As(bob_), g.id);
  ASSERT_TRUE(IsOk(pending));
  ASSERT_TRUE(pending->mine.has_value());
  EXPECT_EQ(pending->mine->state, MemberState::kRequested);
  EXPECT_FALSE(pending->can_post);

  // The requester cannot accept itself; the coordinator can.
  EXPECT_TRUE(HasKind(exchange_->Accept(As(bob_), g.id, "kisa"), Kind::kPermissionDenied));
  ASSERT_TRUE(IsOk(exchange_->Accept(As(ana_), g.id, "kisa")));
  auto member = exchange_->GetGroup(As(bob_), g.id);
  ASSERT_TRUE(IsOk(member));
  EXPECT_EQ(member->mine->state, MemberState::kMember);
  EXPECT_TRUE(member->can_post);
  EXPECT_TRUE(HasKind(exchange_->RequestMembership(As(bob_), g.id, "kisa"), Kind::kConflict));

  // Members link campaigns they can see.
  Campaign c = AddCampaign("I am a Migrant");
  EXPECT_TRUE(HasKind(exchange_->LinkCampaign(As(mod_), g.id, c.id), Kind::kPermissionDenied));
  ASSERT_TRUE(IsOk(exchange_->LinkCampaign(As(bob_), g.id, c.id)));
  ASSERT_TRUE(IsOk(exchange_->LinkCampaign(As(bob_), g.id, c.id)));  // idempotent
  member = exchange_->GetGroup(As(bob_), g.id);
  ASSERT_TRUE(IsOk(member));
  ASSERT_EQ(member->campaigns.size(), 1u);
  EXPECT_EQ(member->campaigns[0].id, c.id);

  // The last coordinator cannot leave others behind; KISA can leave.
  EXPECT_TRUE(HasKind(exchange_->Leave(As(ana_), g.id, "jcwi"), Kind::kConflict));
  EXPECT_TRUE(HasKind(exchange_->Leave(As(carol_), g.id, "kisa"), Kind::kPermissionDenied));
  ASSERT_TRUE(IsOk(exchange_->Leave(As(bob_), g.id, "kisa")));
  EXPECT_TRUE(HasKind(exchange_->Leave(As(bob_), g.id, "kisa"), Kind::kNotFound));
  auto after = exchange_->GetGroup(As(bob_), g.id);
  ASSERT_TRUE(IsOk(after));
  EXPECT_FALSE(after->mine.has_value());
  EXPECT_FALSE(after->can_read);

  // Invitation after a request is acceptance, and vice versa.
  ASSERT_TRUE(IsOk(exchange_->RequestMembership(As(bob_), g.id, "kisa")));
  ASSERT_TRUE(IsOk(exchange_->Invite(As(ana_), g.id, "kisa")));
  after = exchange_->GetGroup(As(bob_), g.id);
  ASSERT_TRUE(IsOk(after));
  EXPECT_EQ(after->mine->state, MemberState::kMember);

  auto groups = exchange_->Groups(10, 0);
  ASSERT_TRUE(IsOk(groups));
  ASSERT_EQ(groups->size(), 1u);
  NewGroup dup;
  dup.slug = "integration";
  dup.name = "Again";
  dup.organisation = "jcwi";
  EXPECT_TRUE(HasKind(exchange_->CreateGroup(As(ana_), dup), Kind::kConflict));
  dup.slug = "other";
  EXPECT_TRUE(HasKind(exchange_->CreateGroup(As(carol_), dup), Kind::kPermissionDenied));
  dup.organisation = "nowhere";
  auto unknown = exchange_->CreateGroup(As(ana_), dup);
  ASSERT_TRUE(HasKind(unknown, Kind::kValidation));
  EXPECT_EQ(unknown.status().field_codes().at("organisation").code, "unknown");

  // The operator (demo data, CLI) founds groups for any organisation.
  dup.slug = "demo-group";
  dup.organisation = "cgil";
  auto by_cli = exchange_->CreateGroup(Actor::Cli(), dup);
  ASSERT_TRUE(IsOk(by_cli));
  EXPECT_EQ(by_cli->created_by, 0);
  ASSERT_TRUE(IsOk(exchange_->Invite(Actor::System(), by_cli->id, "jcwi")));
}

TEST_F(ExchangeTest, UsefulMarksAreIdempotentAndCounted) {
  Thread t = StartIdea(ana_, "Idea", "Body");
  auto view = exchange_->GetThread(As(bob_), t.id);
  ASSERT_TRUE(IsOk(view));
  Id post = view->posts[0].id;
  auto n = exchange_->MarkUseful(As(bob_), post, true);
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(*n, 1);
  n = exchange_->MarkUseful(As(bob_), post, true);
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(*n, 1);
  n = exchange_->MarkUseful(As(carol_), post, true);
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(*n, 2);

  view = exchange_->GetThread(As(bob_), t.id);
  ASSERT_TRUE(IsOk(view));
  EXPECT_THAT(view->useful_mine, ElementsAre(post));
  EXPECT_EQ(view->posts[0].useful_count, 2);
  EXPECT_EQ(view->thread.useful_count, 2);
  view = exchange_->GetThread(As(ana_), t.id);
  ASSERT_TRUE(IsOk(view));
  EXPECT_THAT(view->useful_mine, IsEmpty());

  n = exchange_->MarkUseful(As(bob_), post, false);
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(*n, 1);
  n = exchange_->MarkUseful(As(bob_), post, false);
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(*n, 1);
  EXPECT_TRUE(HasKind(exchange_->MarkUseful(As(bob_), post + 1000, true), Kind::kNotFound));
}

TEST_F(ExchangeTest, FollowersAreNotifiedButNeverTheAuthor) {
  Thread t = StartIdea(ana_, "Posters", "Opening");
  ASSERT_TRUE(IsOk(exchange_->Follow(As(carol_), Target{"thread", t.id}, true)));
  ASSERT_TRUE(IsOk(exchange_->Follow(As(carol_), Target{"thread", t.id}, true)));  // idempotent
  auto following = exchange_->IsFollowing(As(carol_), Target{"thread", t.id});
  ASSERT_TRUE(IsOk(following));
  EXPECT_TRUE(*following);

  clock_.AdvanceMs(1000);
  ReplyAs(bob_, t.id, "Reply from Bob");
  std::string about = "post.created thread:" + std::to_string(t.id);
  EXPECT_THAT(Events(ana_), ElementsAre(about));
  EXPECT_THAT(Events(carol_), ElementsAre(about));
  EXPECT_THAT(Events(bob_), IsEmpty());
  auto list = exchange_->Notifications(As(ana_), true, 10);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].actor_name, "Bob");
  EXPECT_EQ((*list)[0].title, "Posters");

  // Bob follows the thread now that he replied; Ana's reply tells him, not her.
  clock_.AdvanceMs(1000);
  ReplyAs(ana_, t.id, "Thanks Bob");
  EXPECT_THAT(Events(bob_), ElementsAre(about));
  EXPECT_THAT(Events(ana_), ElementsAre(about));
  EXPECT_THAT(Events(carol_), ElementsAre(about, about));

  // Unread counts and marking read.
  auto unread = exchange_->UnreadCount(As(carol_));
  ASSERT_TRUE(IsOk(unread));
  EXPECT_EQ(*unread, 2);
  ASSERT_TRUE(IsOk(exchange_->MarkRead(As(carol_), (*exchange_->Notifications(As(carol_), true, 10))[0].id)));
  EXPECT_EQ(*exchange_->UnreadCount(As(carol_)), 1);
  ASSERT_TRUE(IsOk(exchange_->MarkRead(As(carol_), std::nullopt)));
  EXPECT_EQ(*exchange_->UnreadCount(As(carol_)), 0);

  // Unfollowing stops them.
  ASSERT_TRUE(IsOk(exchange_->Follow(As(carol_), Target{"thread", t.id}, false)));
  ReplyAs(bob_, t.id, "Again");
  EXPECT_EQ(Events(carol_).size(), 2u);

  // A campaign's followers hear of posts in its thread, once each.
  Campaign c = AddCampaign("Movement against Xenophobia");
  ASSERT_TRUE(IsOk(exchange_->Follow(As(carol_), Target{"campaign", c.id}, true)));
  auto first = exchange_->ReplyToCampaign(As(bob_), c.id, NewPost{"Great campaign"});
  ASSERT_TRUE(IsOk(first));
  auto ct = exchange_->CampaignThread(Anonymous(), c.id);
  ASSERT_TRUE(IsOk(ct));
  ASSERT_TRUE(ct->has_value());
  EXPECT_EQ((*ct)->thread.kind, ThreadKind::kCampaign);
  EXPECT_EQ((*ct)->thread.title, "Movement against Xenophobia");
  EXPECT_THAT(PostIds((*ct)->posts), ElementsAre(first->id));
  ASSERT_TRUE(IsOk(exchange_->Follow(As(carol_), Target{"thread", (*ct)->thread.id}, true)));
  std::size_t before = Events(carol_).size();
  ASSERT_TRUE(IsOk(exchange_->ReplyToCampaign(As(ana_), c.id, NewPost{"Thank you"})));
  EXPECT_EQ(Events(carol_).size(), before + 1);  // follows both; told once
  EXPECT_TRUE(
      HasKind(exchange_->Follow(As(carol_), Target{"post", first->id}, true), Kind::kInvalidArgument));

  // Workflow events reach the campaign's followers, not the actor.
  clock_.AdvanceMs(1000);
  ASSERT_TRUE(IsOk(exchange_->Notify(As(mod_), "campaign.updated", Target{"campaign", c.id}, "New title")));
  auto newest = exchange_->Notifications(As(carol_), false, 1);
  ASSERT_TRUE(IsOk(newest));
  ASSERT_EQ(newest->size(), 1u);
  EXPECT_EQ((*newest)[0].event, "campaign.updated");
  EXPECT_EQ((*newest)[0].title, "New title");
  // ... and the campaign's discussion is queued for the index again.
  auto feed = FeedEntries();
  EXPECT_EQ(std::count(feed.begin(), feed.end(), std::make_pair(std::string("post"), first->id)), 2);
}

TEST_F(ExchangeTest, CampaignThreadFollowsCampaignVisibility) {
  Campaign own = AddCampaign("Internal", campaigns::Visibility::kOrganisation);
  Campaign draft = AddCampaign("Draft", campaigns::Visibility::kPublic, /*publish=*/false);
  ASSERT_TRUE(IsOk(exchange_->ReplyToCampaign(As(ana_), own.id, NewPost{"Team only"})));
  ASSERT_TRUE(IsOk(exchange_->ReplyToCampaign(As(ana_), draft.id, NewPost{"Draft notes"})));
  EXPECT_TRUE(HasKind(exchange_->CampaignThread(As(bob_), own.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(exchange_->CampaignThread(Anonymous(), draft.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(exchange_->ReplyToCampaign(As(bob_), draft.id, NewPost{"?"}), Kind::kNotFound));
  auto mine = exchange_->CampaignThread(As(ana_), own.id);
  ASSERT_TRUE(IsOk(mine));
  ASSERT_TRUE(mine->has_value());
  EXPECT_TRUE(HasKind(exchange_->GetThread(As(bob_), (*mine)->thread.id), Kind::kNotFound));

  // One thread per campaign.
  NewThread nt;
  nt.kind = ThreadKind::kCampaign;
  nt.campaign_id = own.id;
  nt.body = "Second thread";
  EXPECT_TRUE(HasKind(exchange_->StartThread(As(ana_), nt), Kind::kConflict));

  Campaign fresh = AddCampaign("No discussion yet");
  auto none = exchange_->CampaignThread(Anonymous(), fresh.id);
  ASSERT_TRUE(IsOk(none));
  EXPECT_FALSE(none->has_value());
}

TEST_F(ExchangeTest, ReportsHideAPostAndModeratorsRestoreIt) {
  exchange::Group g = AddGroup("reports");
  ASSERT_TRUE(IsOk(exchange_->Invite(As(ana_), g.id, "kisa")));
  ASSERT_TRUE(IsOk(exchange_->Accept(As(bob_), g.id, "kisa")));
  NewThread nt;
  nt.kind = ThreadKind::kGroup;
  nt.group_id = g.id;
  nt.title = "Plans";
  nt.body = "Opening";
  auto t = exchange_->StartThread(As(ana_), nt);
  ASSERT_TRUE(IsOk(t));
  Post bad = ReplyAs(bob_, t->id, "Something offensive");
  Target target{"post", bad.id};

  ASSERT_TRUE(IsOk(exchange_->ReportTarget(As(ana_), target, "Offensive")));
  EXPECT_TRUE(HasKind(exchange_->ReportTarget(As(ana_), target, "Still offensive"), Kind::kConflict));
  auto empty_reason = exchange_->ReportTarget(As(carol_), target, "  ");
  ASSERT_TRUE(HasKind(empty_reason, Kind::kValidation));
  EXPECT_EQ(empty_reason.field_codes().at("reason").code, "required");
  auto long_reason = exchange_->ReportTarget(As(carol_), target, std::string(501, 'r'));
  ASSERT_TRUE(HasKind(long_reason, Kind::kValidation));
  EXPECT_EQ(long_reason.field_codes().at("reason").code, "too_long");
  EXPECT_TRUE(HasKind(exchange_->ReportTarget(As(ana_), Target{"group", g.id}, "x"), Kind::kInvalidArgument));
  // Outsiders cannot see the post, so cannot report it.
  User dave = AddUser("dave@example.org", "Dave");
  EXPECT_TRUE(HasKind(exchange_->ReportTarget(As(dave), target, "x"), Kind::kNotFound));

  ASSERT_TRUE(IsOk(exchange_->ReportTarget(As(carol_), target, "Rude")));
  auto view = exchange_->GetThread(As(carol_), t->id);
  ASSERT_TRUE(IsOk(view));
  EXPECT_EQ(view->posts.size(), 2u);  // two reports: still shown

  ASSERT_TRUE(IsOk(exchange_->ReportTarget(As(jmod_), target, "Agreed")));
  view = exchange_->GetThread(As(carol_), t->id);
  ASSERT_TRUE(IsOk(view));
  EXPECT_EQ(view->posts.size(), 1u);  // the third report hid it
  auto as_mod = exchange_->GetThread(As(jmod_), t->id);
  ASSERT_TRUE(IsOk(as_mod));
  ASSERT_EQ(as_mod->posts.size(), 2u);
  EXPECT_TRUE(as_mod->posts[1].hidden);
  EXPECT_TRUE(HasKind(exchange_->SearchDocument(bad.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(exchange_->MarkUseful(As(carol_), bad.id, true), Kind::kNotFound));
  EXPECT_THAT(AuditActions("post", bad.id), ::testing::Contains("post.hide"));

  // The moderation queue: moderators only.
  EXPECT_TRUE(HasKind(exchange_->ModerationQueue(As(ana_)), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(exchange_->ModerationQueue(Anonymous()), Kind::kUnauthenticated));
  auto queue = exchange_->ModerationQueue(As(jmod_));
  ASSERT_TRUE(IsOk(queue));
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].target, target);
  EXPECT_EQ((*queue)[0].title, "Something offensive");
  EXPECT_EQ((*queue)[0].context, "Plans");
  EXPECT_TRUE((*queue)[0].hidden);
  ASSERT_EQ((*queue)[0].reports.size(), 3u);
  EXPECT_EQ((*queue)[0].reports[0].reason, "Offensive");

  EXPECT_TRUE(HasKind(exchange_->Resolve(As(ana_), target, "restore"), Kind::kPermissionDenied));
  // cgil's moderator moderates neither this group nor its posts.
  EXPECT_THAT(exchange_->ModerationQueue(As(mod_)).value(), IsEmpty());
  EXPECT_TRUE(HasKind(exchange_->Resolve(As(mod_), target, "restore"), Kind::kPermissionDenied));
  auto bad_decision = exchange_->Resolve(As(jmod_), target, "maybe");
  ASSERT_TRUE(HasKind(bad_decision, Kind::kValidation));
  EXPECT_EQ(bad_decision.field_codes().at("decision").code, "invalid");
  ASSERT_TRUE(IsOk(exchange_->Resolve(As(jmod_), target, "restore")));
  view = exchange_->GetThread(As(carol_), t->id);
  ASSERT_TRUE(IsOk(view));
  EXPECT_EQ(view->posts.size(), 2u);
  queue = exchange_->ModerationQueue(As(jmod_));
  ASSERT_TRUE(IsOk(queue));
  EXPECT_THAT(*queue, IsEmpty());
  EXPECT_TRUE(IsOk(exchange_->SearchDocument(bad.id)));
  // Reports were resolved, so the same people may report it again.
  EXPECT_TRUE(IsOk(exchange_->ReportTarget(As(ana_), target, "Again")));
}

TEST_F(ExchangeTest, ReportsHideACampaignAndRemovalKeepsItHidden) {
  Campaign c = AddCampaign("Controversial");
  Target target{"campaign", c.id};
  User dave = AddUser("dave@example.org", "Dave");
  ASSERT_TRUE(IsOk(exchange_->ReportTarget(As(bob_), target, "Misleading")));
  ASSERT_TRUE(IsOk(exchange_->ReportTarget(As(carol_), target, "Misleading")));
  EXPECT_TRUE(IsOk(campaigns_->Get(Anonymous(), c.id)));
  ASSERT_TRUE(IsOk(exchange_->ReportTarget(As(dave), target, "Misleading")));
  EXPECT_TRUE(HasKind(campaigns_->Get(Anonymous(), c.id), Kind::kNotFound));
  EXPECT_TRUE(IsOk(campaigns_->Get(As(jmod_), c.id)));

  auto queue = exchange_->ModerationQueue(As(jmod_));
  ASSERT_TRUE(IsOk(queue));
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].title, "Controversial");
  EXPECT_TRUE((*queue)[0].hidden);

  ASSERT_TRUE(IsOk(exchange_->Resolve(As(jmod_), target, "remove")));
  EXPECT_TRUE(HasKind(campaigns_->Get(Anonymous(), c.id), Kind::kNotFound));
  queue = exchange_->ModerationQueue(As(jmod_));
  ASSERT_TRUE(IsOk(queue));
  EXPECT_THAT(*queue, IsEmpty());
  auto feed = FeedEntries();
  EXPECT_GE(std::count(feed.begin(), feed.end(), std::make_pair(std::string("campaign"), c.id)), 3);
  EXPECT_THAT(AuditActions("campaign", c.id), ::testing::IsSupersetOf({"campaign.hide", "campaign.remove"}));
}

TEST_F(ExchangeTest, SearchDocumentsCarryAudiences) {
  Thread idea = StartIdea(ana_, "Idea title", "Idée en français");
  NewPost fr;
  fr.body = "Une réponse";
  fr.lang = "fr";
  auto reply = exchange_->Reply(As(bob_), idea.id, fr);
  ASSERT_TRUE(IsOk(reply));
  auto doc = exchange_->SearchDocument(reply->id);
  ASSERT_TRUE(IsOk(doc));
  EXPECT_EQ(doc->kind, "post");
  EXPECT_THAT(doc->audience, ElementsAre("public"));
  ASSERT_EQ(doc->texts.count("fr"), 1u);
  EXPECT_EQ(doc->texts.at("fr").title, "Idea title");
  EXPECT_EQ(doc->texts.at("fr").body, "Une réponse");
  EXPECT_THAT(doc->facets.at("kind"), ElementsAre("post"));
  EXPECT_THAT(doc->facets.at("lang"), ElementsAre("fr"));

  exchange::Group g = AddGroup("private");
  ASSERT_TRUE(IsOk(exchange_->Invite(As(ana_), g.id, "kisa")));
  ASSERT_TRUE(IsOk(exchange_->Accept(As(bob_), g.id, "kisa")));
  ASSERT_TRUE(IsOk(exchange_->Invite(As(ana_), g.id, "cgil")));  // invited only: no access
  NewThread nt;
  nt.kind = ThreadKind::kGroup;
  nt.group_id = g.id;
  nt.title = "Members";
  nt.body = "Only us";
  auto gt = exchange_->StartThread(As(bob_), nt);
  ASSERT_TRUE(IsOk(gt));
  auto gposts = exchange_->GetThread(As(bob_), gt->id);
  ASSERT_TRUE(IsOk(gposts));
  doc = exchange_->SearchDocument(gposts->posts[0].id);
  ASSERT_TRUE(IsOk(doc));
  Id jcwi = stores_.organisations->FindBySlug("jcwi")->id;
  Id kisa = stores_.organisations->FindBySlug("kisa")->id;
  EXPECT_THAT(doc->audience,
              UnorderedElementsAre("org:" + std::to_string(jcwi), "org:" + std::to_string(kisa)));

  exchange::Group open = AddGroup("public-group", false);
  nt.group_id = open.id;
  auto ot = exchange_->StartThread(As(ana_), nt);
  ASSERT_TRUE(IsOk(ot));
  auto oposts = exchange_->GetThread(As(ana_), ot->id);
  ASSERT_TRUE(IsOk(oposts));
  doc = exchange_->SearchDocument(oposts->posts[0].id);
  ASSERT_TRUE(IsOk(doc));
  EXPECT_THAT(doc->audience, ElementsAre("members"));

  Campaign members = AddCampaign("Members campaign", campaigns::Visibility::kMembers);
  auto cp = exchange_->ReplyToCampaign(As(bob_), members.id, NewPost{"On it"});
  ASSERT_TRUE(IsOk(cp));
  doc = exchange_->SearchDocument(cp->id);
  ASSERT_TRUE(IsOk(doc));
  EXPECT_THAT(doc->audience, ElementsAre("members"));
  Campaign own = AddCampaign("Own campaign", campaigns::Visibility::kOrganisation);
  auto op = exchange_->ReplyToCampaign(As(ana_), own.id, NewPost{"Inside"});
  ASSERT_TRUE(IsOk(op));
  doc = exchange_->SearchDocument(op->id);
  ASSERT_TRUE(IsOk(doc));
  EXPECT_THAT(doc->audience, ElementsAre("org:" + std::to_string(jcwi)));
  Campaign draft = AddCampaign("Draft", campaigns::Visibility::kPublic, false);
  auto dp = exchange_->ReplyToCampaign(As(ana_), draft.id, NewPost{"Not yet"});
  ASSERT_TRUE(IsOk(dp));
  EXPECT_TRUE(HasKind(exchange_->SearchDocument(dp->id), Kind::kNotFound));

  // The document source for the indexer.
  exchange::PostDocuments source(*exchange_, *exchange_stores_->stores().threads);
  auto ids = source.ListIds("post", 0, 100);
  ASSERT_TRUE(IsOk(ids));
  EXPECT_EQ(ids->size(), 7u);
  EXPECT_TRUE(std::is_sorted(ids->begin(), ids->end()));
  auto loaded = source.Load("post", reply->id);
  ASSERT_TRUE(IsOk(loaded));
  EXPECT_EQ(loaded->id, reply->id);
  EXPECT_TRUE(HasKind(source.Load("campaign", reply->id), Kind::kNotFound));
}

TEST_F(ExchangeTest, DigestSendsOnceThenWaitsForThePeriod) {
  RecordingMailer mailer;
  std::vector<std::size_t> rendered_items;
  DigestService digest(
      stores_, *exchange_stores_->stores().notifications, mailer,
      [&](const User& user, const std::vector<Notification>& items) {
        rendered_items.push_back(items.size());
        return Email{"", "Digest for " + user.name, std::to_string(items.size()) + " items"};
      },
      clock_);
  ASSERT_TRUE(IsOk(exchange_->SetDigest(As(ana_), "daily")));
  ASSERT_TRUE(IsOk(exchange_->SetDigest(As(carol_), "weekly")));
  EXPECT_TRUE(HasKind(exchange_->SetDigest(As(bob_), "hourly"), Kind::kValidation));
  auto freq = exchange_->Digest(As(ana_));
  ASSERT_TRUE(IsOk(freq));
  EXPECT_EQ(*freq, DigestFrequency::kDaily);
  EXPECT_EQ(*exchange_->Digest(As(bob_)), DigestFrequency::kNone);

  // Nothing to tell: nothing sent.
  auto sent = digest.SendDue();
  ASSERT_TRUE(IsOk(sent));
  EXPECT_EQ(*sent, 0);

  Thread t = StartIdea(ana_, "Digest me", "Opening");
  ASSERT_TRUE(IsOk(exchange_->Follow(As(carol_), Target{"thread", t.id}, true)));
  ReplyAs(bob_, t.id, "One");
  ReplyAs(bob_, t.id, "Two");

  sent = digest.SendDue();
  ASSERT_TRUE(IsOk(sent));
  EXPECT_EQ(*sent, 2);  // Ana (daily) and Carol (weekly), both never sent before
  ASSERT_EQ(mailer.sent.size(), 2u);
  std::set<std::string> to;
  for (const Email& e : mailer.sent) to.insert(e.to);
  EXPECT_THAT(to, UnorderedElementsAre("ana@example.org", "carol@example.org"));
  EXPECT_THAT(rendered_items, ElementsAre(2u, 2u));

  // Not again: everything was e-mailed.
  sent = digest.SendDue();
  ASSERT_TRUE(IsOk(sent));
  EXPECT_EQ(*sent, 0);
  auto items = exchange_->Notifications(As(ana_), false, 10);
  ASSERT_TRUE(IsOk(items));
  for (const Notification& n : *items) EXPECT_TRUE(n.emailed);

  // New activity waits for the period: a day for Ana, a week for Carol.
  clock_.AdvanceMs(kHour);
  ReplyAs(bob_, t.id, "Three");
  sent = digest.SendDue();
  ASSERT_TRUE(IsOk(sent));
  EXPECT_EQ(*sent, 0);
  clock_.AdvanceMs(kDay);
  sent = digest.SendDue();
  ASSERT_TRUE(IsOk(sent));
  EXPECT_EQ(*sent, 1);
  EXPECT_EQ(mailer.sent.back().to, "ana@example.org");
  clock_.AdvanceMs(7 * kDay);
  sent = digest.SendDue();
  ASSERT_TRUE(IsOk(sent));
  EXPECT_EQ(*sent, 1);
  EXPECT_EQ(mailer.sent.back().to, "carol@example.org");
  EXPECT_EQ(mailer.sent.back().subject, "Digest for Carol");
}

TEST_F(ExchangeTest, DigestFailureLeavesItemsForTheNextRun) {
  RecordingMailer mailer;
  DigestService digest(
      stores_, *exchange_stores_->stores().notifications, mailer,
      [](const User& user, const std::vector<Notification>& items) {
        return Email{user.email, "Digest", std::to_string(items.size())};
      },
      clock_);
  ASSERT_TRUE(IsOk(exchange_->SetDigest(As(ana_), "daily")));
  Thread t = StartIdea(ana_, "Digest me", "Opening");
  ReplyAs(bob_, t.id, "One");

  mailer.fail = true;
  auto sent = digest.SendDue();
  ASSERT_TRUE(IsOk(sent));
  EXPECT_EQ(*sent, 0);
  auto items = exchange_->Notifications(As(ana_), false, 10);
  ASSERT_TRUE(IsOk(items));
  ASSERT_EQ(items->size(), 1u);
  EXPECT_FALSE((*items)[0].emailed);

  mailer.fail = false;
  sent = digest.SendDue();
  ASSERT_TRUE(IsOk(sent));
  EXPECT_EQ(*sent, 1);
  ASSERT_EQ(mailer.sent.size(), 1u);
  EXPECT_EQ(mailer.sent[0].text, "1");
}

}  // namespace
}  // namespace waymark::conformance
