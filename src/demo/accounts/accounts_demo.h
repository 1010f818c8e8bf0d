// Demo data of the accounts module: the organisations that took part in the
// 2015 IOM-CSO Consultations, and three invented people (an administrator,
// an editor and a member). Idempotent: running it again adds only what is
// missing.
#pragma once

#include <string>

#include "core/random.h"
#include "core/status.h"
#include "domain/accounts/account_service.h"

namespace waymark::demo {

struct AccountsReport {
  int organisations_added = 0;
  int people_added = 0;
  std::string admin_email;
  // A fresh one-time password while the demo admin has not chosen their own;
  // empty once they have.
  std::string admin_password;
};

Result<AccountsReport> LoadAccounts(accounts::AccountService& accounts, Random& random);

}  // namespace waymark::demo
