// Demo data: the organisations that took part in the 2015 IOM-CSO
// Consultations, and three invented people (an administrator, an editor and
// a member). Idempotent: running it again adds only what is missing.
#pragma once

#include <string>

#include "core/random.h"
#include "core/status.h"
#include "domain/accounts/account_service.h"

namespace waymark::app {

struct DemoReport {
  int organisations_added = 0;
  int people_added = 0;
  std::string admin_email;
  // A fresh one-time password while the demo admin has not chosen their own;
  // empty once they have.
  std::string admin_password;
};

Result<DemoReport> LoadDemo(accounts::AccountService& accounts, Random& random);

class Runtime;
// The campaigns named in the 2015 consultation report ("I am an Immigrant"
// and its adaptation "I am a Migrant", "Migrants Contribute", the video
// competition, the Movement against Xenophobia and its spread), published,
// with a little discussion, two ideas and the inclusion working group.
// Needs LoadDemo first. Returns how many campaigns were added.
Result<int> LoadDemoCampaigns(Runtime& runtime);

}  // namespace waymark::app
