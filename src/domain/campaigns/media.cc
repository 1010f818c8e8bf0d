// Media: uploads checked by their content, never by their name.
#include <cstdint>

#include "core/files.h"
#include "core/strings.h"
#include "crypto/crypto.h"
#include "domain/campaigns/campaign_service.h"

namespace waymark::campaigns {
namespace {

constexpr std::size_t kMaxCaption = 300;

std::string Megabytes(std::int64_t bytes) {
  std::int64_t tenths = (bytes * 10 + (1 << 19)) / (1 << 20);
  std::string s = std::to_string(tenths / 10);
  if (tenths % 10 != 0) s += "." + std::to_string(tenths % 10);
  return s + " MB";
}

}  // namespace

std::string SniffMediaType(const std::string& bytes) { return waymark::SniffMediaType(bytes); }

std::string SanitizeFilename(std::string_view name) { return waymark::SanitizeFilename(name); }

Result<Media> CampaignService::AddMedia(const Actor& actor, Id campaign_id, const std::string& filename,
                                        const std::string& bytes, const std::string& caption) {
  WM_ASSIGN_OR_RETURN(Campaign c, Get(actor, campaign_id));
  if (!CanEdit(actor, c)) {
    return Status::PermissionDenied("only editors of " + c.organisation.name +
                                    " may add media to its campaigns");
  }
  if (c.lifecycle == Lifecycle::kArchived) return Status::Conflict("an archived campaign cannot be changed");
  if (static_cast<std::int64_t>(bytes.size()) > options_.max_media_bytes) {
    return Status::PayloadTooLarge("the file is larger than the limit of " +
                                   Megabytes(options_.max_media_bytes) + " (" +
                                   std::to_string(options_.max_media_bytes) + " bytes)");
  }
  std::string type = SniffMediaType(bytes);
  if (type.empty()) {
    return Status::UnsupportedMediaType(
        "only PNG, JPEG, GIF and WebP images and PDF documents can be uploaded");
  }
  FieldErrors errors;
  std::string text(TrimAscii(caption));
  if (!IsValidUtf8(text)) {
    errors.Add("caption", "utf8", "is not valid UTF-8");
  } else if (HasControlCharacters(text, false)) {
    errors.Add("caption", "control_characters", "contains control characters");
  } else if (Utf8Length(text) > kMaxCaption) {
    errors.Add("caption", "too_long", "is longer than " + std::to_string(kMaxCaption) + " characters",
               {{"max", std::to_string(kMaxCaption)}});
  }
  if (!errors.empty()) return errors.ToStatus();

  Media m;
  m.campaign_id = c.id;
  m.filename = SanitizeFilename(filename);
  m.content_type = type;
  m.size = static_cast<std::int64_t>(bytes.size());
  m.sha256 = crypto::Sha256Hex(bytes);
  m.caption = text;
  m.created_at = clock_.NowMs();
  return accounts::RunInUnit<Media>(*accounts_.unit, [&]() -> Result<Media> {
    // Counted inside the unit so that two uploads at once cannot both take the last place.
    WM_ASSIGN_OR_RETURN(std::vector<Media> existing, media_.ListForCampaign(c.id));
    if (static_cast<int>(existing.size()) >= options_.max_media_per_campaign) {
      FieldErrors too_many;
      too_many.Add("media", "too_many",
                   "a campaign has at most " + std::to_string(options_.max_media_per_campaign) + " files",
                   {{"max", std::to_string(options_.max_media_per_campaign)}});
      return too_many.ToStatus();
    }
    WM_ASSIGN_OR_RETURN(Media added, media_.Add(m, bytes));
    WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
        actor, clock_.NowMs(), "campaign.media_add", "campaign", std::to_string(c.id),
        {{"media", std::to_string(added.id)},
         {"filename", added.filename},
         {"content_type", added.content_type},
         {"size", std::to_string(added.size)}})));
    WM_RETURN_IF_ERROR(feed_.Append("campaign", c.id));
    return added;
  });
}

Status CampaignService::RemoveMedia(const Actor& actor, Id media_id) {
  auto m = media_.Get(media_id);
  if (!m.ok() && m.status().IsNotFound()) return Status::NotFound("no file " + std::to_string(media_id));
  if (!m.ok()) return m.status();
  auto c = Get(actor, m->campaign_id);
  if (!c.ok() && c.status().IsNotFound()) return Status::NotFound("no file " + std::to_string(media_id));
  if (!c.ok()) return c.status();
  if (!CanEdit(actor, *c)) {
    return Status::PermissionDenied("only editors of " + c->organisation.name +
                                    " may remove media from its campaigns");
  }
  return accounts_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(media_.Remove(media_id));
    WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
        actor, clock_.NowMs(), "campaign.media_remove", "campaign", std::to_string(c->id),
        {{"media", std::to_string(media_id)}, {"filename", m->filename}})));
    return feed_.Append("campaign", c->id);
  });
}

Result<std::pair<Media, std::string>> CampaignService::GetMedia(const Actor& actor, Id media_id) {
  auto not_found = [&] { return Status::NotFound("no file " + std::to_string(media_id)); };
  auto m = media_.Get(media_id);
  if (!m.ok()) return m.status().IsNotFound() ? not_found() : m.status();
  auto c = Get(actor, m->campaign_id);
  if (!c.ok()) return c.status().IsNotFound() ? not_found() : c.status();
  WM_ASSIGN_OR_RETURN(std::string bytes, media_.Bytes(media_id));
  return std::make_pair(std::move(m).value(), std::move(bytes));
}

}  // namespace waymark::campaigns
