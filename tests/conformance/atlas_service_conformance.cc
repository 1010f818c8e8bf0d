// AtlasService over the real stores, run against each backend:
// sqlite/Atlas...Test and postgres/Atlas...Test (PostgreSQL needs
// WAYMARK_TEST_PG_URL). See backend.h. The service is wired as the runtime
// wires it (src/app/runtime.cc): the Atlas stores, the accounts stores and
// their unit of work, the ISO country list and a FakeClock; the library
// items and saved evidence queries a case study cites come from a fake
// References.
//
// The fixture has two organisations and people in each role:
//   jed: ana (editor), ben (member), mo (moderator)
//   ami: bea (editor), bmo (moderator)
//   sam: signed in, no organisation;  root: a platform administrator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backend.h"
#include "crypto/crypto.h"
#include "domain/accounts/account_service.h"
#include "domain/atlas/atlas_service.h"
#include "i18n/countries.h"
#include "storage/accounts/account_stores.h"
#include "storage/atlas/atlas_stores.h"

namespace waymark::atlas {

// Readable failure messages.
inline void PrintTo(Lifecycle s, std::ostream* os) { *os << ToString(s); }
inline void PrintTo(Onset o, std::ostream* os) { *os << ToString(o); }

}  // namespace waymark::atlas

namespace waymark::conformance {
namespace {

using accounts::AccountService;
using accounts::Actor;
using accounts::Id;
using accounts::Organisation;
using accounts::OrganisationInput;
using accounts::User;
using atlas::AtlasService;
using atlas::CaseFilter;
using atlas::CaseInput;
using atlas::CaseRevision;
using atlas::CaseStudy;
using atlas::CaseText;
using atlas::GlossaryTerm;
using atlas::GlossaryText;
using atlas::Lifecycle;
using atlas::Onset;
using atlas::Topic;
using atlas::TopicText;
using Kind = Status::Kind;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kDakar[] = R"({"type":"Point","coordinates":[-17.444123,14.692778]})";

// EXPECT_TRUE(HasFieldCode(result, "reason", "required")).
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

// The library items that are published and the saved evidence queries that
// exist, as the app's References would answer; or an outage. Thread-safe
// once set up.
class FakeReferences final : public atlas::References {
 public:
  Result<bool> LibraryItemPublished(Id id) override {
    ++calls;
    if (!down.ok()) return down;
    return items.count(id) > 0;
  }
  Result<bool> SavedQueryExists(Id id) override {
    ++calls;
    if (!down.ok()) return down;
    return queries.count(id) > 0;
  }

  std::set<Id> items = {101, 102, 103};
  std::set<Id> queries = {7, 8};
  Status down = Status::Ok();
  std::atomic<int> calls{0};
};

class AtlasServiceTest : public BackendTest {
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
    atlas_stores_ = std::make_unique<storage::AtlasStores>(db());
    service_ =
        std::make_unique<AtlasService>(stores_, atlas_stores_->stores(), clock_, *countries_, &references_);

    jed_ = AddOrg("jed", "Jeunesse en Détresse");
    ami_ = AddOrg("ami", "Aide aux Migrants");
    ana_ = AddUser("ana@example.org", "Ana");
    ben_ = AddUser("ben@example.org", "Ben");
    mo_ = AddUser("mo@example.org", "Mo");
    bea_ = AddUser("bea@example.org", "Bea");
    bmo_ = AddUser("bmo@example.org", "Bmo");
    sam_ = AddUser("sam@example.org", "Sam");
    root_ = AddUser("root@example.org", "Root", /*is_admin=*/true);
    Grant(ana_, "jed", "editor");
    Grant(ben_, "jed", "member");
    Grant(mo_, "jed", "moderator");
    Grant(bea_, "ami", "editor");
    Grant(bmo_, "ami", "moderator");
  }

  void TearDown() override {
    service_.reset();
    atlas_stores_.reset();
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

  // The actor for `user` as a request would see it: loaded afresh, with memberships.
  Actor As(const User& user) {
    auto fresh = stores_.users->FindById(user.id);
    EXPECT_TRUE(IsOk(fresh));
    return Actor::ForUser(fresh.ok() ? *fresh : user, "req-test");
  }
  static Actor Anonymous() { return Actor::Anonymous("req-anon"); }

  static CaseInput Input(const std::string& org, const std::string& title) {
    CaseInput in;
    in.organisation = org;
    in.texts = std::map<std::string, CaseText>{{"en", CaseText{title, "What happened.", "", ""}}};
    in.geometry = kDakar;
    in.hazards = std::vector<std::string>{"flood"};
    in.movements = std::vector<std::string>{"displacement"};
    return in;
  }

  CaseStudy Draft(const User& author, const std::string& org, const std::string& title,
                  const std::function<void(CaseInput&)>& tweak = {}) {
    CaseInput in = Input(org, title);
    if (tweak) tweak(in);
    auto created = service_->Create(As(author), in);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : CaseStudy{};
  }

  CaseStudy Submitted(const User& author, const std::string& org, const std::string& title) {
    CaseStudy c = Draft(author, org, title);
    auto s = service_->Submit(As(author), c.id, std::nullopt);
    EXPECT_TRUE(IsOk(s));
    return s.ok() ? *s : c;
  }

  // A jed case study by ben published by mo (or an ami one by bea and bmo).
  CaseStudy Published(const std::string& title, const std::string& org = "jed",
                      const std::function<void(CaseInput&)>& tweak = {}) {
    const User& author = org == "jed" ? ben_ : bea_;
    const User& moderator = org == "jed" ? mo_ : bmo_;
    CaseStudy c = Draft(author, org, title, tweak);
    EXPECT_TRUE(IsOk(service_->Submit(As(author), c.id, std::nullopt)));
    auto published = service_->Publish(As(moderator), c.id, std::nullopt);
    EXPECT_TRUE(IsOk(published));
    return published.ok() ? *published : c;
  }

  CaseStudy Stored(Id id) {
    auto c = atlas_stores_->stores().cases->Get(id);
    EXPECT_TRUE(IsOk(c));
    return c.ok() ? *c : CaseStudy{};
  }

  // Oldest first.
  std::vector<std::string> AuditActions(const std::string& entity_type, Id id) {
    auto list = stores_.audit->List(1000, entity_type, std::to_string(id));
    EXPECT_TRUE(IsOk(list));
    std::vector<std::string> out;
    if (list.ok()) {
      for (const auto& e : *list) out.push_back(e.action);
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

  // Newest first, as Revisions gives them.
  std::vector<std::string> RevisionActions(const Actor& actor, Id id) {
    auto r = service_->Revisions(actor, id);
    EXPECT_TRUE(IsOk(r));
    std::vector<std::string> out;
    if (r.ok()) {
      for (const auto& x : *r) out.push_back(x.action);
    }
    return out;
  }

  static std::vector<std::string> Titles(const Result<std::vector<CaseStudy>>& cases) {
    EXPECT_TRUE(IsOk(cases));
    std::vector<std::string> out;
    if (cases.ok()) {
      for (const auto& c : *cases) out.push_back(c.Text("en").title);
    }
    return out;
  }

  static GlossaryTerm NewTerm(const std::string& term, const std::string& definition) {
    GlossaryTerm t;
    t.texts["en"] = GlossaryText{term, definition, {}};
    return t;
  }

  FakeReferences references_;
  std::unique_ptr<i18n::Countries> countries_;
  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores stores_{};
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<storage::AtlasStores> atlas_stores_;
  std::unique_ptr<AtlasService> service_;
  Organisation jed_, ami_;
  User ana_, ben_, mo_, bea_, bmo_, sam_, root_;
};

// --- Lifecycle --------------------------------------------------------------------

using AtlasWorkflowTest = AtlasServiceTest;

TEST_F(AtlasWorkflowTest, EveryStepAddsARevisionAndAnAuditEntry) {
  CaseStudy c = Draft(ben_, "jed", "Leaving the delta", [](CaseInput& in) {
    in.hazards = std::vector<std::string>{"sea-level-rise", "flood"};
    in.countries = std::vector<std::string>{"sen", " GMB "};
  });  // 1 create
  EXPECT_EQ(c.lifecycle, Lifecycle::kDraft);
  EXPECT_EQ(c.slug, "leaving-the-delta");
  EXPECT_EQ(c.org_id, jed_.id);
  EXPECT_EQ(c.org_slug, "jed");
  EXPECT_EQ(c.created_by, ben_.id);
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.onset, Onset::kSlow);  // the first hazard's usual onset
  EXPECT_THAT(c.countries, ElementsAre("SEN", "GMB"));
  EXPECT_EQ(c.published_at, std::nullopt);

  clock_.AdvanceMs(1000);
  ASSERT_TRUE(IsOk(service_->Submit(As(ben_), c.id, 1)));  // 2 submit
  clock_.AdvanceMs(1000);
  auto returned = service_->Return(As(mo_), c.id, "  Add « the people », please  ");  // 3 return
  ASSERT_TRUE(IsOk(returned));
  EXPECT_EQ(returned->lifecycle, Lifecycle::kReturned);
  EXPECT_EQ(returned->moderation_note, "Add « the people », please");
  CaseInput edit;
  edit.texts = std::map<std::string, CaseText>{
      {"en", CaseText{"Leaving the delta", "What happened.", "", "Fishers — ✓"}}};
  clock_.AdvanceMs(1000);
  auto edited = service_->Update(As(ben_), c.id, edit);  // 4 edit (their own returned draft)
  ASSERT_TRUE(IsOk(edited));
  EXPECT_EQ(edited->updated_at, clock_.NowMs());
  EXPECT_EQ(edited->texts.at("en").people, "Fishers — ✓");
  EXPECT_EQ(edited->moderation_note, "Add « the people », please");
  ASSERT_TRUE(IsOk(service_->Submit(As(ben_), c.id, std::nullopt)));  // 5 submit
  EXPECT_EQ(Stored(c.id).moderation_note, "");
  clock_.AdvanceMs(1000);
  const TimestampMs published_at = clock_.NowMs();
  auto published = service_->Publish(As(mo_), c.id, 5);  // 6 publish
  ASSERT_TRUE(IsOk(published));
  EXPECT_EQ(published->lifecycle, Lifecycle::kPublished);
  EXPECT_EQ(published->published_at, published_at);
  EXPECT_EQ(published->version, 6);
  clock_.AdvanceMs(1000);
  auto archived = service_->Archive(As(mo_), c.id, "Superseded");  // 7 archive
  ASSERT_TRUE(IsOk(archived));
  EXPECT_EQ(archived->lifecycle, Lifecycle::kArchived);
  EXPECT_EQ(archived->published_at, published_at);  // kept
  EXPECT_EQ(archived->version, 7);

  const std::vector<std::string> expected = {"archive", "publish", "submit", "edit",
                                             "return",  "submit",  "create"};
  EXPECT_EQ(RevisionActions(As(mo_), c.id), expected);
  auto revisions = service_->Revisions(As(mo_), c.id);
  ASSERT_TRUE(IsOk(revisions));
  ASSERT_EQ(revisions->size(), 7u);
  for (std::size_t i = 0; i < revisions->size(); ++i) {
    const CaseRevision& r = (*revisions)[i];
    EXPECT_EQ(r.version, static_cast<std::int64_t>(7 - i));
    EXPECT_EQ(r.snapshot.version, r.version);
    EXPECT_EQ(r.case_id, c.id);
  }
  EXPECT_EQ((*revisions)[0].note, "Superseded");
  EXPECT_EQ((*revisions)[0].actor_user_id, mo_.id);
  EXPECT_EQ((*revisions)[0].actor_label, "Mo");
  EXPECT_EQ((*revisions)[1].snapshot.lifecycle, Lifecycle::kPublished);
  EXPECT_EQ((*revisions)[4].note, "Add « the people », please");
  EXPECT_EQ((*revisions)[6].actor_user_id, ben_.id);
  EXPECT_THAT((*revisions)[6].snapshot.hazards, ElementsAre("sea-level-rise", "flood"));

  std::vector<std::string> audit;
  for (auto it = expected.rbegin(); it != expected.rend(); ++it) audit.push_back("atlas.case." + *it);
  EXPECT_EQ(AuditActions("atlas_case", c.id), audit);
  auto entries = stores_.audit->List(1, "atlas_case", std::to_string(c.id));
  ASSERT_TRUE(IsOk(entries));
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].actor_user_id, mo_.id);
  EXPECT_EQ((*entries)[0].details.at("note"), "Superseded");
  EXPECT_EQ((*entries)[0].details.at("lifecycle"), "archived");
  EXPECT_EQ((*entries)[0].details.at("version"), "7");
  EXPECT_EQ((*entries)[0].details.at("slug"), "leaving-the-delta");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_case_revisions WHERE case_id=$1", {c.id}), 7);
}

TEST_F(AtlasWorkflowTest, InvalidTransitionsAreConflictsAndLeaveNoTrace) {
  CaseStudy draft = Draft(ben_, "jed", "A draft");
  CaseStudy published = Published("Published already");
  CaseStudy returned = Submitted(ben_, "jed", "Sent back");
  ASSERT_TRUE(IsOk(service_->Return(As(mo_), returned.id, "Needs work")));
  CaseStudy archived = Published("Withdrawn already");
  ASSERT_TRUE(IsOk(service_->Archive(As(mo_), archived.id, "Retracted")));
  const auto versions = [&] {
    return std::vector<std::int64_t>{Stored(draft.id).version, Stored(published.id).version,
                                     Stored(returned.id).version, Stored(archived.id).version};
  };
  const std::vector<std::int64_t> before = versions();
  const std::int64_t audit_before = CountRows("SELECT COUNT(*) FROM audit_log");

  EXPECT_TRUE(HasKind(service_->Return(As(mo_), draft.id, "Why?"), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Return(As(mo_), published.id, "Why?"), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Submit(As(ben_), published.id, std::nullopt), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Submit(As(mo_), archived.id, std::nullopt), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), published.id, std::nullopt), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), archived.id, std::nullopt), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Archive(As(mo_), archived.id, "Again"), Kind::kConflict));
  EXPECT_TRUE(HasFieldCode(service_->Return(As(mo_), returned.id, "   "), "reason", "required"));
  EXPECT_TRUE(HasFieldCode(service_->Archive(As(mo_), published.id, ""), "reason", "required"));

  // Optimistic concurrency: a stale version is a conflict; the current one passes.
  CaseInput stale;
  stale.year_from = 2001;
  stale.expected_version = 0;
  EXPECT_TRUE(HasKind(service_->Update(As(ben_), draft.id, stale), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Submit(As(ben_), draft.id, 7), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), returned.id, 1), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), 424242), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), 424242, std::nullopt), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Update(As(ana_), 424242, stale), Kind::kNotFound));

  EXPECT_EQ(versions(), before);
  EXPECT_EQ(Stored(draft.id).year_from, 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_case_revisions"),
            before[0] + before[1] + before[2] + before[3]);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log"), audit_before);

  CaseInput current;
  current.year_from = 2001;
  current.expected_version = 1;
  auto ok = service_->Update(As(ben_), draft.id, current);
  ASSERT_TRUE(IsOk(ok));
  EXPECT_EQ(ok->version, 2);
  EXPECT_EQ(ok->year_from, 2001);
  EXPECT_TRUE(IsOk(service_->Submit(As(ben_), draft.id, 2)));
  // A returned case study may be published directly by a moderator.
  EXPECT_TRUE(IsOk(service_->Publish(As(mo_), returned.id, Stored(returned.id).version)));
}

// --- Who may do what ------------------------------------------------------------

using AtlasPermissionTest = AtlasServiceTest;

TEST_F(AtlasPermissionTest, MembersWriteForTheirOwnOrganisationAndOnlyItsModeratorsPublish) {
  EXPECT_TRUE(HasKind(service_->Create(Anonymous(), Input("jed", "Anonymous")), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(service_->Create(As(sam_), Input("jed", "Outsider")), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Create(As(ben_), Input("ami", "Not mine")), Kind::kPermissionDenied));
  EXPECT_TRUE(HasFieldCode(service_->Create(As(ben_), Input("nowhere", "No such org")), "organisation",
                           "org_unknown"));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_cases"), 0);
  CaseStudy bens = Draft(ben_, "jed", "Ben's draft");
  CaseStudy moes = Draft(mo_, "jed", "Mo's draft");
  EXPECT_TRUE(IsOk(service_->Create(As(root_), Input("ami", "By an administrator"))));
  EXPECT_TRUE(IsOk(service_->Create(Actor::Cli(), Input("ami", "By the operator"))));

  CaseInput edit;
  edit.year_from = 2015;
  EXPECT_TRUE(IsOk(service_->Update(As(ben_), bens.id, edit)));  // their own draft
  EXPECT_TRUE(HasKind(service_->Update(As(ben_), moes.id, edit), Kind::kPermissionDenied));
  EXPECT_TRUE(IsOk(service_->Update(As(ana_), bens.id, edit)));                      // an editor of jed
  EXPECT_TRUE(HasKind(service_->Update(As(bea_), bens.id, edit), Kind::kNotFound));  // cannot see it
  CaseInput move;
  move.organisation = "ami";
  EXPECT_TRUE(HasFieldCode(service_->Update(As(ana_), bens.id, move), "organisation", "immutable"));

  ASSERT_TRUE(IsOk(service_->Submit(As(ben_), bens.id, std::nullopt)));
  EXPECT_TRUE(HasKind(service_->Publish(As(ben_), bens.id, std::nullopt), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Publish(As(ana_), bens.id, std::nullopt), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Publish(As(bmo_), bens.id, std::nullopt), Kind::kNotFound));  // ami only
  EXPECT_TRUE(HasKind(service_->Publish(As(sam_), bens.id, std::nullopt), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Return(As(ana_), bens.id, "No"), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Return(As(ben_), bens.id, "No"), Kind::kPermissionDenied));
  EXPECT_EQ(Stored(bens.id).lifecycle, Lifecycle::kSubmitted);

  ASSERT_TRUE(IsOk(service_->Publish(As(mo_), bens.id, std::nullopt)));
  EXPECT_TRUE(HasKind(service_->Update(As(ben_), bens.id, edit), Kind::kPermissionDenied));  // published
  EXPECT_TRUE(IsOk(service_->Update(As(ana_), bens.id, edit)));                              // an editor
  EXPECT_TRUE(HasKind(service_->Archive(As(ana_), bens.id, "Old"), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Archive(As(bmo_), bens.id, "Old"), Kind::kPermissionDenied));  // sees it now
  EXPECT_TRUE(IsOk(service_->Archive(As(root_), bens.id, "Old")));
  EXPECT_EQ(AuditActions("atlas_case", bens.id),
            (std::vector<std::string>{"atlas.case.create", "atlas.case.edit", "atlas.case.edit",
                                      "atlas.case.submit", "atlas.case.publish", "atlas.case.edit",
                                      "atlas.case.archive"}));
}

TEST_F(AtlasPermissionTest, ADraftIsSeenOnlyByItsOrganisationUntilPublished) {
  CaseStudy c = Draft(ben_, "jed", "Quiet draft");
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), c.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Get(As(sam_), c.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Get(As(bea_), c.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Get(As(bmo_), c.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Revisions(Anonymous(), c.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Revisions(As(bea_), c.id), Kind::kNotFound));
  EXPECT_TRUE(IsOk(service_->Get(As(ana_), c.id)));
  EXPECT_TRUE(IsOk(service_->Get(As(mo_), c.id)));
  EXPECT_TRUE(IsOk(service_->Get(As(root_), c.id)));
  // The same message for a hidden and a missing case study.
  EXPECT_EQ(service_->Get(As(bea_), c.id).status().message(), "no case study " + std::to_string(c.id));

  ASSERT_TRUE(IsOk(service_->Submit(As(ben_), c.id, std::nullopt)));
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), c.id), Kind::kNotFound));
  ASSERT_TRUE(IsOk(service_->Publish(As(mo_), c.id, std::nullopt)));
  auto seen = service_->Get(Anonymous(), c.id);
  ASSERT_TRUE(IsOk(seen));
  EXPECT_EQ(seen->org_slug, "jed");
  EXPECT_TRUE(IsOk(service_->Get(As(bea_), c.id)));
  ASSERT_TRUE(IsOk(service_->Archive(As(mo_), c.id, "Withdrawn")));
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), c.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Get(As(bea_), c.id), Kind::kNotFound));
  EXPECT_TRUE(IsOk(service_->Get(As(ben_), c.id)));
  // FindBySlug (the operator's) finds it whatever its state.
  auto by_slug = service_->FindBySlug("quiet-draft");
  ASSERT_TRUE(IsOk(by_slug));
  EXPECT_EQ(by_slug->id, c.id);
  EXPECT_TRUE(HasKind(service_->FindBySlug("nowhere"), Kind::kNotFound));
}

// --- Validation -------------------------------------------------------------------

using AtlasValidationTest = AtlasServiceTest;

TEST_F(AtlasValidationTest, EachInvalidFieldIsNamedAndNothingIsStored) {
  auto with = [&](const std::function<void(CaseInput&)>& tweak) {
    CaseInput in = Input("jed", "Invalid");
    tweak(in);
    return service_->Create(As(ben_), in);
  };
  auto bad_latitude = with([](CaseInput& in) { in.geometry = R"({"type":"Point","coordinates":[10,95]})"; });
  EXPECT_TRUE(HasFieldCode(bad_latitude, "geometry", "geojson"));
  ASSERT_EQ(bad_latitude.status().fields().count("geometry"), 1u);
  EXPECT_THAT(bad_latitude.status().fields().at("geometry"), HasSubstr("latitude 95"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) {
                             in.geometry = R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,2]]]})";
                           }),
                           "geometry", "geojson"));  // an open ring
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) { in.geometry = "not json"; }), "geometry", "geojson"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) { in.geometry.reset(); }), "geometry", "required"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) {
                             in.hazards = std::vector<std::string>{"flood", "tsunami"};
                           }),
                           "hazards", "unknown_code"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) { in.hazards = std::vector<std::string>{" "}; }), "hazards",
                           "required"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) { in.movements = std::vector<std::string>{}; }),
                           "movements", "required"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) { in.movements = std::vector<std::string>{"exodus"}; }),
                           "movements", "unknown_code"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) {
                             in.countries = std::vector<std::string>{"SEN", "XYZ"};
                           }),
                           "countries", "country_unknown"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) { in.countries = std::vector<std::string>{"SN"}; }),
                           "countries", "country_unknown"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) {
                             in.year_from = 2019;
                             in.year_to = 2010;
                           }),
                           "year_to", "order"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) { in.year_from = 1700; }), "year_from", "year"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) { in.onset = "fast"; }), "onset", "unknown_code"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) { in.texts.reset(); }), "texts", "required"));
  EXPECT_TRUE(
      HasFieldCode(with([](CaseInput& in) {
                     in.texts = std::map<std::string, CaseText>{{"en", CaseText{"Title only", "", "", ""}}};
                   }),
                   "texts.en.summary", "required"));
  EXPECT_TRUE(HasFieldCode(with([](CaseInput& in) {
                             (*in.texts)["de"] = CaseText{"Titel", "Zusammenfassung", "", ""};
                           }),
                           "texts.de", "language"));
  // Several at once, each named.
  auto many = with([](CaseInput& in) {
    in.hazards = std::vector<std::string>{"tsunami"};
    in.movements = std::vector<std::string>{};
    in.countries = std::vector<std::string>{"ZZZ"};
    in.year_from = 2000;
    in.year_to = 1999;
  });
  EXPECT_TRUE(HasFieldCode(many, "hazards", "unknown_code"));
  EXPECT_TRUE(HasFieldCode(many, "movements", "required"));
  EXPECT_TRUE(HasFieldCode(many, "countries", "country_unknown"));
  EXPECT_TRUE(HasFieldCode(many, "year_to", "order"));

  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_cases"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_case_revisions"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE entity_type='atlas_case'"), 0);

  // An invalid update leaves the case study as it was.
  CaseStudy c = Draft(ben_, "jed", "Valid");
  CaseInput bad;
  bad.geometry = R"({"type":"Point","coordinates":[200,10]})";
  bad.year_from = 2020;
  EXPECT_TRUE(HasFieldCode(service_->Update(As(ben_), c.id, bad), "geometry", "geojson"));
  CaseStudy stored = Stored(c.id);
  EXPECT_EQ(stored.version, 1);
  EXPECT_EQ(stored.year_from, 0);
  EXPECT_EQ(geo::ToGeoJson(stored.geometry), geo::ToGeoJson(geo::ParseGeoJson(kDakar).value()));
}

TEST_F(AtlasValidationTest, FieldsAreCleanedAndAnAreaRoundTrips) {
  const std::string area =
      R"({"type":"Feature","properties":{"name":"x"},"geometry":{"type":"MultiPolygon","coordinates":)"
      R"([[[[-16.5,14.25],[-15.123456,14.25],[-15.123456,15.5],[-16.5,14.25]]],)"
      R"([[[2.1,-3.000001],[3.25,-3.000001],[3.25,-2],[2.1,-3.000001]]]]}})";
  CaseStudy c = Draft(ana_, "jed", "  Deltas « under » water — 🌊  ", [&](CaseInput& in) {
    in.geometry = area;
    in.hazards = std::vector<std::string>{" storm ", "flood", "storm"};
    in.movements = std::vector<std::string>{"evacuation", "displacement", "evacuation"};
    in.countries = std::vector<std::string>{"bgd", "IND", "bgd"};
    in.onset = " slow ";
    in.year_from = 2007;
    in.year_to = 2007;
    in.sources = std::vector<Id>{102, 101, 102};
    in.figures = std::vector<Id>{8};
    (*in.texts)["fr"] = CaseText{"  Deltas sous l'eau ", " Résumé ", "", ""};
    (*in.texts)["es"] = CaseText{"", "", "", ""};  // all empty: no Spanish text
  });
  auto got = service_->Get(As(ana_), c.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->texts.at("en").title, "Deltas « under » water — 🌊");
  EXPECT_EQ(got->texts.at("fr").title, "Deltas sous l'eau");
  EXPECT_EQ(got->texts.at("fr").summary, "Résumé");
  EXPECT_EQ(got->texts.count("es"), 0u);
  EXPECT_EQ(got->slug.find("deltas"), 0u);
  EXPECT_THAT(got->hazards, ElementsAre("storm", "flood"));
  EXPECT_THAT(got->movements, ElementsAre("evacuation", "displacement"));
  EXPECT_THAT(got->countries, ElementsAre("BGD", "IND"));
  EXPECT_EQ(got->onset, Onset::kSlow);  // as given, not the hazard's usual one
  EXPECT_EQ(got->year_from, 2007);
  EXPECT_EQ(got->year_to, 2007);
  EXPECT_THAT(got->sources, ElementsAre(102, 101));
  EXPECT_THAT(got->figures, ElementsAre(8));
  EXPECT_EQ(got->geometry, geo::ParseGeoJson(area).value());
  EXPECT_EQ(geo::KindName(got->geometry.kind), "MultiPolygon");

  // Update merges texts by language and drops a language emptied.
  CaseInput edit;
  edit.texts = std::map<std::string, CaseText>{{"fr", CaseText{"", "", "", ""}},
                                               {"es", CaseText{"Deltas bajo el agua", "Resumen", "", ""}}};
  auto updated = service_->Update(As(ana_), c.id, edit);
  ASSERT_TRUE(IsOk(updated));
  EXPECT_EQ(updated->texts.count("fr"), 0u);
  EXPECT_EQ(updated->texts.at("es").title, "Deltas bajo el agua");
  EXPECT_EQ(updated->texts.at("en").title, "Deltas « under » water — 🌊");
  EXPECT_THAT(updated->sources, ElementsAre(102, 101));  // untouched
  // Removing the last text is refused.
  CaseInput empty;
  empty.texts = std::map<std::string, CaseText>{{"en", CaseText{}}, {"es", CaseText{}}};
  EXPECT_TRUE(HasFieldCode(service_->Update(As(ana_), c.id, empty), "texts", "required"));
  EXPECT_EQ(Stored(c.id).texts.size(), 2u);
}

TEST_F(AtlasValidationTest, CitedLibraryItemsAndSavedQueriesMustExist) {
  auto with = [&](std::vector<Id> sources, std::vector<Id> figures) {
    CaseInput in = Input("jed", "Cited");
    in.sources = std::move(sources);
    in.figures = std::move(figures);
    return service_->Create(As(ben_), in);
  };
  auto unknown_source = with({101, 999}, {7});
  EXPECT_TRUE(HasFieldCode(unknown_source, "sources", "unknown_item"));
  EXPECT_EQ(unknown_source.status().field_codes().count("figures"), 0u);
  auto unknown_figure = with({101}, {7, 55});
  EXPECT_TRUE(HasFieldCode(unknown_figure, "figures", "unknown_query"));
  EXPECT_EQ(unknown_figure.status().field_codes().count("sources"), 0u);
  auto both = with({5}, {6});
  EXPECT_TRUE(HasFieldCode(both, "sources", "unknown_item"));
  EXPECT_TRUE(HasFieldCode(both, "figures", "unknown_query"));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_cases"), 0);

  auto ok = with({103, 101}, {8, 7});
  ASSERT_TRUE(IsOk(ok));
  EXPECT_THAT(ok->sources, ElementsAre(103, 101));
  EXPECT_THAT(ok->figures, ElementsAre(8, 7));

  // An item unpublished since is caught on the next change of the sources.
  references_.items.erase(103);
  CaseInput edit;
  edit.sources = std::vector<Id>{103};
  EXPECT_TRUE(HasFieldCode(service_->Update(As(ben_), ok->id, edit), "sources", "unknown_item"));
  // An edit that does not touch the links does not ask again.
  const int calls = references_.calls.load();
  CaseInput year;
  year.year_to = 2020;
  EXPECT_TRUE(IsOk(service_->Update(As(ben_), ok->id, year)));
  EXPECT_EQ(references_.calls.load(), calls);

  // When the references cannot be checked, the error says so and nothing changes.
  references_.down = Status::Unavailable("library down");
  CaseInput relink;
  relink.sources = std::vector<Id>{101};
  EXPECT_TRUE(HasKind(service_->Update(As(ben_), ok->id, relink), Kind::kUnavailable));
  EXPECT_TRUE(HasKind(with({101}, {}), Kind::kUnavailable));
  EXPECT_EQ(Stored(ok->id).version, 2);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_cases"), 1);
}

// --- Lists ------------------------------------------------------------------------

using AtlasListTest = AtlasServiceTest;

TEST_F(AtlasListTest, ThePublicListIsFilteredByHazardMovementOnsetAndCountryNewestFirst) {
  Published("Floods in Senegal", "jed",
            [](CaseInput& in) { in.countries = std::vector<std::string>{"SEN"}; });
  clock_.AdvanceMs(1000);
  Published("Drought in the Sahel", "ami", [](CaseInput& in) {
    in.hazards = std::vector<std::string>{"drought"};
    in.movements = std::vector<std::string>{"migration", "seasonal"};
    in.countries = std::vector<std::string>{"MLI", "SEN"};
  });
  clock_.AdvanceMs(1000);
  Published("Typhoon evacuations", "jed", [](CaseInput& in) {
    in.hazards = std::vector<std::string>{"storm", "flood"};
    in.movements = std::vector<std::string>{"evacuation", "displacement"};
    in.countries = std::vector<std::string>{"PHL"};
  });
  clock_.AdvanceMs(1000);
  Draft(ben_, "jed", "Unpublished flood");
  Submitted(ben_, "jed", "Submitted flood");
  CaseStudy withdrawn = Published("Withdrawn flood");
  ASSERT_TRUE(IsOk(service_->Archive(As(mo_), withdrawn.id, "Wrong")));

  auto list = [&](const std::string& hazard, const std::string& movement, const std::string& onset,
                  const std::string& country) {
    return Titles(service_->ListPublished(CaseFilter{hazard, movement, onset, country}));
  };
  EXPECT_THAT(list("", "", "", ""),
              ElementsAre("Typhoon evacuations", "Drought in the Sahel", "Floods in Senegal"));
  EXPECT_THAT(list("flood", "", "", ""), ElementsAre("Typhoon evacuations", "Floods in Senegal"));
  EXPECT_THAT(list("", "migration", "", ""), ElementsAre("Drought in the Sahel"));
  EXPECT_THAT(list("", "displacement", "", ""), ElementsAre("Typhoon evacuations", "Floods in Senegal"));
  EXPECT_THAT(list("", "", "slow", ""), ElementsAre("Drought in the Sahel"));
  EXPECT_THAT(list("", "", "sudden", ""), ElementsAre("Typhoon evacuations", "Floods in Senegal"));
  EXPECT_THAT(list("", "", "", "SEN"), ElementsAre("Drought in the Sahel", "Floods in Senegal"));
  EXPECT_THAT(list("flood", "", "", "PHL"), ElementsAre("Typhoon evacuations"));
  EXPECT_THAT(list("drought", "displacement", "", ""), IsEmpty());
  EXPECT_THAT(list("tsunami", "", "", ""), IsEmpty());
}

TEST_F(AtlasListTest, TheQueueShowsMembersTheirOrganisationsOpenCasesAndAdminsTheSubmittedOnes) {
  Draft(ben_, "jed", "Jed draft");
  clock_.AdvanceMs(1000);
  Submitted(ana_, "jed", "Jed submitted");
  clock_.AdvanceMs(1000);
  CaseStudy ret = Submitted(ben_, "jed", "Jed returned");
  ASSERT_TRUE(IsOk(service_->Return(As(mo_), ret.id, "More detail")));
  clock_.AdvanceMs(1000);
  Published("Jed published");
  clock_.AdvanceMs(1000);
  Submitted(bea_, "ami", "Ami submitted");
  clock_.AdvanceMs(1000);
  Draft(bea_, "ami", "Ami draft");

  EXPECT_THAT(Titles(service_->Queue(As(ben_))), ElementsAre("Jed returned", "Jed submitted", "Jed draft"));
  EXPECT_THAT(Titles(service_->Queue(As(mo_))), ElementsAre("Jed returned", "Jed submitted", "Jed draft"));
  EXPECT_THAT(Titles(service_->Queue(As(bmo_))), ElementsAre("Ami draft", "Ami submitted"));
  EXPECT_THAT(Titles(service_->Queue(As(root_))), ElementsAre("Ami submitted", "Jed submitted"));
  EXPECT_THAT(Titles(service_->Queue(As(sam_))), IsEmpty());
  EXPECT_TRUE(HasKind(service_->Queue(Anonymous()), Kind::kUnauthenticated));
}

TEST_F(AtlasListTest, ThePublicSeesOnlyThePublishedRevisions) {
  CaseStudy c = Draft(ben_, "jed", "Revised");                         // 1 create
  ASSERT_TRUE(IsOk(service_->Submit(As(ben_), c.id, std::nullopt)));   // 2 submit
  ASSERT_TRUE(IsOk(service_->Return(As(mo_), c.id, "Private note")));  // 3 return
  ASSERT_TRUE(IsOk(service_->Submit(As(ben_), c.id, std::nullopt)));   // 4 submit
  ASSERT_TRUE(IsOk(service_->Publish(As(mo_), c.id, std::nullopt)));   // 5 publish
  CaseInput edit;
  edit.year_from = 2012;
  ASSERT_TRUE(IsOk(service_->Update(As(ana_), c.id, edit)));  // 6 edit, still published

  EXPECT_THAT(RevisionActions(As(mo_), c.id),
              ElementsAre("edit", "publish", "submit", "return", "submit", "create"));
  EXPECT_THAT(RevisionActions(As(ana_), c.id),
              ElementsAre("edit", "publish", "submit", "return", "submit", "create"));
  for (const Actor& outsider : {Anonymous(), As(sam_), As(bea_)}) {
    SCOPED_TRACE(outsider.label);
    auto revisions = service_->Revisions(outsider, c.id);
    ASSERT_TRUE(IsOk(revisions));
    ASSERT_EQ(revisions->size(), 2u);
    EXPECT_EQ((*revisions)[0].action, "edit");
    EXPECT_EQ((*revisions)[1].action, "publish");
    for (const auto& r : *revisions) {
      EXPECT_EQ(r.snapshot.lifecycle, Lifecycle::kPublished);
      EXPECT_EQ(r.note, "");
    }
    EXPECT_EQ((*revisions)[0].snapshot.year_from, 2012);
  }
}

// --- Glossary and thematic pages ------------------------------------------------

using AtlasGlossaryTest = AtlasServiceTest;

TEST_F(AtlasGlossaryTest, OnlyModeratorsAndAdministratorsEditTheGlossary) {
  GlossaryTerm t = NewTerm("Planned relocation", "Moving a community, with it.");
  EXPECT_TRUE(HasKind(service_->SaveTerm(Anonymous(), t, 0), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->SaveTerm(As(ben_), t, 0), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->SaveTerm(As(ana_), t, 0), Kind::kPermissionDenied));  // an editor
  EXPECT_TRUE(HasKind(service_->SaveTerm(As(sam_), t, 0), Kind::kPermissionDenied));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_terms"), 0);

  t.texts["fr"] =
      GlossaryText{" Relocalisation planifiée ", " Déplacer « avec » elle. ", {" réinstallation ", ""}};
  t.sources = {101, 101, 102};
  auto created = service_->SaveTerm(As(bmo_), t, 0);  // a moderator of any organisation
  ASSERT_TRUE(IsOk(created));
  EXPECT_EQ(created->slug, "planned-relocation");
  EXPECT_EQ(created->version, 1);
  EXPECT_EQ(created->texts.at("fr").term, "Relocalisation planifiée");
  EXPECT_THAT(created->texts.at("fr").aliases, ElementsAre("réinstallation"));
  EXPECT_THAT(created->sources, ElementsAre(101, 102));
  auto found = service_->Term("planned-relocation");
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->id, created->id);
  EXPECT_EQ(found->texts.at("fr").definition, "Déplacer « avec » elle.");

  // The same slug again is a conflict; a wrong version too; the right one passes.
  EXPECT_TRUE(HasKind(service_->SaveTerm(As(mo_), t, 0), Kind::kConflict));
  GlossaryTerm edit = *found;
  edit.source_note = "Nansen Initiative, 2015";
  EXPECT_TRUE(HasKind(service_->SaveTerm(As(mo_), edit, 5), Kind::kConflict));
  auto edited = service_->SaveTerm(As(root_), edit, 1);
  ASSERT_TRUE(IsOk(edited));
  EXPECT_EQ(edited->version, 2);
  EXPECT_EQ(edited->source_note, "Nansen Initiative, 2015");
  EXPECT_TRUE(HasKind(service_->SaveTerm(As(mo_), edit, 1), Kind::kConflict));

  // Sources are checked like a case study's; a term needs a text.
  GlossaryTerm cited = NewTerm("Immobility", "Staying, by choice or not.");
  cited.sources = {999};
  EXPECT_TRUE(HasFieldCode(service_->SaveTerm(As(mo_), cited, 0), "sources", "unknown_item"));
  EXPECT_TRUE(HasFieldCode(service_->SaveTerm(As(mo_), GlossaryTerm{}, 0), "texts", "required"));
  EXPECT_TRUE(HasFieldCode(service_->SaveTerm(As(mo_), NewTerm("No definition", ""), 0),
                           "texts.en.definition", "required"));
  cited.sources.clear();
  ASSERT_TRUE(IsOk(service_->SaveTerm(As(mo_), cited, 0)));
  ASSERT_TRUE(IsOk(service_->SaveTerm(As(mo_), NewTerm("Adaptation", "Adjusting."), 0)));

  auto glossary = service_->Glossary();
  ASSERT_TRUE(IsOk(glossary));
  std::vector<std::string> slugs;
  for (const auto& g : *glossary) slugs.push_back(g.slug);
  EXPECT_THAT(slugs, ElementsAre("adaptation", "immobility", "planned-relocation"));
  EXPECT_THAT(AuditActions("atlas_term", created->id), ElementsAre("atlas.term.create", "atlas.term.edit"));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE entity_type='atlas_term'"), 4);
}

TEST_F(AtlasGlossaryTest, ThematicPagesCiteOnlyPublishedCaseStudies) {
  CaseStudy published = Published("Shown");
  CaseStudy draft = Draft(ben_, "jed", "Hidden");
  Topic page;
  page.texts["en"] = TopicText{"Coasts", "Body"};
  page.cases = {published.id, draft.id};
  page.figures = {7};
  page.position = 2;
  EXPECT_TRUE(HasKind(service_->SaveTopic(As(ana_), page, 0), Kind::kPermissionDenied));
  EXPECT_TRUE(HasFieldCode(service_->SaveTopic(As(mo_), page, 0), "cases", "unknown_case"));
  page.cases = {published.id, 424242};
  EXPECT_TRUE(HasFieldCode(service_->SaveTopic(As(mo_), page, 0), "cases", "unknown_case"));
  page.figures = {55};
  page.cases = {published.id};
  EXPECT_TRUE(HasFieldCode(service_->SaveTopic(As(mo_), page, 0), "figures", "unknown_query"));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_topics"), 0);

  page.figures = {7};
  auto saved = service_->SaveTopic(As(mo_), page, 0);
  ASSERT_TRUE(IsOk(saved));
  EXPECT_EQ(saved->slug, "coasts");
  EXPECT_THAT(saved->cases, ElementsAre(published.id));
  Topic first;
  first.texts["fr"] = TopicText{"Villes", ""};
  first.position = 1;
  ASSERT_TRUE(IsOk(service_->SaveTopic(As(root_), first, 0)));
  auto topics = service_->Topics();
  ASSERT_TRUE(IsOk(topics));
  ASSERT_EQ(topics->size(), 2u);
  EXPECT_EQ((*topics)[0].slug, "villes");
  EXPECT_EQ((*topics)[1].slug, "coasts");

  Topic moved = *saved;
  moved.position = 0;
  EXPECT_TRUE(HasKind(service_->SaveTopic(As(mo_), moved, 3), Kind::kConflict));
  ASSERT_TRUE(IsOk(service_->SaveTopic(As(mo_), moved, 1)));
  auto by_slug = service_->TopicBySlug("coasts");
  ASSERT_TRUE(IsOk(by_slug));
  EXPECT_EQ(by_slug->version, 2);
  EXPECT_EQ(by_slug->position, 0);
  EXPECT_THAT(AuditActions("atlas_topic", saved->id), ElementsAre("atlas.topic.create", "atlas.topic.edit"));
}

// --- Concurrency ------------------------------------------------------------------

using AtlasConcurrencyTest = AtlasServiceTest;

TEST_F(AtlasConcurrencyTest, TwoModeratorsPublishingAtOnceOneWins) {
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE(round);
    CaseStudy c = Submitted(ben_, "jed", "Race " + std::to_string(round));
    std::barrier start(2);
    Result<CaseStudy> results[2] = {Status::Internal("not run"), Status::Internal("not run")};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        Actor actor = As(t == 0 ? mo_ : root_);
        start.arrive_and_wait();
        results[t] = service_->Publish(actor, c.id, std::nullopt);
      });
    }
    for (auto& th : threads) th.join();
    int ok = (results[0].ok() ? 1 : 0) + (results[1].ok() ? 1 : 0);
    int conflict = (results[0].status().IsConflict() ? 1 : 0) + (results[1].status().IsConflict() ? 1 : 0);
    EXPECT_EQ(ok, 1) << Describe(results[0].status()) << " / " << Describe(results[1].status());
    EXPECT_EQ(conflict, 1) << Describe(results[0].status()) << " / " << Describe(results[1].status());
    EXPECT_THAT(RevisionActions(As(mo_), c.id), ElementsAre("publish", "submit", "create"));
    EXPECT_EQ(Stored(c.id).version, 3);
    EXPECT_EQ(AuditActions("atlas_case", c.id).size(), 3u);
  }
}

TEST_F(AtlasConcurrencyTest, EditsAtTheSameExpectedVersionOneWins) {
  CaseStudy c = Draft(ben_, "jed", "Edited at once");
  constexpr int kThreads = 3;
  std::barrier start(kThreads);
  std::vector<Result<CaseStudy>> results(kThreads, Result<CaseStudy>(Status::Internal("not run")));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Actor actor = As(t == 0 ? ben_ : t == 1 ? ana_ : mo_);
      CaseInput in;
      in.year_from = 2000 + t;
      in.expected_version = 1;
      start.arrive_and_wait();
      results[static_cast<std::size_t>(t)] = service_->Update(actor, c.id, in);
    });
  }
  for (auto& th : threads) th.join();
  int ok = 0, conflicts = 0, winner = -1;
  for (int t = 0; t < kThreads; ++t) {
    const auto& r = results[static_cast<std::size_t>(t)];
    if (r.ok()) {
      ++ok;
      winner = t;
    } else if (r.status().IsConflict()) {
      ++conflicts;
    } else {
      ADD_FAILURE() << "thread " << t << ": " << Describe(r.status());
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(conflicts, kThreads - 1);
  CaseStudy stored = Stored(c.id);
  EXPECT_EQ(stored.version, 2);
  EXPECT_EQ(stored.year_from, 2000 + winner);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_case_revisions WHERE case_id=$1", {c.id}), 2);
}

// On PostgreSQL units of work run side by side, so concurrent creates with
// one title pick the same free slug; AtlasService::Create tries the next on
// Conflict (SQLite's BEGIN IMMEDIATE serialises them anyway).
TEST_F(AtlasConcurrencyTest, CasesCreatedAtOnceWithOneTitleEachGetTheirOwnSlug) {
  constexpr int kThreads = 6;
  std::barrier start(kThreads);
  std::vector<Result<CaseStudy>> results(kThreads, Result<CaseStudy>(Status::Internal("not run")));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Actor actor = As(t % 2 == 0 ? ana_ : ben_);
      CaseInput in = Input("jed", "Same title everywhere");
      start.arrive_and_wait();
      results[static_cast<std::size_t>(t)] = service_->Create(actor, in);
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> slugs;
  for (int t = 0; t < kThreads; ++t) {
    const auto& r = results[static_cast<std::size_t>(t)];
    EXPECT_TRUE(IsOk(r)) << "thread " << t;
    if (r.ok()) slugs.insert(r->slug);
  }
  EXPECT_EQ(slugs.size(), static_cast<std::size_t>(kThreads));
  EXPECT_EQ(slugs.count("same-title-everywhere"), 1u);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_cases"), kThreads);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM atlas_case_revisions"), kThreads);
}

}  // namespace
}  // namespace waymark::conformance
