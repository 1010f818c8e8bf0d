#include "storage/campaigns/campaign_stores.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "crypto/crypto.h"
#include "storage/store_util.h"

namespace waymark::storage {
namespace {

using campaigns::Campaign;
using campaigns::Figure;
using campaigns::Id;
using campaigns::LocalText;
using campaigns::Media;
using campaigns::OrgRef;
using campaigns::Revision;
using campaigns::Theme;
using internal::Bool;
using internal::IdOrNull;
using internal::IdParams;
using internal::InBatches;
using internal::NotFoundAs;
using internal::OptId;
using internal::Placeholders;
using internal::ReadSnapshot;
using sql::Connection;
using sql::Row;
using Json = nlohmann::json;

// Names the change feed's lock among PostgreSQL advisory locks ("WmFeed").
constexpr std::int64_t kFeedLockKey = 0x576d46656564LL;

constexpr char kCampaignColumns[] =
    "c.id, c.slug, c.organisation_id, o.slug, o.name, c.start_date, c.end_date, c.stage, c.lifecycle, "
    "c.visibility, c.outcomes, c.licence, c.contact, c.adapted_from, c.return_reason, c.hidden, c.version, "
    "c.created_by, c.created_at, c.updated_at, c.published_at";

Campaign CampaignFromRow(const Row& r) {
  Campaign c;
  c.id = r.Int(0);
  c.slug = r.Text(1);
  c.organisation.id = r.Int(2);
  c.organisation.slug = r.Text(3);
  c.organisation.name = r.Text(4);
  c.start_date = r.OptText(5);
  c.end_date = r.OptText(6);
  c.stage = campaigns::ParseStage(r.Text(7)).value_or(campaigns::Stage::kIdea);
  c.lifecycle = campaigns::ParseLifecycle(r.Text(8)).value_or(campaigns::Lifecycle::kDraft);
  c.visibility = campaigns::ParseVisibility(r.Text(9)).value_or(campaigns::Visibility::kOrganisation);
  c.outcomes = r.Text(10);
  c.licence = r.Text(11);
  c.contact = r.Text(12);
  c.adapted_from = r.OptInt(13);
  c.return_reason = r.Text(14);
  c.hidden = r.Bool(15);
  c.version = r.Int(16);
  c.created_by = r.OptInt(17).value_or(0);
  c.created_at = r.Int(18);
  c.updated_at = r.Int(19);
  c.published_at = r.OptInt(20);
  return c;
}

constexpr char kMediaColumns[] =
    "id, campaign_id, filename, content_type, byte_size, sha256, caption, created_at";

Media MediaFromRow(const Row& r) {
  Media m;
  m.id = r.Int(0);
  m.campaign_id = r.Int(1);
  m.filename = r.Text(2);
  m.content_type = r.Text(3);
  m.size = r.Int(4);
  m.sha256 = r.Text(5);
  m.caption = r.Text(6);
  m.created_at = r.Int(7);
  return m;
}

// Loads the campaigns with these ids (unknown ones are absent), every list
// filled in, in a handful of statements per batch of ids.
Result<std::map<Id, Campaign>> LoadCampaigns(Connection& c, const std::vector<Id>& ids) {
  std::map<Id, Campaign> out;
  for (const auto& batch : InBatches(ids)) {
    const std::string in = "(" + Placeholders(1, batch.size()) + ")";
    const sql::Params params = IdParams(batch);
    WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kCampaignColumns +
                                               " FROM campaigns c JOIN organisations o ON o.id = "
                                               "c.organisation_id WHERE c.id IN " +
                                               in,
                                           params));
    if (rows.empty()) continue;
    for (const auto& r : rows) {
      Campaign x = CampaignFromRow(r);
      out.emplace(x.id, std::move(x));
    }
    auto each = [&](const std::string& stmt,
                    const std::function<void(Campaign&, const Row&)>& add) -> Status {
      WM_ASSIGN_OR_RETURN(auto child_rows, c.Query(stmt, params));
      for (const auto& r : child_rows) {
        auto it = out.find(r.Int(0));
        if (it != out.end()) add(it->second, r);
      }
      return Status::Ok();
    };
    WM_RETURN_IF_ERROR(
        each("SELECT campaign_id, lang, title, summary, body FROM campaign_texts WHERE campaign_id IN " + in,
             [](Campaign& x, const Row& r) {
               x.texts[r.Text(1)] = LocalText{r.Text(2), r.Text(3), r.Text(4)};
             }));
    WM_RETURN_IF_ERROR(each(
        "SELECT p.campaign_id, o.id, o.slug, o.name FROM campaign_partners p JOIN organisations o ON o.id = "
        "p.organisation_id WHERE p.campaign_id IN " +
            in + " ORDER BY p.campaign_id, p.ord",
        [](Campaign& x, const Row& r) {
          x.partners.push_back(OrgRef{r.Int(1), r.Text(2), r.Text(3)});
        }));
    WM_RETURN_IF_ERROR(each("SELECT campaign_id, country FROM campaign_countries WHERE campaign_id IN " + in,
                            [](Campaign& x, const Row& r) { x.countries.push_back(r.Text(1)); }));
    WM_RETURN_IF_ERROR(each("SELECT campaign_id, theme_code FROM campaign_themes WHERE campaign_id IN " + in,
                            [](Campaign& x, const Row& r) { x.themes.push_back(r.Text(1)); }));
    WM_RETURN_IF_ERROR(each("SELECT campaign_id, channel FROM campaign_channels WHERE campaign_id IN " + in +
                                " ORDER BY campaign_id, ord",
                            [](Campaign& x, const Row& r) { x.channels.push_back(r.Text(1)); }));
    WM_RETURN_IF_ERROR(each("SELECT campaign_id, label FROM campaign_audiences WHERE campaign_id IN " + in +
                                " ORDER BY campaign_id, ord",
                            [](Campaign& x, const Row& r) { x.audiences.push_back(r.Text(1)); }));
    WM_RETURN_IF_ERROR(each("SELECT campaign_id, name, value FROM campaign_figures WHERE campaign_id IN " +
                                in + " ORDER BY campaign_id, ord",
                            [](Campaign& x, const Row& r) {
                              x.figures.push_back(Figure{r.Text(1), r.Int(2)});
                            }));
    WM_RETURN_IF_ERROR(each("SELECT campaign_id, url FROM campaign_video_links WHERE campaign_id IN " + in +
                                " ORDER BY campaign_id, ord",
                            [](Campaign& x, const Row& r) { x.video_links.push_back(r.Text(1)); }));
    WM_ASSIGN_OR_RETURN(auto media_rows,
                        c.Query(std::string("SELECT ") + kMediaColumns + " FROM media WHERE campaign_id IN " +
                                    in + " ORDER BY campaign_id, id",
                                params));
    for (const auto& r : media_rows) {
      auto it = out.find(r.Int(1));
      if (it != out.end()) it->second.media.push_back(MediaFromRow(r));
    }
  }
  // Codes sort bytewise here, whatever the database's collation.
  for (auto& [id, x] : out) {
    std::sort(x.countries.begin(), x.countries.end());
    std::sort(x.themes.begin(), x.themes.end());
  }
  return out;
}

Result<Campaign> LoadCampaign(Connection& c, Id id) {
  WM_ASSIGN_OR_RETURN(auto found, LoadCampaigns(c, {id}));
  auto it = found.find(id);
  if (it == found.end()) return Status::NotFound("no campaign " + std::to_string(id));
  return std::move(it->second);
}

// The campaigns with these ids, in this order (missing ones skipped).
Result<std::vector<Campaign>> LoadInOrder(Connection& c, const std::vector<Id>& ids) {
  WM_ASSIGN_OR_RETURN(auto found, LoadCampaigns(c, ids));
  std::vector<Campaign> out;
  out.reserve(ids.size());
  std::set<Id> done;
  for (Id id : ids) {
    auto it = found.find(id);
    if (it != found.end() && done.insert(id).second) out.push_back(it->second);
  }
  return out;
}

Result<std::vector<Id>> QueryIds(Connection& c, const std::string& stmt, const sql::Params& params) {
  WM_ASSIGN_OR_RETURN(auto rows, c.Query(stmt, params));
  std::vector<Id> ids;
  ids.reserve(rows.size());
  for (const auto& r : rows) ids.push_back(r.Int(0));
  return ids;
}

// Writes the campaign's child rows (texts and lists), after deleting the
// old ones when `replace`.
Status WriteChildren(Connection& c, Id id, const Campaign& x, bool replace) {
  if (replace) {
    for (const char* table :
         {"campaign_texts", "campaign_partners", "campaign_countries", "campaign_themes", "campaign_channels",
          "campaign_audiences", "campaign_figures", "campaign_video_links"}) {
      WM_RETURN_IF_ERROR(
          c.Execute(std::string("DELETE FROM ") + table + " WHERE campaign_id=$1", {id}).status());
    }
  }
  for (const auto& [lang, text] : x.texts) {
    WM_RETURN_IF_ERROR(c.Execute("INSERT INTO campaign_texts(campaign_id, lang, title, summary, body) "
                                 "VALUES ($1,$2,$3,$4,$5)",
                                 {id, lang, text.title, text.summary, text.body})
                           .status());
  }
  std::set<Id> partners;
  std::int64_t ord = 0;
  for (const auto& p : x.partners) {
    if (!partners.insert(p.id).second) continue;
    WM_RETURN_IF_ERROR(
        c.Execute("INSERT INTO campaign_partners(campaign_id, organisation_id, ord) VALUES ($1,$2,$3)",
                  {id, p.id, ord++})
            .status());
  }
  for (const auto& country : std::set<std::string>(x.countries.begin(), x.countries.end())) {
    WM_RETURN_IF_ERROR(
        c.Execute("INSERT INTO campaign_countries(campaign_id, country) VALUES ($1,$2)", {id, country})
            .status());
  }
  for (const auto& theme : std::set<std::string>(x.themes.begin(), x.themes.end())) {
    WM_RETURN_IF_ERROR(
        c.Execute("INSERT INTO campaign_themes(campaign_id, theme_code) VALUES ($1,$2)", {id, theme})
            .status());
  }
  ord = 0;
  for (const auto& channel : x.channels) {
    WM_RETURN_IF_ERROR(c.Execute("INSERT INTO campaign_channels(campaign_id, ord, channel) VALUES ($1,$2,$3)",
                                 {id, ord++, channel})
                           .status());
  }
  ord = 0;
  for (const auto& label : x.audiences) {
    WM_RETURN_IF_ERROR(c.Execute("INSERT INTO campaign_audiences(campaign_id, ord, label) VALUES ($1,$2,$3)",
                                 {id, ord++, label})
                           .status());
  }
  ord = 0;
  for (const auto& f : x.figures) {
    WM_RETURN_IF_ERROR(
        c.Execute("INSERT INTO campaign_figures(campaign_id, ord, name, value) VALUES ($1,$2,$3,$4)",
                  {id, ord++, f.name, f.value})
            .status());
  }
  ord = 0;
  for (const auto& url : x.video_links) {
    WM_RETURN_IF_ERROR(c.Execute("INSERT INTO campaign_video_links(campaign_id, ord, url) VALUES ($1,$2,$3)",
                                 {id, ord++, url})
                           .status());
  }
  return Status::Ok();
}

// --- Revision snapshots: storage's own JSON encoding of a Campaign. ---

Json OrgJson(const OrgRef& o) { return Json{{"id", o.id}, {"slug", o.slug}, {"name", o.name}}; }

OrgRef OrgFromJson(const Json& j) {
  OrgRef o;
  if (!j.is_object()) return o;
  o.id = j.value("id", Id{0});
  o.slug = j.value("slug", std::string());
  o.name = j.value("name", std::string());
  return o;
}

template <typename T>
Json OptJson(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

template <typename T>
std::optional<T> OptFromJson(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->template get<T>();
}

std::vector<std::string> Strings(const Json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

Json SnapshotJson(const Campaign& c) {
  Json texts = Json::object();
  for (const auto& [lang, t] : c.texts)
    texts[lang] = Json{{"title", t.title}, {"summary", t.summary}, {"body", t.body}};
  Json partners = Json::array();
  for (const auto& p : c.partners) partners.push_back(OrgJson(p));
  Json figures = Json::array();
  for (const auto& f : c.figures) figures.push_back(Json{{"name", f.name}, {"value", f.value}});
  Json media = Json::array();
  for (const auto& m : c.media) {
    media.push_back(Json{{"id", m.id},
                         {"campaign_id", m.campaign_id},
                         {"filename", m.filename},
                         {"content_type", m.content_type},
                         {"size", m.size},
                         {"sha256", m.sha256},
                         {"caption", m.caption},
                         {"created_at", m.created_at}});
  }
  return Json{{"id", c.id},
              {"slug", c.slug},
              {"texts", texts},
              {"organisation", OrgJson(c.organisation)},
              {"partners", partners},
              {"countries", c.countries},
              {"themes", c.themes},
              {"channels", c.channels},
              {"audiences", c.audiences},
              {"start_date", OptJson(c.start_date)},
              {"end_date", OptJson(c.end_date)},
              {"stage", std::string(campaigns::ToString(c.stage))},
              {"lifecycle", std::string(campaigns::ToString(c.lifecycle))},
              {"visibility", std::string(campaigns::ToString(c.visibility))},
              {"outcomes", c.outcomes},
              {"figures", figures},
              {"video_links", c.video_links},
              {"media", media},
              {"licence", c.licence},
              {"contact", c.contact},
              {"adapted_from", OptJson(c.adapted_from)},
              {"return_reason", c.return_reason},
              {"hidden", c.hidden},
              {"version", c.version},
              {"created_by", c.created_by},
              {"created_at", c.created_at},
              {"updated_at", c.updated_at},
              {"published_at", OptJson(c.published_at)}};
}

Campaign SnapshotFromJson(const Json& j) {
  Campaign c;
  if (!j.is_object()) return c;
  c.id = j.value("id", Id{0});
  c.slug = j.value("slug", std::string());
  if (auto it = j.find("texts"); it != j.end() && it->is_object()) {
    for (auto t = it->begin(); t != it->end(); ++t) {
      if (!t->is_object()) continue;
      c.texts[t.key()] = LocalText{t->value("title", std::string()), t->value("summary", std::string()),
                                   t->value("body", std::string())};
    }
  }
  if (auto it = j.find("organisation"); it != j.end()) c.organisation = OrgFromJson(*it);
  if (auto it = j.find("partners"); it != j.end() && it->is_array()) {
    for (const auto& p : *it) c.partners.push_back(OrgFromJson(p));
  }
  c.countries = Strings(j, "countries");
  c.themes = Strings(j, "themes");
  c.channels = Strings(j, "channels");
  c.audiences = Strings(j, "audiences");
  c.start_date = OptFromJson<std::string>(j, "start_date");
  c.end_date = OptFromJson<std::string>(j, "end_date");
  c.stage = campaigns::ParseStage(j.value("stage", std::string())).value_or(campaigns::Stage::kIdea);
  c.lifecycle =
      campaigns::ParseLifecycle(j.value("lifecycle", std::string())).value_or(campaigns::Lifecycle::kDraft);
  c.visibility = campaigns::ParseVisibility(j.value("visibility", std::string()))
                     .value_or(campaigns::Visibility::kOrganisation);
  c.outcomes = j.value("outcomes", std::string());
  if (auto it = j.find("figures"); it != j.end() && it->is_array()) {
    for (const auto& f : *it) {
      if (f.is_object())
        c.figures.push_back(Figure{f.value("name", std::string()), f.value("value", std::int64_t{0})});
    }
  }
  c.video_links = Strings(j, "video_links");
  if (auto it = j.find("media"); it != j.end() && it->is_array()) {
    for (const auto& m : *it) {
      if (!m.is_object()) continue;
      Media x;
      x.id = m.value("id", Id{0});
      x.campaign_id = m.value("campaign_id", Id{0});
      x.filename = m.value("filename", std::string());
      x.content_type = m.value("content_type", std::string());
      x.size = m.value("size", std::int64_t{0});
      x.sha256 = m.value("sha256", std::string());
      x.caption = m.value("caption", std::string());
      x.created_at = m.value("created_at", TimestampMs{0});
      c.media.push_back(std::move(x));
    }
  }
  c.licence = j.value("licence", std::string());
  c.contact = j.value("contact", std::string());
  c.adapted_from = OptFromJson<Id>(j, "adapted_from");
  c.return_reason = j.value("return_reason", std::string());
  c.hidden = j.value("hidden", false);
  c.version = j.value("version", std::int64_t{0});
  c.created_by = j.value("created_by", Id{0});
  c.created_at = j.value("created_at", TimestampMs{0});
  c.updated_at = j.value("updated_at", TimestampMs{0});
  c.published_at = OptFromJson<TimestampMs>(j, "published_at");
  return c;
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

constexpr char kRevisionColumns[] =
    "campaign_id, version, at, actor_user_id, actor_label, action, changed, snapshot";

Revision RevisionFromRow(const Row& r) {
  Revision rev;
  rev.campaign_id = r.Int(0);
  rev.version = r.Int(1);
  rev.at = r.Int(2);
  rev.actor_user_id = r.OptInt(3);
  rev.actor_label = r.Text(4);
  rev.action = r.Text(5);
  auto changed = Json::parse(r.Text(6), nullptr, false);
  if (changed.is_array()) {
    for (const auto& v : changed) {
      if (v.is_string()) rev.changed.push_back(v.get<std::string>());
    }
  }
  auto snapshot = Json::parse(r.Text(7), nullptr, false);
  if (!snapshot.is_discarded()) rev.snapshot = SnapshotFromJson(snapshot);
  return rev;
}

class SqlCampaignStore final : public campaigns::CampaignStore {
 public:
  explicit SqlCampaignStore(sql::Database& db) : db_(db) {}

  Result<Campaign> Create(const Campaign& x) override {
    return sql::Transact<Campaign>(db_, true, [&](Connection& c) -> Result<Campaign> {
      auto row = c.QueryOne(
          "INSERT INTO campaigns(slug, organisation_id, start_date, end_date, stage, lifecycle, visibility, "
          "outcomes, licence, contact, adapted_from, return_reason, hidden, version, created_by, created_at, "
          "updated_at, published_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,1,$14,$15,$16,$17) "
          "RETURNING id",
          {x.slug, x.organisation.id, sql::Opt(x.start_date), sql::Opt(x.end_date),
           std::string(campaigns::ToString(x.stage)), std::string(campaigns::ToString(x.lifecycle)),
           std::string(campaigns::ToString(x.visibility)), x.outcomes, x.licence, x.contact,
           OptId(x.adapted_from), x.return_reason, Bool(x.hidden), IdOrNull(x.created_by), x.created_at,
           x.updated_at, OptId(x.published_at)});
      if (!row.ok()) {
        if (row.status().IsConflict()) return Status::Conflict("the slug \"" + x.slug + "\" is taken");
        return row.status();
      }
      Id id = row->Int(0);
      WM_RETURN_IF_ERROR(WriteChildren(c, id, x, false));
      return LoadCampaign(c, id);
    });
  }

  Result<Campaign> Get(Id id) override {
    return ReadSnapshot<Campaign>(db_, [&](Connection& c) { return LoadCampaign(c, id); });
  }

  Result<Campaign> FindBySlug(const std::string& slug) override {
    return ReadSnapshot<Campaign>(db_, [&](Connection& c) -> Result<Campaign> {
      auto row = c.QueryOne("SELECT id FROM campaigns WHERE slug=$1", {slug});
      if (!row.ok()) return NotFoundAs(row.status(), "no campaign \"" + slug + "\"");
      return LoadCampaign(c, row->Int(0));
    });
  }

  Result<std::vector<Campaign>> GetMany(const std::vector<Id>& ids) override {
    if (ids.empty()) return std::vector<Campaign>{};
    return ReadSnapshot<std::vector<Campaign>>(db_, [&](Connection& c) { return LoadInOrder(c, ids); });
  }

  Result<Campaign> Modify(Id id, const std::function<Result<Campaign>(Campaign)>& change) override {
    return sql::Transact<Campaign>(db_, true, [&](Connection& c) -> Result<Campaign> {
      // Lock the row (PostgreSQL; SQLite holds the write lock already) before reading.
      std::string lock = c.dialect() == sql::Dialect::kPostgres ? " FOR UPDATE" : "";
      auto locked = c.QueryOne("SELECT version FROM campaigns WHERE id=$1" + lock, {id});
      if (!locked.ok()) return NotFoundAs(locked.status(), "no campaign " + std::to_string(id));
      WM_ASSIGN_OR_RETURN(Campaign before, LoadCampaign(c, id));
      WM_ASSIGN_OR_RETURN(Campaign x, change(before));
      WM_RETURN_IF_ERROR(
          c.Execute(
               "UPDATE campaigns SET organisation_id=$2, start_date=$3, end_date=$4, stage=$5, lifecycle=$6, "
               "visibility=$7, outcomes=$8, licence=$9, contact=$10, adapted_from=$11, return_reason=$12, "
               "hidden=$13, updated_at=$14, published_at=$15, version=version+1 WHERE id=$1",
               {id, x.organisation.id, sql::Opt(x.start_date), sql::Opt(x.end_date),
                std::string(campaigns::ToString(x.stage)), std::string(campaigns::ToString(x.lifecycle)),
                std::string(campaigns::ToString(x.visibility)), x.outcomes, x.licence, x.contact,
                OptId(x.adapted_from), x.return_reason, Bool(x.hidden), x.updated_at, OptId(x.published_at)})
              .status());
      WM_RETURN_IF_ERROR(WriteChildren(c, id, x, true));
      return LoadCampaign(c, id);
    });
  }

  Result<bool> SlugTaken(const std::string& slug) override {
    return sql::WithConnection<bool>(db_, [&](Connection& c) -> Result<bool> {
      WM_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT 1 FROM campaigns WHERE slug=$1", {slug}));
      return !rows.empty();
    });
  }

  Result<std::vector<Id>> ListIds(Id after_id, int limit) override {
    return sql::WithConnection<std::vector<Id>>(db_, [&](Connection& c) {
      return QueryIds(c, "SELECT id FROM campaigns WHERE id > $1 ORDER BY id LIMIT $2",
                      {after_id, static_cast<std::int64_t>(limit)});
    });
  }

  Result<std::int64_t> Count() override {
    return sql::WithConnection<std::int64_t>(db_, [&](Connection& c) -> Result<std::int64_t> {
      WM_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT COUNT(*) FROM campaigns", {}));
      return r.Int(0);
    });
  }

  Result<std::vector<Campaign>> ListPublished(int limit) override {
    return ListWhere(
        "SELECT id FROM campaigns WHERE lifecycle='published' AND visibility='public' AND hidden=0 "
        "ORDER BY published_at DESC, id DESC LIMIT $1",
        {static_cast<std::int64_t>(limit)});
  }

  Result<std::vector<Campaign>> ListByOrganisation(Id org_id, int limit) override {
    return ListWhere(
        "SELECT id FROM campaigns WHERE organisation_id=$1 ORDER BY updated_at DESC, id DESC LIMIT $2",
        {org_id, static_cast<std::int64_t>(limit)});
  }

  Result<std::vector<Campaign>> ListByLifecycle(campaigns::Lifecycle state, int limit) override {
    return ListWhere("SELECT id FROM campaigns WHERE lifecycle=$1 ORDER BY updated_at, id LIMIT $2",
                     {std::string(campaigns::ToString(state)), static_cast<std::int64_t>(limit)});
  }

  Result<std::vector<Campaign>> ListAdaptations(Id source) override {
    return ListWhere("SELECT id FROM campaigns WHERE adapted_from=$1 ORDER BY created_at, id", {source});
  }

  Status SetHidden(Id id, bool hidden) override {
    auto n = sql::WithConnection<std::int64_t>(db_, [&](Connection& c) {
      return c.Execute("UPDATE campaigns SET hidden=$2 WHERE id=$1", {id, Bool(hidden)});
    });
    if (!n.ok()) return n.status();
    return *n == 0 ? Status::NotFound("no campaign " + std::to_string(id)) : Status::Ok();
  }

  Status AddRevision(const Revision& r) override {
    Json changed = r.changed;
    auto n = sql::WithConnection<std::int64_t>(db_, [&](Connection& c) {
      return c.Execute(std::string("INSERT INTO campaign_revisions(") + kRevisionColumns +
                           ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                       {r.campaign_id, r.version, r.at, OptId(r.actor_user_id), r.actor_label, r.action,
                        Dump(changed), Dump(SnapshotJson(r.snapshot))});
    });
    if (!n.ok() && n.status().IsConflict()) {
      return Status::Conflict("campaign " + std::to_string(r.campaign_id) + " already has a revision " +
                              std::to_string(r.version));
    }
    return n.status();
  }

  Result<std::vector<Revision>> ListRevisions(Id campaign_id) override {
    return sql::WithConnection<std::vector<Revision>>(
        db_, [&](Connection& c) -> Result<std::vector<Revision>> {
          WM_ASSIGN_OR_RETURN(
              auto rows, c.Query(std::string("SELECT ") + kRevisionColumns +
                                     " FROM campaign_revisions WHERE campaign_id=$1 ORDER BY version DESC",
                                 {campaign_id}));
          return internal::MapRows(rows, RevisionFromRow);
        });
  }

  Result<Revision> GetRevision(Id campaign_id, std::int64_t version) override {
    return sql::WithConnection<Revision>(db_, [&](Connection& c) -> Result<Revision> {
      auto row = c.QueryOne(std::string("SELECT ") + kRevisionColumns +
                                " FROM campaign_revisions WHERE campaign_id=$1 AND version=$2",
                            {campaign_id, version});
      if (!row.ok()) {
        return NotFoundAs(row.status(), "campaign " + std::to_string(campaign_id) + " has no revision " +
                                            std::to_string(version));
      }
      return RevisionFromRow(*row);
    });
  }

 private:
  Result<std::vector<Campaign>> ListWhere(const std::string& select_ids, const sql::Params& params) {
    return ReadSnapshot<std::vector<Campaign>>(db_, [&](Connection& c) -> Result<std::vector<Campaign>> {
      WM_ASSIGN_OR_RETURN(auto ids, QueryIds(c, select_ids, params));
      return LoadInOrder(c, ids);
    });
  }

  sql::Database& db_;
};

class SqlThemeStore final : public campaigns::ThemeStore {
 public:
  explicit SqlThemeStore(sql::Database& db) : db_(db) {}

  Result<std::vector<Theme>> List() override {
    return ReadSnapshot<std::vector<Theme>>(db_, [&](Connection& c) -> Result<std::vector<Theme>> {
      WM_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT code, active FROM themes", {}));
      std::map<std::string, Theme> by_code;
      for (const auto& r : rows) {
        Theme t;
        t.code = r.Text(0);
        t.active = r.Bool(1);
        by_code.emplace(t.code, std::move(t));
      }
      WM_ASSIGN_OR_RETURN(auto labels, c.Query("SELECT theme_code, lang, label FROM theme_labels", {}));
      for (const auto& r : labels) {
        auto it = by_code.find(r.Text(0));
        if (it != by_code.end()) it->second.labels[r.Text(1)] = r.Text(2);
      }
      std::vector<Theme> out;  // by code, bytewise
      out.reserve(by_code.size());
      for (auto& [code, t] : by_code) out.push_back(std::move(t));
      return out;
    });
  }

  Status Save(const Theme& theme) override {
    return sql::TransactStatus(db_, true, [&](Connection& c) -> Status {
      WM_RETURN_IF_ERROR(c.Execute("INSERT INTO themes(code, active) VALUES ($1,$2) "
                                   "ON CONFLICT (code) DO UPDATE SET active = excluded.active",
                                   {theme.code, Bool(theme.active)})
                             .status());
      WM_RETURN_IF_ERROR(c.Execute("DELETE FROM theme_labels WHERE theme_code=$1", {theme.code}).status());
      for (const auto& [lang, label] : theme.labels) {
        WM_RETURN_IF_ERROR(c.Execute("INSERT INTO theme_labels(theme_code, lang, label) VALUES ($1,$2,$3)",
                                     {theme.code, lang, label})
                               .status());
      }
      return Status::Ok();
    });
  }

 private:
  sql::Database& db_;
};

class SqlMediaStore final : public campaigns::MediaStore {
 public:
  SqlMediaStore(sql::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<Media> Add(const Media& media, const std::string& bytes) override {
    Media m = media;
    m.size = static_cast<std::int64_t>(bytes.size());
    if (m.sha256.empty()) m.sha256 = crypto::Sha256Hex(bytes);
    if (m.created_at == 0) m.created_at = clock_.NowMs();
    return sql::WithConnection<Media>(db_, [&](Connection& c) -> Result<Media> {
      auto row = c.QueryOne(
          "INSERT INTO media(campaign_id, filename, content_type, byte_size, sha256, caption, created_at, "
          "content) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
          {m.campaign_id, m.filename, m.content_type, m.size, m.sha256, m.caption, m.created_at,
           sql::Blob{bytes}});
      if (!row.ok()) {
        // A foreign key violation: the campaign does not exist.
        if (internal::IsForeignKeyViolation(row.status())) {
          return Status::NotFound("no campaign " + std::to_string(m.campaign_id));
        }
        return row.status();
      }
      m.id = row->Int(0);
      return m;
    });
  }

  Result<Media> Get(Id media_id) override {
    return sql::WithConnection<Media>(db_, [&](Connection& c) -> Result<Media> {
      auto row = c.QueryOne(std::string("SELECT ") + kMediaColumns + " FROM media WHERE id=$1", {media_id});
      if (!row.ok()) return NotFoundAs(row.status(), "no media " + std::to_string(media_id));
      return MediaFromRow(*row);
    });
  }

  Result<std::string> Bytes(Id media_id) override {
    return sql::WithConnection<std::string>(db_, [&](Connection& c) -> Result<std::string> {
      auto row = c.QueryOne("SELECT content FROM media WHERE id=$1", {media_id});
      if (!row.ok()) return NotFoundAs(row.status(), "no media " + std::to_string(media_id));
      return row->Text(0);
    });
  }

  Status Remove(Id media_id) override {
    auto n = sql::WithConnection<std::int64_t>(
        db_, [&](Connection& c) { return c.Execute("DELETE FROM media WHERE id=$1", {media_id}); });
    if (!n.ok()) return n.status();
    return *n == 0 ? Status::NotFound("no media " + std::to_string(media_id)) : Status::Ok();
  }

  Result<std::vector<Media>> ListForCampaign(Id campaign_id) override {
    return sql::WithConnection<std::vector<Media>>(db_, [&](Connection& c) -> Result<std::vector<Media>> {
      WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kMediaColumns +
                                                 " FROM media WHERE campaign_id=$1 ORDER BY id",
                                             {campaign_id}));
      return internal::MapRows(rows, MediaFromRow);
    });
  }

 private:
  sql::Database& db_;
  const Clock& clock_;
};

class SqlChangeFeed final : public search::ChangeFeed {
 public:
  SqlChangeFeed(sql::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Numbers are MAX(seq)+1 taken under a lock held to the end of the
  // transaction (SQLite's write lock; an advisory lock on PostgreSQL), so
  // they are handed out in commit order. Inside a unit of work this
  // serialises the feed's writers until that unit commits: append last.
  Status Append(const std::string& kind, search::Id id) override {
    return sql::TransactStatus(db_, true, [&](Connection& c) -> Status {
      if (c.dialect() == sql::Dialect::kPostgres) {
        WM_RETURN_IF_ERROR(c.Query("SELECT pg_advisory_xact_lock($1)", {kFeedLockKey}).status());
      }
      return c
          .Execute(
              "INSERT INTO search_changes(seq, kind, ref_id, at) "
              "SELECT COALESCE(MAX(seq), 0) + 1, $1, $2, $3 FROM search_changes",
              {kind, id, clock_.NowMs()})
          .status();
    });
  }

  Result<std::vector<search::Change>> Since(std::int64_t after, int limit) override {
    return sql::WithConnection<std::vector<search::Change>>(
        db_, [&](Connection& c) -> Result<std::vector<search::Change>> {
          WM_ASSIGN_OR_RETURN(auto rows,
                              c.Query("SELECT seq, kind, ref_id FROM search_changes WHERE seq > $1 "
                                      "ORDER BY seq LIMIT $2",
                                      {after, static_cast<std::int64_t>(limit)}));
          std::vector<search::Change> out;
          out.reserve(rows.size());
          for (const auto& r : rows) out.push_back(search::Change{r.Int(0), r.Text(1), r.Int(2)});
          return out;
        });
  }

  Result<std::int64_t> Head() override {
    return sql::WithConnection<std::int64_t>(db_, [&](Connection& c) -> Result<std::int64_t> {
      WM_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT COALESCE(MAX(seq), 0) FROM search_changes", {}));
      return r.Int(0);
    });
  }

 private:
  sql::Database& db_;
  const Clock& clock_;
};

}  // namespace

struct CampaignStores::Impl {
  Impl(sql::Database& db, const Clock* clock)
      : clock_ref(clock ? *clock : system_clock),
        campaigns(db),
        themes(db),
        media(db, clock_ref),
        feed(db, clock_ref) {}
  SystemClock system_clock;
  const Clock& clock_ref;
  SqlCampaignStore campaigns;
  SqlThemeStore themes;
  SqlMediaStore media;
  SqlChangeFeed feed;
};

CampaignStores::CampaignStores(sql::Database& db) : impl_(std::make_unique<Impl>(db, nullptr)) {}
CampaignStores::CampaignStores(sql::Database& db, const Clock& clock)
    : impl_(std::make_unique<Impl>(db, &clock)) {}
CampaignStores::~CampaignStores() = default;

campaigns::CampaignStore& CampaignStores::campaigns() { return impl_->campaigns; }
campaigns::ThemeStore& CampaignStores::themes() { return impl_->themes; }
campaigns::MediaStore& CampaignStores::media() { return impl_->media; }
search::ChangeFeed& CampaignStores::feed() { return impl_->feed; }

}  // namespace waymark::storage
