// The text of the e-mail digest: one user's unread notifications, in their
// language, with links back to the site.
#pragma once

#include <string>
#include <vector>

#include "domain/accounts/model.h"
#include "domain/exchange/exchange_service.h"
#include "i18n/catalog.h"

namespace waymark::web {

// `base_url` is where people reach the site ("https://waymark.example.org").
exchange::Email RenderDigest(const i18n::Catalog& catalog, const std::string& base_url,
                             const accounts::User& user, const std::vector<exchange::Notification>& items);

}  // namespace waymark::web
