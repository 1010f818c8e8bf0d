// Test support for the service conformance suites: the accounts a suite's
// service needs (the real account stores and AccountService on the test's
// database), with short ways to add organisations and people and to act as
// them, and an assertion on a validation error's field and code.
//
// New suites use these instead of writing them again (older suites still
// carry their own copies).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "backend.h"
#include "crypto/crypto.h"
#include "domain/accounts/account_service.h"
#include "i18n/countries.h"
#include "storage/accounts/account_stores.h"

namespace waymark::conformance {

// EXPECT_TRUE(HasFieldCode(status, "email", "email_invalid")).
inline ::testing::AssertionResult HasFieldCode(const Status& s, const std::string& field,
                                               const std::string& code) {
  if (s.kind() != Status::Kind::kValidation)
    return ::testing::AssertionFailure() << "expected validation, got " << Describe(s);
  auto it = s.field_codes().find(field);
  if (it == s.field_codes().end())
    return ::testing::AssertionFailure() << "no error for " << field << ": " << Describe(s);
  if (it->second.code != code) return ::testing::AssertionFailure() << field << ": got " << it->second.code;
  return ::testing::AssertionSuccess();
}

// Accounts on `db`, with `clock`. Construct in SetUp (after BackendTest's).
class People {
 public:
  People(sql::Database& db, const Clock& clock) {
    EXPECT_TRUE(IsOk(crypto::Init()));
    auto countries = i18n::Countries::Load(i18n::kDefaultIsoCodesJsonPath, i18n::Countries::DefaultMoPaths());
    EXPECT_TRUE(IsOk(countries));
    if (countries.ok()) countries_ = std::move(countries).value();
    account_stores_ = std::make_unique<storage::AccountStores>(db);
    stores_ = account_stores_->stores();
    accounts_ =
        std::make_unique<accounts::AccountService>(stores_, clock, *countries_, crypto::PasswordPolicy{});
  }

  accounts::Stores& stores() { return stores_; }
  accounts::AccountService& accounts() { return *accounts_; }

  // An organisation named "Org <slug>".
  accounts::Organisation AddOrg(const std::string& slug) {
    accounts::OrganisationInput in;
    in.slug = slug;
    in.name = "Org " + slug;
    in.kind = "cso";
    auto created = accounts_->CreateOrganisation(accounts::Actor::Cli(), in);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : accounts::Organisation{};
  }
  // A person whose name is their address.
  accounts::User AddUser(const std::string& email, bool admin = false) {
    accounts::NewUser nu;
    nu.email = email;
    nu.name = email;
    nu.password_hash = "x";
    nu.is_admin = admin;
    auto u = stores_.users->Create(nu);
    EXPECT_TRUE(IsOk(u));
    return u.ok() ? *u : accounts::User{};
  }
  // `user` with `role` (member, editor, moderator) in organisation `slug`.
  void Join(const accounts::User& user, const std::string& slug, const std::string& role) {
    EXPECT_TRUE(IsOk(accounts_->SetMembership(accounts::Actor::Cli(), user.id, slug, role)));
  }
  // `u` as a web request would see them (memberships read afresh).
  accounts::Actor As(const accounts::User& u) {
    auto fresh = stores_.users->FindById(u.id);
    EXPECT_TRUE(IsOk(fresh));
    return accounts::Actor::ForUser(fresh.ok() ? *fresh : u, "req");
  }

 private:
  std::unique_ptr<i18n::Countries> countries_;
  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores stores_{};
  std::unique_ptr<accounts::AccountService> accounts_;
};

}  // namespace waymark::conformance
