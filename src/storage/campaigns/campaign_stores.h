// The campaigns module's stores (campaigns, themes, media) and the search
// change feed over sql::Database. The SQL is shared by both backends; see
// sql/sql.h for the placeholder convention.
#pragma once

#include <memory>

#include "core/clock.h"
#include "domain/campaigns/stores.h"
#include "domain/search/search.h"
#include "sql/sql.h"

namespace waymark::storage {

// Owns one instance of each store; all borrow `db` (and `clock`), which must
// outlive them. The clock stamps media records given no created_at and
// change-feed entries; without one, the system clock is used.
class CampaignStores {
 public:
  explicit CampaignStores(sql::Database& db);
  CampaignStores(sql::Database& db, const Clock& clock);
  ~CampaignStores();
  CampaignStores(const CampaignStores&) = delete;
  CampaignStores& operator=(const CampaignStores&) = delete;

  campaigns::CampaignStore& campaigns();
  campaigns::ThemeStore& themes();
  campaigns::MediaStore& media();
  // Append hands out numbers in commit order by taking a lock that is held
  // until the surrounding transaction (unit of work) ends; call it last in a
  // unit of work so that other writers wait as briefly as possible.
  search::ChangeFeed& feed();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waymark::storage
