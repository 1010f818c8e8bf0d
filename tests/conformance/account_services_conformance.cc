// AccountService and AuthService over the real stores, run against each
// backend: account_services_test (SQLite) and account_services_pgtest
// (PostgreSQL; needs WAYMARK_TEST_PG_URL). See backend.h.
//
// Passwords are hashed with the production policy (Argon2id, 64 MiB, about
// 0.1 s each), so only the tests about passwords and sign-in make users with
// real hashes; the others insert users through the store directly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backend.h"
#include "core/strings.h"
#include "crypto/crypto.h"
#include "domain/accounts/account_service.h"
#include "domain/accounts/auth_service.h"
#include "i18n/countries.h"
#include "storage/accounts/account_stores.h"

namespace waymark::conformance {
namespace {

using accounts::AccountService;
using accounts::Actor;
using accounts::AuditEntry;
using accounts::AuthOptions;
using accounts::AuthService;
using accounts::Id;
using accounts::Organisation;
using accounts::OrganisationInput;
using accounts::OrganisationPatch;
using accounts::Role;
using accounts::Session;
using accounts::User;
using accounts::UserInput;
using Kind = Status::Kind;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Key;

constexpr char kPassword[] = "correct horse battery";
constexpr char kAddr[] = "192.0.2.10";
constexpr TimestampMs kMinute = 60'000;

class ServicesTest : public BackendTest {
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
    SetAuthOptions(AuthOptions{});
  }

  void TearDown() override {
    auth_.reset();
    accounts_.reset();
    account_stores_.reset();
    BackendTest::TearDown();
  }

  void SetAuthOptions(const AuthOptions& options) {
    options_ = options;
    auth_ = std::make_unique<AuthService>(stores_, clock_, random_, options);
  }

  // A user inserted through the store with a hash nothing matches: cheap, for
  // tests that do not sign in.
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

  // A user made by the service, with a real Argon2id hash of `password`.
  User AddUserWithPassword(const std::string& email, const std::string& password = kPassword) {
    UserInput in;
    in.email = email;
    in.name = "Person " + email;
    in.password = password;
    auto created = accounts_->CreateUser(Actor::Cli(), in);
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

  // The actor for `user` as a request would see it: loaded afresh, with
  // memberships.
  Actor As(const User& user) {
    auto fresh = stores_.users->FindById(user.id);
    EXPECT_TRUE(IsOk(fresh));
    return Actor::ForUser(fresh.ok() ? *fresh : user, "req-test");
  }

  std::vector<AuditEntry> AuditFor(const std::string& type = "", const std::string& id = "") {
    auto list = stores_.audit->List(1000, type, id);
    EXPECT_TRUE(IsOk(list));
    return list.ok() ? *list : std::vector<AuditEntry>{};
  }

  // Oldest first, for readable expectations.
  std::vector<std::string> AuditActions() {
    std::vector<std::string> out;
    for (const auto& e : AuditFor()) out.push_back(e.action);
    std::reverse(out.begin(), out.end());
    return out;
  }

  // The newest entry with `action`, or an empty entry (and a failure).
  AuditEntry LastAudit(const std::string& action) {
    for (const auto& e : AuditFor()) {
      if (e.action == action) return e;
    }
    ADD_FAILURE() << "no audit entry " << action;
    return AuditEntry{};
  }

  int SignInFailuresRecorded(const std::string& key) {
    auto w = stores_.throttle->FailuresSince(key, 0);
    EXPECT_TRUE(IsOk(w));
    return w.ok() ? w->count : -1;
  }

  // Puts a session in the store directly; returns the cookie value.
  std::string AddSession(const User& user, TimestampMs expires_at) {
    std::string token = random_.Token(32);
    Session s;
    s.id_hash = crypto::Sha256Hex(token);
    s.user_id = user.id;
    s.csrf_token = random_.Token(32);
    s.created_at = clock_.NowMs();
    s.last_seen_at = clock_.NowMs();
    s.expires_at = expires_at;
    EXPECT_TRUE(IsOk(stores_.sessions->Create(s)));
    return token;
  }

  crypto::SodiumRandom random_;
  std::unique_ptr<i18n::Countries> countries_;
  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores stores_{};
  std::unique_ptr<AccountService> accounts_;
  AuthOptions options_;
  std::unique_ptr<AuthService> auth_;
};

OrganisationInput ValidOrg(const std::string& slug) {
  OrganisationInput in;
  in.slug = slug;
  in.name = "Jeunesse en Détresse";
  in.acronym = "JED";
  in.kind = "migrant_association";
  in.country = "FRA";
  in.website = "https://jed.example.org";
  in.description = "Accueil et accompagnement.";
  return in;
}

// --- Permissions ---------------------------------------------------------------

using AccountPermissionsTest = ServicesTest;

TEST_F(AccountPermissionsTest, OnlyAdminsCreateOrganisations) {
  AddOrg("iom", "IOM");
  User member = AddUser("member@example.org", "Member");
  Grant(member, "iom", "member");
  User moderator = AddUser("mod@example.org", "Moderator");
  Grant(moderator, "iom", "moderator");
  User admin = AddUser("admin@example.org", "Admin", /*is_admin=*/true);

  EXPECT_TRUE(HasKind(accounts_->CreateOrganisation(As(member), ValidOrg("jed")), Kind::kPermissionDenied));
  EXPECT_TRUE(
      HasKind(accounts_->CreateOrganisation(As(moderator), ValidOrg("jed")), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(accounts_->GetOrganisation("jed"), Kind::kNotFound));
  auto by_admin = accounts_->CreateOrganisation(As(admin), ValidOrg("jed"));
  ASSERT_TRUE(IsOk(by_admin));
  EXPECT_EQ(by_admin->slug, "jed");
}

TEST_F(AccountPermissionsTest, EditorMayUpdateOwnOrganisationOnly) {
  Organisation a = AddOrg("org-a", "A");
  AddOrg("org-b", "B");
  User editor = AddUser("editor@example.org", "Editor");
  Grant(editor, "org-a", "editor");

  OrganisationPatch patch;
  patch.name = "A, renamed";
  auto own = accounts_->UpdateOrganisation(As(editor), "org-a", patch);
  ASSERT_TRUE(IsOk(own));
  EXPECT_EQ(own->name, "A, renamed");
  EXPECT_EQ(own->id, a.id);
  EXPECT_EQ(accounts_->GetOrganisation("org-a").value().name, "A, renamed");

  auto other = accounts_->UpdateOrganisation(As(editor), "org-b", patch);
  EXPECT_TRUE(HasKind(other, Kind::kPermissionDenied));
  EXPECT_EQ(accounts_->GetOrganisation("org-b").value().name, "B");
}

TEST_F(AccountPermissionsTest, ModeratorMayUpdateOwnOrganisation) {
  AddOrg("org-a", "A");
  AddOrg("org-b", "B");
  User moderator = AddUser("mod@example.org", "Moderator");
  Grant(moderator, "org-a", "moderator");
  OrganisationPatch patch;
  patch.description = "Nouvelle description";
  EXPECT_TRUE(IsOk(accounts_->UpdateOrganisation(As(moderator), "org-a", patch)));
  EXPECT_EQ(accounts_->GetOrganisation("org-a").value().description, "Nouvelle description");
  EXPECT_TRUE(HasKind(accounts_->UpdateOrganisation(As(moderator), "org-b", patch), Kind::kPermissionDenied));
}

TEST_F(AccountPermissionsTest, MemberMayNotUpdateOwnOrganisation) {
  AddOrg("org-a", "A");
  User member = AddUser("member@example.org", "Member");
  Grant(member, "org-a", "member");
  OrganisationPatch patch;
  patch.name = "Hijacked";
  EXPECT_TRUE(HasKind(accounts_->UpdateOrganisation(As(member), "org-a", patch), Kind::kPermissionDenied));
  EXPECT_EQ(accounts_->GetOrganisation("org-a").value().name, "A");
}

TEST_F(AccountPermissionsTest, RoleChangesTakeEffectForTheNextRequest) {
  AddOrg("org-a", "A");
  User user = AddUser("user@example.org", "User");
  Grant(user, "org-a", "member");
  OrganisationPatch patch;
  patch.name = "Renamed";
  EXPECT_TRUE(HasKind(accounts_->UpdateOrganisation(As(user), "org-a", patch), Kind::kPermissionDenied));
  Grant(user, "org-a", "editor");
  EXPECT_TRUE(IsOk(accounts_->UpdateOrganisation(As(user), "org-a", patch)));
  ASSERT_TRUE(IsOk(accounts_->RemoveMembership(Actor::Cli(), user.id, "org-a")));
  EXPECT_TRUE(HasKind(accounts_->UpdateOrganisation(As(user), "org-a", patch), Kind::kPermissionDenied));
}

TEST_F(AccountPermissionsTest, OnlyAdminsChangeCouncilObserverStatus) {
  AddOrg("org-a", "A");
  User editor = AddUser("editor@example.org", "Editor");
  Grant(editor, "org-a", "editor");

  OrganisationPatch patch;
  patch.council_observer = true;
  auto denied = accounts_->UpdateOrganisation(As(editor), "org-a", patch);
  ASSERT_TRUE(HasKind(denied, Kind::kValidation));
  EXPECT_THAT(denied.status().fields(), Contains(Key("council_observer")));
  EXPECT_FALSE(accounts_->GetOrganisation("org-a").value().council_observer);

  // Sending the current value unchanged is fine.
  patch.council_observer = false;
  EXPECT_TRUE(IsOk(accounts_->UpdateOrganisation(As(editor), "org-a", patch)));

  patch.council_observer = true;
  auto by_cli = accounts_->UpdateOrganisation(Actor::Cli(), "org-a", patch);
  ASSERT_TRUE(IsOk(by_cli));
  EXPECT_TRUE(by_cli->council_observer);
  EXPECT_TRUE(accounts_->GetOrganisation("org-a").value().council_observer);

  // Nor may the editor turn it off again.
  patch.council_observer = false;
  EXPECT_TRUE(HasKind(accounts_->UpdateOrganisation(As(editor), "org-a", patch), Kind::kValidation));
  EXPECT_TRUE(accounts_->GetOrganisation("org-a").value().council_observer);
}

TEST_F(AccountPermissionsTest, CliActsAsAdministrator) {
  Actor cli = Actor::Cli();
  EXPECT_TRUE(cli.IsAdmin());
  auto org = accounts_->CreateOrganisation(cli, ValidOrg("jed"));
  ASSERT_TRUE(IsOk(org));
  User user = AddUser("ana@example.org", "Ana");
  EXPECT_TRUE(IsOk(accounts_->SetMembership(cli, user.id, "jed", "moderator")));
  EXPECT_TRUE(IsOk(accounts_->SetAdmin(cli, user.id, true)));
  EXPECT_TRUE(IsOk(accounts_->ListUsers(cli, 10, 0)));
  EXPECT_TRUE(IsOk(accounts_->AuditTrail(cli, 10)));
  OrganisationPatch patch;
  patch.council_observer = true;
  EXPECT_TRUE(IsOk(accounts_->UpdateOrganisation(cli, "jed", patch)));

  AuditEntry created = LastAudit("organisation.create");
  EXPECT_EQ(created.actor_label, "cli");
  EXPECT_EQ(created.actor_user_id, std::nullopt);
}

TEST_F(AccountPermissionsTest, NonAdminsCannotManagePeople) {
  AddOrg("org-a", "A");
  User mod = AddUser("mod@example.org", "Moderator");
  Grant(mod, "org-a", "moderator");
  User other = AddUser("other@example.org", "Other");
  Actor actor = As(mod);

  UserInput in;
  in.email = "new@example.org";
  in.name = "New";
  in.password = kPassword;
  EXPECT_TRUE(HasKind(accounts_->CreateUser(actor, in), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(accounts_->ListUsers(actor, 10, 0), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(accounts_->SetAdmin(actor, mod.id, true), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(accounts_->SetMembership(actor, other.id, "org-a", "editor"), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(accounts_->RemoveMembership(actor, other.id, "org-a"), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(accounts_->ResetPassword(actor, other.id, kPassword, false), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(accounts_->ChangePassword(actor, other.id, "", kPassword), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(accounts_->AuditTrail(actor, 10), Kind::kPermissionDenied));
  EXPECT_FALSE(stores_.users->FindById(mod.id).value().is_admin);
  EXPECT_TRUE(HasKind(stores_.users->FindByEmail("new@example.org"), Kind::kNotFound));
}

TEST_F(AccountPermissionsTest, AdminCannotDropOwnAdminRole) {
  User admin = AddUser("admin@example.org", "Admin", true);
  auto s = accounts_->SetAdmin(As(admin), admin.id, false);
  ASSERT_TRUE(HasKind(s, Kind::kValidation));
  EXPECT_THAT(s.fields(), Contains(Key("is_admin")));
  EXPECT_TRUE(stores_.users->FindById(admin.id).value().is_admin);
}

// A request's Actor is a snapshot taken when it authenticated. Changing one's
// own locale must not write back other fields from that snapshot: an admin
// role revoked meanwhile must stay revoked.
TEST_F(AccountPermissionsTest, SetLocaleDoesNotUndoAConcurrentAdminRevocation) {
  User user = AddUser("ana@example.org", "Ana", /*is_admin=*/true);
  Actor stale = As(user);  // request A authenticates while Ana is an admin
  ASSERT_TRUE(IsOk(accounts_->SetAdmin(Actor::Cli(), user.id, false)));  // request B revokes
  ASSERT_TRUE(IsOk(accounts_->SetLocale(stale, "fr")));                  // request A goes on
  auto after = stores_.users->FindById(user.id);
  ASSERT_TRUE(IsOk(after));
  EXPECT_EQ(after->locale, "fr");
  EXPECT_FALSE(after->is_admin) << "SetLocale restored the revoked admin role from a stale Actor";
}

// An OrganisationStore that lets a test run something between the service's
// read of an organisation and its write: the interleaving of two requests.
class InterleavingOrganisationStore final : public accounts::OrganisationStore {
 public:
  explicit InterleavingOrganisationStore(accounts::OrganisationStore& real) : real_(real) {}
  // Runs once, right after the next FindBySlug has read its row.
  std::function<void()> after_next_find;

  Result<Organisation> Create(const Organisation& org) override { return real_.Create(org); }
  Status Update(const Organisation& org) override { return real_.Update(org); }
  Result<Organisation> FindBySlug(const std::string& slug) override {
    auto found = real_.FindBySlug(slug);
    if (auto hook = std::exchange(after_next_find, nullptr)) hook();
    return found;
  }
  Result<Organisation> FindById(Id id) override { return real_.FindById(id); }
  Result<std::vector<Organisation>> FindBySlugs(const std::vector<std::string>& slugs) override {
    return real_.FindBySlugs(slugs);
  }
  Result<Organisation> Modify(const std::string& slug,
                              const std::function<Result<Organisation>(Organisation)>& change) override {
    // The other editor saves first; this one's transaction then reads the
    // record as it is after that save.
    if (auto hook = std::exchange(after_next_find, nullptr)) hook();
    return real_.Modify(slug, change);
  }
  Result<std::vector<Organisation>> List(int limit, int offset) override { return real_.List(limit, offset); }
  Result<int> Count() override { return real_.Count(); }

 private:
  accounts::OrganisationStore& real_;
};

// Two editors patch different fields of one organisation at the same time.
// A patch changes only the fields it names, so both changes must survive (or
// the later one must fail with Conflict), never be silently reverted.
TEST_F(AccountPermissionsTest, ConcurrentPatchesOfDifferentFieldsDoNotRevertEachOther) {
  ASSERT_TRUE(IsOk(accounts_->CreateOrganisation(Actor::Cli(), ValidOrg("jed"))));
  InterleavingOrganisationStore interleaving(*stores_.organisations);
  accounts::Stores racing_stores = stores_;
  racing_stores.organisations = &interleaving;
  AccountService racing(racing_stores, clock_, *countries_, crypto::PasswordPolicy{});

  OrganisationPatch description;
  description.description = "Written by the other editor";
  interleaving.after_next_find = [&] {
    EXPECT_TRUE(IsOk(accounts_->UpdateOrganisation(Actor::Cli(), "jed", description)));
  };
  OrganisationPatch name;
  name.name = "JED";
  auto renamed = racing.UpdateOrganisation(Actor::Cli(), "jed", name);
  if (!renamed.ok()) {
    EXPECT_TRUE(HasKind(renamed, Kind::kConflict));
    return;
  }
  auto stored = accounts_->GetOrganisation("jed");
  ASSERT_TRUE(IsOk(stored));
  EXPECT_EQ(stored->name, "JED");
  EXPECT_EQ(stored->description, "Written by the other editor")
      << "the rename silently reverted the other editor's description";
}

// --- Validation ----------------------------------------------------------------

using AccountValidationTest = ServicesTest;

TEST_F(AccountValidationTest, ValidOrganisationIsNormalised) {
  OrganisationInput in = ValidOrg("  JED-75 ");
  in.country = "fra";
  in.acronym = "   ";
  in.website = "";
  in.name = "  Jeunesse en Détresse  ";
  auto org = accounts_->CreateOrganisation(Actor::Cli(), in);
  ASSERT_TRUE(IsOk(org));
  EXPECT_EQ(org->slug, "jed-75");
  EXPECT_EQ(org->name, "Jeunesse en Détresse");
  EXPECT_EQ(org->country, std::optional<std::string>("FRA"));
  EXPECT_EQ(org->acronym, std::nullopt);
  EXPECT_EQ(org->website, std::nullopt);
  EXPECT_EQ(org->kind, accounts::OrgKind::kMigrantAssociation);
  auto stored = accounts_->GetOrganisation("jed-75");
  ASSERT_TRUE(IsOk(stored));
  EXPECT_EQ(stored->name, "Jeunesse en Détresse");
  EXPECT_EQ(stored->country, std::optional<std::string>("FRA"));
  EXPECT_EQ(stored->created_at, clock_.NowMs());
}

TEST_F(AccountValidationTest, SlugFormat) {
  const std::vector<std::string> slugs = {"a",      "bad slug", "-lead", "trail-",
                                          "jed_75", "été",      "",      std::string(41, 'a')};
  for (const std::string& slug : slugs) {
    auto r = accounts_->CreateOrganisation(Actor::Cli(), ValidOrg(slug));
    ASSERT_TRUE(HasKind(r, Kind::kValidation)) << "'" << slug << "'";
    ASSERT_THAT(r.status().fields(), Contains(Key("slug"))) << slug;
    EXPECT_THAT(r.status().fields().at("slug"), HasSubstr("a-z")) << slug;
    EXPECT_EQ(r.status().fields().size(), 1u) << slug;
  }
  EXPECT_EQ(accounts_->CountOrganisations().value(), 0);
}

TEST_F(AccountValidationTest, KindMustBeKnown) {
  OrganisationInput in = ValidOrg("jed");
  in.kind = "charity";
  auto r = accounts_->CreateOrganisation(Actor::Cli(), in);
  ASSERT_TRUE(HasKind(r, Kind::kValidation));
  ASSERT_THAT(r.status().fields(), Contains(Key("kind")));
  EXPECT_THAT(r.status().fields().at("kind"), HasSubstr("'charity'"));
  EXPECT_THAT(r.status().fields().at("kind"), HasSubstr("migrant_association"));

  in.kind = "CSO";  // kinds are exact
  EXPECT_TRUE(HasKind(accounts_->CreateOrganisation(Actor::Cli(), in), Kind::kValidation));
}

TEST_F(AccountValidationTest, CountryMustBeAnAssignedAlpha3Code) {
  OrganisationInput in = ValidOrg("jed");
  in.country = "XXX";
  auto r = accounts_->CreateOrganisation(Actor::Cli(), in);
  ASSERT_TRUE(HasKind(r, Kind::kValidation));
  ASSERT_THAT(r.status().fields(), Contains(Key("country")));
  EXPECT_THAT(r.status().fields().at("country"), HasSubstr("XXX"));
  EXPECT_THAT(r.status().fields().at("country"), HasSubstr("alpha-3"));

  in.country = "FR";  // alpha-2 is not enough
  EXPECT_TRUE(HasKind(accounts_->CreateOrganisation(Actor::Cli(), in), Kind::kValidation));
  in.country = "GRC";
  EXPECT_TRUE(IsOk(accounts_->CreateOrganisation(Actor::Cli(), in)));
}

TEST_F(AccountValidationTest, WebsiteMustBeHttpOrHttps) {
  for (const char* site : {"ftp://jed.example.org", "javascript:alert(1)", "jed.example.org", "https://",
                           "https://jed.example.org/a b", "https://x.org/\"><script>"}) {
    OrganisationInput in = ValidOrg("jed");
    in.website = site;
    auto r = accounts_->CreateOrganisation(Actor::Cli(), in);
    ASSERT_TRUE(HasKind(r, Kind::kValidation)) << site;
    ASSERT_THAT(r.status().fields(), Contains(Key("website"))) << site;
    EXPECT_THAT(r.status().fields().at("website"), HasSubstr("http")) << site;
  }
  OrganisationInput ok = ValidOrg("jed");
  ok.website = "http://jed.example.org/accueil?lang=fr";
  EXPECT_TRUE(IsOk(accounts_->CreateOrganisation(Actor::Cli(), ok)));
}

TEST_F(AccountValidationTest, NameIsRequiredAndAtMost200Characters) {
  OrganisationInput in = ValidOrg("jed");
  in.name = std::string(201, 'a');
  auto long_name = accounts_->CreateOrganisation(Actor::Cli(), in);
  ASSERT_TRUE(HasKind(long_name, Kind::kValidation));
  ASSERT_THAT(long_name.status().fields(), Contains(Key("name")));
  EXPECT_THAT(long_name.status().fields().at("name"), HasSubstr("200"));

  in.name = "   ";
  auto blank = accounts_->CreateOrganisation(Actor::Cli(), in);
  ASSERT_TRUE(HasKind(blank, Kind::kValidation));
  ASSERT_THAT(blank.status().fields(), Contains(Key("name")));
  EXPECT_THAT(blank.status().fields().at("name"), HasSubstr("required"));

  // The limit counts characters, not bytes: 200 'é' are 400 bytes.
  std::string accented;
  for (int i = 0; i < 200; ++i) accented += "é";
  in.name = accented;
  auto ok = accounts_->CreateOrganisation(Actor::Cli(), in);
  ASSERT_TRUE(IsOk(ok));
  EXPECT_EQ(accounts_->GetOrganisation("jed").value().name, accented);
}

TEST_F(AccountValidationTest, EveryBadFieldIsNamedAtOnce) {
  OrganisationInput in;
  in.slug = "Not A Slug";
  in.name = "";
  in.kind = "club";
  in.country = "XXX";
  in.website = "gopher://old.example";
  auto r = accounts_->CreateOrganisation(Actor::Cli(), in);
  ASSERT_TRUE(HasKind(r, Kind::kValidation));
  std::vector<std::string> fields;
  for (const auto& [field, problem] : r.status().fields()) fields.push_back(field);
  EXPECT_THAT(fields, ElementsAre("country", "kind", "name", "slug", "website"));
}

TEST_F(AccountValidationTest, UpdateValidatesAndNormalisesTheChangedFields) {
  OrganisationInput in = ValidOrg("jed");
  ASSERT_TRUE(IsOk(accounts_->CreateOrganisation(Actor::Cli(), in)));

  OrganisationPatch bad;
  bad.country = "zzz";
  bad.website = "mailto:jed@example.org";
  bad.kind = "club";
  auto r = accounts_->UpdateOrganisation(Actor::Cli(), "jed", bad);
  ASSERT_TRUE(HasKind(r, Kind::kValidation));
  EXPECT_THAT(r.status().fields(), Contains(Key("country")));
  EXPECT_THAT(r.status().fields().at("country"), HasSubstr("ZZZ"));
  EXPECT_THAT(r.status().fields(), Contains(Key("website")));
  EXPECT_THAT(r.status().fields(), Contains(Key("kind")));
  EXPECT_EQ(accounts_->GetOrganisation("jed").value().country, std::optional<std::string>("FRA"));

  clock_.AdvanceMs(5000);
  OrganisationPatch good;
  good.country = " grc ";
  good.acronym = "";  // clears
  good.kind = "research";
  auto updated = accounts_->UpdateOrganisation(Actor::Cli(), "jed", good);
  ASSERT_TRUE(IsOk(updated));
  auto stored = accounts_->GetOrganisation("jed");
  ASSERT_TRUE(IsOk(stored));
  EXPECT_EQ(stored->country, std::optional<std::string>("GRC"));
  EXPECT_EQ(stored->acronym, std::nullopt);
  EXPECT_EQ(stored->kind, accounts::OrgKind::kResearch);
  EXPECT_EQ(stored->website, std::optional<std::string>("https://jed.example.org"));  // untouched
  EXPECT_EQ(stored->updated_at, clock_.NowMs());
  EXPECT_EQ(stored->created_at, clock_.NowMs() - 5000);
}

TEST_F(AccountValidationTest, UnknownOrganisationIsNotFoundByName) {
  auto r = accounts_->GetOrganisation("nowhere");
  ASSERT_TRUE(HasKind(r, Kind::kNotFound));
  EXPECT_THAT(r.status().message(), HasSubstr("nowhere"));
  EXPECT_TRUE(HasKind(accounts_->UpdateOrganisation(Actor::Cli(), "nowhere", {}), Kind::kNotFound));
  User u = AddUser("ana@example.org", "Ana");
  EXPECT_TRUE(HasKind(accounts_->SetMembership(Actor::Cli(), u.id, "nowhere", "member"), Kind::kNotFound));
}

TEST_F(AccountValidationTest, UserFieldsAreCheckedBeforeHashing) {
  UserInput in;
  in.email = "not-an-email";
  in.name = "";
  in.locale = "de";
  in.password = "short";
  auto r = accounts_->CreateUser(Actor::Cli(), in);
  ASSERT_TRUE(HasKind(r, Kind::kValidation));
  const auto& fields = r.status().fields();
  ASSERT_THAT(fields, Contains(Key("email")));
  ASSERT_THAT(fields, Contains(Key("password")));
  ASSERT_THAT(fields, Contains(Key("name")));
  ASSERT_THAT(fields, Contains(Key("locale")));
  EXPECT_THAT(fields.at("email"), HasSubstr("e-mail"));
  EXPECT_THAT(fields.at("password"), HasSubstr("10"));

  for (const char* email : {"ana@", "@example.org", "ana@example", "ana@@example.org", "ana example@x.org",
                            "ana@example.org.", "<ana@example.org>"}) {
    UserInput bad;
    bad.email = email;
    bad.name = "Ana";
    bad.password = "0123456789";
    auto e = accounts_->CreateUser(Actor::Cli(), bad);
    ASSERT_TRUE(HasKind(e, Kind::kValidation)) << email;
    EXPECT_THAT(e.status().fields(), Contains(Key("email"))) << email;
  }
  UserInput nine;
  nine.email = "ana@example.org";
  nine.name = "Ana";
  nine.password = "123456789";  // one short
  auto p = accounts_->CreateUser(Actor::Cli(), nine);
  ASSERT_TRUE(HasKind(p, Kind::kValidation));
  EXPECT_THAT(p.status().fields(), Contains(Key("password")));
  EXPECT_TRUE(HasKind(stores_.users->FindByEmail("ana@example.org"), Kind::kNotFound));
}

// Text one backend cannot store (PostgreSQL refuses NUL bytes and invalid
// UTF-8 in TEXT; SQLite keeps them, and the JSON API then cannot encode them)
// must be turned away by validation, naming the field, on every backend.
TEST_F(AccountValidationTest, TextNoBackendCanStoreIsAValidationError) {
  OrganisationInput nul_name = ValidOrg("nul-name");
  nul_name.name = std::string("Jeunesse\0Détresse", 18);
  auto r1 = accounts_->CreateOrganisation(Actor::Cli(), nul_name);
  EXPECT_TRUE(HasKind(r1, Kind::kValidation));
  EXPECT_THAT(r1.status().fields(), Contains(Key("name")));

  OrganisationInput nul_description = ValidOrg("nul-description");
  nul_description.description = std::string("a\0b", 3);
  auto r2 = accounts_->CreateOrganisation(Actor::Cli(), nul_description);
  EXPECT_TRUE(HasKind(r2, Kind::kValidation));
  EXPECT_THAT(r2.status().fields(), Contains(Key("description")));

  OrganisationInput bad_website = ValidOrg("bad-website");
  bad_website.website = "https://jed.example.org/caf\xe9";  // Latin-1, not UTF-8
  auto r3 = accounts_->CreateOrganisation(Actor::Cli(), bad_website);
  EXPECT_TRUE(HasKind(r3, Kind::kValidation));
  EXPECT_THAT(r3.status().fields(), Contains(Key("website")));

  EXPECT_EQ(accounts_->CountOrganisations().value(), 0);
}

TEST_F(AccountValidationTest, MembershipRoleMustBeKnown) {
  AddOrg("iom", "IOM");
  User u = AddUser("ana@example.org", "Ana");
  auto s = accounts_->SetMembership(Actor::Cli(), u.id, "iom", "owner");
  ASSERT_TRUE(HasKind(s, Kind::kValidation));
  ASSERT_THAT(s.fields(), Contains(Key("role")));
  EXPECT_THAT(s.fields().at("role"), HasSubstr("'owner'"));
  EXPECT_THAT(stores_.users->FindById(u.id).value().memberships, IsEmpty());
}

// --- Conflicts -----------------------------------------------------------------

using AccountConflictTest = ServicesTest;

TEST_F(AccountConflictTest, DuplicateSlugIsConflictNamingIt) {
  ASSERT_TRUE(IsOk(accounts_->CreateOrganisation(Actor::Cli(), ValidOrg("jed"))));
  auto dup = accounts_->CreateOrganisation(Actor::Cli(), ValidOrg(" JED "));
  ASSERT_TRUE(HasKind(dup, Kind::kConflict));
  EXPECT_THAT(dup.status().message(), HasSubstr("'jed'"));
  EXPECT_EQ(accounts_->CountOrganisations().value(), 1);
  // Only the successful creation was audited.
  EXPECT_EQ(AuditFor("organisation", "jed").size(), 1u);
}

TEST_F(AccountConflictTest, DuplicateEmailIgnoringCaseIsConflictNamingIt) {
  AddUserWithPassword("Ana@Example.org");
  UserInput again;
  again.email = "ana@example.ORG";
  again.name = "Ana Again";
  again.password = kPassword;
  auto dup = accounts_->CreateUser(Actor::Cli(), again);
  ASSERT_TRUE(HasKind(dup, Kind::kConflict));
  EXPECT_THAT(dup.status().message(), HasSubstr("ana@example.ORG"));
  auto users = accounts_->ListUsers(Actor::Cli(), 10, 0);
  ASSERT_TRUE(IsOk(users));
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ(users->front().email, "Ana@Example.org");
}

// --- Audit trail ---------------------------------------------------------------

using AccountAuditTest = ServicesTest;

TEST_F(AccountAuditTest, EveryChangeIsAudited) {
  User admin = AddUser("admin@example.org", "Admin", true);
  Actor actor = As(admin);
  actor.request_id = "req-42";

  ASSERT_TRUE(IsOk(accounts_->CreateOrganisation(actor, ValidOrg("jed"))));
  OrganisationPatch patch;
  patch.name = "JED";
  patch.council_observer = true;
  ASSERT_TRUE(IsOk(accounts_->UpdateOrganisation(actor, "jed", patch)));
  User ana = AddUserWithPassword("ana@example.org");
  ASSERT_TRUE(IsOk(accounts_->SetMembership(actor, ana.id, "jed", "editor")));
  ASSERT_TRUE(IsOk(accounts_->RemoveMembership(actor, ana.id, "jed")));
  auto token = auth_->CreateToken(actor, ana.id, "sync");
  ASSERT_TRUE(IsOk(token));
  ASSERT_TRUE(IsOk(auth_->RevokeToken(actor, ana.id, token->record.id)));
  ASSERT_TRUE(IsOk(auth_->SignIn("ana@example.org", kPassword, kAddr, "req-in")));
  EXPECT_TRUE(
      HasKind(auth_->SignIn("ana@example.org", "wrong password", kAddr, "req-bad"), Kind::kUnauthenticated));

  EXPECT_THAT(AuditActions(), ElementsAre("organisation.create", "organisation.update", "user.create",
                                          "membership.set", "membership.remove", "token.create",
                                          "token.revoke", "session.signin", "session.signin_failed"));

  AuditEntry created = LastAudit("organisation.create");
  EXPECT_EQ(created.entity_type, "organisation");
  EXPECT_EQ(created.entity_id, "jed");
  EXPECT_EQ(created.actor_user_id, std::optional<Id>(admin.id));
  EXPECT_EQ(created.actor_label, "user:" + std::to_string(admin.id));
  EXPECT_EQ(created.request_id, "req-42");
  EXPECT_EQ(created.at, clock_.NowMs());
  EXPECT_EQ(created.details.at("name"), "Jeunesse en Détresse");
  EXPECT_EQ(created.details.at("kind"), "migrant_association");

  AuditEntry updated = LastAudit("organisation.update");
  EXPECT_EQ(updated.entity_id, "jed");
  EXPECT_EQ(updated.details.at("name"), "JED");
  EXPECT_EQ(updated.details.at("council_observer"), "true");

  AuditEntry member = LastAudit("membership.set");
  EXPECT_EQ(member.entity_type, "user");
  EXPECT_EQ(member.entity_id, std::to_string(ana.id));
  EXPECT_EQ(member.details.at("organisation"), "jed");
  EXPECT_EQ(member.details.at("role"), "editor");
  EXPECT_EQ(LastAudit("membership.remove").details.at("organisation"), "jed");

  AuditEntry token_created = LastAudit("token.create");
  EXPECT_EQ(token_created.entity_id, std::to_string(ana.id));
  EXPECT_EQ(token_created.details.at("token_id"), std::to_string(token->record.id));
  EXPECT_EQ(token_created.details.at("name"), "sync");
  EXPECT_EQ(LastAudit("token.revoke").details.at("token_id"), std::to_string(token->record.id));

  AuditEntry signin = LastAudit("session.signin");
  EXPECT_EQ(signin.actor_user_id, std::optional<Id>(ana.id));
  EXPECT_EQ(signin.entity_id, std::to_string(ana.id));
  EXPECT_EQ(signin.details.at("addr"), kAddr);
  EXPECT_EQ(signin.request_id, "req-in");

  AuditEntry failed = LastAudit("session.signin_failed");
  EXPECT_EQ(failed.actor_user_id, std::nullopt);
  EXPECT_EQ(failed.actor_label, "anonymous");
  EXPECT_EQ(failed.entity_type, "account");
  EXPECT_EQ(failed.entity_id, "ana@example.org");
  EXPECT_EQ(failed.details.at("addr"), kAddr);
  EXPECT_EQ(failed.request_id, "req-bad");

  // AuditTrail filters by entity, newest first.
  auto jed = accounts_->AuditTrail(actor, 10, "organisation", "jed");
  ASSERT_TRUE(IsOk(jed));
  ASSERT_EQ(jed->size(), 2u);
  EXPECT_EQ((*jed)[0].action, "organisation.update");
  EXPECT_EQ((*jed)[1].action, "organisation.create");
}

TEST_F(AccountAuditTest, RejectedChangesAreNotAudited) {
  AddOrg("org-a", "A");
  User member = AddUser("member@example.org", "Member");
  Grant(member, "org-a", "member");
  const std::size_t before = AuditFor().size();
  OrganisationPatch patch;
  patch.name = "Nope";
  EXPECT_FALSE(accounts_->UpdateOrganisation(As(member), "org-a", patch).ok());
  EXPECT_FALSE(accounts_->CreateOrganisation(As(member), ValidOrg("jed")).ok());
  OrganisationInput bad = ValidOrg("jed");
  bad.country = "XXX";
  EXPECT_FALSE(accounts_->CreateOrganisation(Actor::Cli(), bad).ok());
  EXPECT_EQ(AuditFor().size(), before);
}

// --- Sign-in ---------------------------------------------------------------------

using SignInTest = ServicesTest;

TEST_F(SignInTest, RightPasswordOpensASession) {
  User ana = AddUserWithPassword("Ana@Example.org");
  auto in = auth_->SignIn("  ana@EXAMPLE.org ", kPassword, kAddr, "req-1");  // any case, trimmed
  ASSERT_TRUE(IsOk(in));
  EXPECT_EQ(in->user.id, ana.id);
  EXPECT_EQ(in->session.user_id, ana.id);
  EXPECT_GE(in->session_token.size(), 43u);  // 256 bits, base64url
  EXPECT_FALSE(in->session.csrf_token.empty());
  EXPECT_NE(in->session.csrf_token, in->session_token);
  EXPECT_EQ(in->session.id_hash, crypto::Sha256Hex(in->session_token));
  EXPECT_EQ(in->session.created_at, clock_.NowMs());
  EXPECT_EQ(in->session.expires_at, clock_.NowMs() + options_.session_ttl_ms);

  // Only the hash is stored.
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM sessions WHERE id_hash = $1", {in->session.id_hash}), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM sessions WHERE id_hash = $1", {in->session_token}), 0);

  auto authed = auth_->AuthenticateSession(in->session_token);
  ASSERT_TRUE(IsOk(authed));
  EXPECT_EQ(authed->user.id, ana.id);
  EXPECT_EQ(authed->session.csrf_token, in->session.csrf_token);
}

TEST_F(SignInTest, EachSignInOpensAFreshSession) {
  AddUserWithPassword("ana@example.org");
  auto first = auth_->SignIn("ana@example.org", kPassword, kAddr, "");
  auto second = auth_->SignIn("ana@example.org", kPassword, kAddr, "");
  ASSERT_TRUE(IsOk(first));
  ASSERT_TRUE(IsOk(second));
  EXPECT_NE(first->session_token, second->session_token);
  EXPECT_NE(first->session.csrf_token, second->session.csrf_token);
  EXPECT_TRUE(IsOk(auth_->AuthenticateSession(first->session_token)));
  EXPECT_TRUE(IsOk(auth_->AuthenticateSession(second->session_token)));
}

TEST_F(SignInTest, WrongPasswordAndUnknownEmailFailAlike) {
  AddUserWithPassword("ana@example.org");
  auto wrong = auth_->SignIn("ana@example.org", "not the password", kAddr, "");
  auto unknown = auth_->SignIn("nobody@example.org", kPassword, kAddr, "");
  ASSERT_TRUE(HasKind(wrong, Kind::kUnauthenticated));
  ASSERT_TRUE(HasKind(unknown, Kind::kUnauthenticated));
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM sessions"), 0);
  EXPECT_EQ(SignInFailuresRecorded("account:ana@example.org"), 1);
  EXPECT_EQ(SignInFailuresRecorded("account:nobody@example.org"), 1);
  EXPECT_EQ(SignInFailuresRecorded(std::string("addr:") + kAddr), 2);
}

TEST_F(SignInTest, AccountIsThrottledAfterMaxFailuresUntilTheWindowPasses) {
  AuthOptions options;
  options.max_failures_per_account = 3;
  options.failure_window_ms = 15 * kMinute;
  SetAuthOptions(options);
  AddUserWithPassword("ana@example.org");
  const TimestampMs t0 = clock_.NowMs();

  // Three failures a minute apart; the case of the e-mail does not matter.
  for (const char* typed : {"ana@example.org", "ANA@example.org", "Ana@Example.Org"}) {
    EXPECT_TRUE(HasKind(auth_->SignIn(typed, "wrong password", kAddr, ""), Kind::kUnauthenticated)) << typed;
    clock_.AdvanceMs(kMinute);
  }
  // Now even the right password is refused, and said when to come back: the
  // oldest failure (t0) leaves the window at t0 + 15 min, 12 min from now.
  auto throttled = auth_->SignIn("ana@example.org", kPassword, kAddr, "");
  ASSERT_TRUE(HasKind(throttled, Kind::kTooManyRequests));
  EXPECT_NEAR(throttled.status().retry_after_seconds(), 12 * 60, 1);
  // A throttled attempt is not itself counted as a failure.
  EXPECT_EQ(SignInFailuresRecorded("account:ana@example.org"), 3);

  // At exactly t0 + 15 min the first failure is still inside the window.
  clock_.SetMs(t0 + 15 * kMinute);
  auto still = auth_->SignIn("ana@example.org", kPassword, kAddr, "");
  ASSERT_TRUE(HasKind(still, Kind::kTooManyRequests));
  EXPECT_GE(still.status().retry_after_seconds(), 1);
  EXPECT_LE(still.status().retry_after_seconds(), 1);

  // A millisecond later it has left: two failures remain, under the limit.
  clock_.AdvanceMs(1);
  ASSERT_TRUE(IsOk(auth_->SignIn("ana@example.org", kPassword, kAddr, "")));
  // Success clears the account's failures (not the address's).
  EXPECT_EQ(SignInFailuresRecorded("account:ana@example.org"), 0);
  EXPECT_EQ(SignInFailuresRecorded(std::string("addr:") + kAddr), 3);
}

TEST_F(SignInTest, SuccessClearsTheAccountsFailures) {
  AuthOptions options;
  options.max_failures_per_account = 2;
  SetAuthOptions(options);
  AddUserWithPassword("ana@example.org");
  for (int round = 0; round < 2; ++round) {
    EXPECT_TRUE(
        HasKind(auth_->SignIn("ana@example.org", "wrong password", kAddr, ""), Kind::kUnauthenticated));
    // Two failures in all within the window by the second round, but only one since the last success.
    ASSERT_TRUE(IsOk(auth_->SignIn("ana@example.org", kPassword, kAddr, ""))) << "round " << round;
  }
}

TEST_F(SignInTest, AddressIsThrottledAcrossAccounts) {
  AuthOptions options;
  options.max_failures_per_account = 5;
  options.max_failures_per_address = 2;
  SetAuthOptions(options);
  AddUserWithPassword("ana@example.org");
  const std::string attacker = "198.51.100.7";
  for (const char* email : {"a@example.org", "b@example.org"}) {
    EXPECT_TRUE(HasKind(auth_->SignIn(email, "guess", attacker, ""), Kind::kUnauthenticated)) << email;
  }
  auto blocked = auth_->SignIn("ana@example.org", kPassword, attacker, "");
  ASSERT_TRUE(HasKind(blocked, Kind::kTooManyRequests));
  EXPECT_NEAR(blocked.status().retry_after_seconds(), options.failure_window_ms / 1000, 1);
  // The same account from another address is fine.
  EXPECT_TRUE(IsOk(auth_->SignIn("ana@example.org", kPassword, kAddr, "")));
  // And after the window, the address may try again.
  clock_.AdvanceMs(options.failure_window_ms + 1);
  EXPECT_TRUE(IsOk(auth_->SignIn("ana@example.org", kPassword, attacker, "")));
}

// Regression (probe F16): failures from anyone locked the owner out.
TEST_F(SignInTest, FailuresFromOneAddressDoNotLockTheOwnerOutFromAnother) {
  AuthOptions options;
  options.max_failures_per_account = 3;
  SetAuthOptions(options);
  AddUserWithPassword("ana@example.org");
  const std::string attacker = "198.51.100.7";
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(HasKind(auth_->SignIn("ana@example.org", "guess", attacker, ""), Kind::kUnauthenticated));
  }
  EXPECT_TRUE(HasKind(auth_->SignIn("ana@example.org", kPassword, attacker, ""), Kind::kTooManyRequests));
  EXPECT_TRUE(IsOk(auth_->SignIn("ana@example.org", kPassword, kAddr, "")));
  // The owner's success does not unlock the attacker's address: its own
  // failures are still counted against it.
  EXPECT_TRUE(HasKind(auth_->SignIn("ana@example.org", kPassword, attacker, ""), Kind::kTooManyRequests));
}

TEST_F(SignInTest, AccountWideLimitRefusesOnlyAddressesThatFailedForTheAccount) {
  AuthOptions options;
  options.max_failures_per_account = 3;
  options.max_failures_per_account_all_addresses = 4;
  SetAuthOptions(options);
  AddUserWithPassword("ana@example.org");
  // Four addresses fail once each: the account-wide limit is reached...
  for (const char* addr : {"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"}) {
    EXPECT_TRUE(HasKind(auth_->SignIn("ana@example.org", "guess", addr, ""), Kind::kUnauthenticated)) << addr;
  }
  // ...so those addresses are refused, though each is under its own limit...
  EXPECT_TRUE(HasKind(auth_->SignIn("ana@example.org", "guess", "198.51.100.1", ""), Kind::kTooManyRequests));
  EXPECT_TRUE(
      HasKind(auth_->SignIn("ana@example.org", kPassword, "198.51.100.2", ""), Kind::kTooManyRequests));
  // ...while an address that has not failed for the account gets its check.
  EXPECT_TRUE(HasKind(auth_->SignIn("ana@example.org", "guess", "198.51.100.5", ""), Kind::kUnauthenticated));
  EXPECT_TRUE(IsOk(auth_->SignIn("ana@example.org", kPassword, kAddr, "")));
}

// Regression (probe F6): concurrent attempts were all checked against the
// limit before any was recorded.
TEST_F(SignInTest, ConcurrentWrongPasswordsReachThePasswordCheckAtMostTheLimit) {
  AuthOptions options;
  options.max_failures_per_account = 5;
  SetAuthOptions(options);
  AddUserWithPassword("ana@example.org");
  constexpr int kThreads = 20;
  std::atomic<int> checked{0}, throttled{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto r = auth_->SignIn("ana@example.org", "wrong password", kAddr, "");
      if (HasKind(r, Kind::kUnauthenticated)) ++checked;
      if (HasKind(r, Kind::kTooManyRequests)) ++throttled;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(checked.load(), 5);
  EXPECT_EQ(throttled.load(), kThreads - 5);
  EXPECT_EQ(SignInFailuresRecorded("pair:" + std::string(kAddr) + " ana@example.org"), 5);
}

TEST_F(SignInTest, ASuccessfulSignInIsNotCountedAgainstItsAddress) {
  AuthOptions options;
  options.max_failures_per_address = 2;
  SetAuthOptions(options);
  AddUserWithPassword("ana@example.org");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(IsOk(auth_->SignIn("ana@example.org", kPassword, kAddr, ""))) << i;
  EXPECT_EQ(SignInFailuresRecorded(std::string("addr:") + kAddr), 0);
}

TEST_F(SignInTest, SessionExpiresAfterItsTtl) {
  AuthOptions options;
  options.session_ttl_ms = 60 * kMinute;
  SetAuthOptions(options);
  AddUserWithPassword("ana@example.org");
  auto in = auth_->SignIn("ana@example.org", kPassword, kAddr, "");
  ASSERT_TRUE(IsOk(in));
  EXPECT_EQ(in->session.expires_at, clock_.NowMs() + 60 * kMinute);

  clock_.AdvanceMs(60 * kMinute - 1);
  EXPECT_TRUE(IsOk(auth_->AuthenticateSession(in->session_token)));  // being used does not extend it
  clock_.AdvanceMs(1);
  EXPECT_TRUE(HasKind(auth_->AuthenticateSession(in->session_token), Kind::kUnauthenticated));
}

// The failed sign-in's audit entry keeps the first 254 bytes of the e-mail as
// typed; cutting inside a multi-byte character leaves invalid UTF-8, which
// PostgreSQL refuses (so the sign-in fails with an error instead of
// Unauthenticated) and SQLite stores.
TEST_F(SignInTest, LongNonAsciiEmailFailsCleanlyAndIsAuditedAsUtf8) {
  const std::string email = std::string(253, 'a') + "\xc3\xa9@example.org";  // 'é' spans bytes 253-254
  auto r = auth_->SignIn(email, "whatever it is", kAddr, "");
  EXPECT_TRUE(HasKind(r, Kind::kUnauthenticated));
  bool found = false;
  for (const auto& e : AuditFor()) {
    if (e.action != "session.signin_failed") continue;
    found = true;
    EXPECT_TRUE(IsValidUtf8(e.entity_id))
        << "audit entity_id is not UTF-8; it ends in "
        << ::testing::PrintToString(e.entity_id.substr(e.entity_id.size() - 4));
  }
  EXPECT_TRUE(found) << "no session.signin_failed audit entry";
}

// Bytes that are not UTF-8 in the e-mail field are a wrong e-mail like any
// other, on every backend.
TEST_F(SignInTest, EmailThatIsNotUtf8IsJustAWrongEmail) {
  auto r = auth_->SignIn("caf\xe9@example.org", "whatever it is", kAddr, "");
  EXPECT_TRUE(HasKind(r, Kind::kUnauthenticated));
}

TEST_F(SignInTest, MalformedOrUnknownSessionTokensAreUnauthenticated) {
  EXPECT_TRUE(HasKind(auth_->AuthenticateSession(""), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(auth_->AuthenticateSession("no-such-session"), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(auth_->AuthenticateSession(std::string(129, 'a')), Kind::kUnauthenticated));
}

TEST_F(SignInTest, AuthenticateSessionTouchesLastSeenOnlyAfterTheInterval) {
  AuthOptions options;
  options.touch_interval_ms = kMinute;
  SetAuthOptions(options);
  User ana = AddUser("ana@example.org", "Ana");
  const TimestampMs t0 = clock_.NowMs();
  std::string token = AddSession(ana, t0 + 24 * 60 * kMinute);
  auto stored_last_seen = [&] {
    auto s = stores_.sessions->Find(crypto::Sha256Hex(token), clock_.NowMs());
    EXPECT_TRUE(IsOk(s));
    return s.ok() ? s->last_seen_at : -1;
  };

  clock_.AdvanceMs(kMinute - 1);
  auto early = auth_->AuthenticateSession(token);
  ASSERT_TRUE(IsOk(early));
  EXPECT_EQ(early->user.id, ana.id);
  EXPECT_EQ(early->session.last_seen_at, t0);
  EXPECT_EQ(stored_last_seen(), t0);

  clock_.AdvanceMs(1);  // t0 + 1 min
  auto due = auth_->AuthenticateSession(token);
  ASSERT_TRUE(IsOk(due));
  EXPECT_EQ(due->session.last_seen_at, t0 + kMinute);
  EXPECT_EQ(stored_last_seen(), t0 + kMinute);

  clock_.AdvanceMs(kMinute - 1);
  ASSERT_TRUE(IsOk(auth_->AuthenticateSession(token)));
  EXPECT_EQ(stored_last_seen(), t0 + kMinute);
  clock_.AdvanceMs(1);
  ASSERT_TRUE(IsOk(auth_->AuthenticateSession(token)));
  EXPECT_EQ(stored_last_seen(), t0 + 2 * kMinute);
}

TEST_F(SignInTest, AuthenticateSessionSeesCurrentMemberships) {
  AddOrg("iom", "IOM");
  User ana = AddUser("ana@example.org", "Ana");
  std::string token = AddSession(ana, clock_.NowMs() + kMinute);
  Grant(ana, "iom", "moderator");
  auto authed = auth_->AuthenticateSession(token);
  ASSERT_TRUE(IsOk(authed));
  ASSERT_EQ(authed->user.memberships.size(), 1u);
  EXPECT_EQ(authed->user.memberships[0].organisation_slug, "iom");
  EXPECT_EQ(authed->user.memberships[0].role, Role::kModerator);
}

TEST_F(SignInTest, SignOutEndsTheSession) {
  User ana = AddUser("ana@example.org", "Ana");
  std::string token = AddSession(ana, clock_.NowMs() + kMinute);
  std::string other = AddSession(ana, clock_.NowMs() + kMinute);
  ASSERT_TRUE(IsOk(auth_->AuthenticateSession(token)));
  ASSERT_TRUE(IsOk(auth_->SignOut(token, "req-out")));
  EXPECT_TRUE(HasKind(auth_->AuthenticateSession(token), Kind::kUnauthenticated));
  EXPECT_TRUE(IsOk(auth_->AuthenticateSession(other)));  // other sessions go on
  AuditEntry out = LastAudit("session.signout");
  EXPECT_EQ(out.actor_user_id, std::optional<Id>(ana.id));
  EXPECT_EQ(out.request_id, "req-out");
  // Signing out twice, or with a token that never existed, is fine.
  EXPECT_TRUE(IsOk(auth_->SignOut(token, "")));
  EXPECT_TRUE(IsOk(auth_->SignOut("never-a-session", "")));
}

// --- Passwords -----------------------------------------------------------------

using PasswordTest = ServicesTest;

TEST_F(PasswordTest, ChangePasswordNeedsTheCurrentOne) {
  User ana = AddUserWithPassword("ana@example.org");
  const std::string next = "a whole new passphrase";
  auto wrong = accounts_->ChangePassword(As(ana), ana.id, "not my password", next);
  ASSERT_TRUE(HasKind(wrong, Kind::kValidation));
  EXPECT_THAT(wrong.fields(), Contains(Key("current_password")));

  ASSERT_TRUE(IsOk(accounts_->ChangePassword(As(ana), ana.id, kPassword, next)));
  EXPECT_FALSE(stores_.users->FindById(ana.id).value().must_change_password);
  EXPECT_EQ(LastAudit("user.password").entity_id, std::to_string(ana.id));
  EXPECT_TRUE(IsOk(auth_->SignIn("ana@example.org", next, kAddr, "")));
  EXPECT_TRUE(HasKind(auth_->SignIn("ana@example.org", kPassword, kAddr, ""), Kind::kUnauthenticated));
}

TEST_F(PasswordTest, NewPasswordMustBeLongEnoughAndDifferent) {
  User ana = AddUserWithPassword("ana@example.org");
  auto short_one = accounts_->ChangePassword(As(ana), ana.id, kPassword, "short");
  ASSERT_TRUE(HasKind(short_one, Kind::kValidation));
  ASSERT_THAT(short_one.fields(), Contains(Key("password")));
  EXPECT_THAT(short_one.fields().at("password"), HasSubstr("10"));
  auto same = accounts_->ChangePassword(As(ana), ana.id, kPassword, kPassword);
  ASSERT_TRUE(HasKind(same, Kind::kValidation));
  EXPECT_THAT(same.fields(), Contains(Key("password")));
}

TEST_F(PasswordTest, AdminResetNeedsNoCurrentPasswordAndForcesAChange) {
  User admin = AddUser("admin@example.org", "Admin", true);
  User ana = AddUser("ana@example.org", "Ana");
  const std::string temporary = "temporary passphrase";
  ASSERT_TRUE(IsOk(accounts_->ChangePassword(As(admin), ana.id, "", temporary)));
  EXPECT_TRUE(stores_.users->FindById(ana.id).value().must_change_password);
  auto in = auth_->SignIn("ana@example.org", temporary, kAddr, "");
  ASSERT_TRUE(IsOk(in));
  EXPECT_TRUE(in->user.must_change_password);
}

// Regression (probe F2): sessions and tokens outlived a password change.
TEST_F(PasswordTest, ChangeEndsEverySessionAndRevokesEveryTokenOfTheAccount) {
  User ana = AddUserWithPassword("ana@example.org");
  User bob = AddUserWithPassword("bob@example.org");
  std::string here = AddSession(ana, clock_.NowMs() + 60 * kMinute);
  std::string there = AddSession(ana, clock_.NowMs() + 60 * kMinute);
  std::string bobs = AddSession(bob, clock_.NowMs() + 60 * kMinute);
  auto token = auth_->CreateToken(As(ana), ana.id, "ci");
  ASSERT_TRUE(IsOk(token));
  auto bob_token = auth_->CreateToken(As(bob), bob.id, "ci");
  ASSERT_TRUE(IsOk(bob_token));

  ASSERT_TRUE(IsOk(accounts_->ChangePassword(As(ana), ana.id, kPassword, "a whole new passphrase")));
  EXPECT_TRUE(HasKind(auth_->AuthenticateSession(here), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(auth_->AuthenticateSession(there), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(auth_->AuthenticateToken(token->token), Kind::kUnauthenticated));
  EXPECT_TRUE(IsOk(auth_->AuthenticateSession(bobs))) << "someone else's session ended";
  EXPECT_TRUE(IsOk(auth_->AuthenticateToken(bob_token->token)));
  AuditEntry e = LastAudit("user.password");
  EXPECT_EQ(e.details["sessions_ended"], "2");
  EXPECT_EQ(e.details["tokens_revoked"], "1");

  // The person who changed it carries on in a fresh session.
  auto renewed = auth_->RenewSession(As(ana));
  ASSERT_TRUE(IsOk(renewed));
  EXPECT_NE(renewed->session_token, here);
  auto authed = auth_->AuthenticateSession(renewed->session_token);
  ASSERT_TRUE(IsOk(authed));
  EXPECT_EQ(authed->user.id, ana.id);
  EXPECT_TRUE(HasKind(auth_->RenewSession(Actor::Anonymous("")), Kind::kPermissionDenied));
}

TEST_F(PasswordTest, AdminResetEndsEverySessionAndRevokesEveryToken) {
  User admin = AddUser("admin@example.org", "Admin", true);
  User ana = AddUserWithPassword("ana@example.org");
  std::string session = AddSession(ana, clock_.NowMs() + 60 * kMinute);
  auto token = auth_->CreateToken(As(ana), ana.id, "ci");
  ASSERT_TRUE(IsOk(token));
  ASSERT_TRUE(IsOk(accounts_->ResetPassword(As(admin), ana.id, "temporary passphrase", true)));
  EXPECT_TRUE(HasKind(auth_->AuthenticateSession(session), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(auth_->AuthenticateToken(token->token), Kind::kUnauthenticated));
  EXPECT_TRUE(stores_.users->FindById(ana.id).value().must_change_password);
  // The same through ChangePassword by an admin.
  std::string again = AddSession(ana, clock_.NowMs() + 60 * kMinute);
  ASSERT_TRUE(IsOk(accounts_->ChangePassword(As(admin), ana.id, "", "another temporary one")));
  EXPECT_TRUE(HasKind(auth_->AuthenticateSession(again), Kind::kUnauthenticated));
}

// --- API tokens ----------------------------------------------------------------

using TokenTest = ServicesTest;

TEST_F(TokenTest, CreatedTokenAuthenticatesItsUser) {
  AddOrg("iom", "IOM");
  User ana = AddUser("ana@example.org", "Ana");
  Grant(ana, "iom", "editor");
  auto created = auth_->CreateToken(As(ana), ana.id, "  nightly sync  ");
  ASSERT_TRUE(IsOk(created));
  EXPECT_EQ(created->token.rfind("wm_", 0), 0u) << created->token;
  EXPECT_GE(created->token.size(), 3u + 43u);
  EXPECT_EQ(created->record.user_id, ana.id);
  EXPECT_EQ(created->record.name, "nightly sync");
  // Only the digest is stored.
  EXPECT_EQ(
      CountRows("SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1", {crypto::Sha256Hex(created->token)}),
      1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1", {created->token}), 0);

  auto authed = auth_->AuthenticateToken(created->token);
  ASSERT_TRUE(IsOk(authed));
  EXPECT_EQ(authed->user.id, ana.id);
  EXPECT_EQ(authed->user.RoleIn(accounts_->GetOrganisation("iom").value().id), Role::kEditor);
  EXPECT_TRUE(authed->session.id_hash.empty());

  auto listed = auth_->ListTokens(As(ana), ana.id);
  ASSERT_TRUE(IsOk(listed));
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().last_used_at, std::optional<TimestampMs>(clock_.NowMs()));
}

TEST_F(TokenTest, LastUseIsRecordedAtMostOncePerInterval) {
  AuthOptions options;
  options.touch_interval_ms = kMinute;
  SetAuthOptions(options);
  User ana = AddUser("ana@example.org", "Ana");
  auto created = auth_->CreateToken(As(ana), ana.id, "ci");
  ASSERT_TRUE(IsOk(created));
  const TimestampMs t0 = clock_.NowMs();
  auto last_used = [&] {
    return stores_.tokens->FindActiveByHash(crypto::Sha256Hex(created->token)).value().last_used_at;
  };
  ASSERT_TRUE(IsOk(auth_->AuthenticateToken(created->token)));
  EXPECT_EQ(last_used(), std::optional<TimestampMs>(t0));
  clock_.AdvanceMs(kMinute - 1);
  ASSERT_TRUE(IsOk(auth_->AuthenticateToken(created->token)));
  EXPECT_EQ(last_used(), std::optional<TimestampMs>(t0));
  clock_.AdvanceMs(1);
  ASSERT_TRUE(IsOk(auth_->AuthenticateToken(created->token)));
  EXPECT_EQ(last_used(), std::optional<TimestampMs>(t0 + kMinute));
}

TEST_F(TokenTest, RevokedTokenNoLongerAuthenticates) {
  User ana = AddUser("ana@example.org", "Ana");
  auto created = auth_->CreateToken(As(ana), ana.id, "ci");
  ASSERT_TRUE(IsOk(created));
  ASSERT_TRUE(IsOk(auth_->RevokeToken(As(ana), ana.id, created->record.id)));
  EXPECT_TRUE(HasKind(auth_->AuthenticateToken(created->token), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(auth_->RevokeToken(As(ana), ana.id, created->record.id), Kind::kNotFound));
  auto listed = auth_->ListTokens(As(ana), ana.id);
  ASSERT_TRUE(IsOk(listed));
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().revoked_at, std::optional<TimestampMs>(clock_.NowMs()));
}

TEST_F(TokenTest, AnotherUserCannotRevokeOrListOrMakeTokensForSomeoneElse) {
  User ana = AddUser("ana@example.org", "Ana");
  User bob = AddUser("bob@example.org", "Bob");
  auto created = auth_->CreateToken(As(ana), ana.id, "ci");
  ASSERT_TRUE(IsOk(created));

  EXPECT_TRUE(HasKind(auth_->RevokeToken(As(bob), ana.id, created->record.id), Kind::kPermissionDenied));
  // Naming himself as the owner does not help: the token is not his.
  EXPECT_TRUE(HasKind(auth_->RevokeToken(As(bob), bob.id, created->record.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(auth_->ListTokens(As(bob), ana.id), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(auth_->CreateToken(As(bob), ana.id, "mine now"), Kind::kPermissionDenied));
  EXPECT_TRUE(IsOk(auth_->AuthenticateToken(created->token)));
  EXPECT_EQ(auth_->ListTokens(As(ana), ana.id).value().size(), 1u);

  // An administrator may.
  User admin = AddUser("admin@example.org", "Admin", true);
  EXPECT_TRUE(IsOk(auth_->RevokeToken(As(admin), ana.id, created->record.id)));
  EXPECT_TRUE(HasKind(auth_->AuthenticateToken(created->token), Kind::kUnauthenticated));
}

TEST_F(TokenTest, MalformedAndUnknownTokensAreUnauthenticated) {
  User ana = AddUser("ana@example.org", "Ana");
  auto created = auth_->CreateToken(As(ana), ana.id, "ci");
  ASSERT_TRUE(IsOk(created));
  EXPECT_TRUE(HasKind(auth_->AuthenticateToken(""), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(auth_->AuthenticateToken(created->token.substr(3)), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(auth_->AuthenticateToken("wm_unknown"), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(auth_->AuthenticateToken(created->token + "x"), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(auth_->AuthenticateToken("wm_" + std::string(200, 'a')), Kind::kUnauthenticated));
}

TEST_F(TokenTest, TokenNames) {
  User ana = AddUser("ana@example.org", "Ana");
  auto unnamed = auth_->CreateToken(As(ana), ana.id, "   ");
  ASSERT_TRUE(IsOk(unnamed));
  EXPECT_EQ(unnamed->record.name, "token");
  auto too_long = auth_->CreateToken(As(ana), ana.id, std::string(101, 'n'));
  ASSERT_TRUE(HasKind(too_long, Kind::kValidation));
  EXPECT_THAT(too_long.status().fields(), Contains(Key("name")));
  auto listed = auth_->ListTokens(As(ana), ana.id);
  ASSERT_TRUE(IsOk(listed));
  EXPECT_EQ(listed->size(), 1u);
}

// --- Housekeeping ----------------------------------------------------------------

TEST_F(ServicesTest, HousekeepingRemovesExpiredSessionsAndOldFailures) {
  AuthOptions options;
  options.failure_window_ms = 15 * kMinute;
  SetAuthOptions(options);
  User ana = AddUser("ana@example.org", "Ana");
  const TimestampMs t0 = clock_.NowMs();
  std::string expiring = AddSession(ana, t0 + 10 * kMinute);
  std::string lasting = AddSession(ana, t0 + 60 * kMinute);
  ASSERT_TRUE(IsOk(stores_.throttle->RecordFailure("addr:198.51.100.7", t0)));
  ASSERT_TRUE(IsOk(stores_.throttle->RecordFailure("addr:198.51.100.7", t0 + 20 * kMinute)));

  clock_.SetMs(t0 + 30 * kMinute);
  ASSERT_TRUE(IsOk(auth_->Housekeeping()));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM sessions WHERE id_hash = $1", {crypto::Sha256Hex(lasting)}), 1);
  EXPECT_TRUE(HasKind(auth_->AuthenticateSession(expiring), Kind::kUnauthenticated));
  EXPECT_TRUE(IsOk(auth_->AuthenticateSession(lasting)));
  // The failure older than the window went; the recent one stays.
  EXPECT_EQ(SignInFailuresRecorded("addr:198.51.100.7"), 1);
}

}  // namespace
}  // namespace waymark::conformance
