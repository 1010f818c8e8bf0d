// Conformance of the accounts stores (domain/accounts/stores.h) and of the
// migrations, run against each backend: account_stores_test (SQLite) and
// account_stores_pgtest (PostgreSQL; needs WAYMARK_TEST_PG_URL). See backend.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "backend.h"
#include "crypto/crypto.h"
#include "domain/accounts/stores.h"
#include "storage/accounts/account_stores.h"
#include "storage/migrations.h"

namespace waymark::conformance {
namespace {

using accounts::ApiToken;
using accounts::AuditEntry;
using accounts::Id;
using accounts::NewUser;
using accounts::Organisation;
using accounts::OrgKind;
using accounts::Role;
using accounts::Session;
using accounts::ThrottleStore;
using accounts::User;
using Kind = Status::Kind;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr TimestampMs kT0 = 1'700'000'000'000;

class StoresTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    account_stores_ = std::make_unique<storage::AccountStores>(db());
    stores_ = account_stores_->stores();
  }
  void TearDown() override {
    account_stores_.reset();
    BackendTest::TearDown();
  }

  static Organisation MakeOrg(const std::string& slug, const std::string& name) {
    Organisation o;
    o.slug = slug;
    o.name = name;
    o.kind = OrgKind::kCso;
    o.created_at = kT0;
    o.updated_at = kT0;
    return o;
  }

  Organisation CreateOrg(const std::string& slug, const std::string& name) {
    auto created = stores_.organisations->Create(MakeOrg(slug, name));
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : Organisation{};
  }

  static NewUser MakeUser(const std::string& email, const std::string& name) {
    NewUser u;
    u.email = email;
    u.name = name;
    u.password_hash = "hash-of-" + email;
    u.created_at = kT0;
    return u;
  }

  User CreateUser(const std::string& email, const std::string& name) {
    auto created = stores_.users->Create(MakeUser(email, name));
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : User{};
  }

  static Session MakeSession(const std::string& id_hash, Id user_id, TimestampMs expires_at) {
    Session s;
    s.id_hash = id_hash;
    s.user_id = user_id;
    s.csrf_token = "csrf-" + id_hash;
    s.created_at = kT0;
    s.expires_at = expires_at;
    s.last_seen_at = kT0;
    return s;
  }

  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores stores_{};
};

void ExpectSameOrganisation(const Organisation& got, const Organisation& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.slug, want.slug);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.acronym, want.acronym);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.country, want.country);
  EXPECT_EQ(got.website, want.website);
  EXPECT_EQ(got.description, want.description);
  EXPECT_EQ(got.council_observer, want.council_observer);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
}

std::vector<std::string> Slugs(const std::vector<Organisation>& orgs) {
  std::vector<std::string> out;
  for (const auto& o : orgs) out.push_back(o.slug);
  return out;
}

std::vector<std::string> Emails(const std::vector<User>& users) {
  std::vector<std::string> out;
  for (const auto& u : users) out.push_back(u.email);
  return out;
}

// --- Organisations ---------------------------------------------------------

using OrganisationStoreTest = StoresTest;

TEST_F(OrganisationStoreTest, CreateThenFindBySlugAndIdReturnEveryField) {
  Organisation org = MakeOrg("jcwi", "Joint Council for the Welfare of Immigrants");
  org.acronym = "JCWI";
  org.kind = OrgKind::kMigrantAssociation;
  org.country = "GBR";
  org.website = "https://www.jcwi.org.uk";
  org.description = "Campaigns for justice in immigration law.";
  org.council_observer = true;
  org.created_at = kT0 + 1;
  org.updated_at = kT0 + 2;
  org.id = 12345;  // ignored

  auto created = stores_.organisations->Create(org);
  ASSERT_TRUE(IsOk(created));
  EXPECT_GT(created->id, 0);
  EXPECT_NE(created->id, 12345);
  org.id = created->id;
  ExpectSameOrganisation(*created, org);

  auto by_slug = stores_.organisations->FindBySlug("jcwi");
  ASSERT_TRUE(IsOk(by_slug));
  ExpectSameOrganisation(*by_slug, org);
  auto by_id = stores_.organisations->FindById(org.id);
  ASSERT_TRUE(IsOk(by_id));
  ExpectSameOrganisation(*by_id, org);
}

TEST_F(OrganisationStoreTest, FindBySlugsReturnsThoseThatExistInOneCall) {
  std::vector<std::string> slugs;
  for (int i = 0; i < 70; ++i) {  // more than one batch
    std::string slug = "org-" + std::to_string(i);
    CreateOrg(slug, "Organisation " + std::to_string(i));
    if (i % 2 == 0) slugs.push_back(slug);
  }
  slugs.push_back("nobody");
  slugs.push_back("o'brien; DROP TABLE organisations");
  auto found = stores_.organisations->FindBySlugs(slugs);
  ASSERT_TRUE(IsOk(found));
  std::set<std::string> got;
  for (const auto& o : *found) {
    got.insert(o.slug);
    auto one = stores_.organisations->FindBySlug(o.slug);
    ASSERT_TRUE(IsOk(one));
    ExpectSameOrganisation(o, *one);
  }
  EXPECT_EQ(got.size(), 35u);
  EXPECT_EQ(found->size(), 35u);
  EXPECT_TRUE(got.count("org-0") && got.count("org-68"));
  EXPECT_FALSE(got.count("org-1"));
  auto none = stores_.organisations->FindBySlugs({});
  ASSERT_TRUE(IsOk(none));
  EXPECT_TRUE(none->empty());
}

TEST_F(OrganisationStoreTest, IdsAreDistinct) {
  Organisation a = CreateOrg("aaa", "A");
  Organisation b = CreateOrg("bbb", "B");
  EXPECT_GT(a.id, 0);
  EXPECT_GT(b.id, 0);
  EXPECT_NE(a.id, b.id);
}

TEST_F(OrganisationStoreTest, NullOptionalFieldsRoundTrip) {
  Organisation org = MakeOrg("plain", "Plain");
  ASSERT_FALSE(org.acronym || org.country || org.website);
  ASSERT_TRUE(IsOk(stores_.organisations->Create(org)));
  auto found = stores_.organisations->FindBySlug("plain");
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->acronym, std::nullopt);
  EXPECT_EQ(found->country, std::nullopt);
  EXPECT_EQ(found->website, std::nullopt);
  EXPECT_EQ(found->description, "");
  EXPECT_FALSE(found->council_observer);

  // An empty string is a value, not NULL.
  Organisation empty = MakeOrg("empty", "Empty");
  empty.acronym = "";
  ASSERT_TRUE(IsOk(stores_.organisations->Create(empty)));
  auto found_empty = stores_.organisations->FindBySlug("empty");
  ASSERT_TRUE(IsOk(found_empty));
  EXPECT_EQ(found_empty->acronym, std::optional<std::string>(""));
}

TEST_F(OrganisationStoreTest, UnicodeAndSpecialCharactersRoundTrip) {
  Organisation org = MakeOrg("jed", "Jeunesse en Détresse");
  org.acronym = "JéD";
  org.description =
      "«Les migrants» — 移民 — مهاجر; it's \"quoted\", a \\ backslash, $1 and ?; -- not a comment\n"
      "second line\ttab 🌍";
  ASSERT_TRUE(IsOk(stores_.organisations->Create(org)));
  auto found = stores_.organisations->FindBySlug("jed");
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->name, "Jeunesse en Détresse");
  EXPECT_EQ(found->acronym, std::optional<std::string>("JéD"));
  EXPECT_EQ(found->description, org.description);
}

TEST_F(OrganisationStoreTest, EveryKindRoundTrips) {
  int n = 0;
  for (OrgKind kind : accounts::AllOrgKinds()) {
    Organisation org = MakeOrg("kind-" + std::to_string(n), "Kind " + std::to_string(n));
    org.kind = kind;
    auto created = stores_.organisations->Create(org);
    ASSERT_TRUE(IsOk(created));
    auto found = stores_.organisations->FindById(created->id);
    ASSERT_TRUE(IsOk(found));
    EXPECT_EQ(found->kind, kind) << accounts::ToString(kind);
    ++n;
  }
}

TEST_F(OrganisationStoreTest, DuplicateSlugIsConflict) {
  CreateOrg("iom", "International Organization for Migration");
  auto dup = stores_.organisations->Create(MakeOrg("iom", "Another"));
  EXPECT_TRUE(HasKind(dup, Kind::kConflict));
  EXPECT_EQ(stores_.organisations->Count().value(), 1);
  auto found = stores_.organisations->FindBySlug("iom");
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->name, "International Organization for Migration");
}

TEST_F(OrganisationStoreTest, UnknownSlugOrIdIsNotFound) {
  CreateOrg("iom", "IOM");
  EXPECT_TRUE(HasKind(stores_.organisations->FindBySlug("nope"), Kind::kNotFound));
  EXPECT_TRUE(HasKind(stores_.organisations->FindBySlug("IOM"), Kind::kNotFound));  // slugs are exact
  EXPECT_TRUE(HasKind(stores_.organisations->FindBySlug(""), Kind::kNotFound));
  EXPECT_TRUE(HasKind(stores_.organisations->FindById(987654), Kind::kNotFound));
}

TEST_F(OrganisationStoreTest, UpdateReplacesEveryFieldButIdSlugAndCreatedAt) {
  Organisation org = MakeOrg("jed", "Jeunesse");
  org.acronym = "J";
  org.country = "FRA";
  org.website = "https://example.org";
  auto created = stores_.organisations->Create(org);
  ASSERT_TRUE(IsOk(created));

  Organisation changed = *created;
  changed.slug = "renamed";  // ignored
  changed.created_at = 1;    // ignored
  changed.name = "Jeunesse en Détresse";
  changed.acronym = std::nullopt;
  changed.kind = OrgKind::kResearch;
  changed.country = std::nullopt;
  changed.website = "http://jed.example";
  changed.description = "Nouvelle description";
  changed.council_observer = true;
  changed.updated_at = kT0 + 5000;
  ASSERT_TRUE(IsOk(stores_.organisations->Update(changed)));

  EXPECT_TRUE(HasKind(stores_.organisations->FindBySlug("renamed"), Kind::kNotFound));
  auto found = stores_.organisations->FindBySlug("jed");
  ASSERT_TRUE(IsOk(found));
  Organisation want = changed;
  want.slug = "jed";
  want.created_at = created->created_at;
  ExpectSameOrganisation(*found, want);
}

TEST_F(OrganisationStoreTest, UpdateOfUnknownIdIsNotFound) {
  Organisation ghost = MakeOrg("ghost", "Ghost");
  ghost.id = 424242;
  EXPECT_TRUE(HasKind(stores_.organisations->Update(ghost), Kind::kNotFound));
  EXPECT_EQ(stores_.organisations->Count().value(), 0);
}

TEST_F(OrganisationStoreTest, ListIsOrderedByNameThenIdWithLimitAndOffset) {
  CreateOrg("gamma", "Gamma");
  CreateOrg("alpha", "Alpha");
  CreateOrg("delta", "Delta");
  CreateOrg("beta2", "Beta");  // same name: the older comes first
  CreateOrg("beta1", "Beta");

  auto all = stores_.organisations->List(100, 0);
  ASSERT_TRUE(IsOk(all));
  EXPECT_THAT(Slugs(*all), ElementsAre("alpha", "beta2", "beta1", "delta", "gamma"));

  auto page1 = stores_.organisations->List(2, 0);
  ASSERT_TRUE(IsOk(page1));
  EXPECT_THAT(Slugs(*page1), ElementsAre("alpha", "beta2"));
  auto page2 = stores_.organisations->List(2, 2);
  ASSERT_TRUE(IsOk(page2));
  EXPECT_THAT(Slugs(*page2), ElementsAre("beta1", "delta"));
  auto page3 = stores_.organisations->List(2, 4);
  ASSERT_TRUE(IsOk(page3));
  EXPECT_THAT(Slugs(*page3), ElementsAre("gamma"));
  auto beyond = stores_.organisations->List(2, 10);
  ASSERT_TRUE(IsOk(beyond));
  EXPECT_THAT(*beyond, IsEmpty());
}

TEST_F(OrganisationStoreTest, ListRowsCarryEveryField) {
  Organisation org = MakeOrg("jed", "Jeunesse en Détresse");
  org.acronym = "JED";
  org.country = "FRA";
  org.website = "https://jed.example";
  org.description = "d";
  org.council_observer = true;
  auto created = stores_.organisations->Create(org);
  ASSERT_TRUE(IsOk(created));
  auto list = stores_.organisations->List(10, 0);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 1u);
  ExpectSameOrganisation(list->front(), *created);
}

TEST_F(OrganisationStoreTest, CountCountsEveryOrganisation) {
  auto empty = stores_.organisations->Count();
  ASSERT_TRUE(IsOk(empty));
  EXPECT_EQ(*empty, 0);
  CreateOrg("a1", "A");
  CreateOrg("b1", "B");
  CreateOrg("c1", "C");
  auto three = stores_.organisations->Count();
  ASSERT_TRUE(IsOk(three));
  EXPECT_EQ(*three, 3);
}

// --- Users -------------------------------------------------------------------

using UserStoreTest = StoresTest;

TEST_F(UserStoreTest, CreateThenFindByIdReturnsEveryField) {
  NewUser nu = MakeUser("Ana@Example.org", "Ana Núñez");
  nu.locale = "es";
  nu.is_admin = true;
  nu.must_change_password = true;
  nu.created_at = kT0 + 7;
  auto created = stores_.users->Create(nu);
  ASSERT_TRUE(IsOk(created));
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->email, "Ana@Example.org");
  EXPECT_EQ(created->name, "Ana Núñez");
  EXPECT_EQ(created->locale, "es");
  EXPECT_TRUE(created->is_admin);
  EXPECT_TRUE(created->must_change_password);
  EXPECT_EQ(created->created_at, kT0 + 7);
  EXPECT_THAT(created->memberships, IsEmpty());

  auto found = stores_.users->FindById(created->id);
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->id, created->id);
  EXPECT_EQ(found->email, "Ana@Example.org");  // as typed
  EXPECT_EQ(found->name, "Ana Núñez");
  EXPECT_EQ(found->locale, "es");
  EXPECT_TRUE(found->is_admin);
  EXPECT_TRUE(found->must_change_password);
  EXPECT_EQ(found->created_at, kT0 + 7);
  EXPECT_THAT(found->memberships, IsEmpty());

  auto hash = stores_.users->PasswordHash(created->id);
  ASSERT_TRUE(IsOk(hash));
  EXPECT_EQ(*hash, "hash-of-Ana@Example.org");
}

TEST_F(UserStoreTest, FalseFlagsRoundTrip) {
  User u = CreateUser("bo@example.org", "Bo");
  auto found = stores_.users->FindById(u.id);
  ASSERT_TRUE(IsOk(found));
  EXPECT_FALSE(found->is_admin);
  EXPECT_FALSE(found->must_change_password);
  EXPECT_EQ(found->locale, "en");
}

TEST_F(UserStoreTest, EmailIsUniqueIgnoringCase) {
  CreateUser("Ana@Example.org", "Ana");
  auto dup = stores_.users->Create(MakeUser("ana@example.ORG", "Other Ana"));
  EXPECT_TRUE(HasKind(dup, Kind::kConflict));
  auto exact = stores_.users->Create(MakeUser("Ana@Example.org", "Ana again"));
  EXPECT_TRUE(HasKind(exact, Kind::kConflict));
  auto list = stores_.users->List(10, 0);
  ASSERT_TRUE(IsOk(list));
  EXPECT_THAT(Emails(*list), ElementsAre("Ana@Example.org"));
}

TEST_F(UserStoreTest, FindByEmailIgnoresCase) {
  User ana = CreateUser("Ana@Example.org", "Ana");
  for (const char* typed : {"Ana@Example.org", "ana@example.org", "ANA@EXAMPLE.ORG", "ana@example.ORG"}) {
    auto found = stores_.users->FindByEmail(typed);
    ASSERT_TRUE(IsOk(found)) << typed;
    EXPECT_EQ(found->id, ana.id) << typed;
    EXPECT_EQ(found->email, "Ana@Example.org") << typed;
  }
}

TEST_F(UserStoreTest, UnknownUserIsNotFound) {
  CreateUser("ana@example.org", "Ana");
  EXPECT_TRUE(HasKind(stores_.users->FindByEmail("bob@example.org"), Kind::kNotFound));
  EXPECT_TRUE(HasKind(stores_.users->FindByEmail(""), Kind::kNotFound));
  EXPECT_TRUE(HasKind(stores_.users->FindById(987654), Kind::kNotFound));
  EXPECT_TRUE(HasKind(stores_.users->PasswordHash(987654), Kind::kNotFound));
}

TEST_F(UserStoreTest, MembershipsAreLoadedWithOrganisationSlugNameAndRole) {
  Organisation beta = CreateOrg("beta", "Beta Solidarité");
  Organisation alpha = CreateOrg("alpha", "Alpha");
  CreateOrg("gamma", "Gamma");  // not a member
  User ana = CreateUser("ana@example.org", "Ana");
  ASSERT_TRUE(IsOk(stores_.users->SetMembership(ana.id, beta.id, Role::kEditor, kT0)));
  ASSERT_TRUE(IsOk(stores_.users->SetMembership(ana.id, alpha.id, Role::kMember, kT0)));

  auto check = [&](const User& u) {
    ASSERT_EQ(u.memberships.size(), 2u);
    // Ordered by organisation name.
    EXPECT_EQ(u.memberships[0].organisation_id, alpha.id);
    EXPECT_EQ(u.memberships[0].organisation_slug, "alpha");
    EXPECT_EQ(u.memberships[0].organisation_name, "Alpha");
    EXPECT_EQ(u.memberships[0].role, Role::kMember);
    EXPECT_EQ(u.memberships[1].organisation_id, beta.id);
    EXPECT_EQ(u.memberships[1].organisation_slug, "beta");
    EXPECT_EQ(u.memberships[1].organisation_name, "Beta Solidarité");
    EXPECT_EQ(u.memberships[1].role, Role::kEditor);
    EXPECT_EQ(u.RoleIn(beta.id), Role::kEditor);
    EXPECT_EQ(u.RoleIn(alpha.id), Role::kMember);
  };
  auto by_id = stores_.users->FindById(ana.id);
  ASSERT_TRUE(IsOk(by_id));
  check(*by_id);
  auto by_email = stores_.users->FindByEmail("ANA@example.org");
  ASSERT_TRUE(IsOk(by_email));
  check(*by_email);
  auto list = stores_.users->List(10, 0);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 1u);
  check(list->front());
}

TEST_F(UserStoreTest, SetMembershipChangesTheRoleOfAnExistingMembership) {
  Organisation org = CreateOrg("iom", "IOM");
  User ana = CreateUser("ana@example.org", "Ana");
  for (Role role : {Role::kMember, Role::kModerator, Role::kEditor}) {
    ASSERT_TRUE(IsOk(stores_.users->SetMembership(ana.id, org.id, role, kT0)));
    auto found = stores_.users->FindById(ana.id);
    ASSERT_TRUE(IsOk(found));
    ASSERT_EQ(found->memberships.size(), 1u) << accounts::ToString(role);
    EXPECT_EQ(found->memberships[0].role, role);
  }
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM memberships"), 1);
}

TEST_F(UserStoreTest, MembershipsOfDifferentUsersAreIndependent) {
  Organisation org = CreateOrg("iom", "IOM");
  User ana = CreateUser("ana@example.org", "Ana");
  User bob = CreateUser("bob@example.org", "Bob");
  ASSERT_TRUE(IsOk(stores_.users->SetMembership(ana.id, org.id, Role::kModerator, kT0)));
  ASSERT_TRUE(IsOk(stores_.users->SetMembership(bob.id, org.id, Role::kMember, kT0)));
  ASSERT_TRUE(IsOk(stores_.users->RemoveMembership(bob.id, org.id)));
  auto a = stores_.users->FindById(ana.id);
  ASSERT_TRUE(IsOk(a));
  EXPECT_EQ(a->RoleIn(org.id), Role::kModerator);
  auto b = stores_.users->FindById(bob.id);
  ASSERT_TRUE(IsOk(b));
  EXPECT_THAT(b->memberships, IsEmpty());
}

TEST_F(UserStoreTest, RemoveMembership) {
  Organisation org = CreateOrg("iom", "IOM");
  Organisation other = CreateOrg("jcwi", "JCWI");
  User ana = CreateUser("ana@example.org", "Ana");
  EXPECT_TRUE(HasKind(stores_.users->RemoveMembership(ana.id, org.id), Kind::kNotFound));

  ASSERT_TRUE(IsOk(stores_.users->SetMembership(ana.id, org.id, Role::kEditor, kT0)));
  ASSERT_TRUE(IsOk(stores_.users->SetMembership(ana.id, other.id, Role::kEditor, kT0)));
  EXPECT_TRUE(IsOk(stores_.users->RemoveMembership(ana.id, org.id)));
  auto found = stores_.users->FindById(ana.id);
  ASSERT_TRUE(IsOk(found));
  ASSERT_EQ(found->memberships.size(), 1u);
  EXPECT_EQ(found->memberships[0].organisation_slug, "jcwi");
  EXPECT_TRUE(HasKind(stores_.users->RemoveMembership(ana.id, org.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(stores_.users->RemoveMembership(987654, other.id), Kind::kNotFound));
}

TEST_F(UserStoreTest, SetMembershipForUnknownUserOrOrganisationFails) {
  Organisation org = CreateOrg("iom", "IOM");
  User ana = CreateUser("ana@example.org", "Ana");
  // The stores' contract names no kind for this; both backends report the
  // broken foreign key the same way.
  Status no_user = stores_.users->SetMembership(987654, org.id, Role::kMember, kT0);
  EXPECT_TRUE(HasKind(no_user, Kind::kInvalidArgument));
  Status no_org = stores_.users->SetMembership(ana.id, 987654, Role::kMember, kT0);
  EXPECT_TRUE(HasKind(no_org, Kind::kInvalidArgument));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM memberships"), 0);
}

TEST_F(UserStoreTest, SetPasswordReplacesTheHashAndTheMustChangeFlag) {
  User ana = CreateUser("ana@example.org", "Ana");
  ASSERT_TRUE(IsOk(stores_.users->SetPassword(ana.id, "$argon2id$new", true, kT0 + 1)));
  auto hash = stores_.users->PasswordHash(ana.id);
  ASSERT_TRUE(IsOk(hash));
  EXPECT_EQ(*hash, "$argon2id$new");
  auto found = stores_.users->FindById(ana.id);
  ASSERT_TRUE(IsOk(found));
  EXPECT_TRUE(found->must_change_password);

  ASSERT_TRUE(IsOk(stores_.users->SetPassword(ana.id, "$argon2id$newer", false, kT0 + 2)));
  EXPECT_EQ(stores_.users->PasswordHash(ana.id).value(), "$argon2id$newer");
  EXPECT_FALSE(stores_.users->FindById(ana.id).value().must_change_password);

  EXPECT_TRUE(HasKind(stores_.users->SetPassword(987654, "x", false, kT0), Kind::kNotFound));
}

TEST_F(UserStoreTest, PasswordHashesAreKeptPerUser) {
  User ana = CreateUser("ana@example.org", "Ana");
  User bob = CreateUser("bob@example.org", "Bob");
  ASSERT_TRUE(IsOk(stores_.users->SetPassword(ana.id, "ana-new", false, kT0)));
  EXPECT_EQ(stores_.users->PasswordHash(ana.id).value(), "ana-new");
  EXPECT_EQ(stores_.users->PasswordHash(bob.id).value(), "hash-of-bob@example.org");
}

TEST_F(UserStoreTest, UpdateProfileChangesNameLocaleAndAdminOnly) {
  User ana = CreateUser("ana@example.org", "Ana");
  User changed = ana;
  changed.name = "Ana María Núñez";
  changed.locale = "fr";
  changed.is_admin = true;
  changed.email = "someone-else@example.org";  // not changed by UpdateProfile
  changed.must_change_password = true;         // nor this
  changed.created_at = 1;                      // nor this
  ASSERT_TRUE(IsOk(stores_.users->UpdateProfile(changed, kT0 + 10)));
  auto found = stores_.users->FindById(ana.id);
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->name, "Ana María Núñez");
  EXPECT_EQ(found->locale, "fr");
  EXPECT_TRUE(found->is_admin);
  EXPECT_EQ(found->email, "ana@example.org");
  EXPECT_FALSE(found->must_change_password);
  EXPECT_EQ(found->created_at, kT0);
  EXPECT_EQ(stores_.users->PasswordHash(ana.id).value(), "hash-of-ana@example.org");

  changed.is_admin = false;
  ASSERT_TRUE(IsOk(stores_.users->UpdateProfile(changed, kT0 + 11)));
  EXPECT_FALSE(stores_.users->FindById(ana.id).value().is_admin);

  User ghost = ana;
  ghost.id = 987654;
  EXPECT_TRUE(HasKind(stores_.users->UpdateProfile(ghost, kT0), Kind::kNotFound));
}

TEST_F(UserStoreTest, ListIsOrderedByNameWithLimitAndOffset) {
  CreateUser("c@example.org", "Carmen");
  CreateUser("a@example.org", "Ana");
  CreateUser("b@example.org", "Bruno");
  CreateUser("a2@example.org", "Ana");  // same name: the older first
  auto all = stores_.users->List(10, 0);
  ASSERT_TRUE(IsOk(all));
  EXPECT_THAT(Emails(*all), ElementsAre("a@example.org", "a2@example.org", "b@example.org", "c@example.org"));
  auto page = stores_.users->List(2, 1);
  ASSERT_TRUE(IsOk(page));
  EXPECT_THAT(Emails(*page), ElementsAre("a2@example.org", "b@example.org"));
  auto beyond = stores_.users->List(2, 4);
  ASSERT_TRUE(IsOk(beyond));
  EXPECT_THAT(*beyond, IsEmpty());
}

// --- Sessions ----------------------------------------------------------------

using SessionStoreTest = StoresTest;

TEST_F(SessionStoreTest, CreateThenFindReturnsEveryField) {
  User ana = CreateUser("ana@example.org", "Ana");
  Session s = MakeSession("hash-1", ana.id, kT0 + 3600'000);
  s.created_at = kT0 + 1;
  s.last_seen_at = kT0 + 2;
  ASSERT_TRUE(IsOk(stores_.sessions->Create(s)));
  auto found = stores_.sessions->Find("hash-1", kT0 + 10);
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->id_hash, "hash-1");
  EXPECT_EQ(found->user_id, ana.id);
  EXPECT_EQ(found->csrf_token, "csrf-hash-1");
  EXPECT_EQ(found->created_at, kT0 + 1);
  EXPECT_EQ(found->expires_at, kT0 + 3600'000);
  EXPECT_EQ(found->last_seen_at, kT0 + 2);
}

TEST_F(SessionStoreTest, UnknownSessionIsNotFound) {
  User ana = CreateUser("ana@example.org", "Ana");
  ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession("hash-1", ana.id, kT0 + 1000))));
  EXPECT_TRUE(HasKind(stores_.sessions->Find("hash-2", kT0), Kind::kNotFound));
  EXPECT_TRUE(HasKind(stores_.sessions->Find("", kT0), Kind::kNotFound));
}

TEST_F(SessionStoreTest, ExpiredSessionIsNotFoundFromItsExpiryOn) {
  User ana = CreateUser("ana@example.org", "Ana");
  const TimestampMs expires = kT0 + 1000;
  ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession("hash-1", ana.id, expires))));
  EXPECT_TRUE(IsOk(stores_.sessions->Find("hash-1", expires - 1)));
  EXPECT_TRUE(HasKind(stores_.sessions->Find("hash-1", expires), Kind::kNotFound));
  EXPECT_TRUE(HasKind(stores_.sessions->Find("hash-1", expires + 1), Kind::kNotFound));
  // Still stored until deleted: a lookup in the past finds it.
  EXPECT_TRUE(IsOk(stores_.sessions->Find("hash-1", kT0)));
}

TEST_F(SessionStoreTest, DuplicateIdIsConflict) {
  User ana = CreateUser("ana@example.org", "Ana");
  ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession("hash-1", ana.id, kT0 + 1000))));
  EXPECT_TRUE(HasKind(stores_.sessions->Create(MakeSession("hash-1", ana.id, kT0 + 2000)), Kind::kConflict));
  EXPECT_EQ(stores_.sessions->Find("hash-1", kT0).value().expires_at, kT0 + 1000);
}

TEST_F(SessionStoreTest, SessionForUnknownUserIsRejected) {
  Status s = stores_.sessions->Create(MakeSession("hash-1", 987654, kT0 + 1000));
  EXPECT_TRUE(HasKind(s, Kind::kInvalidArgument));
  EXPECT_TRUE(HasKind(stores_.sessions->Find("hash-1", kT0), Kind::kNotFound));
}

TEST_F(SessionStoreTest, TouchUpdatesLastSeenOnlyOfThatSession) {
  User ana = CreateUser("ana@example.org", "Ana");
  ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession("hash-1", ana.id, kT0 + 100'000))));
  ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession("hash-2", ana.id, kT0 + 100'000))));
  ASSERT_TRUE(IsOk(stores_.sessions->Touch("hash-1", kT0 + 5000)));
  auto one = stores_.sessions->Find("hash-1", kT0 + 6000);
  ASSERT_TRUE(IsOk(one));
  EXPECT_EQ(one->last_seen_at, kT0 + 5000);
  EXPECT_EQ(one->expires_at, kT0 + 100'000);  // touching does not extend the session
  auto two = stores_.sessions->Find("hash-2", kT0 + 6000);
  ASSERT_TRUE(IsOk(two));
  EXPECT_EQ(two->last_seen_at, kT0);
}

TEST_F(SessionStoreTest, DeleteRemovesOnlyThatSession) {
  User ana = CreateUser("ana@example.org", "Ana");
  ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession("hash-1", ana.id, kT0 + 100'000))));
  ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession("hash-2", ana.id, kT0 + 100'000))));
  ASSERT_TRUE(IsOk(stores_.sessions->Delete("hash-1")));
  EXPECT_TRUE(HasKind(stores_.sessions->Find("hash-1", kT0), Kind::kNotFound));
  EXPECT_TRUE(IsOk(stores_.sessions->Find("hash-2", kT0)));
  // Deleting again, or an unknown session, is not an error (sign-out is idempotent).
  EXPECT_TRUE(IsOk(stores_.sessions->Delete("hash-1")));
  EXPECT_TRUE(IsOk(stores_.sessions->Delete("never-existed")));
}

TEST_F(SessionStoreTest, DeleteForUserEndsEverySessionOfThatUserOnly) {
  User ana = CreateUser("ana@example.org", "Ana");
  User bob = CreateUser("bob@example.org", "Bob");
  for (const char* h : {"ana-1", "ana-2"}) {
    ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession(h, ana.id, kT0 + 100'000))));
  }
  ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession("bob-1", bob.id, kT0 + 100'000))));
  auto ended = stores_.sessions->DeleteForUser(ana.id);
  ASSERT_TRUE(IsOk(ended));
  EXPECT_EQ(*ended, 2);
  EXPECT_TRUE(HasKind(stores_.sessions->Find("ana-1", kT0), Kind::kNotFound));
  EXPECT_TRUE(HasKind(stores_.sessions->Find("ana-2", kT0), Kind::kNotFound));
  EXPECT_TRUE(IsOk(stores_.sessions->Find("bob-1", kT0)));
  EXPECT_EQ(stores_.sessions->DeleteForUser(ana.id).value(), 0);
}

TEST_F(SessionStoreTest, DeleteExpiredRemovesExactlyTheExpiredAndCountsThem) {
  User ana = CreateUser("ana@example.org", "Ana");
  User bob = CreateUser("bob@example.org", "Bob");
  ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession("old-1", ana.id, kT0 + 1000))));
  ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession("old-2", bob.id, kT0 + 2000))));
  ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession("edge", ana.id, kT0 + 3000))));
  ASSERT_TRUE(IsOk(stores_.sessions->Create(MakeSession("live", bob.id, kT0 + 3001))));

  auto none = stores_.sessions->DeleteExpired(kT0);
  ASSERT_TRUE(IsOk(none));
  EXPECT_EQ(*none, 0);
  auto removed = stores_.sessions->DeleteExpired(kT0 + 3000);  // expires_at == now counts as expired
  ASSERT_TRUE(IsOk(removed));
  EXPECT_EQ(*removed, 3);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_TRUE(IsOk(stores_.sessions->Find("live", kT0)));
  for (const char* gone : {"old-1", "old-2", "edge"}) {
    EXPECT_TRUE(HasKind(stores_.sessions->Find(gone, kT0), Kind::kNotFound)) << gone;
  }
  auto again = stores_.sessions->DeleteExpired(kT0 + 3000);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(*again, 0);
}

// --- API tokens --------------------------------------------------------------

using TokenStoreTest = StoresTest;

TEST_F(TokenStoreTest, CreateThenFindActiveByHash) {
  User ana = CreateUser("ana@example.org", "Ana");
  auto created = stores_.tokens->Create(ana.id, "Jeunesse en Détresse sync", "th-1", kT0 + 5);
  ASSERT_TRUE(IsOk(created));
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->user_id, ana.id);
  EXPECT_EQ(created->name, "Jeunesse en Détresse sync");
  EXPECT_EQ(created->created_at, kT0 + 5);
  EXPECT_EQ(created->last_used_at, std::nullopt);
  EXPECT_EQ(created->revoked_at, std::nullopt);

  auto found = stores_.tokens->FindActiveByHash("th-1");
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->id, created->id);
  EXPECT_EQ(found->user_id, ana.id);
  EXPECT_EQ(found->name, "Jeunesse en Détresse sync");
  EXPECT_EQ(found->created_at, kT0 + 5);
  EXPECT_EQ(found->last_used_at, std::nullopt);
  EXPECT_EQ(found->revoked_at, std::nullopt);

  EXPECT_TRUE(HasKind(stores_.tokens->FindActiveByHash("th-2"), Kind::kNotFound));
  EXPECT_TRUE(HasKind(stores_.tokens->FindActiveByHash("TH-1"), Kind::kNotFound));
}

TEST_F(TokenStoreTest, DuplicateHashIsConflict) {
  User ana = CreateUser("ana@example.org", "Ana");
  ASSERT_TRUE(IsOk(stores_.tokens->Create(ana.id, "a", "th-1", kT0)));
  EXPECT_TRUE(HasKind(stores_.tokens->Create(ana.id, "b", "th-1", kT0), Kind::kConflict));
}

TEST_F(TokenStoreTest, MarkUsedRecordsLastUse) {
  User ana = CreateUser("ana@example.org", "Ana");
  auto created = stores_.tokens->Create(ana.id, "ci", "th-1", kT0);
  ASSERT_TRUE(IsOk(created));
  ASSERT_TRUE(IsOk(stores_.tokens->MarkUsed(created->id, kT0 + 100)));
  auto found = stores_.tokens->FindActiveByHash("th-1");
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->last_used_at, std::optional<TimestampMs>(kT0 + 100));
  ASSERT_TRUE(IsOk(stores_.tokens->MarkUsed(created->id, kT0 + 200)));
  EXPECT_EQ(stores_.tokens->FindActiveByHash("th-1").value().last_used_at,
            std::optional<TimestampMs>(kT0 + 200));
}

TEST_F(TokenStoreTest, RevokedTokenIsNotFoundButStillListed) {
  User ana = CreateUser("ana@example.org", "Ana");
  auto created = stores_.tokens->Create(ana.id, "ci", "th-1", kT0);
  ASSERT_TRUE(IsOk(created));
  ASSERT_TRUE(IsOk(stores_.tokens->Revoke(created->id, ana.id, kT0 + 50)));
  EXPECT_TRUE(HasKind(stores_.tokens->FindActiveByHash("th-1"), Kind::kNotFound));
  // Revoking twice: no longer active.
  EXPECT_TRUE(HasKind(stores_.tokens->Revoke(created->id, ana.id, kT0 + 60), Kind::kNotFound));
  auto listed = stores_.tokens->ListForUser(ana.id);
  ASSERT_TRUE(IsOk(listed));
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().revoked_at, std::optional<TimestampMs>(kT0 + 50));
}

TEST_F(TokenStoreTest, RevokeByAnotherUserIsNotFoundAndLeavesTheTokenActive) {
  User ana = CreateUser("ana@example.org", "Ana");
  User bob = CreateUser("bob@example.org", "Bob");
  auto created = stores_.tokens->Create(ana.id, "ci", "th-1", kT0);
  ASSERT_TRUE(IsOk(created));
  EXPECT_TRUE(HasKind(stores_.tokens->Revoke(created->id, bob.id, kT0), Kind::kNotFound));
  EXPECT_TRUE(HasKind(stores_.tokens->Revoke(987654, ana.id, kT0), Kind::kNotFound));
  auto found = stores_.tokens->FindActiveByHash("th-1");
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->revoked_at, std::nullopt);
}

TEST_F(TokenStoreTest, RevokeAllForUserRevokesOnlyTheirActiveTokens) {
  User ana = CreateUser("ana@example.org", "Ana");
  User bob = CreateUser("bob@example.org", "Bob");
  auto old = stores_.tokens->Create(ana.id, "old", "th-old", kT0);
  ASSERT_TRUE(IsOk(old));
  ASSERT_TRUE(IsOk(stores_.tokens->Revoke(old->id, ana.id, kT0 + 1)));
  ASSERT_TRUE(IsOk(stores_.tokens->Create(ana.id, "ci", "th-1", kT0)));
  ASSERT_TRUE(IsOk(stores_.tokens->Create(ana.id, "cd", "th-2", kT0)));
  ASSERT_TRUE(IsOk(stores_.tokens->Create(bob.id, "bob", "th-bob", kT0)));
  auto revoked = stores_.tokens->RevokeAllForUser(ana.id, kT0 + 50);
  ASSERT_TRUE(IsOk(revoked));
  EXPECT_EQ(*revoked, 2);
  EXPECT_TRUE(HasKind(stores_.tokens->FindActiveByHash("th-1"), Kind::kNotFound));
  EXPECT_TRUE(HasKind(stores_.tokens->FindActiveByHash("th-2"), Kind::kNotFound));
  EXPECT_TRUE(IsOk(stores_.tokens->FindActiveByHash("th-bob")));
  auto listed = stores_.tokens->ListForUser(ana.id);
  ASSERT_TRUE(IsOk(listed));
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ(listed->at(0).revoked_at, std::optional<TimestampMs>(kT0 + 1)) << "earlier revocations stay";
  EXPECT_EQ(listed->at(1).revoked_at, std::optional<TimestampMs>(kT0 + 50));
}

TEST_F(TokenStoreTest, ListForUserInCreationOrderAndOnlyTheirs) {
  User ana = CreateUser("ana@example.org", "Ana");
  User bob = CreateUser("bob@example.org", "Bob");
  User cleo = CreateUser("cleo@example.org", "Cleo");
  // Names deliberately out of alphabetical order, created_at out of order too.
  auto t1 = stores_.tokens->Create(ana.id, "zeta", "th-1", kT0 + 30);
  auto t2 = stores_.tokens->Create(bob.id, "bob's", "th-2", kT0 + 20);
  auto t3 = stores_.tokens->Create(ana.id, "alpha", "th-3", kT0 + 10);
  ASSERT_TRUE(IsOk(t1));
  ASSERT_TRUE(IsOk(t2));
  ASSERT_TRUE(IsOk(t3));
  ASSERT_TRUE(IsOk(stores_.tokens->MarkUsed(t3->id, kT0 + 40)));

  auto anas = stores_.tokens->ListForUser(ana.id);
  ASSERT_TRUE(IsOk(anas));
  ASSERT_EQ(anas->size(), 2u);
  EXPECT_EQ((*anas)[0].id, t1->id);
  EXPECT_EQ((*anas)[0].name, "zeta");
  EXPECT_EQ((*anas)[0].created_at, kT0 + 30);
  EXPECT_EQ((*anas)[0].last_used_at, std::nullopt);
  EXPECT_EQ((*anas)[1].id, t3->id);
  EXPECT_EQ((*anas)[1].last_used_at, std::optional<TimestampMs>(kT0 + 40));
  for (const ApiToken& t : *anas) EXPECT_EQ(t.user_id, ana.id);

  auto bobs = stores_.tokens->ListForUser(bob.id);
  ASSERT_TRUE(IsOk(bobs));
  ASSERT_EQ(bobs->size(), 1u);
  EXPECT_EQ(bobs->front().name, "bob's");

  auto cleos = stores_.tokens->ListForUser(cleo.id);
  ASSERT_TRUE(IsOk(cleos));
  EXPECT_THAT(*cleos, IsEmpty());
}

// --- Sign-in throttling ------------------------------------------------------

using ThrottleStoreTest = StoresTest;

TEST_F(ThrottleStoreTest, FailuresSinceCountsFromSinceInclusiveWithTheOldest) {
  const std::string key = "account:ana@example.org";
  for (TimestampMs at : {kT0 + 300, kT0 + 100, kT0 + 200}) {
    ASSERT_TRUE(IsOk(stores_.throttle->RecordFailure(key, at)));
  }
  auto all = stores_.throttle->FailuresSince(key, kT0);
  ASSERT_TRUE(IsOk(all));
  EXPECT_EQ(all->count, 3);
  EXPECT_EQ(all->oldest, kT0 + 100);

  auto from_first = stores_.throttle->FailuresSince(key, kT0 + 100);  // at or after
  ASSERT_TRUE(IsOk(from_first));
  EXPECT_EQ(from_first->count, 3);
  EXPECT_EQ(from_first->oldest, kT0 + 100);

  auto later = stores_.throttle->FailuresSince(key, kT0 + 101);
  ASSERT_TRUE(IsOk(later));
  EXPECT_EQ(later->count, 2);
  EXPECT_EQ(later->oldest, kT0 + 200);

  auto none = stores_.throttle->FailuresSince(key, kT0 + 301);
  ASSERT_TRUE(IsOk(none));
  EXPECT_EQ(none->count, 0);
}

TEST_F(ThrottleStoreTest, UnknownKeyHasNoFailures) {
  auto w = stores_.throttle->FailuresSince("addr:192.0.2.1", 0);
  ASSERT_TRUE(IsOk(w));
  EXPECT_EQ(w->count, 0);
}

TEST_F(ThrottleStoreTest, FailuresAtTheSameInstantAllCount) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(IsOk(stores_.throttle->RecordFailure("addr:192.0.2.1", kT0)));
  auto w = stores_.throttle->FailuresSince("addr:192.0.2.1", kT0);
  ASSERT_TRUE(IsOk(w));
  EXPECT_EQ(w->count, 3);
  EXPECT_EQ(w->oldest, kT0);
}

TEST_F(ThrottleStoreTest, KeysAreIndependentAndClearRemovesOneKey) {
  const std::string ana = "account:ana@example.org";
  const std::string addr = "addr:192.0.2.1";
  ASSERT_TRUE(IsOk(stores_.throttle->RecordFailure(ana, kT0)));
  ASSERT_TRUE(IsOk(stores_.throttle->RecordFailure(ana, kT0 + 1)));
  ASSERT_TRUE(IsOk(stores_.throttle->RecordFailure(addr, kT0 + 2)));
  EXPECT_EQ(stores_.throttle->FailuresSince(ana, 0).value().count, 2);
  EXPECT_EQ(stores_.throttle->FailuresSince(addr, 0).value().count, 1);
  // Keys are exact, not case-folded or prefix-matched.
  EXPECT_EQ(stores_.throttle->FailuresSince("account:ANA@example.org", 0).value().count, 0);
  EXPECT_EQ(stores_.throttle->FailuresSince("account:", 0).value().count, 0);

  ASSERT_TRUE(IsOk(stores_.throttle->Clear(ana)));
  EXPECT_EQ(stores_.throttle->FailuresSince(ana, 0).value().count, 0);
  EXPECT_EQ(stores_.throttle->FailuresSince(addr, 0).value().count, 1);
  EXPECT_TRUE(IsOk(stores_.throttle->Clear("account:nobody@example.org")));  // nothing to clear
}

TEST_F(ThrottleStoreTest, PruneDropsRecordsOlderThanBeforeForEveryKey) {
  for (TimestampMs at : {kT0 + 100, kT0 + 200, kT0 + 300}) {
    ASSERT_TRUE(IsOk(stores_.throttle->RecordFailure("k1", at)));
    ASSERT_TRUE(IsOk(stores_.throttle->RecordFailure("k2", at)));
  }
  ASSERT_TRUE(IsOk(stores_.throttle->Prune(kT0 + 200)));  // strictly older than 200 go
  for (const char* key : {"k1", "k2"}) {
    auto w = stores_.throttle->FailuresSince(key, 0);
    ASSERT_TRUE(IsOk(w));
    EXPECT_EQ(w->count, 2) << key;
    EXPECT_EQ(w->oldest, kT0 + 200) << key;
  }
  ASSERT_TRUE(IsOk(stores_.throttle->Prune(kT0 + 1000)));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM signin_failures"), 0);
}

TEST_F(ThrottleStoreTest, AdmitRecordsEveryKeyWhenDecideAgreesAndNothingWhenItRefuses) {
  std::vector<ThrottleStore::Window> seen;
  auto keep = [&](const std::vector<ThrottleStore::Window>& w) {
    seen = w;
    return Status::Ok();
  };
  ASSERT_TRUE(IsOk(stores_.throttle->RecordFailure("k1", kT0)));
  ASSERT_TRUE(IsOk(stores_.throttle->Admit({"k1", "k2"}, kT0, kT0 + 10, "attempt-1", keep)));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].count, 1);
  EXPECT_EQ(seen[0].oldest, kT0);
  EXPECT_EQ(seen[1].count, 0);
  EXPECT_EQ(stores_.throttle->FailuresSince("k1", 0).value().count, 2);
  EXPECT_EQ(stores_.throttle->FailuresSince("k2", 0).value().count, 1);
  EXPECT_EQ(stores_.throttle->FailuresSince("k2", 0).value().oldest, kT0 + 10);

  // Windows start at `since`.
  ASSERT_TRUE(IsOk(stores_.throttle->Admit({"k1"}, kT0 + 1, kT0 + 20, "attempt-2", keep)));
  EXPECT_EQ(seen[0].count, 1);
  EXPECT_EQ(seen[0].oldest, kT0 + 10);

  auto refuse = [](const std::vector<ThrottleStore::Window>&) { return Status::TooManyRequests("no", 7); };
  Status refused = stores_.throttle->Admit({"k1", "k2"}, kT0, kT0 + 30, "attempt-3", refuse);
  EXPECT_TRUE(HasKind(refused, Kind::kTooManyRequests));
  EXPECT_EQ(refused.retry_after_seconds(), 7);
  EXPECT_EQ(stores_.throttle->FailuresSince("k1", 0).value().count, 3);
  EXPECT_EQ(stores_.throttle->FailuresSince("k2", 0).value().count, 1);
}

TEST_F(ThrottleStoreTest, ForgetRemovesTheRecordsOfOneAttemptOnly) {
  auto ok = [](const std::vector<ThrottleStore::Window>&) { return Status::Ok(); };
  ASSERT_TRUE(IsOk(stores_.throttle->RecordFailure("addr:192.0.2.1", kT0)));
  ASSERT_TRUE(IsOk(stores_.throttle->Admit({"addr:192.0.2.1", "account:ana"}, 0, kT0 + 1, "a1", ok)));
  ASSERT_TRUE(IsOk(stores_.throttle->Admit({"addr:192.0.2.1", "account:ana"}, 0, kT0 + 2, "a2", ok)));
  ASSERT_TRUE(IsOk(stores_.throttle->Forget("a2")));
  EXPECT_EQ(stores_.throttle->FailuresSince("addr:192.0.2.1", 0).value().count, 2);
  EXPECT_EQ(stores_.throttle->FailuresSince("account:ana", 0).value().count, 1);
  EXPECT_TRUE(IsOk(stores_.throttle->Forget("never")));
}

// Regression (probe F6): the limit was read, and the failure recorded later,
// so concurrent attempts all saw room under it. Admit decides one caller at a
// time per key, here from two connection pools as two server instances would.
TEST_F(ThrottleStoreTest, ConcurrentAdmitsFromTwoPoolsNeverPassTheLimit) {
  auto other_db = test_db().OpenAnother();
  ASSERT_TRUE(IsOk(other_db));
  storage::AccountStores other(**other_db);
  ThrottleStore* instances[2] = {stores_.throttle, other.stores().throttle};
  constexpr int kThreads = 24;
  constexpr int kLimit = 5;
  std::atomic<int> admitted{0}, refused{0}, failed{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      Status s = instances[i % 2]->Admit(
          {"pair:192.0.2.1 ana", "addr:192.0.2.1"}, kT0, kT0 + i, "t" + std::to_string(i),
          [&](const std::vector<ThrottleStore::Window>& w) {
            return w[0].count < kLimit ? Status::Ok() : Status::TooManyRequests("full", 1);
          });
      if (s.ok()) {
        ++admitted;
      } else if (s.kind() == Kind::kTooManyRequests) {
        ++refused;
      } else {
        ++failed;
        ADD_FAILURE() << Describe(s);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), kLimit);
  EXPECT_EQ(refused.load(), kThreads - kLimit);
  EXPECT_EQ(stores_.throttle->FailuresSince("pair:192.0.2.1 ana", 0).value().count, kLimit);
}

// --- Audit log ---------------------------------------------------------------

using AuditLogTest = StoresTest;

AuditEntry MakeEntry(TimestampMs at, const std::string& action, const std::string& type,
                     const std::string& id) {
  AuditEntry e;
  e.at = at;
  e.actor_user_id = 7;
  e.actor_label = "user:7";
  e.action = action;
  e.entity_type = type;
  e.entity_id = id;
  e.request_id = "req-" + std::to_string(at);
  return e;
}

TEST_F(AuditLogTest, RecordRoundTripsEveryFieldAndDetails) {
  AuditEntry e = MakeEntry(kT0 + 1, "organisation.update", "organisation", "jed");
  e.details = {
      {"name", "Jeunesse en Détresse"},
      {"quotes", "it's \"quoted\" and 'single'"},
      {"backslash", "C:\\path\\n is not a newline"},
      {"newline", "line 1\nline 2\ttab"},
      {"json-ish", "{\"a\": [1, 2]}"},
      {"unicode", "移民 — مهاجر — 🌍"},
      {"empty", ""},
      {"key with spaces & ünïcode", "v"},
  };
  ASSERT_TRUE(IsOk(stores_.audit->Record(e)));
  auto list = stores_.audit->List(10, "", "");
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 1u);
  const AuditEntry& got = list->front();
  EXPECT_GT(got.id, 0);
  EXPECT_EQ(got.at, kT0 + 1);
  EXPECT_EQ(got.actor_user_id, std::optional<Id>(7));
  EXPECT_EQ(got.actor_label, "user:7");
  EXPECT_EQ(got.action, "organisation.update");
  EXPECT_EQ(got.entity_type, "organisation");
  EXPECT_EQ(got.entity_id, "jed");
  EXPECT_EQ(got.request_id, "req-" + std::to_string(kT0 + 1));
  EXPECT_EQ(got.details, e.details);
}

TEST_F(AuditLogTest, NullActorAndEmptyDetailsRoundTrip) {
  AuditEntry e = MakeEntry(kT0, "session.signin_failed", "account", "nobody@example.org");
  e.actor_user_id = std::nullopt;
  e.actor_label = "anonymous";
  e.request_id = "";
  ASSERT_TRUE(IsOk(stores_.audit->Record(e)));
  auto list = stores_.audit->List(10, "", "");
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().actor_user_id, std::nullopt);
  EXPECT_EQ(list->front().actor_label, "anonymous");
  EXPECT_EQ(list->front().request_id, "");
  EXPECT_THAT(list->front().details, IsEmpty());
}

TEST_F(AuditLogTest, ListIsNewestFirstAndLimited) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(IsOk(stores_.audit->Record(MakeEntry(kT0 + i, "a" + std::to_string(i), "user", "1"))));
  }
  auto all = stores_.audit->List(100, "", "");
  ASSERT_TRUE(IsOk(all));
  std::vector<std::string> actions;
  for (const auto& e : *all) actions.push_back(e.action);
  EXPECT_THAT(actions, ElementsAre("a4", "a3", "a2", "a1", "a0"));
  for (std::size_t i = 1; i < all->size(); ++i) EXPECT_GT((*all)[i - 1].id, (*all)[i].id);

  auto two = stores_.audit->List(2, "", "");
  ASSERT_TRUE(IsOk(two));
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].action, "a4");
  EXPECT_EQ((*two)[1].action, "a3");
}

TEST_F(AuditLogTest, ListFiltersByEntity) {
  ASSERT_TRUE(IsOk(stores_.audit->Record(MakeEntry(kT0 + 1, "organisation.create", "organisation", "jed"))));
  ASSERT_TRUE(IsOk(stores_.audit->Record(MakeEntry(kT0 + 2, "organisation.create", "organisation", "iom"))));
  ASSERT_TRUE(IsOk(stores_.audit->Record(MakeEntry(kT0 + 3, "user.create", "user", "jed"))));
  ASSERT_TRUE(IsOk(stores_.audit->Record(MakeEntry(kT0 + 4, "organisation.update", "organisation", "jed"))));

  auto jed = stores_.audit->List(10, "organisation", "jed");
  ASSERT_TRUE(IsOk(jed));
  ASSERT_EQ(jed->size(), 2u);
  EXPECT_EQ((*jed)[0].action, "organisation.update");
  EXPECT_EQ((*jed)[1].action, "organisation.create");
  for (const auto& e : *jed) {
    EXPECT_EQ(e.entity_type, "organisation");
    EXPECT_EQ(e.entity_id, "jed");
  }
  auto limited = stores_.audit->List(1, "organisation", "jed");
  ASSERT_TRUE(IsOk(limited));
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ(limited->front().action, "organisation.update");

  auto none = stores_.audit->List(10, "organisation", "nobody");
  ASSERT_TRUE(IsOk(none));
  EXPECT_THAT(*none, IsEmpty());
}

// --- Thread safety -------------------------------------------------------------

TEST_F(StoresTest, ConcurrentWritesThroughOnePoolAllLand) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::barrier start(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        if (!stores_.throttle->RecordFailure("addr:192.0.2.1", kT0 + i).ok()) ++failures;
        AuditEntry e = MakeEntry(kT0 + i, "t" + std::to_string(t), "thread", std::to_string(t));
        if (!stores_.audit->Record(e).ok()) ++failures;
        if (!stores_.organisations
                 ->Create(MakeOrg("org-" + std::to_string(t) + "-" + std::to_string(i), "Org"))
                 .ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(stores_.throttle->FailuresSince("addr:192.0.2.1", 0).value().count, kThreads * kPerThread);
  EXPECT_EQ(stores_.organisations->Count().value(), kThreads * kPerThread);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log"), kThreads * kPerThread);
}

// --- Migrations ----------------------------------------------------------------

class MigrationTest : public BackendTest {
 protected:
  bool MigrateInSetUp() const override { return false; }

  std::int64_t AppliedCount() { return CountRows("SELECT COUNT(*) FROM schema_migrations"); }

  // A migration after the embedded ones, so that it is pending.
  static storage::Migration Extra(const std::string& text) {
    storage::Migration m;
    m.version = storage::AllMigrations().back().version + 1;
    m.name = "conformance_extra";
    m.text = text;
    m.checksum = crypto::Sha256Hex(text);
    return m;
  }
};

TEST_F(MigrationTest, EmbeddedMigrationsAreOrderedAndChecksummed) {
  const auto& all = storage::AllMigrations();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().version, 1);
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) {
      EXPECT_GT(all[i].version, all[i - 1].version);
    }
    EXPECT_FALSE(all[i].name.empty());
    EXPECT_EQ(all[i].checksum, crypto::Sha256Hex(all[i].text));
  }
}

TEST_F(MigrationTest, MigrateAppliesEverythingOnceThenNothing) {
  const auto& all = storage::AllMigrations();
  auto first = storage::Migrate(db(), clock_);
  ASSERT_TRUE(IsOk(first));
  EXPECT_EQ(first->applied, static_cast<int>(all.size()));
  EXPECT_EQ(first->current_version, all.back().version);
  EXPECT_EQ(AppliedCount(), static_cast<std::int64_t>(all.size()));

  auto second = storage::Migrate(db(), clock_);
  ASSERT_TRUE(IsOk(second));
  EXPECT_EQ(second->applied, 0);
  EXPECT_EQ(second->current_version, all.back().version);
  EXPECT_EQ(AppliedCount(), static_cast<std::int64_t>(all.size()));

  // The recorded rows name each migration with its checksum and the time.
  auto rows = sql::WithConnection<std::vector<sql::Row>>(db(), [](sql::Connection& c) {
    return c.Query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version", {});
  });
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ((*rows)[i].Int(0), all[i].version);
    EXPECT_EQ((*rows)[i].Text(1), all[i].name);
    EXPECT_EQ((*rows)[i].Text(2), all[i].checksum);
    EXPECT_EQ((*rows)[i].Int(3), clock_.NowMs());
  }
}

TEST_F(MigrationTest, MigrateFromAnotherPoolSeesTheAppliedMigrations) {
  ASSERT_TRUE(IsOk(storage::Migrate(db(), clock_)));
  auto other = test_db().OpenAnother();
  ASSERT_TRUE(IsOk(other));
  auto again = storage::Migrate(**other, clock_);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(again->applied, 0);
}

TEST_F(MigrationTest, NewMigrationIsAppliedAlone) {
  ASSERT_TRUE(IsOk(storage::Migrate(db(), clock_)));
  std::vector<storage::Migration> list = storage::AllMigrations();
  list.push_back(Extra("CREATE TABLE wm_conf_extra (id {{id}}, note TEXT NOT NULL);"));
  auto report = storage::Migrate(db(), clock_, list);
  ASSERT_TRUE(IsOk(report));
  EXPECT_EQ(report->applied, 1);
  EXPECT_EQ(report->current_version, list.back().version);
  // {{id}} was expanded to an auto-increment key on this backend.
  auto inserted = sql::WithConnection<std::vector<sql::Row>>(db(), [](sql::Connection& c) {
    return c.Query("INSERT INTO wm_conf_extra(note) VALUES ($1), ($2) RETURNING id",
                   {std::string("a"), std::string("b")});
  });
  ASSERT_TRUE(IsOk(inserted));
  ASSERT_EQ(inserted->size(), 2u);
  EXPECT_NE((*inserted)[0].Int(0), (*inserted)[1].Int(0));
  EXPECT_EQ(AppliedCount(), static_cast<std::int64_t>(list.size()));
}

TEST_F(MigrationTest, EditedAppliedMigrationIsAnError) {
  ASSERT_TRUE(IsOk(storage::Migrate(db(), clock_)));
  std::vector<storage::Migration> edited = storage::AllMigrations();
  edited.front().text += "\n-- an innocent-looking comment\n";
  edited.front().checksum = crypto::Sha256Hex(edited.front().text);
  auto report = storage::Migrate(db(), clock_, edited);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("edited"), std::string::npos) << Describe(report.status());
  EXPECT_NE(report.status().message().find(std::to_string(edited.front().version)), std::string::npos)
      << Describe(report.status());
  EXPECT_EQ(AppliedCount(), static_cast<std::int64_t>(storage::AllMigrations().size()));
}

TEST_F(MigrationTest, ASupersededTextIsBroughtInLineWithoutRunningAnything) {
  // A released binary applied a migration whose text was later edited in
  // place (it also added a column); the fixed text moves that column to a
  // migration of its own and lists the old text as superseded.
  std::vector<storage::Migration> released = storage::AllMigrations();
  released.push_back(Extra("CREATE TABLE wm_conf_runs (id {{id}}, beat BIGINT NOT NULL DEFAULT 0);"));
  ASSERT_TRUE(IsOk(storage::Migrate(db(), clock_, released)));

  std::vector<storage::Migration> fixed = storage::AllMigrations();
  storage::Migration table = Extra("CREATE TABLE wm_conf_runs (id {{id}});");
  storage::Migration column = Extra("ALTER TABLE wm_conf_runs ADD COLUMN beat BIGINT NOT NULL DEFAULT 0;");
  column.version = table.version + 1;
  column.name = "conformance_column";
  table.superseded.push_back({released.back().checksum, {column.version}});
  fixed.push_back(table);
  fixed.push_back(column);
  auto report = storage::Migrate(db(), clock_, fixed);
  ASSERT_TRUE(IsOk(report));
  EXPECT_EQ(report->applied, 0);
  EXPECT_EQ(report->current_version, column.version);
  EXPECT_EQ(AppliedCount(), static_cast<std::int64_t>(fixed.size()));
  auto recorded = sql::WithConnection<std::vector<sql::Row>>(db(), [&](sql::Connection& c) {
    return c.Query("SELECT version, checksum FROM schema_migrations WHERE version >= $1 ORDER BY version",
                   {static_cast<std::int64_t>(table.version)});
  });
  ASSERT_TRUE(IsOk(recorded));
  ASSERT_EQ(recorded->size(), 2u);
  EXPECT_EQ((*recorded)[0].Text(1), table.checksum);
  EXPECT_EQ((*recorded)[1].Text(1), column.checksum);
  // And again: nothing left to do.
  auto again = storage::Migrate(db(), clock_, fixed);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(again->applied, 0);
}

TEST_F(MigrationTest, EditedMigrationStopsEvenWhenAnotherIsPending) {
  ASSERT_TRUE(IsOk(storage::Migrate(db(), clock_)));
  std::vector<storage::Migration> list = storage::AllMigrations();
  list.front().text += " ";
  list.front().checksum = crypto::Sha256Hex(list.front().text);
  list.push_back(Extra("CREATE TABLE wm_conf_extra (id {{id}});"));
  auto report = storage::Migrate(db(), clock_, list);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("edited"), std::string::npos) << Describe(report.status());
  EXPECT_EQ(AppliedCount(), static_cast<std::int64_t>(storage::AllMigrations().size()));
}

TEST_F(MigrationTest, UnknownAppliedVersionIsAnError) {
  std::vector<storage::Migration> newer = storage::AllMigrations();
  newer.push_back(Extra("CREATE TABLE wm_conf_extra (id {{id}});"));
  ASSERT_TRUE(IsOk(storage::Migrate(db(), clock_, newer)));
  // An older binary, which does not know the last migration, meets this database.
  auto report = storage::Migrate(db(), clock_, storage::AllMigrations());
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find(std::to_string(newer.back().version)), std::string::npos)
      << Describe(report.status());
  EXPECT_NE(report.status().message().find("does not know"), std::string::npos) << Describe(report.status());
}

TEST_F(MigrationTest, FailingMigrationLeavesNoTrace) {
  ASSERT_TRUE(IsOk(storage::Migrate(db(), clock_)));
  std::vector<storage::Migration> list = storage::AllMigrations();
  list.push_back(Extra("CREATE TABLE wm_conf_partial (id {{id}});\nSELECT * FROM wm_no_such_table;"));
  auto report = storage::Migrate(db(), clock_, list);
  ASSERT_FALSE(report.ok());
  const std::string want = "migration " + std::to_string(list.back().version) + " (conformance_extra)";
  EXPECT_NE(report.status().message().find(want), std::string::npos) << Describe(report.status());
  EXPECT_EQ(AppliedCount(), static_cast<std::int64_t>(storage::AllMigrations().size()));
  // The table its first statement made was rolled back with it.
  auto probe = sql::WithConnection<std::vector<sql::Row>>(
      db(), [](sql::Connection& c) { return c.Query("SELECT COUNT(*) FROM wm_conf_partial", {}); });
  EXPECT_FALSE(probe.ok());
  // Fixed, it applies.
  list.back() = Extra("CREATE TABLE wm_conf_partial (id {{id}});");
  auto fixed = storage::Migrate(db(), clock_, list);
  ASSERT_TRUE(IsOk(fixed));
  EXPECT_EQ(fixed->applied, 1);
}

TEST_F(MigrationTest, ConcurrentMigrateFromTwoPoolsAppliesEachMigrationOnce) {
  auto second_pool = test_db().OpenAnother();
  ASSERT_TRUE(IsOk(second_pool));
  sql::Database* pools[2] = {&db(), second_pool->get()};
  Result<storage::MigrationReport> results[2] = {Status::Internal("not run"), Status::Internal("not run")};
  std::barrier start(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = storage::Migrate(*pools[i], clock_);
    });
  }
  for (auto& t : threads) t.join();
  const int n = static_cast<int>(storage::AllMigrations().size());
  ASSERT_TRUE(IsOk(results[0]));
  ASSERT_TRUE(IsOk(results[1]));
  EXPECT_EQ(results[0]->applied + results[1]->applied, n);
  EXPECT_TRUE(results[0]->applied == 0 || results[1]->applied == 0)
      << results[0]->applied << " and " << results[1]->applied;
  EXPECT_EQ(results[0]->current_version, storage::AllMigrations().back().version);
  EXPECT_EQ(results[1]->current_version, storage::AllMigrations().back().version);
  EXPECT_EQ(AppliedCount(), n);
  EXPECT_EQ(CountRows("SELECT COUNT(DISTINCT version) FROM schema_migrations"), n);
}

}  // namespace
}  // namespace waymark::conformance
