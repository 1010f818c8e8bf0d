// PracticeService over the real stores, run against each backend:
// sqlite/PracticeService... and postgres/PracticeService... (PostgreSQL needs
// WAYMARK_TEST_PG_URL). See backend.h. The service is wired as the runtime
// wires it (src/app/runtime.cc): the practices stores, the accounts stores
// and their unit of work, the change feed of the campaigns stores, the ISO
// country list, a FakeClock and real randomness.
//
// The fixture has two organisations and people in each role:
//   jed: ana (editor), ben (member), mo (moderator)
//   ami: bea (editor), bmo (moderator)
//   dual: moderator of jed and member of ami;  sam: signed in, no organisation;
//   root: a platform administrator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backend.h"
#include "core/regions.h"
#include "crypto/crypto.h"
#include "domain/accounts/account_service.h"
#include "domain/practices/practice_service.h"
#include "i18n/countries.h"
#include "storage/accounts/account_stores.h"
#include "storage/campaigns/campaign_stores.h"
#include "storage/practices/practice_stores.h"

namespace waymark::conformance {
namespace {

using accounts::AccountService;
using accounts::Actor;
using accounts::AuditEntry;
using accounts::Id;
using accounts::Organisation;
using accounts::OrganisationInput;
using accounts::User;
using practices::Adoption;
using practices::Contributor;
using practices::Lifecycle;
using practices::Link;
using practices::LocalText;
using practices::Message;
using practices::OpenGuard;
using practices::Party;
using practices::Place;
using practices::PlaceRole;
using practices::Practice;
using practices::PracticeInput;
using practices::PracticeOptions;
using practices::PracticeService;
using practices::Revision;
using practices::Submitted;
using practices::Term;
using practices::Upload;
using Kind = Status::Kind;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::int64_t kHourMs = 3600LL * 1000;

// EXPECT_TRUE(HasFieldCode(result, "places", "country_unknown")).
template <typename T>
::testing::AssertionResult HasFieldCode(const T& status_or_result, const std::string& field,
                                        const std::string& code) {
  const Status& s = StatusOf(status_or_result);
  if (s.kind() != Kind::kValidation) {
    return ::testing::AssertionFailure() << "expected validation, got " << Describe(s);
  }
  auto it = s.field_codes().find(field);
  if (it == s.field_codes().end()) {
    std::string fields;
    for (const auto& [f, c] : s.field_codes()) fields += f + "=" + c.code + " ";
    return ::testing::AssertionFailure() << "no error for '" << field << "'; errors: " << fields;
  }
  if (it->second.code != code) {
    return ::testing::AssertionFailure() << field << ": expected " << code << ", got " << it->second.code;
  }
  return ::testing::AssertionSuccess();
}

std::string Pdf(const std::string& marker = "one") {
  return "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + marker + "\n%%EOF\n";
}

class PracticeServiceTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(IsOk(crypto::Init()));
    auto countries = i18n::Countries::Load(i18n::kDefaultIsoCodesJsonPath, i18n::Countries::DefaultMoPaths());
    ASSERT_TRUE(IsOk(countries));
    countries_ = std::move(countries).value();
    account_stores_ = std::make_unique<storage::AccountStores>(db());
    stores_ = account_stores_->stores();
    accounts_ = std::make_unique<AccountService>(stores_, clock_, *countries_, crypto::PasswordPolicy{});
    campaign_stores_ = std::make_unique<storage::CampaignStores>(db(), clock_);
    practice_stores_ = std::make_unique<storage::PracticeStores>(db(), clock_);
    service_ =
        std::make_unique<PracticeService>(stores_, practice_stores_->stores(), campaign_stores_->feed(),
                                          clock_, random_, *countries_, options_);
    ASSERT_TRUE(IsOk(service_->SeedVocabularies()));

    jed_ = AddOrg("jed", "Jeunesse en Detresse");
    ami_ = AddOrg("ami", "Aide aux Migrants");
    ana_ = AddUser("ana@example.org", "Ana");
    ben_ = AddUser("ben@example.org", "Ben");
    mo_ = AddUser("mo@example.org", "Mo");
    bea_ = AddUser("bea@example.org", "Bea");
    bmo_ = AddUser("bmo@example.org", "Bmo");
    dual_ = AddUser("dual@example.org", "Dual");
    sam_ = AddUser("sam@example.org", "Sam");
    root_ = AddUser("root@example.org", "Root", /*is_admin=*/true);
    Grant(ana_, "jed", "editor");
    Grant(ben_, "jed", "member");
    Grant(mo_, "jed", "moderator");
    Grant(bea_, "ami", "editor");
    Grant(bmo_, "ami", "moderator");
    Grant(dual_, "jed", "moderator");
    Grant(dual_, "ami", "member");
  }

  void TearDown() override {
    service_.reset();
    practice_stores_.reset();
    campaign_stores_.reset();
    accounts_.reset();
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

  Organisation AddOrg(const std::string& slug, const std::string& name) {
    OrganisationInput in;
    in.slug = slug;
    in.name = name;
    in.kind = "cso";
    auto created = accounts_->CreateOrganisation(Actor::Cli(), in);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : Organisation{};
  }

  void Grant(const User& user, const std::string& slug, const std::string& role) {
    EXPECT_TRUE(IsOk(accounts_->SetMembership(Actor::Cli(), user.id, slug, role)));
  }

  Id AddGroup(const std::string& slug) {
    auto lease = db().Acquire();
    EXPECT_TRUE(IsOk(lease));
    if (!lease.ok()) return 0;
    auto row = (*lease)->QueryOne(
        "INSERT INTO working_groups(slug, name, created_at) VALUES ($1,$2,$3) RETURNING id",
        {slug, "Group " + slug, clock_.NowMs()});
    EXPECT_TRUE(IsOk(row));
    return row.ok() ? row->Int(0) : 0;
  }

  // The actor for `user` as a request would see it: loaded afresh, with memberships.
  Actor As(const User& user) {
    auto fresh = stores_.users->FindById(user.id);
    EXPECT_TRUE(IsOk(fresh));
    return Actor::ForUser(fresh.ok() ? *fresh : user, "req-test");
  }
  static Actor Anonymous() { return Actor::Anonymous("req-anon"); }
  static Actor System() { return Actor::System(); }

  // A form shown long enough ago, from an address of its own unless given.
  OpenGuard Guard(std::string address = "") {
    if (address.empty()) address = "addr-" + std::to_string(++addresses_);
    return OpenGuard{address, false, clock_.NowMs() - options_.min_fill_ms - 1000};
  }

  // A complete open contribution.
  static PracticeInput OpenInput(const std::string& title) {
    PracticeInput in;
    in.texts = std::map<std::string, LocalText>{
        {"en", LocalText{title, "A hotline for migrants stranded by the fighting.", "Nobody to call",
                         "We set up a **line**", "3,000 calls", "Staff it at night", "Two phones",
                         "A phone and a roster"}}};
    in.lead_name = "Tripoli Volunteers";
    in.lead_actor = "civil-society";
    in.phases = std::vector<std::string>{"emergency"};
    in.crises = std::vector<std::string>{"conflict"};
    in.places = std::vector<Place>{{"LBY", PlaceRole::kCrisis}};
    in.contacts = "Call +218 555 0100";
    in.contributor_name = "Zahra";
    in.contributor_email = "zahra@example.org";
    return in;
  }

  // A member's draft for `org`.
  static PracticeInput MemberInput(const std::string& title, const std::string& org) {
    PracticeInput in = OpenInput(title);
    in.organisation = org;
    in.lead_name.reset();
    in.contributor_name.reset();
    in.contributor_email.reset();
    return in;
  }

  Submitted SubmitOk(const std::string& title, const std::function<void(PracticeInput&)>& tweak = {},
                     const std::vector<Upload>& files = {}) {
    PracticeInput in = OpenInput(title);
    if (tweak) tweak(in);
    auto s = service_->SubmitOpen(Anonymous(), in, Guard(), files);
    EXPECT_TRUE(IsOk(s));
    return s.ok() ? *s : Submitted{};
  }

  Practice PublishedOpen(const std::string& title, const std::function<void(PracticeInput&)>& tweak = {}) {
    Submitted s = SubmitOk(title, tweak);
    auto p = service_->Publish(System(), s.practice.id);
    EXPECT_TRUE(IsOk(p));
    return p.ok() ? *p : s.practice;
  }

  Practice Draft(const User& author, const std::string& org, const std::string& title,
                 const std::function<void(PracticeInput&)>& tweak = {}) {
    PracticeInput in = MemberInput(title, org);
    if (tweak) tweak(in);
    auto p = service_->Create(As(author), in);
    EXPECT_TRUE(IsOk(p));
    return p.ok() ? *p : Practice{};
  }

  Practice SubmittedDraft(const User& author, const std::string& org, const std::string& title) {
    Practice p = Draft(author, org, title);
    auto s = service_->Submit(As(author), p.id);
    EXPECT_TRUE(IsOk(s));
    return s.ok() ? *s : p;
  }

  // A jed practice by ana, published by mo (or an ami one by bea and bmo).
  Practice PublishedMember(const std::string& title, const std::string& org = "jed",
                           const std::function<void(PracticeInput&)>& tweak = {}) {
    const User& author = org == "jed" ? ana_ : bea_;
    const User& moderator = org == "jed" ? mo_ : bmo_;
    Practice p = Draft(author, org, title, tweak);
    EXPECT_TRUE(IsOk(service_->Submit(As(author), p.id)));
    auto published = service_->Publish(As(moderator), p.id);
    EXPECT_TRUE(IsOk(published));
    return published.ok() ? *published : p;
  }

  Practice Stored(Id id) {
    auto p = service_->store().Get(id);
    EXPECT_TRUE(IsOk(p));
    return p.ok() ? *p : Practice{};
  }

  std::vector<AuditEntry> AuditFor(const std::string& type, const std::string& id) {
    auto list = stores_.audit->List(1000, type, id);
    EXPECT_TRUE(IsOk(list));
    return list.ok() ? *list : std::vector<AuditEntry>{};
  }

  // Oldest first.
  std::vector<std::string> AuditActions(Id id) {
    std::vector<std::string> out;
    for (const auto& e : AuditFor("practice", std::to_string(id))) out.push_back(e.action);
    std::reverse(out.begin(), out.end());
    return out;
  }

  std::vector<search::Change> Feed() {
    auto changes = campaign_stores_->feed().Since(0, 10000);
    EXPECT_TRUE(IsOk(changes));
    return changes.ok() ? *changes : std::vector<search::Change>{};
  }

  // Newest first, as History gives them.
  std::vector<std::string> HistoryActions(const Actor& actor, Id id) {
    auto h = service_->History(actor, id);
    EXPECT_TRUE(IsOk(h));
    std::vector<std::string> out;
    if (h.ok()) {
      for (const auto& r : *h) out.push_back(r.action);
    }
    return out;
  }

  std::vector<Id> AllIds() {
    auto ids = service_->store().ListIds(0, 1000);
    EXPECT_TRUE(IsOk(ids));
    return ids.ok() ? *ids : std::vector<Id>{};
  }

  std::vector<Term> Terms() {
    auto t = service_->Terms();
    EXPECT_TRUE(IsOk(t));
    return t.ok() ? *t : std::vector<Term>{};
  }

  static std::optional<Term> FindTerm(const std::vector<Term>& terms, const std::string& vocabulary,
                                      const std::string& code) {
    for (const auto& t : terms) {
      if (t.vocabulary == vocabulary && t.code == code) return t;
    }
    return std::nullopt;
  }

  PracticeOptions options_;
  crypto::SodiumRandom random_;
  int addresses_ = 0;
  std::unique_ptr<i18n::Countries> countries_;
  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores stores_{};
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<storage::CampaignStores> campaign_stores_;
  std::unique_ptr<storage::PracticeStores> practice_stores_;
  std::unique_ptr<PracticeService> service_;
  Organisation jed_, ami_;
  User ana_, ben_, mo_, bea_, bmo_, dual_, sam_, root_;
};

// --- Vocabularies -------------------------------------------------------------------

using PracticeVocabularyTest = PracticeServiceTest;

TEST_F(PracticeVocabularyTest, SeedingIsIdempotentAndNeverOverwritesAnEditedTerm) {
  std::vector<Term> first = Terms();
  EXPECT_EQ(first.size(), practices::SeedTerms().size());
  for (const auto& seed : practices::SeedTerms()) {
    std::optional<Term> t = FindTerm(first, seed.vocabulary, seed.code);
    ASSERT_TRUE(t.has_value()) << seed.vocabulary << ":" << seed.code;
    EXPECT_EQ(*t, seed);
  }
  ASSERT_TRUE(IsOk(service_->SeedVocabularies()));
  ASSERT_TRUE(IsOk(service_->SeedVocabularies()));
  EXPECT_EQ(Terms(), first);

  // A moderator edits a seeded term; seeding again leaves it as edited.
  Term edited = *FindTerm(first, "phase", "emergency");
  edited.labels["en"] = "Emergency relief";
  edited.position = 9;
  edited.active = false;
  ASSERT_TRUE(IsOk(service_->SaveTerm(As(mo_), edited)));
  ASSERT_TRUE(IsOk(service_->SeedVocabularies()));
  std::vector<Term> after = Terms();
  EXPECT_EQ(after.size(), first.size());
  ASSERT_TRUE(FindTerm(after, "phase", "emergency").has_value());
  EXPECT_EQ(*FindTerm(after, "phase", "emergency"), edited);

  // A seeded term that went missing comes back.
  {
    auto lease = db().Acquire();
    ASSERT_TRUE(IsOk(lease));
    ASSERT_TRUE(IsOk((*lease)->Execute("DELETE FROM practice_terms WHERE vocabulary=$1 AND code=$2",
                                       {std::string("crisis"), std::string("disaster")})));
  }
  ASSERT_TRUE(IsOk(service_->SeedVocabularies()));
  after = Terms();
  EXPECT_EQ(after.size(), first.size());
  ASSERT_TRUE(FindTerm(after, "crisis", "disaster").has_value());
  EXPECT_EQ(*FindTerm(after, "crisis", "disaster"), *FindTerm(first, "crisis", "disaster"));
  EXPECT_EQ(*FindTerm(after, "phase", "emergency"), edited);
}

TEST_F(PracticeVocabularyTest, SaveTermNeedsAModerator) {
  Term t{"type", "cash-transfer", "", {{"en", "Cash transfer"}}, 50, true};
  EXPECT_TRUE(HasKind(service_->SaveTerm(Anonymous(), t), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->SaveTerm(As(sam_), t), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->SaveTerm(As(ben_), t), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->SaveTerm(As(ana_), t), Kind::kPermissionDenied));  // an editor
  EXPECT_FALSE(FindTerm(Terms(), "type", "cash-transfer").has_value());
  EXPECT_TRUE(IsOk(service_->SaveTerm(As(bmo_), t)));  // a moderator of any organisation
  t.position = 51;
  EXPECT_TRUE(IsOk(service_->SaveTerm(As(root_), t)));
  t.position = 52;
  EXPECT_TRUE(IsOk(service_->SaveTerm(System(), t)));
  std::optional<Term> saved = FindTerm(Terms(), "type", "cash-transfer");
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(saved->position, 52);
  auto audit = AuditFor("practice_term", "type:cash-transfer");
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit.front().action, "practice.term.save");
  EXPECT_EQ(audit.back().actor_user_id, bmo_.id);
}

TEST_F(PracticeVocabularyTest, SaveTermValidatesCodeVocabularyAndParent) {
  Actor mod = As(mo_);
  auto term = [](std::string vocabulary, std::string code, std::string parent = "") {
    return Term{std::move(vocabulary), std::move(code), std::move(parent), {{"en", "A label"}}, 1, true};
  };
  EXPECT_TRUE(HasFieldCode(service_->SaveTerm(mod, term("type", "Cash Transfer")), "code", "pr_code_format"));
  EXPECT_TRUE(HasFieldCode(service_->SaveTerm(mod, term("type", "cash_transfer")), "code", "pr_code_format"));
  EXPECT_TRUE(HasFieldCode(service_->SaveTerm(mod, term("type", "")), "code", "pr_code_format"));
  EXPECT_TRUE(
      HasFieldCode(service_->SaveTerm(mod, term("type", std::string(41, 'a'))), "code", "pr_code_format"));
  EXPECT_TRUE(IsOk(service_->SaveTerm(mod, term("type", std::string(40, 'a')))));
  EXPECT_TRUE(HasFieldCode(service_->SaveTerm(mod, term("colour", "red")), "vocabulary", "pr_unknown_code"));
  // A parent is a phase, and only themes and guidelines have one.
  EXPECT_TRUE(HasFieldCode(service_->SaveTerm(mod, term("theme", "shelter", "conflict")), "parent",
                           "pr_unknown_code"));  // a crisis, not a phase
  EXPECT_TRUE(HasFieldCode(service_->SaveTerm(mod, term("theme", "shelter", "no-such-phase")), "parent",
                           "pr_unknown_code"));
  EXPECT_TRUE(HasFieldCode(service_->SaveTerm(mod, term("actor", "church", "emergency")), "parent",
                           "pr_parent_not_allowed"));
  Term unlabelled = term("type", "unlabelled");
  unlabelled.labels.clear();
  EXPECT_TRUE(HasFieldCode(service_->SaveTerm(mod, unlabelled), "label.en", "required"));
  std::vector<Term> terms = Terms();
  EXPECT_FALSE(FindTerm(terms, "theme", "shelter").has_value());
  EXPECT_FALSE(FindTerm(terms, "actor", "church").has_value());
  EXPECT_FALSE(FindTerm(terms, "type", "unlabelled").has_value());

  ASSERT_TRUE(IsOk(service_->SaveTerm(mod, term("theme", "shelter", "emergency"))));
  ASSERT_TRUE(FindTerm(Terms(), "theme", "shelter").has_value());
  EXPECT_EQ(FindTerm(Terms(), "theme", "shelter")->parent, "emergency");
}

TEST_F(PracticeVocabularyTest, TheTermsCacheSeesASaveAtOnce) {
  std::vector<Term> before = Terms();  // loaded and cached
  EXPECT_FALSE(FindTerm(before, "target", "seafarers").has_value());
  // A new code is refused while it does not exist...
  EXPECT_TRUE(HasFieldCode(service_->SubmitOpen(
                               Anonymous(),
                               [] {
                                 PracticeInput in = OpenInput("Seafarers");
                                 in.targets = std::vector<std::string>{"seafarers"};
                                 return in;
                               }(),
                               Guard()),
                           "targets", "pr_unknown_code"));
  // ...and accepted as soon as it is saved, without waiting for the cache to expire.
  ASSERT_TRUE(
      IsOk(service_->SaveTerm(As(mo_), Term{"target", "seafarers", "", {{"en", "Seafarers"}}, 30, true})));
  ASSERT_TRUE(FindTerm(Terms(), "target", "seafarers").has_value());
  Submitted s =
      SubmitOk("Seafarers", [](PracticeInput& in) { in.targets = std::vector<std::string>{"seafarers"}; });
  EXPECT_THAT(s.practice.targets, ElementsAre("seafarers"));

  // Retiring it is seen at once too: new practices may no longer use it.
  ASSERT_TRUE(
      IsOk(service_->SaveTerm(As(mo_), Term{"target", "seafarers", "", {{"en", "Seafarers"}}, 30, false})));
  EXPECT_FALSE(FindTerm(Terms(), "target", "seafarers")->active);
  EXPECT_TRUE(HasFieldCode(service_->SubmitOpen(
                               Anonymous(),
                               [] {
                                 PracticeInput in = OpenInput("Seafarers again");
                                 in.targets = std::vector<std::string>{"seafarers"};
                                 return in;
                               }(),
                               Guard()),
                           "targets", "pr_unknown_code"));
}

// --- Open contributions ---------------------------------------------------------------

using PracticeSubmitOpenTest = PracticeServiceTest;

TEST_F(PracticeSubmitOpenTest, AValidContributionGoesStraightToModeration) {
  Submitted s = SubmitOk("Hotline for stranded migrants", [](PracticeInput& in) {
    in.places = std::vector<Place>{
        {"tun", PlaceRole::kDestination}, {"LBY", PlaceRole::kCrisis}, {"", PlaceRole::kOrigin}};
    in.phases = std::vector<std::string>{"emergency", " preparedness ", "emergency"};
  });
  const Practice& p = s.practice;
  EXPECT_GT(p.id, 0);
  EXPECT_EQ(p.slug, "hotline-for-stranded-migrants");
  EXPECT_EQ(p.lifecycle, Lifecycle::kSubmitted);
  EXPECT_EQ(p.version, 1);
  EXPECT_FALSE(p.lead.org_id.has_value());
  EXPECT_EQ(p.lead.name, "Tripoli Volunteers");
  EXPECT_EQ(p.lead.actor_kind, "civil-society");
  EXPECT_EQ(p.contributor.email, "zahra@example.org");
  EXPECT_EQ(p.contributor.name, "Zahra");
  EXPECT_FALSE(p.contributor.user_id.has_value());
  EXPECT_THAT(p.places, ElementsAre(Place{"LBY", PlaceRole::kCrisis}, Place{"TUN", PlaceRole::kDestination}));
  EXPECT_THAT(p.phases, ElementsAre("emergency", "preparedness"));
  EXPECT_EQ(p.created_at, clock_.NowMs());
  EXPECT_FALSE(p.published_at.has_value());
  EXPECT_EQ(Stored(p.id).lifecycle, Lifecycle::kSubmitted);
  EXPECT_THAT(HistoryActions(System(), p.id), ElementsAre("submit"));
  EXPECT_THAT(AuditActions(p.id), ElementsAre("practice.submit"));
  auto feed = Feed();
  ASSERT_EQ(feed.size(), 1u);
  EXPECT_EQ(feed[0].kind, "practice");
  EXPECT_EQ(feed[0].id, p.id);
  auto queue = service_->AwaitingModeration(As(root_));
  ASSERT_TRUE(IsOk(queue));
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ(queue->at(0).id, p.id);
}

TEST_F(PracticeSubmitOpenTest, ValidationNamesEachField) {
  auto submit = [&](const std::function<void(PracticeInput&)>& tweak) {
    PracticeInput in = OpenInput("Checked");
    tweak(in);
    return service_->SubmitOpen(Anonymous(), in, Guard());
  };
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.texts.reset(); }), "title", "required"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.texts->at("en").title = "  "; }), "title.en",
                           "required"));
  EXPECT_TRUE(
      HasFieldCode(submit([](PracticeInput& in) { in.texts->at("en").title = std::string(201, 't'); }),
                   "title.en", "too_long"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.phases.reset(); }), "phases", "required"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.phases = std::vector<std::string>{" "}; }),
                           "phases", "required"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.lead_name.reset(); }), "lead_name", "required"));
  EXPECT_TRUE(
      HasFieldCode(submit([](PracticeInput& in) { in.organisation = "jed"; }), "organisation", "pr_sign_in"));

  // "other" crisis needs a description.
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.crises = std::vector<std::string>{"other"}; }),
                           "crisis_other", "required"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) {
                             in.crises = std::vector<std::string>{"other", "conflict"};
                             in.crisis_other = "   ";
                           }),
                           "crisis_other", "required"));

  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) {
                             in.places->push_back(Place{"XXX", PlaceRole::kOrigin});
                           }),
                           "places", "country_unknown"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) {
                             in.places = std::vector<Place>{{"LY", PlaceRole::kCrisis}};
                           }),
                           "places", "country_unknown"));

  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.contributor_email.reset(); }),
                           "contributor_email", "required"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.contributor_email = "zahra.example.org"; }),
                           "contributor_email", "email_format"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.contributor_email = "zahra@example"; }),
                           "contributor_email", "email_format"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.contributor_email = "za hra@example.org"; }),
                           "contributor_email", "email_format"));
  // The web form always sends the field: left blank, it is missing, not malformed.
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.contributor_email = "  "; }),
                           "contributor_email", "required"));

  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) {
                             in.links = std::vector<Link>{{"javascript:alert(1)", "x"}};
                           }),
                           "links", "pr_url"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) {
                             in.links = std::vector<Link>{{"ftp://example.org/a", ""}};
                           }),
                           "links", "pr_url"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) {
                             in.links = std::vector<Link>{{"https://example.org/a b", ""}};
                           }),
                           "links", "pr_url"));

  EXPECT_TRUE(
      HasFieldCode(submit([](PracticeInput& in) { in.start_date = "2020-13"; }), "start_date", "pr_date"));
  EXPECT_TRUE(
      HasFieldCode(submit([](PracticeInput& in) { in.start_date = "2021-02-29"; }), "start_date", "pr_date"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.end_date = "20"; }), "end_date", "pr_date"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) {
                             in.start_date = "2020-03";
                             in.end_date = "2019-12-31";
                           }),
                           "end_date", "pr_end_before_start"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) {
                             in.start_date = "2021";
                             in.end_date = "2020-12";
                           }),
                           "end_date", "pr_end_before_start"));

  EXPECT_TRUE(
      HasFieldCode(submit([](PracticeInput& in) { in.phases = std::vector<std::string>{"aftermath"}; }),
                   "phases", "pr_unknown_code"));
  EXPECT_TRUE(
      HasFieldCode(submit([](PracticeInput& in) { in.crises = std::vector<std::string>{"emergency"}; }),
                   "crises", "pr_unknown_code"));  // a phase code, not a crisis
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.themes = std::vector<std::string>{"nope"}; }),
                           "themes", "pr_unknown_code"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.guidelines = std::vector<std::string>{"g99"}; }),
                           "guidelines", "pr_unknown_code"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.targets = std::vector<std::string>{"aliens"}; }),
                           "targets", "pr_unknown_code"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.types = std::vector<std::string>{"magic"}; }),
                           "types", "pr_unknown_code"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.lead_actor = "alien"; }), "lead_actor",
                           "pr_unknown_code"));
  EXPECT_TRUE(
      HasFieldCode(submit([](PracticeInput& in) { in.licence = "gpl"; }), "licence", "pr_unknown_code"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.sensitivity = "secret"; }), "sensitivity",
                           "pr_unknown_code"));

  // A summary-only or restricted practice needs the location to show instead.
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.summary_only = true; }), "generalised_location",
                           "required"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) { in.sensitivity = "restricted"; }),
                           "generalised_location", "required"));
  EXPECT_TRUE(HasFieldCode(submit([](PracticeInput& in) {
                             in.sensitivity = "restricted";
                             in.summary_only = false;
                             in.generalised_location = "  ";
                           }),
                           "generalised_location", "required"));

  // Several problems are reported together, one per field.
  auto many = submit([](PracticeInput& in) {
    in.texts.reset();
    in.phases.reset();
    in.contributor_email = "nope";
    in.places = std::vector<Place>{{"ZZZ", PlaceRole::kCrisis}};
  });
  EXPECT_TRUE(HasFieldCode(many, "title", "required"));
  EXPECT_TRUE(HasFieldCode(many, "phases", "required"));
  EXPECT_TRUE(HasFieldCode(many, "contributor_email", "email_format"));
  EXPECT_TRUE(HasFieldCode(many, "places", "country_unknown"));

  // Nothing refused was stored, audited or fed.
  EXPECT_THAT(AllIds(), IsEmpty());
  EXPECT_THAT(Feed(), IsEmpty());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM practice_revisions"), 0);
}

TEST_F(PracticeSubmitOpenTest, WhatTheValidationAcceptsIsNormalised) {
  Submitted other = SubmitOk("Other crisis", [](PracticeInput& in) {
    in.crises = std::vector<std::string>{"other"};
    in.crisis_other = "  Cyber attack on the ID system ";
    in.start_date = "2020";
    in.end_date = "2020-06";
    in.links = std::vector<Link>{{" https://example.org/report ", " Report "}, {"", "ignored"}};
  });
  EXPECT_THAT(other.practice.crises, ElementsAre("other"));
  EXPECT_EQ(other.practice.crisis_other, "Cyber attack on the ID system");
  EXPECT_EQ(other.practice.start_date, "2020");
  EXPECT_EQ(other.practice.end_date, "2020-06");
  EXPECT_THAT(other.practice.links, ElementsAre(Link{"https://example.org/report", "Report"}));

  // crisis_other is dropped when "other" is not chosen.
  Submitted plain = SubmitOk("No other", [](PracticeInput& in) { in.crisis_other = "ignored"; });
  EXPECT_EQ(plain.practice.crisis_other, "");

  // Restricted forces summary_only.
  Submitted restricted = SubmitOk("Restricted", [](PracticeInput& in) {
    in.sensitivity = "restricted";
    in.summary_only = false;
    in.generalised_location = "North Africa";
  });
  EXPECT_EQ(restricted.practice.sensitivity, practices::Sensitivity::kRestricted);
  EXPECT_TRUE(restricted.practice.summary_only);
  EXPECT_TRUE(Stored(restricted.practice.id).summary_only);
  EXPECT_EQ(restricted.practice.generalised_location, "North Africa");
}

TEST_F(PracticeSubmitOpenTest, GuardsRefuseAutomatedExpiredAndHastyForms) {
  PracticeInput in = OpenInput("Guarded");
  OpenGuard honeypot = Guard();
  honeypot.honeypot_filled = true;
  auto r = service_->SubmitOpen(Anonymous(), in, honeypot);
  EXPECT_TRUE(HasFieldCode(r, "form", "pr_automated"));
  // The guard answers before the fields are looked at.
  PracticeInput empty;
  EXPECT_TRUE(HasFieldCode(service_->SubmitOpen(Anonymous(), empty, honeypot), "form", "pr_automated"));
  EXPECT_EQ(StatusOf(service_->SubmitOpen(Anonymous(), empty, honeypot)).field_codes().size(), 1u);

  OpenGuard unstamped = Guard();
  unstamped.form_shown_at.reset();
  EXPECT_TRUE(HasFieldCode(service_->SubmitOpen(Anonymous(), in, unstamped), "form", "pr_form_expired"));

  OpenGuard hasty = Guard();
  hasty.form_shown_at = clock_.NowMs() - options_.min_fill_ms + 1;
  EXPECT_TRUE(HasFieldCode(service_->SubmitOpen(Anonymous(), in, hasty), "form", "pr_too_fast"));
  hasty.form_shown_at = clock_.NowMs() - 1000;
  EXPECT_TRUE(HasFieldCode(service_->SubmitOpen(Anonymous(), in, hasty), "form", "pr_too_fast"));
  EXPECT_THAT(AllIds(), IsEmpty());

  // The same form, a little later, goes through.
  clock_.AdvanceMs(options_.min_fill_ms);
  EXPECT_TRUE(IsOk(service_->SubmitOpen(Anonymous(), in, hasty)));
  EXPECT_EQ(AllIds().size(), 1u);
}

TEST_F(PracticeSubmitOpenTest, OneAddressMaySendOnlySoManyAnHour) {
  const std::string address = "keyed-hash-of-203.0.113.9";
  for (int i = 0; i < options_.max_open_per_hour; ++i) {
    EXPECT_TRUE(
        IsOk(service_->SubmitOpen(Anonymous(), OpenInput("Burst " + std::to_string(i)), Guard(address))))
        << i;
    clock_.AdvanceMs(1000);
  }
  auto refused = service_->SubmitOpen(Anonymous(), OpenInput("One too many"), Guard(address));
  EXPECT_TRUE(HasKind(refused, Kind::kTooManyRequests));
  EXPECT_GT(StatusOf(refused).retry_after_seconds(), 0);
  EXPECT_EQ(AllIds().size(), static_cast<std::size_t>(options_.max_open_per_hour));
  EXPECT_EQ(Stored(AllIds().front()).submitted_from, address);
  // Other addresses are not held back.
  EXPECT_TRUE(IsOk(service_->SubmitOpen(Anonymous(), OpenInput("Someone else"), Guard())));
  // An hour after the first ones it is fine again.
  clock_.AdvanceMs(kHourMs);
  EXPECT_TRUE(IsOk(service_->SubmitOpen(Anonymous(), OpenInput("An hour later"), Guard(address))));
}

TEST_F(PracticeSubmitOpenTest, FilesAreCheckedByTheirBytesAndStoredOnce) {
  const std::string gif = std::string("GIF89a\x01\x00\x01\x00\x80\x00\x00", 13) + "rest";
  const std::string exe =
      std::string("MZ\x90\x00\x03\x00\x00\x00", 8) + "This program cannot be run in DOS mode";
  auto with = [&](const std::vector<Upload>& files) {
    return service_->SubmitOpen(Anonymous(), OpenInput("With files"), Guard(), files);
  };
  auto gif_refused = with({Upload{"report.pdf", gif}});
  EXPECT_TRUE(HasFieldCode(gif_refused, "files", "pr_file_type"));
  EXPECT_THAT(StatusOf(gif_refused).fields().at("files"), HasSubstr("report.pdf"));
  auto exe_refused = with({Upload{"ok.pdf", Pdf()}, Upload{"setup.pdf", exe}});
  EXPECT_TRUE(HasFieldCode(exe_refused, "files", "pr_file_type"));
  EXPECT_THAT(StatusOf(exe_refused).fields().at("files"), HasSubstr("setup.pdf"));
  std::vector<Upload> eleven;
  for (int i = 0; i < options_.max_files + 1; ++i) eleven.push_back(Upload{"f.pdf", Pdf(std::to_string(i))});
  EXPECT_TRUE(HasFieldCode(with(eleven), "files", "too_many"));
  EXPECT_THAT(AllIds(), IsEmpty());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM practice_files"), 0);

  const std::string pdf = Pdf();
  auto s = with({Upload{"../../Report 2023.pdf", pdf}});
  ASSERT_TRUE(IsOk(s));
  ASSERT_EQ(s->practice.files.size(), 1u);
  const practices::File& f = s->practice.files[0];
  EXPECT_GT(f.id, 0);
  EXPECT_EQ(f.practice_id, s->practice.id);
  EXPECT_EQ(f.filename, "Report 2023.pdf");
  EXPECT_EQ(f.content_type, "application/pdf");
  EXPECT_EQ(f.size, static_cast<std::int64_t>(pdf.size()));
  EXPECT_EQ(f.sha256, crypto::Sha256Hex(pdf));
  EXPECT_EQ(f.sha256.size(), 64u);
  EXPECT_THAT(Stored(s->practice.id).files, ElementsAre(f));
  auto got = service_->GetFile(System(), f.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->second, pdf);

  // The same bytes twice: stored once, and the practice lists the file once.
  auto twice = with({Upload{"a.pdf", pdf}, Upload{"b.pdf", pdf}});
  ASSERT_TRUE(IsOk(twice));
  Id id = twice->practice.id;
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM practice_files WHERE practice_id=$1", {id}), 1);
  EXPECT_EQ(Stored(id).files.size(), 1u);
  EXPECT_EQ(twice->practice.files.size(), 1u) << "SubmitOpen returned the same stored file more than once";
  std::vector<Id> returned_ids;
  for (const auto& file : twice->practice.files) returned_ids.push_back(file.id);
  std::vector<Id> stored_ids;
  for (const auto& file : Stored(id).files) stored_ids.push_back(file.id);
  EXPECT_EQ(returned_ids, stored_ids);
}

// --- The status link ----------------------------------------------------------------

using PracticeStatusLinkTest = PracticeServiceTest;

bool IsLowerHex(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST_F(PracticeStatusLinkTest, TheTokenIsGivenOnceAndOnlyItsHashIsKept) {
  Submitted s = SubmitOk("Tokened");
  ASSERT_EQ(s.status_token.size(), 48u);
  EXPECT_TRUE(IsLowerHex(s.status_token)) << s.status_token;
  EXPECT_EQ(s.practice.status_token_hash, crypto::Sha256Hex(s.status_token));
  EXPECT_EQ(s.practice.status_expires_at, clock_.NowMs() + options_.status_link_days * kDayMs);
  Practice stored = Stored(s.practice.id);
  EXPECT_EQ(stored.status_token_hash, crypto::Sha256Hex(s.status_token));
  // The token itself is nowhere in the database.
  const std::string like = "%" + s.status_token + "%";
  EXPECT_EQ(
      CountRows("SELECT COUNT(*) FROM practices WHERE status_token_hash LIKE $1 OR body LIKE $1", {like}), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM practice_revisions WHERE snapshot LIKE $1", {like}), 0);
  for (const auto& e : AuditFor("practice", std::to_string(s.practice.id))) {
    for (const auto& [k, v] : e.details) EXPECT_THAT(v, Not(HasSubstr(s.status_token))) << k;
  }
  // Each submission gets its own.
  Submitted other = SubmitOk("Tokened too");
  EXPECT_NE(other.status_token, s.status_token);
  EXPECT_NE(other.practice.status_token_hash, s.practice.status_token_hash);
  // Members' drafts have none.
  EXPECT_EQ(Draft(ana_, "jed", "No token").status_token_hash, "");
}

TEST_F(PracticeStatusLinkTest, ByStatusTokenFindsItAndRefusesForgedOrExpiredOnes) {
  Submitted s = SubmitOk("Followed");
  auto found = service_->ByStatusToken(s.status_token);
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->first.id, s.practice.id);
  EXPECT_EQ(found->first.contributor.email, "zahra@example.org");
  EXPECT_THAT(found->second, IsEmpty());

  std::string forged = s.status_token;
  forged[0] = forged[0] == 'a' ? 'b' : 'a';
  EXPECT_TRUE(HasKind(service_->ByStatusToken(forged), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->ByStatusToken(random_.Hex(24)), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->ByStatusToken(""), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->ByStatusToken(s.practice.status_token_hash), Kind::kNotFound));  // the hash
  std::string upper = s.status_token;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return static_cast<char>(std::toupper(c)); });
  if (upper != s.status_token) {
    EXPECT_TRUE(HasKind(service_->ByStatusToken(upper), Kind::kNotFound));
  }
  EXPECT_TRUE(HasKind(service_->ByStatusToken(s.status_token + "0"), Kind::kNotFound));

  // Valid until status_link_days have passed, then NotFound saying it expired.
  clock_.AdvanceMs(options_.status_link_days * kDayMs - 1);
  EXPECT_TRUE(IsOk(service_->ByStatusToken(s.status_token)));
  clock_.AdvanceMs(1);
  auto expired = service_->ByStatusToken(s.status_token);
  EXPECT_TRUE(HasKind(expired, Kind::kNotFound));
  EXPECT_THAT(StatusOf(expired).message(), HasSubstr("expired"));
  EXPECT_THAT(StatusOf(service_->ByStatusToken(forged)).message(), Not(HasSubstr("expired")));
  EXPECT_TRUE(HasKind(service_->Answer(Anonymous(), s.status_token, "Still there?", {}), Kind::kNotFound));
}

TEST_F(PracticeStatusLinkTest, ReturnAndAnswerExtendTheExpiry) {
  Submitted s = SubmitOk("Long conversation");
  const std::int64_t days = options_.status_link_days;
  clock_.AdvanceMs((days - 10) * kDayMs);
  ASSERT_TRUE(IsOk(service_->Return(System(), s.practice.id, "Which town?")));
  EXPECT_EQ(Stored(s.practice.id).status_expires_at, clock_.NowMs() + days * kDayMs);
  clock_.AdvanceMs(20 * kDayMs);  // past the first expiry
  ASSERT_TRUE(IsOk(service_->ByStatusToken(s.status_token)));
  clock_.AdvanceMs((days - 30) * kDayMs);
  ASSERT_TRUE(IsOk(service_->Answer(Anonymous(), s.status_token, "Sabha", {})));
  EXPECT_EQ(Stored(s.practice.id).status_expires_at, clock_.NowMs() + days * kDayMs);
  clock_.AdvanceMs((days - 1) * kDayMs);
  EXPECT_TRUE(IsOk(service_->ByStatusToken(s.status_token)));
  clock_.AdvanceMs(kDayMs);
  EXPECT_THAT(StatusOf(service_->ByStatusToken(s.status_token)).message(), HasSubstr("expired"));
}

// --- Workflow -----------------------------------------------------------------------

using PracticeWorkflowTest = PracticeServiceTest;

TEST_F(PracticeWorkflowTest, ReturnedAnsweredThroughTheLinkAndPublished) {
  Submitted s = SubmitOk("Evacuation registry");
  Id id = s.practice.id;
  EXPECT_TRUE(HasFieldCode(service_->Return(System(), id, "   "), "questions", "required"));
  EXPECT_TRUE(HasFieldCode(service_->Return(System(), id, std::string(practices::kMaxMessage + 1, 'q')),
                           "questions", "too_long"));
  EXPECT_EQ(Stored(id).version, 1);

  clock_.AdvanceMs(1000);
  auto returned = service_->Return(System(), id, " Which towns did it cover? ");
  ASSERT_TRUE(IsOk(returned));
  EXPECT_EQ(returned->lifecycle, Lifecycle::kReturned);
  EXPECT_EQ(returned->moderation_note, "Which towns did it cover?");
  EXPECT_EQ(returned->version, 2);
  auto link = service_->ByStatusToken(s.status_token);
  ASSERT_TRUE(IsOk(link));
  EXPECT_EQ(link->first.lifecycle, Lifecycle::kReturned);
  ASSERT_EQ(link->second.size(), 1u);
  EXPECT_TRUE(link->second[0].from_moderator);
  EXPECT_EQ(link->second[0].text, "Which towns did it cover?");
  EXPECT_EQ(link->second[0].at, clock_.NowMs());
  EXPECT_EQ(link->second[0].practice_id, id);

  // The contributor answers, and may change the practice while answering.
  EXPECT_TRUE(HasFieldCode(service_->Answer(Anonymous(), s.status_token, "  ", {}), "answer", "required"));
  PracticeInput bad;
  bad.places = std::vector<Place>{{"QQQ", PlaceRole::kCrisis}};
  EXPECT_TRUE(
      HasFieldCode(service_->Answer(Anonymous(), s.status_token, "Here", bad), "places", "country_unknown"));
  EXPECT_EQ(Stored(id).lifecycle, Lifecycle::kReturned);
  clock_.AdvanceMs(1000);
  PracticeInput change;
  change.places = std::vector<Place>{{"LBY", PlaceRole::kCrisis}, {"NER", PlaceRole::kTransit}};
  change.contributor_email = "hijack@example.org";  // not changed through an answer
  auto answered = service_->Answer(Anonymous(), s.status_token, "Tripoli and Sabha, then Agadez.", change);
  ASSERT_TRUE(IsOk(answered));
  EXPECT_EQ(answered->lifecycle, Lifecycle::kSubmitted);
  EXPECT_EQ(answered->version, 3);
  EXPECT_THAT(answered->places,
              ElementsAre(Place{"LBY", PlaceRole::kCrisis}, Place{"NER", PlaceRole::kTransit}));
  EXPECT_EQ(answered->contributor.email, "zahra@example.org");
  auto messages = service_->Messages(System(), id);
  ASSERT_TRUE(IsOk(messages));
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_FALSE(messages->at(1).from_moderator);
  EXPECT_EQ(messages->at(1).author_name, "Zahra");
  EXPECT_EQ(messages->at(1).text, "Tripoli and Sabha, then Agadez.");
  EXPECT_FALSE(messages->at(1).author_user_id.has_value());

  // Answering a submitted practice adds a message and keeps it in the queue.
  ASSERT_TRUE(IsOk(service_->Answer(Anonymous(), s.status_token, "One more thing.", {})));
  EXPECT_EQ(Stored(id).lifecycle, Lifecycle::kSubmitted);

  clock_.AdvanceMs(1000);
  auto published = service_->Publish(System(), id);
  ASSERT_TRUE(IsOk(published));
  EXPECT_EQ(published->lifecycle, Lifecycle::kPublished);
  ASSERT_TRUE(published->published_at.has_value());
  EXPECT_EQ(*published->published_at, clock_.NowMs());
  EXPECT_EQ(published->moderation_note, "");
  // Once published, the link no longer takes answers.
  EXPECT_TRUE(HasKind(service_->Answer(Anonymous(), s.status_token, "Too late?", {}), Kind::kConflict));
  EXPECT_EQ(service_->Messages(System(), id).value().size(), 3u);

  auto history = service_->History(System(), id);
  ASSERT_TRUE(IsOk(history));
  std::vector<std::string> actions;
  std::vector<std::int64_t> versions;
  for (const auto& r : *history) {
    actions.push_back(r.action);
    versions.push_back(r.version);
  }
  EXPECT_THAT(actions, ElementsAre("publish", "answer", "answer", "return", "submit"));
  EXPECT_THAT(versions, ElementsAre(5, 4, 3, 2, 1));
  EXPECT_EQ(history->at(3).note, "Which towns did it cover?");
  EXPECT_EQ(history->at(2).actor_label, "Zahra");
  EXPECT_EQ(history->at(0).snapshot.lifecycle, Lifecycle::kPublished);
  EXPECT_THAT(AuditActions(id), ElementsAre("practice.submit", "practice.return", "practice.answer",
                                            "practice.answer", "practice.publish"));
  auto feed = Feed();
  ASSERT_EQ(feed.size(), 5u);
  for (const auto& c : feed) {
    EXPECT_EQ(c.kind, "practice");
    EXPECT_EQ(c.id, id);
  }
}

TEST_F(PracticeWorkflowTest, EveryChangeAddsARevisionAnAuditEntryAndAFeedEntry) {
  Practice p = Draft(ana_, "jed", "Consular registry");  // 1 create
  EXPECT_EQ(p.lifecycle, Lifecycle::kDraft);
  EXPECT_EQ(p.lead.org_id, jed_.id);
  EXPECT_EQ(p.lead.slug, "jed");
  EXPECT_EQ(p.contributor.user_id, ana_.id);
  PracticeInput edit;
  edit.contacts = "registry@jed.example.org";
  clock_.AdvanceMs(1000);
  auto updated = service_->Update(As(ana_), p.id, edit);  // 2 update
  ASSERT_TRUE(IsOk(updated));
  EXPECT_EQ(updated->updated_at, clock_.NowMs());
  ASSERT_TRUE(IsOk(service_->Submit(As(ana_), p.id)));                  // 3 submit
  ASSERT_TRUE(IsOk(service_->Return(As(mo_), p.id, "Add the dates")));  // 4 return
  auto msgs = service_->Messages(As(ana_), p.id);
  ASSERT_TRUE(IsOk(msgs));
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_TRUE(msgs->at(0).from_moderator);
  EXPECT_EQ(msgs->at(0).author_user_id, mo_.id);
  EXPECT_EQ(msgs->at(0).author_name, "Mo");
  PracticeInput dates;
  dates.start_date = "2019-04";
  ASSERT_TRUE(IsOk(service_->Update(As(ana_), p.id, dates)));             // 5 update
  ASSERT_TRUE(IsOk(service_->Submit(As(ana_), p.id)));                    // 6 submit
  ASSERT_TRUE(IsOk(service_->Publish(As(mo_), p.id)));                    // 7 publish
  ASSERT_TRUE(IsOk(service_->Archive(As(ana_), p.id, "Ended in 2021")));  // 8 archive (its editor)
  ASSERT_TRUE(IsOk(service_->Publish(As(mo_), p.id)));                    // 9 publish again

  std::vector<std::string> expected = {"publish", "archive", "publish", "submit", "update",
                                       "return",  "submit",  "update",  "create"};
  EXPECT_EQ(HistoryActions(As(ben_), p.id), expected);
  auto history = service_->History(As(mo_), p.id).value();
  ASSERT_EQ(history.size(), 9u);
  for (std::size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(history[i].version, static_cast<std::int64_t>(9 - i));
    EXPECT_EQ(history[i].snapshot.version, history[i].version);
    EXPECT_EQ(history[i].practice_id, p.id);
  }
  EXPECT_EQ(history[1].note, "Ended in 2021");
  EXPECT_EQ(history[1].actor_user_id, ana_.id);
  EXPECT_EQ(history[0].actor_user_id, mo_.id);
  EXPECT_EQ(history[0].actor_label, "Mo");

  std::vector<std::string> audit;
  for (auto it = expected.rbegin(); it != expected.rend(); ++it) audit.push_back("practice." + *it);
  EXPECT_EQ(AuditActions(p.id), audit);
  auto entries = AuditFor("practice", std::to_string(p.id));
  EXPECT_EQ(entries.front().actor_user_id, mo_.id);
  EXPECT_EQ(entries.front().details.at("slug"), "consular-registry");
  EXPECT_EQ(entries.front().details.at("lifecycle"), "published");
  EXPECT_EQ(entries.front().request_id, "req-test");

  auto feed = Feed();
  ASSERT_EQ(feed.size(), 9u);
  for (const auto& c : feed) {
    EXPECT_EQ(c.kind, "practice");
    EXPECT_EQ(c.id, p.id);
  }
  EXPECT_TRUE(std::is_sorted(feed.begin(), feed.end(),
                             [](const search::Change& a, const search::Change& b) { return a.seq < b.seq; }));
  // Publishing again kept the first publication date.
  EXPECT_EQ(Stored(p.id).published_at, history[2].snapshot.published_at);
}

TEST_F(PracticeWorkflowTest, RejectNeedsAReason) {
  Submitted s = SubmitOk("Spam");
  EXPECT_TRUE(HasFieldCode(service_->Reject(System(), s.practice.id, "  "), "reason", "required"));
  auto rejected = service_->Reject(System(), s.practice.id, "Advertising");
  ASSERT_TRUE(IsOk(rejected));
  EXPECT_EQ(rejected->lifecycle, Lifecycle::kRejected);
  EXPECT_EQ(rejected->moderation_note, "Advertising");
  EXPECT_EQ(service_->History(System(), s.practice.id).value().at(0).note, "Advertising");
  EXPECT_THAT(AuditActions(s.practice.id), ElementsAre("practice.submit", "practice.reject"));
  EXPECT_EQ(AuditFor("practice", std::to_string(s.practice.id)).front().details.at("note"), "Advertising");
  // A returned one may be rejected too.
  Submitted r = SubmitOk("Returned then rejected");
  ASSERT_TRUE(IsOk(service_->Return(System(), r.practice.id, "Is this real?")));
  EXPECT_TRUE(IsOk(service_->Reject(System(), r.practice.id, "No answer")));
  // Nobody outside sees a rejected practice.
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), s.practice.id), Kind::kNotFound));
}

TEST_F(PracticeWorkflowTest, MergeOnlyIntoAnotherPublishedPractice) {
  Practice target = PublishedOpen("Original hotline");
  Submitted dup = SubmitOk("Original hotline again");
  Submitted pending = SubmitOk("Pending one");
  Id id = dup.practice.id;
  EXPECT_TRUE(HasFieldCode(service_->Merge(System(), id, id, "dup"), "into", "pr_merge_self"));
  EXPECT_TRUE(HasKind(service_->Merge(System(), target.id, target.id, "dup"), Kind::kValidation));
  auto into_pending = service_->Merge(System(), id, pending.practice.id, "dup");
  EXPECT_TRUE(HasKind(into_pending, Kind::kValidation));
  EXPECT_EQ(StatusOf(into_pending).fields().count("into"), 1u);
  auto into_nothing = service_->Merge(System(), id, 999999, "dup");
  EXPECT_TRUE(HasKind(into_nothing, Kind::kValidation));
  EXPECT_EQ(StatusOf(into_nothing).fields().count("into"), 1u);
  EXPECT_EQ(Stored(id).version, 1);

  auto merged = service_->Merge(System(), id, target.id, "Same hotline");
  ASSERT_TRUE(IsOk(merged));
  EXPECT_EQ(merged->lifecycle, Lifecycle::kMerged);
  EXPECT_EQ(merged->merged_into, target.id);
  EXPECT_EQ(merged->moderation_note, "Same hotline");
  auto view = service_->View(System(), id);
  ASSERT_TRUE(IsOk(view));
  EXPECT_EQ(view->merged_into, target.id);
  EXPECT_EQ(AuditFor("practice", std::to_string(id)).front().details.at("merged_into"),
            std::to_string(target.id));
  EXPECT_TRUE(HasKind(service_->Merge(System(), id, target.id, "again"), Kind::kConflict));
  // Into a practice that is no longer published: refused.
  ASSERT_TRUE(IsOk(service_->Archive(System(), target.id, "old")));
  EXPECT_TRUE(HasKind(service_->Merge(System(), pending.practice.id, target.id, "dup"), Kind::kValidation));
  EXPECT_EQ(Stored(pending.practice.id).lifecycle, Lifecycle::kSubmitted);
}

TEST_F(PracticeWorkflowTest, InvalidTransitionsAreConflictsAndLeaveNoTrace) {
  Actor admin = As(root_);
  auto expect_conflicts = [&](Id id, const char* state) {
    SCOPED_TRACE(state);
    std::int64_t version = Stored(id).version;
    std::size_t feed = Feed().size();
    std::size_t audit = AuditActions(id).size();
    Lifecycle lc = Stored(id).lifecycle;
    if (lc != Lifecycle::kDraft && lc != Lifecycle::kReturned) {
      EXPECT_TRUE(HasKind(service_->Submit(admin, id), Kind::kConflict)) << "submit";
    }
    if (lc != Lifecycle::kSubmitted && lc != Lifecycle::kArchived) {
      EXPECT_TRUE(HasKind(service_->Publish(admin, id), Kind::kConflict)) << "publish";
    }
    if (lc != Lifecycle::kSubmitted) {
      EXPECT_TRUE(HasKind(service_->Return(admin, id, "q"), Kind::kConflict)) << "return";
    }
    if (lc != Lifecycle::kSubmitted && lc != Lifecycle::kReturned) {
      EXPECT_TRUE(HasKind(service_->Reject(admin, id, "r"), Kind::kConflict)) << "reject";
    }
    if (lc != Lifecycle::kPublished) {
      EXPECT_TRUE(HasKind(service_->Archive(admin, id, "a"), Kind::kConflict)) << "archive";
    }
    EXPECT_EQ(Stored(id).version, version);
    EXPECT_EQ(Stored(id).lifecycle, lc);
    EXPECT_EQ(Feed().size(), feed);
    EXPECT_EQ(AuditActions(id).size(), audit);
  };
  Practice target = PublishedOpen("Target");

  Practice draft = Draft(ana_, "jed", "Draft");
  expect_conflicts(draft.id, "draft");
  Practice submitted = SubmittedDraft(ana_, "jed", "Submitted");
  expect_conflicts(submitted.id, "submitted");
  Practice returned = SubmittedDraft(ana_, "jed", "Returned");
  ASSERT_TRUE(IsOk(service_->Return(admin, returned.id, "q")));
  expect_conflicts(returned.id, "returned");
  Practice published = PublishedMember("Published");
  expect_conflicts(published.id, "published");
  Practice archived = PublishedMember("Archived");
  ASSERT_TRUE(IsOk(service_->Archive(admin, archived.id, "old")));
  expect_conflicts(archived.id, "archived");
  Submitted rejected = SubmitOk("Rejected");
  ASSERT_TRUE(IsOk(service_->Reject(admin, rejected.practice.id, "spam")));
  expect_conflicts(rejected.practice.id, "rejected");
  EXPECT_TRUE(HasKind(service_->Merge(admin, rejected.practice.id, target.id, "m"), Kind::kConflict));
  PracticeInput edit;
  edit.contacts = "x";
  EXPECT_TRUE(HasKind(service_->Update(admin, rejected.practice.id, edit), Kind::kConflict));
  Submitted merged = SubmitOk("Merged");
  ASSERT_TRUE(IsOk(service_->Merge(admin, merged.practice.id, target.id, "dup")));
  expect_conflicts(merged.practice.id, "merged");
  EXPECT_TRUE(HasKind(service_->Update(admin, merged.practice.id, edit), Kind::kConflict));

  // Archived practices are published again.
  EXPECT_TRUE(IsOk(service_->Publish(admin, archived.id)));
}

// --- Permissions --------------------------------------------------------------------

using PracticePermissionTest = PracticeServiceTest;

TEST_F(PracticePermissionTest, OpenContributionsAreModeratedOnlyByAdministrators) {
  Submitted s = SubmitOk("Open one");
  Id id = s.practice.id;
  const Practice& p = s.practice;
  EXPECT_FALSE(PracticeService::CanModerate(As(mo_), p));
  EXPECT_FALSE(PracticeService::CanModerate(As(bmo_), p));
  EXPECT_FALSE(PracticeService::CanModerate(Anonymous(), p));
  EXPECT_TRUE(PracticeService::CanModerate(As(root_), p));
  EXPECT_TRUE(PracticeService::CanModerate(System(), p));
  EXPECT_TRUE(PracticeService::CanModerate(Actor::Cli(), p));

  // An organisation's moderator neither sees it in the queue nor acts on it.
  auto mo_queue = service_->AwaitingModeration(As(mo_));
  ASSERT_TRUE(IsOk(mo_queue));
  EXPECT_THAT(*mo_queue, IsEmpty());
  EXPECT_TRUE(HasKind(service_->AwaitingModeration(As(ana_)), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->AwaitingModeration(Anonymous()), Kind::kPermissionDenied));
  EXPECT_EQ(service_->AwaitingModeration(As(root_)).value().size(), 1u);
  EXPECT_EQ(service_->AwaitingModeration(System()).value().size(), 1u);
  auto by_mo = service_->Publish(As(mo_), id);
  EXPECT_FALSE(by_mo.ok());
  EXPECT_TRUE(StatusOf(by_mo).kind() == Kind::kNotFound || StatusOf(by_mo).kind() == Kind::kPermissionDenied)
      << Describe(StatusOf(by_mo));
  EXPECT_FALSE(service_->Return(As(mo_), id, "q").ok());
  EXPECT_FALSE(service_->Reject(As(mo_), id, "r").ok());
  EXPECT_EQ(Stored(id).lifecycle, Lifecycle::kSubmitted);

  ASSERT_TRUE(IsOk(service_->Publish(System(), id)));
  // Published, it is visible to all, but still not theirs to moderate.
  EXPECT_TRUE(HasKind(service_->Archive(As(mo_), id, "x"), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Archive(As(ana_), id, "x"), Kind::kPermissionDenied));
  EXPECT_TRUE(IsOk(service_->Archive(As(root_), id, "x")));
}

TEST_F(PracticePermissionTest, AModeratorOfAPublishesAsPracticesButNotBs) {
  Practice a = SubmittedDraft(ana_, "jed", "Jed practice");
  Practice b = SubmittedDraft(bea_, "ami", "Ami practice");
  Practice b_draft = Draft(bea_, "ami", "Ami draft");
  EXPECT_TRUE(PracticeService::CanModerate(As(mo_), a));
  EXPECT_FALSE(PracticeService::CanModerate(As(mo_), b));
  auto queue = service_->AwaitingModeration(As(mo_)).value();
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].id, a.id);

  // mo cannot see ami's drafts or submissions at all.
  EXPECT_TRUE(HasKind(service_->View(As(mo_), b_draft.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Get(As(mo_), b_draft.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->History(As(mo_), b_draft.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Get(As(mo_), b.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), b.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->View(Anonymous(), b.id), Kind::kNotFound));
  // dual moderates jed and is a plain member of ami: sees ami's, may not publish it.
  EXPECT_TRUE(IsOk(service_->Get(As(dual_), b.id)));
  EXPECT_TRUE(HasKind(service_->Publish(As(dual_), b.id), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Return(As(dual_), b.id, "q"), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Reject(As(dual_), b.id, "r"), Kind::kPermissionDenied));
  EXPECT_EQ(Stored(b.id).lifecycle, Lifecycle::kSubmitted);
  // Editors and members do not publish their own.
  EXPECT_TRUE(HasKind(service_->Publish(As(ana_), a.id), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Publish(As(ben_), a.id), Kind::kPermissionDenied));

  EXPECT_TRUE(IsOk(service_->Publish(As(mo_), a.id)));
  EXPECT_TRUE(IsOk(service_->Publish(As(bmo_), b.id)));
  // Archived (still visible to all), b may be published again by ami's moderators only.
  ASSERT_TRUE(IsOk(service_->Archive(As(bea_), b.id, "paused")));
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), b.id), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Publish(As(dual_), b.id), Kind::kPermissionDenied));
  EXPECT_EQ(Stored(b.id).lifecycle, Lifecycle::kArchived);
  EXPECT_TRUE(IsOk(service_->Publish(As(bmo_), b.id)));
  EXPECT_TRUE(IsOk(service_->Archive(As(root_), a.id, "done")));
}

TEST_F(PracticePermissionTest, MembersCreateDraftsForTheirOwnOrganisationOnly) {
  auto draft = service_->Create(As(ben_), MemberInput("Ben's draft", "jed"));
  ASSERT_TRUE(IsOk(draft));
  EXPECT_EQ(draft->lifecycle, Lifecycle::kDraft);
  EXPECT_EQ(draft->lead.org_id, jed_.id);
  EXPECT_EQ(draft->lead.name, jed_.name);
  EXPECT_EQ(draft->contributor.user_id, ben_.id);
  EXPECT_EQ(draft->contributor.email, "ben@example.org");
  EXPECT_TRUE(HasKind(service_->Create(As(ben_), MemberInput("Not mine", "ami")), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Create(As(sam_), MemberInput("No org", "jed")), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Create(Anonymous(), MemberInput("Anon", "jed")), Kind::kUnauthenticated));
  EXPECT_TRUE(HasFieldCode(service_->Create(As(ben_), MemberInput("Nowhere", "no-such-org")), "organisation",
                           "org_unknown"));
  PracticeInput orgless = MemberInput("Orgless", "jed");
  orgless.organisation.reset();
  EXPECT_TRUE(HasFieldCode(service_->Create(As(ben_), orgless), "organisation", "required"));
  EXPECT_TRUE(IsOk(service_->Create(As(root_), MemberInput("By the admin", "ami"))));
  EXPECT_TRUE(IsOk(service_->Create(System(), MemberInput("By the system", "ami"))));
  EXPECT_TRUE(IsOk(service_->Create(As(dual_), MemberInput("Dual for ami", "ami"))));

  // Who may edit the draft.
  Practice p = *draft;
  EXPECT_TRUE(PracticeService::CanEdit(As(ben_), p));   // its contributor
  EXPECT_TRUE(PracticeService::CanEdit(As(ana_), p));   // jed's editor
  EXPECT_TRUE(PracticeService::CanEdit(As(mo_), p));    // jed's moderator
  EXPECT_FALSE(PracticeService::CanEdit(As(bea_), p));  // another organisation's editor
  EXPECT_FALSE(PracticeService::CanEdit(As(sam_), p));
  EXPECT_FALSE(PracticeService::CanEdit(Anonymous(), p));
  EXPECT_TRUE(PracticeService::CanEdit(System(), p));
  PracticeInput edit;
  edit.contacts = "ben@jed.example.org";
  EXPECT_TRUE(IsOk(service_->Update(As(ben_), p.id, edit)));
  EXPECT_TRUE(HasKind(service_->Update(As(bea_), p.id, edit), Kind::kNotFound));  // cannot even see it
  EXPECT_TRUE(IsOk(service_->Update(As(dual_), p.id, edit)));                     // jed's moderator
  ASSERT_TRUE(IsOk(service_->Submit(As(ben_), p.id)));
  // Submitted, it is no longer the contributor's to edit (he is a plain member).
  Practice submitted = Stored(p.id);
  EXPECT_FALSE(PracticeService::CanEdit(As(ben_), submitted));
  EXPECT_TRUE(PracticeService::CanEdit(As(ana_), submitted));
  EXPECT_TRUE(HasKind(service_->Update(As(ben_), p.id, edit), Kind::kPermissionDenied));
  // Another member's draft is seen, but not edited, by a plain member.
  Practice anas = Draft(ana_, "jed", "Ana's draft");
  EXPECT_TRUE(IsOk(service_->Get(As(ben_), anas.id)));
  EXPECT_FALSE(PracticeService::CanEdit(As(ben_), anas));
  EXPECT_TRUE(HasKind(service_->Update(As(ben_), anas.id, edit), Kind::kPermissionDenied));
}

TEST_F(PracticePermissionTest, ExpectedVersionConflicts) {
  Practice p = Draft(ana_, "jed", "Versioned");
  ASSERT_EQ(p.version, 1);
  PracticeInput edit;
  edit.contacts = "first";
  edit.expected_version = 1;
  auto v2 = service_->Update(As(ana_), p.id, edit);
  ASSERT_TRUE(IsOk(v2));
  EXPECT_EQ(v2->version, 2);
  edit.contacts = "stale";
  auto stale = service_->Update(As(ana_), p.id, edit);
  EXPECT_TRUE(HasKind(stale, Kind::kConflict));
  EXPECT_EQ(Stored(p.id).contacts, "first");
  EXPECT_TRUE(HasKind(service_->Submit(As(ana_), p.id, 1), Kind::kConflict));
  ASSERT_TRUE(IsOk(service_->Submit(As(ana_), p.id, 2)));
  EXPECT_TRUE(HasKind(service_->Return(As(mo_), p.id, "q", 2), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), p.id, 2), Kind::kConflict));
  EXPECT_EQ(Stored(p.id).lifecycle, Lifecycle::kSubmitted);
  EXPECT_TRUE(IsOk(service_->Publish(As(mo_), p.id, 3)));
  EXPECT_EQ(HistoryActions(System(), p.id).size(), 4u);
}

// --- Redaction ----------------------------------------------------------------------

using PracticeRedactionTest = PracticeServiceTest;

TEST_F(PracticeRedactionTest, ThePublicSeesNoContributorNorPrivateContacts) {
  Practice priv = PublishedOpen("Private contacts", [](PracticeInput& in) { in.contacts_private = true; });
  Practice pub = PublishedOpen("Public contacts");
  for (const Actor& reader : {Anonymous(), As(sam_), As(mo_)}) {
    SCOPED_TRACE(reader.label);
    auto got = service_->Get(reader, priv.id);
    ASSERT_TRUE(IsOk(got));
    EXPECT_EQ(got->contributor, Contributor{});
    EXPECT_EQ(got->status_token_hash, "");
    EXPECT_EQ(got->status_expires_at, 0);
    EXPECT_EQ(got->submitted_from, "");
    EXPECT_EQ(got->contacts, "");
    EXPECT_EQ(got->texts.at("en").problem, "Nobody to call");  // the rest is there
    EXPECT_THAT(got->places, ElementsAre(Place{"LBY", PlaceRole::kCrisis}));
    auto view = service_->View(reader, priv.id);
    ASSERT_TRUE(IsOk(view));
    EXPECT_FALSE(view->redacted);
    EXPECT_EQ(view->practice.contributor, Contributor{});
    EXPECT_EQ(view->practice.contacts, "");
    auto other = service_->Get(reader, pub.id);
    ASSERT_TRUE(IsOk(other));
    EXPECT_EQ(other->contacts, "Call +218 555 0100");
    EXPECT_EQ(other->contributor, Contributor{});
  }
  auto full = service_->Get(System(), priv.id);
  ASSERT_TRUE(IsOk(full));
  EXPECT_EQ(full->contributor.email, "zahra@example.org");
  EXPECT_EQ(full->contacts, "Call +218 555 0100");
  // The lead organisation's people see their own practice whole.
  Practice member =
      PublishedMember("Member private", "jed", [](PracticeInput& in) { in.contacts_private = true; });
  EXPECT_EQ(service_->Get(As(ben_), member.id).value().contacts, "Call +218 555 0100");
  EXPECT_EQ(service_->Get(As(ben_), member.id).value().contributor.email, "ana@example.org");
  EXPECT_EQ(service_->Get(As(bea_), member.id).value().contacts, "");
  EXPECT_EQ(service_->Get(As(bea_), member.id).value().contributor, Contributor{});
  auto recent = service_->RecentlyPublished(10);
  ASSERT_TRUE(IsOk(recent));
  for (const auto& p : *recent) EXPECT_EQ(p.contributor, Contributor{});
}

TEST_F(PracticeRedactionTest, SummaryOnlyShowsTitleSummaryClassificationAndLocation) {
  auto tweak = [](PracticeInput& in) {
    in.summary_only = true;
    in.generalised_location = "North Africa";
    in.partners = std::vector<Party>{Party{std::nullopt, "", "Red Crescent", "international-organisation"}};
    in.links = std::vector<Link>{{"https://example.org/report", "Report"}};
    in.start_date = "2019-04";
    in.end_date = "2020";
    in.themes = std::vector<std::string>{"evacuation"};
    in.targets = std::vector<std::string>{"children"};
    in.texts->emplace(
        "fr", LocalText{"Ligne d'urgence", "Un résumé.", "Un problème", "Une description", "", "", "", ""});
  };
  Submitted s = SubmitOk("Sensitive evacuation", tweak, {Upload{"r.pdf", Pdf()}});
  ASSERT_TRUE(IsOk(service_->Publish(System(), s.practice.id)));
  Id id = s.practice.id;
  auto view = service_->View(Anonymous(), id);
  ASSERT_TRUE(IsOk(view));
  EXPECT_TRUE(view->redacted);
  const Practice& p = view->practice;
  ASSERT_EQ(p.texts.size(), 2u);
  EXPECT_EQ(p.texts.at("en"),
            (LocalText{"Sensitive evacuation", "A hotline for migrants stranded by the fighting."}));
  EXPECT_EQ(p.texts.at("fr"), (LocalText{"Ligne d'urgence", "Un résumé."}));
  EXPECT_EQ(p.generalised_location, "North Africa");
  EXPECT_THAT(p.phases, ElementsAre("emergency"));
  EXPECT_THAT(p.crises, ElementsAre("conflict"));
  EXPECT_THAT(p.themes, ElementsAre("evacuation"));
  EXPECT_THAT(p.targets, ElementsAre("children"));
  EXPECT_THAT(p.places, IsEmpty());
  EXPECT_THAT(p.partners, IsEmpty());
  EXPECT_THAT(p.links, IsEmpty());
  EXPECT_THAT(p.files, IsEmpty());
  EXPECT_EQ(p.contacts, "");
  EXPECT_FALSE(p.start_date.has_value());
  EXPECT_FALSE(p.end_date.has_value());
  EXPECT_EQ(p.contributor, Contributor{});
  auto signed_in = service_->Get(As(sam_), id);
  ASSERT_TRUE(IsOk(signed_in));
  EXPECT_EQ(signed_in->texts, p.texts);
  EXPECT_THAT(signed_in->places, IsEmpty());
  EXPECT_EQ(signed_in->contributor, Contributor{});
  // Its files are not served to the public either.
  ASSERT_EQ(Stored(id).files.size(), 1u);
  EXPECT_TRUE(HasKind(service_->GetFile(Anonymous(), Stored(id).files[0].id), Kind::kNotFound));
  EXPECT_TRUE(IsOk(service_->GetFile(System(), Stored(id).files[0].id)));
  // Moderators see it all.
  auto full = service_->View(System(), id);
  ASSERT_TRUE(IsOk(full));
  EXPECT_FALSE(full->redacted);
  EXPECT_EQ(full->practice.texts.at("en").problem, "Nobody to call");
  EXPECT_EQ(full->practice.places.size(), 1u);
  // Public history snapshots are redacted the same way.
  auto public_history = service_->History(Anonymous(), id);
  ASSERT_TRUE(IsOk(public_history));
  for (const auto& r : *public_history) {
    EXPECT_THAT(r.snapshot.places, IsEmpty());
    EXPECT_EQ(r.snapshot.texts.at("en").problem, "");
    EXPECT_EQ(r.snapshot.contributor, Contributor{});
  }
}

TEST_F(PracticeRedactionTest, PublicHistoryHasOnlyReleasedRevisionsWithoutNotes) {
  Submitted s = SubmitOk("Historic");
  Id id = s.practice.id;
  EXPECT_TRUE(HasKind(service_->History(Anonymous(), id), Kind::kNotFound));
  ASSERT_TRUE(IsOk(service_->Return(System(), id, "Private question")));
  ASSERT_TRUE(IsOk(service_->Answer(Anonymous(), s.status_token, "Private answer", {})));
  ASSERT_TRUE(IsOk(service_->Publish(System(), id)));
  ASSERT_TRUE(IsOk(service_->Archive(System(), id, "Internal reason")));
  ASSERT_TRUE(IsOk(service_->Publish(System(), id)));

  EXPECT_THAT(HistoryActions(System(), id),
              ElementsAre("publish", "archive", "publish", "answer", "return", "submit"));
  auto pub = service_->History(Anonymous(), id);
  ASSERT_TRUE(IsOk(pub));
  std::vector<std::string> actions;
  for (const auto& r : *pub) {
    actions.push_back(r.action);
    EXPECT_EQ(r.note, "");
    EXPECT_EQ(r.snapshot.moderation_note, "");
    EXPECT_FALSE(r.actor_user_id.has_value());
    EXPECT_EQ(r.snapshot.contributor, Contributor{});
    EXPECT_EQ(r.snapshot.status_token_hash, "");
  }
  EXPECT_THAT(actions, ElementsAre("publish", "archive", "publish"));
  auto full = service_->History(System(), id).value();
  EXPECT_EQ(full.at(1).note, "Internal reason");
  EXPECT_EQ(full.at(4).note, "Private question");
}

// --- Adoptions and collections ------------------------------------------------------

using PracticeAdoptionTest = PracticeServiceTest;

TEST_F(PracticeAdoptionTest, OnlyPublishedPracticesByMembersOfAnotherOrganisation) {
  Practice p = PublishedMember("Adoptable");
  Adoption fields;
  fields.country = " grc ";
  fields.start_date = "2021-05";
  fields.results = "Reached 400 people.";
  fields.lang = "fr";
  clock_.AdvanceMs(1000);
  auto a = service_->AddAdoption(As(bea_), p.id, "ami", fields);
  ASSERT_TRUE(IsOk(a));
  EXPECT_GT(a->id, 0);
  EXPECT_EQ(a->practice_id, p.id);
  EXPECT_EQ(a->organisation.org_id, ami_.id);
  EXPECT_EQ(a->organisation.slug, "ami");
  EXPECT_EQ(a->country, "GRC");
  EXPECT_EQ(a->created_by, bea_.id);
  EXPECT_EQ(a->created_at, clock_.NowMs());
  EXPECT_EQ(a->lang, "fr");
  auto view = service_->View(Anonymous(), p.id);
  ASSERT_TRUE(IsOk(view));
  ASSERT_EQ(view->adoptions.size(), 1u);
  EXPECT_EQ(view->adoptions[0].id, a->id);
  EXPECT_EQ(view->adoptions[0].organisation.name, ami_.name);
  EXPECT_EQ(AuditFor("practice", std::to_string(p.id)).front().action, "practice.adoption.add");
  EXPECT_EQ(Feed().back().id, p.id);

  Adoption ok_fields;
  ok_fields.country = "ITA";
  EXPECT_TRUE(HasFieldCode(service_->AddAdoption(As(ben_), p.id, "jed", ok_fields), "organisation",
                           "pr_own_practice"));  // the lead
  EXPECT_TRUE(HasKind(service_->AddAdoption(As(ben_), p.id, "ami", ok_fields),
                      Kind::kPermissionDenied));  // not a member
  EXPECT_TRUE(HasKind(service_->AddAdoption(As(sam_), p.id, "ami", ok_fields), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->AddAdoption(Anonymous(), p.id, "ami", ok_fields), Kind::kUnauthenticated));
  EXPECT_TRUE(
      HasFieldCode(service_->AddAdoption(As(bea_), p.id, "nope", ok_fields), "organisation", "org_unknown"));
  Adoption bad_country = ok_fields;
  bad_country.country = "XYZ";
  EXPECT_TRUE(
      HasFieldCode(service_->AddAdoption(As(bea_), p.id, "ami", bad_country), "country", "country_unknown"));
  bad_country.country = "";
  EXPECT_TRUE(
      HasFieldCode(service_->AddAdoption(As(bea_), p.id, "ami", bad_country), "country", "country_unknown"));
  Adoption bad_date = ok_fields;
  bad_date.end_date = "2021-02-30";
  EXPECT_TRUE(HasFieldCode(service_->AddAdoption(As(bea_), p.id, "ami", bad_date), "end_date", "pr_date"));
  EXPECT_TRUE(HasKind(service_->AddAdoption(As(bea_), 999999, "ami", ok_fields), Kind::kNotFound));

  // Not before it is published: dual (member of ami) sees jed's submitted one.
  Practice pending = SubmittedDraft(ana_, "jed", "Pending adoption");
  EXPECT_TRUE(HasKind(service_->AddAdoption(As(dual_), pending.id, "ami", ok_fields), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->AddAdoption(As(bea_), pending.id, "ami", ok_fields), Kind::kNotFound));
  ASSERT_TRUE(IsOk(service_->Archive(As(mo_), p.id, "old")));
  EXPECT_TRUE(HasKind(service_->AddAdoption(As(bea_), p.id, "ami", ok_fields), Kind::kConflict));
  EXPECT_EQ(service_->View(System(), p.id).value().adoptions.size(), 1u);
}

TEST_F(PracticeAdoptionTest, RemoveAdoptionByItsAuthorOrAModeratorOnly) {
  Practice p = PublishedMember("Adopted twice");
  Adoption fields;
  fields.country = "ITA";
  Adoption a1 = service_->AddAdoption(As(bea_), p.id, "ami", fields).value();
  Adoption a2 = service_->AddAdoption(As(dual_), p.id, "ami", fields).value();
  Adoption a3 = service_->AddAdoption(As(bea_), p.id, "ami", fields).value();
  EXPECT_TRUE(HasKind(service_->RemoveAdoption(As(ben_), a1.id), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->RemoveAdoption(As(sam_), a1.id), Kind::kPermissionDenied));
  EXPECT_FALSE(service_->RemoveAdoption(Anonymous(), a2.id).ok());
  EXPECT_EQ(service_->View(System(), p.id).value().adoptions.size(), 3u);
  // The author removes theirs; the practice's moderator removes anyone's.
  EXPECT_TRUE(IsOk(service_->RemoveAdoption(As(bea_), a1.id)));
  EXPECT_TRUE(IsOk(service_->RemoveAdoption(As(dual_), a2.id)));
  EXPECT_TRUE(IsOk(service_->RemoveAdoption(As(mo_), a3.id)));
  EXPECT_TRUE(HasKind(service_->RemoveAdoption(As(mo_), a3.id), Kind::kNotFound));
  EXPECT_THAT(service_->View(System(), p.id).value().adoptions, IsEmpty());
  std::vector<std::string> actions = AuditActions(p.id);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "practice.adoption.remove"), 3);
}

using PracticeCollectionTest = PracticeServiceTest;

TEST_F(PracticeCollectionTest, MembersCollectPublishedPracticesOnce) {
  Id g = AddGroup("micic-wg");
  Id other_group = AddGroup("other-wg");
  Practice a = PublishedMember("Collected A");
  clock_.AdvanceMs(1000);
  Practice b = PublishedOpen("Collected B");
  Practice draft = Draft(ana_, "jed", "Not collectable");

  EXPECT_TRUE(HasKind(service_->Collect(Anonymous(), g, a.id, true), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(service_->Collect(As(sam_), g, a.id, false), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Collect(As(mo_), g, a.id, false), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Collect(As(ana_), g, draft.id, true), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Collect(As(bea_), g, draft.id, true), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Collect(As(sam_), g, 999999, true), Kind::kNotFound));

  ASSERT_TRUE(IsOk(service_->Collect(As(sam_), g, a.id, true)));
  clock_.AdvanceMs(1000);
  ASSERT_TRUE(IsOk(service_->Collect(As(root_), g, b.id, false)));  // an administrator
  EXPECT_TRUE(HasKind(service_->Collect(As(bea_), g, a.id, true), Kind::kConflict));
  ASSERT_TRUE(IsOk(service_->Collect(As(bea_), other_group, a.id, true)));

  auto collected = service_->CollectedBy(Anonymous(), g);
  ASSERT_TRUE(IsOk(collected));
  std::vector<Id> ids;
  for (const auto& p : *collected) {
    ids.push_back(p.id);
    EXPECT_EQ(p.contributor, Contributor{});
  }
  EXPECT_THAT(ids, ElementsAre(b.id, a.id));  // newest addition first
  auto view = service_->View(Anonymous(), a.id).value();
  ASSERT_EQ(view.collections.size(), 2u);
  EXPECT_EQ(view.collections[0].added_by, sam_.id);
  EXPECT_THAT(AuditActions(a.id), Contains("practice.collect"));

  // What is no longer published drops out of the public list.
  ASSERT_TRUE(IsOk(service_->Uncollect(As(sam_), g, b.id, true)));
  EXPECT_TRUE(HasKind(service_->Uncollect(As(sam_), g, a.id, false), Kind::kPermissionDenied));
  EXPECT_EQ(service_->CollectedBy(Anonymous(), g).value().size(), 1u);
}

// --- Search documents ---------------------------------------------------------------

using PracticeSearchDocumentTest = PracticeServiceTest;

TEST_F(PracticeSearchDocumentTest, OnlyPublishedPracticesHaveOne) {
  Practice draft = Draft(ana_, "jed", "Draft doc");
  Submitted submitted = SubmitOk("Submitted doc");
  Practice archived = PublishedMember("Archived doc");
  ASSERT_TRUE(IsOk(service_->Archive(As(mo_), archived.id, "old")));
  EXPECT_TRUE(HasKind(service_->SearchDocument(draft.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->SearchDocument(submitted.practice.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->SearchDocument(archived.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->SearchDocument(999999), Kind::kNotFound));
  practices::PracticeDocuments source(*service_);
  EXPECT_TRUE(HasKind(source.Load("practice", draft.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(source.Load("campaign", draft.id), Kind::kNotFound));
  ASSERT_TRUE(IsOk(service_->Publish(System(), submitted.practice.id)));
  EXPECT_TRUE(IsOk(source.Load("practice", submitted.practice.id)));
}

TEST_F(PracticeSearchDocumentTest, FacetsDescribeThePractice) {
  ASSERT_NE(SubRegionOf("LBY"), nullptr);
  ASSERT_EQ(SubRegionOf("LBY")->code, "015");
  Practice p = PublishedMember("Faceted", "jed", [](PracticeInput& in) {
    in.places = std::vector<Place>{
        {"LBY", PlaceRole::kCrisis}, {"NER", PlaceRole::kTransit}, {"ITA", PlaceRole::kDestination}};
    in.partners = std::vector<Party>{Party{std::nullopt, "ami", "", "local-authority"},
                                     Party{std::nullopt, "", "Red Crescent", "international-organisation"}};
    in.phases = std::vector<std::string>{"emergency", "preparedness"};
    in.crises = std::vector<std::string>{"conflict", "disaster"};
    in.start_date = "2019-04";
  });
  auto d = service_->SearchDocument(p.id);
  ASSERT_TRUE(IsOk(d));
  EXPECT_EQ(d->kind, "practice");
  EXPECT_EQ(d->id, p.id);
  EXPECT_THAT(d->audience, ElementsAre("public"));
  EXPECT_EQ(d->date, *p.published_at);
  EXPECT_THAT(d->facets.at("phase"), ElementsAre("emergency", "preparedness"));
  EXPECT_THAT(d->facets.at("crisis"), ElementsAre("conflict", "disaster"));
  std::string niger = std::string(SubRegionOf("NER")->code);
  std::string italy = std::string(SubRegionOf("ITA")->code);
  EXPECT_EQ(niger, "202");  // Sub-Saharan Africa
  EXPECT_EQ(italy, "039");  // Southern Europe
  EXPECT_THAT(d->facets.at("region"), UnorderedElementsAre("015", "202", "039"));
  EXPECT_THAT(d->facets.at("country"), UnorderedElementsAre("ITA", "LBY", "NER"));
  EXPECT_THAT(d->facets.at("actor"),
              UnorderedElementsAre("civil-society", "local-authority", "international-organisation"));
  EXPECT_THAT(d->facets.at("year"), ElementsAre("2019"));
  EXPECT_THAT(d->facets.at("org"), ElementsAre("jed"));
  ASSERT_EQ(d->texts.count("en"), 1u);
  EXPECT_EQ(d->texts.at("en").title, "Faceted");
  EXPECT_THAT(d->texts.at("en").body, HasSubstr("stranded by the fighting"));
  EXPECT_THAT(d->texts.at("en").body, HasSubstr("Nobody to call"));
  // The contributor and contacts are not indexed.
  EXPECT_THAT(d->texts.at("en").body, Not(HasSubstr("+218")));

  // An open contribution has no org facet.
  Practice open = PublishedOpen("Open faceted");
  auto od = service_->SearchDocument(open.id);
  ASSERT_TRUE(IsOk(od));
  EXPECT_TRUE(od->facets.count("org") == 0 || od->facets.at("org").empty());
  EXPECT_THAT(od->facets.at("region"), ElementsAre("015"));
  EXPECT_THAT(od->facets.at("actor"), ElementsAre("civil-society"));
}

TEST_F(PracticeSearchDocumentTest, ASummaryOnlyPracticeIndexesOnlyItsTitleSummaryAndRegion) {
  Practice p = PublishedOpen("Quiet evacuation", [](PracticeInput& in) {
    in.summary_only = true;
    in.generalised_location = "North Africa";
    in.places = std::vector<Place>{{"LBY", PlaceRole::kCrisis}, {"TUN", PlaceRole::kDestination}};
    in.partners = std::vector<Party>{Party{std::nullopt, "", "Red Crescent", "international-organisation"}};
  });
  auto d = service_->SearchDocument(p.id);
  ASSERT_TRUE(IsOk(d));
  EXPECT_TRUE(d->facets.count("country") == 0 || d->facets.at("country").empty());
  EXPECT_THAT(d->facets.at("region"), ElementsAre("015"));
  EXPECT_THAT(d->facets.at("phase"), ElementsAre("emergency"));
  EXPECT_THAT(d->facets.at("crisis"), ElementsAre("conflict"));
  EXPECT_THAT(d->facets.at("actor"), UnorderedElementsAre("civil-society", "international-organisation"));
  ASSERT_EQ(d->texts.size(), 1u);
  EXPECT_EQ(d->texts.at("en").title, "Quiet evacuation");
  EXPECT_EQ(d->texts.at("en").body, "A hotline for migrants stranded by the fighting.");
}

// --- Concurrency --------------------------------------------------------------------

using PracticeConcurrencyTest = PracticeServiceTest;

TEST_F(PracticeConcurrencyTest, TwoModeratorsPublishingAtOnceOneWins) {
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE(round);
    Submitted s = SubmitOk("Race " + std::to_string(round));
    Id id = s.practice.id;
    std::barrier start(2);
    Result<Practice> results[2] = {Status::Internal("not run"), Status::Internal("not run")};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        Actor actor = t == 0 ? System() : Actor::Cli();
        start.arrive_and_wait();
        results[t] = service_->Publish(actor, id);
      });
    }
    for (auto& th : threads) th.join();
    int ok = 0;
    int conflict = 0;
    for (const auto& r : results) {
      if (r.ok()) ++ok;
      if (r.status().IsConflict()) ++conflict;
    }
    EXPECT_EQ(ok, 1) << Describe(results[0].status()) << " / " << Describe(results[1].status());
    EXPECT_EQ(conflict, 1) << Describe(results[0].status()) << " / " << Describe(results[1].status());
    EXPECT_THAT(HistoryActions(System(), id), ElementsAre("publish", "submit"));
    EXPECT_EQ(Stored(id).version, 2);
  }
}

TEST_F(PracticeConcurrencyTest, OpenContributionsSentAtOnceEachGetTheirOwnSlug) {
  constexpr int kThreads = 8;
  std::barrier start(kThreads);
  std::vector<Result<Submitted>> results(kThreads, Result<Submitted>(Status::Internal("not run")));
  std::vector<OpenGuard> guards;
  for (int t = 0; t < kThreads; ++t) guards.push_back(Guard());
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      PracticeInput in = OpenInput("Same title everywhere");
      start.arrive_and_wait();
      results[t] = service_->SubmitOpen(Anonymous(), in, guards[t]);
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> slugs;
  std::set<std::string> tokens;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_TRUE(IsOk(results[t])) << "thread " << t;
    if (!results[t].ok()) continue;
    slugs.insert(results[t]->practice.slug);
    tokens.insert(results[t]->status_token);
  }
  EXPECT_EQ(slugs.size(), static_cast<std::size_t>(kThreads));
  EXPECT_EQ(tokens.size(), static_cast<std::size_t>(kThreads));
  EXPECT_EQ(slugs.count("same-title-everywhere"), 1u);
  EXPECT_EQ(AllIds().size(), static_cast<std::size_t>(kThreads));
  EXPECT_EQ(Feed().size(), static_cast<std::size_t>(kThreads));
}

}  // namespace
}  // namespace waymark::conformance
