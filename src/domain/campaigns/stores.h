// The storage the campaigns module needs. storage/ implements these over SQL
// for both backends; tests/conformance runs one suite against each.
//
// Thread-safe. Failures: Unavailable when the database cannot be reached,
// Conflict on a unique key or a stale version, NotFound when nothing matches.
// Calls made inside accounts::UnitOfWork::Run join its transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/campaigns/model.h"

namespace waymark::campaigns {

class CampaignStore {
 public:
  virtual ~CampaignStore() = default;
  // Inserts `c` (id, media and version ignored; version starts at 1) with its
  // texts, partners, countries, themes, channels, audiences, figures and
  // video links. Conflict if the slug is taken. Returns it as stored, with
  // organisation and partner names filled in.
  virtual Result<Campaign> Create(const Campaign& c) = 0;
  virtual Result<Campaign> Get(Id id) = 0;
  virtual Result<Campaign> FindBySlug(const std::string& slug) = 0;
  // Several at once, in the order of `ids`; unknown ids are skipped.
  virtual Result<std::vector<Campaign>> GetMany(const std::vector<Id>& ids) = 0;
  // Reads the campaign, passes it to `change`, and writes back what `change`
  // returns (every field but id, slug, created_at, created_by and media) in
  // one write transaction (row locked on PostgreSQL), bumping the version.
  // An error from `change` aborts and is returned as it is.
  virtual Result<Campaign> Modify(Id id, const std::function<Result<Campaign>(Campaign)>& change) = 0;
  // True if a campaign has this slug.
  virtual Result<bool> SlugTaken(const std::string& slug) = 0;
  // Ids in ascending order after `after_id`, at most `limit`; for reindexing.
  virtual Result<std::vector<Id>> ListIds(Id after_id, int limit) = 0;
  virtual Result<std::int64_t> Count() = 0;
  // Published, not hidden, public campaigns, newest publication first (feeds).
  virtual Result<std::vector<Campaign>> ListPublished(int limit) = 0;
  // Every campaign led by the organisation, newest update first (any lifecycle).
  virtual Result<std::vector<Campaign>> ListByOrganisation(Id org_id, int limit) = 0;
  // Campaigns in a lifecycle state, oldest update first (moderation queue).
  virtual Result<std::vector<Campaign>> ListByLifecycle(Lifecycle state, int limit) = 0;
  // Campaigns directly adapted from `source`, by creation.
  virtual Result<std::vector<Campaign>> ListAdaptations(Id source) = 0;
  // Sets the hidden flag without a new version (moderation).
  virtual Status SetHidden(Id id, bool hidden) = 0;

  virtual Status AddRevision(const Revision& r) = 0;
  // Newest first.
  virtual Result<std::vector<Revision>> ListRevisions(Id campaign_id) = 0;
  virtual Result<Revision> GetRevision(Id campaign_id, std::int64_t version) = 0;
};

class ThemeStore {
 public:
  virtual ~ThemeStore() = default;
  // All themes, active or not, ordered by code.
  virtual Result<std::vector<Theme>> List() = 0;
  // Inserts or replaces by code.
  virtual Status Save(const Theme& theme) = 0;
};

class MediaStore {
 public:
  virtual ~MediaStore() = default;
  // Stores the bytes; returns the record with id and created_at filled in.
  virtual Result<Media> Add(const Media& media, const std::string& bytes) = 0;
  virtual Result<Media> Get(Id media_id) = 0;
  virtual Result<std::string> Bytes(Id media_id) = 0;
  virtual Status Remove(Id media_id) = 0;
  virtual Result<std::vector<Media>> ListForCampaign(Id campaign_id) = 0;
};

}  // namespace waymark::campaigns
