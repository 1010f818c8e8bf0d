#include "storage/practices/practice_stores.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "crypto/crypto.h"
#include "storage/store_util.h"

namespace waymark::storage {
namespace {

using internal::Bool;
using internal::IdOrNull;
using internal::IdParams;
using internal::InBatches;
using internal::NotFoundAs;
using internal::OptId;
using internal::Placeholders;
using internal::ReadSnapshot;
using practices::Adoption;
using practices::Collection;
using practices::Contributor;
using practices::File;
using practices::Id;
using practices::Lifecycle;
using practices::Link;
using practices::LocalText;
using practices::Message;
using practices::Party;
using practices::Place;
using practices::Practice;
using practices::Revision;
using practices::Term;
using sql::Connection;
using sql::Row;
using Json = nlohmann::json;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// --- Reading JSON without exceptions: a missing or mistyped key reads as the
// default. ---

std::string Str(const Json& j, const char* key, const std::string& fallback = {}) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::int64_t Int(const Json& j, const char* key, std::int64_t fallback = 0) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

bool Flag(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::optional<std::string> OptStr(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::int64_t> OptInt(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
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

std::vector<Id> Ids(const Json& j, const char* key) {
  std::vector<Id> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_number_integer()) out.push_back(v.get<Id>());
  }
  return out;
}

template <typename T>
Json OptJson(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

// --- Storage's JSON encoding of a Practice. `body` holds what has no column;
// a revision snapshot is the body plus the columns and the files. ---

Json PartyJson(const Party& p) {
  return Json{
      {"org_id", OptJson(p.org_id)}, {"slug", p.slug}, {"name", p.name}, {"actor_kind", p.actor_kind}};
}

Party PartyFromJson(const Json& j) {
  Party p;
  if (!j.is_object()) return p;
  p.org_id = OptInt(j, "org_id");
  p.slug = Str(j, "slug");
  p.name = Str(j, "name");
  p.actor_kind = Str(j, "actor_kind");
  return p;
}

Json FileJson(const File& f) {
  return Json{{"id", f.id},
              {"practice_id", f.practice_id},
              {"filename", f.filename},
              {"content_type", f.content_type},
              {"size", f.size},
              {"sha256", f.sha256},
              {"created_at", f.created_at}};
}

File FileFromJson(const Json& j) {
  File f;
  if (!j.is_object()) return f;
  f.id = Int(j, "id");
  f.practice_id = Int(j, "practice_id");
  f.filename = Str(j, "filename");
  f.content_type = Str(j, "content_type");
  f.size = Int(j, "size");
  f.sha256 = Str(j, "sha256");
  f.created_at = Int(j, "created_at");
  return f;
}

Json BodyJson(const Practice& p) {
  Json texts = Json::object();
  for (const auto& [lang, t] : p.texts) {
    texts[lang] = Json{{"title", t.title},         {"summary", t.summary},
                       {"problem", t.problem},     {"description", t.description},
                       {"results", t.results},     {"lessons", t.lessons},
                       {"resources", t.resources}, {"transferability", t.transferability}};
  }
  Json partners = Json::array();
  for (const auto& x : p.partners) partners.push_back(PartyJson(x));
  Json places = Json::array();
  for (const auto& x : p.places) {
    places.push_back(Json{{"country", x.country}, {"role", std::string(practices::ToString(x.role))}});
  }
  Json links = Json::array();
  for (const auto& x : p.links) links.push_back(Json{{"url", x.url}, {"label", x.label}});
  return Json{{"texts", texts},
              {"lead", PartyJson(p.lead)},
              {"partners", partners},
              {"places", places},
              {"generalised_location", p.generalised_location},
              {"start_date", OptJson(p.start_date)},
              {"end_date", OptJson(p.end_date)},
              {"phases", p.phases},
              {"crises", p.crises},
              {"crisis_other", p.crisis_other},
              {"guidelines", p.guidelines},
              {"themes", p.themes},
              {"targets", p.targets},
              {"types", p.types},
              {"contacts", p.contacts},
              {"links", links},
              {"licence", p.licence},
              {"contacts_private", p.contacts_private},
              {"summary_only", p.summary_only},
              {"campaigns", p.campaigns},
              {"threads", p.threads},
              {"moderation_note", p.moderation_note},
              {"contributor", Json{{"user_id", OptJson(p.contributor.user_id)},
                                   {"name", p.contributor.name},
                                   {"email", p.contributor.email},
                                   {"lang", p.contributor.lang}}}};
}

void BodyFromJson(const Json& j, Practice& p) {
  if (auto it = j.find("texts"); it != j.end() && it->is_object()) {
    for (auto t = it->begin(); t != it->end(); ++t) {
      if (!t->is_object()) continue;
      LocalText x;
      x.title = Str(*t, "title");
      x.summary = Str(*t, "summary");
      x.problem = Str(*t, "problem");
      x.description = Str(*t, "description");
      x.results = Str(*t, "results");
      x.lessons = Str(*t, "lessons");
      x.resources = Str(*t, "resources");
      x.transferability = Str(*t, "transferability");
      p.texts[t.key()] = std::move(x);
    }
  }
  if (auto it = j.find("lead"); it != j.end()) p.lead = PartyFromJson(*it);
  if (auto it = j.find("partners"); it != j.end() && it->is_array()) {
    for (const auto& x : *it) p.partners.push_back(PartyFromJson(x));
  }
  if (auto it = j.find("places"); it != j.end() && it->is_array()) {
    for (const auto& x : *it) {
      if (!x.is_object()) continue;
      Place place;
      place.country = Str(x, "country");
      place.role = practices::ParsePlaceRole(Str(x, "role")).value_or(practices::PlaceRole::kCrisis);
      p.places.push_back(std::move(place));
    }
  }
  p.generalised_location = Str(j, "generalised_location");
  p.start_date = OptStr(j, "start_date");
  p.end_date = OptStr(j, "end_date");
  p.phases = Strings(j, "phases");
  p.crises = Strings(j, "crises");
  p.crisis_other = Str(j, "crisis_other");
  p.guidelines = Strings(j, "guidelines");
  p.themes = Strings(j, "themes");
  p.targets = Strings(j, "targets");
  p.types = Strings(j, "types");
  p.contacts = Str(j, "contacts");
  if (auto it = j.find("links"); it != j.end() && it->is_array()) {
    for (const auto& x : *it) {
      if (x.is_object()) p.links.push_back(Link{Str(x, "url"), Str(x, "label")});
    }
  }
  p.licence = Str(j, "licence", p.licence);
  p.contacts_private = Flag(j, "contacts_private");
  p.summary_only = Flag(j, "summary_only");
  p.campaigns = Ids(j, "campaigns");
  p.threads = Ids(j, "threads");
  p.moderation_note = Str(j, "moderation_note");
  if (auto it = j.find("contributor"); it != j.end() && it->is_object()) {
    Contributor& c = p.contributor;
    c.user_id = OptInt(*it, "user_id");
    c.name = Str(*it, "name");
    c.email = Str(*it, "email");
    c.lang = Str(*it, "lang", c.lang);
  }
}

Json SnapshotJson(const Practice& p) {
  Json j = BodyJson(p);
  Json files = Json::array();
  for (const auto& f : p.files) files.push_back(FileJson(f));
  j["id"] = p.id;
  j["slug"] = p.slug;
  j["files"] = files;
  j["sensitivity"] = std::string(practices::ToString(p.sensitivity));
  j["lifecycle"] = std::string(practices::ToString(p.lifecycle));
  j["merged_into"] = OptJson(p.merged_into);
  j["status_token_hash"] = p.status_token_hash;
  j["status_expires_at"] = p.status_expires_at;
  j["submitted_from"] = p.submitted_from;
  j["version"] = p.version;
  j["created_at"] = p.created_at;
  j["updated_at"] = p.updated_at;
  j["published_at"] = OptJson(p.published_at);
  return j;
}

Practice SnapshotFromJson(const Json& j) {
  Practice p;
  if (!j.is_object()) return p;
  BodyFromJson(j, p);
  p.id = Int(j, "id");
  p.slug = Str(j, "slug");
  if (auto it = j.find("files"); it != j.end() && it->is_array()) {
    for (const auto& f : *it) p.files.push_back(FileFromJson(f));
  }
  p.sensitivity =
      practices::ParseSensitivity(Str(j, "sensitivity")).value_or(practices::Sensitivity::kNormal);
  p.lifecycle = practices::ParseLifecycle(Str(j, "lifecycle")).value_or(Lifecycle::kDraft);
  p.merged_into = OptInt(j, "merged_into");
  p.status_token_hash = Str(j, "status_token_hash");
  p.status_expires_at = Int(j, "status_expires_at");
  p.submitted_from = Str(j, "submitted_from");
  p.version = Int(j, "version", p.version);
  p.created_at = Int(j, "created_at");
  p.updated_at = Int(j, "updated_at");
  p.published_at = OptInt(j, "published_at");
  return p;
}

// The model's invariants on lists: classification codes sorted bytewise and
// unique; places sorted by country, then role, and unique.
void Normalise(Practice& p) {
  for (auto* list : {&p.phases, &p.crises, &p.guidelines, &p.themes, &p.targets, &p.types}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  auto key = [](const Place& x) { return std::make_tuple(x.country, static_cast<int>(x.role)); };
  std::sort(p.places.begin(), p.places.end(),
            [&](const Place& a, const Place& b) { return key(a) < key(b); });
  p.places.erase(std::unique(p.places.begin(), p.places.end()), p.places.end());
}

// --- Organisations: registered ones' slugs and names, read when loading. ---

struct OrgName {
  std::string slug;
  std::string name;
};

Result<std::map<Id, OrgName>> LoadOrgNames(Connection& c, const std::set<Id>& ids) {
  std::map<Id, OrgName> out;
  if (ids.empty()) return out;
  for (const auto& batch : InBatches(std::vector<Id>(ids.begin(), ids.end()))) {
    WM_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, slug, name FROM organisations WHERE id IN (" +
                                               Placeholders(1, batch.size()) + ")",
                                           IdParams(batch)));
    for (const auto& r : rows) out[r.Int(0)] = OrgName{r.Text(1), r.Text(2)};
  }
  return out;
}

void FillParty(Party& p, const std::map<Id, OrgName>& orgs) {
  if (!p.org_id) return;
  auto it = orgs.find(*p.org_id);
  if (it == orgs.end()) return;  // deleted since: keep what was stored
  p.slug = it->second.slug;
  p.name = it->second.name;
}

// NotFound unless every registered organisation `p` names exists.
Status CheckOrganisations(Connection& c, const Practice& p) {
  std::set<Id> ids;
  if (p.lead.org_id) ids.insert(*p.lead.org_id);
  for (const auto& x : p.partners) {
    if (x.org_id) ids.insert(*x.org_id);
  }
  WM_ASSIGN_OR_RETURN(auto found, LoadOrgNames(c, ids));
  for (Id id : ids) {
    if (!found.count(id)) return Status::NotFound("no organisation " + std::to_string(id));
  }
  return Status::Ok();
}

Status CheckPractice(Connection& c, Id practice_id) {
  auto row = c.QueryOne("SELECT 1 FROM practices WHERE id=$1", {practice_id});
  return row.ok() ? Status::Ok() : NotFoundAs(row.status(), "no practice " + std::to_string(practice_id));
}

// --- Practices ---

constexpr char kPracticeColumns[] =
    "id, slug, lifecycle, org_id, sensitivity, status_token_hash, status_expires_at, submitted_from, "
    "merged_into, version, created_at, updated_at, published_at, body";

Result<Practice> PracticeFromRow(const Row& r) {
  Practice p;
  p.id = r.Int(0);
  auto body = Json::parse(r.Text(13), nullptr, false);
  if (!body.is_object())
    return Status::Internal("practice " + std::to_string(p.id) + " has a malformed body");
  BodyFromJson(body, p);
  p.slug = r.Text(1);
  p.lifecycle = practices::ParseLifecycle(r.Text(2)).value_or(Lifecycle::kDraft);
  p.lead.org_id = r.OptInt(3);  // the column is the truth: SET NULL when the organisation goes
  p.sensitivity = practices::ParseSensitivity(r.Text(4)).value_or(practices::Sensitivity::kNormal);
  p.status_token_hash = r.Text(5);
  p.status_expires_at = r.Int(6);
  p.submitted_from = r.Text(7);
  p.merged_into = r.OptInt(8);
  p.version = r.Int(9);
  p.created_at = r.Int(10);
  p.updated_at = r.Int(11);
  p.published_at = r.OptInt(12);
  return p;
}

constexpr char kFileColumns[] = "id, practice_id, filename, content_type, byte_size, sha256, created_at";

File FileFromRow(const Row& r) {
  File f;
  f.id = r.Int(0);
  f.practice_id = r.Int(1);
  f.filename = r.Text(2);
  f.content_type = r.Text(3);
  f.size = r.Int(4);
  f.sha256 = r.Text(5);
  f.created_at = r.Int(6);
  return f;
}

// Loads the practices with these ids (unknown ones are absent), with their
// files and the registered organisations' names, in three statements per
// batch of ids.
Result<std::map<Id, Practice>> LoadPractices(Connection& c, const std::vector<Id>& ids) {
  std::map<Id, Practice> out;
  for (const auto& batch : InBatches(ids)) {
    const std::string in = "(" + Placeholders(1, batch.size()) + ")";
    const sql::Params params = IdParams(batch);
    WM_ASSIGN_OR_RETURN(
        auto rows,
        c.Query(std::string("SELECT ") + kPracticeColumns + " FROM practices WHERE id IN " + in, params));
    if (rows.empty()) continue;
    for (const auto& r : rows) {
      WM_ASSIGN_OR_RETURN(Practice p, PracticeFromRow(r));
      out.emplace(p.id, std::move(p));
    }
    WM_ASSIGN_OR_RETURN(auto file_rows, c.Query(std::string("SELECT ") + kFileColumns +
                                                    " FROM practice_files WHERE practice_id IN " + in +
                                                    " ORDER BY practice_id, id",
                                                params));
    for (const auto& r : file_rows) {
      auto it = out.find(r.Int(1));
      if (it != out.end()) it->second.files.push_back(FileFromRow(r));
    }
  }
  std::set<Id> org_ids;
  for (const auto& [id, p] : out) {
    if (p.lead.org_id) org_ids.insert(*p.lead.org_id);
    for (const auto& x : p.partners) {
      if (x.org_id) org_ids.insert(*x.org_id);
    }
  }
  WM_ASSIGN_OR_RETURN(auto orgs, LoadOrgNames(c, org_ids));
  for (auto& [id, p] : out) {
    FillParty(p.lead, orgs);
    for (auto& x : p.partners) FillParty(x, orgs);
  }
  return out;
}

Result<Practice> LoadPractice(Connection& c, Id id) {
  WM_ASSIGN_OR_RETURN(auto found, LoadPractices(c, {id}));
  auto it = found.find(id);
  if (it == found.end()) return Status::NotFound("no practice " + std::to_string(id));
  return std::move(it->second);
}

// The practices with these ids, in this order (missing ones and repeats
// skipped).
Result<std::vector<Practice>> LoadInOrder(Connection& c, const std::vector<Id>& ids) {
  WM_ASSIGN_OR_RETURN(auto found, LoadPractices(c, ids));
  std::vector<Practice> out;
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

// --- Revisions ---

constexpr char kRevisionColumns[] =
    "practice_id, version, at, actor_user_id, actor_label, action, note, snapshot";

Revision RevisionFromRow(const Row& r) {
  Revision rev;
  rev.practice_id = r.Int(0);
  rev.version = r.Int(1);
  rev.at = r.Int(2);
  rev.actor_user_id = r.OptInt(3);
  rev.actor_label = r.Text(4);
  rev.action = r.Text(5);
  rev.note = r.Text(6);
  auto snapshot = Json::parse(r.Text(7), nullptr, false);
  if (!snapshot.is_discarded()) rev.snapshot = SnapshotFromJson(snapshot);
  return rev;
}

// --- Messages, adoptions, collections ---

constexpr char kMessageColumns[] = "id, practice_id, at, from_moderator, author_user_id, author_name, text";

Message MessageFromRow(const Row& r) {
  Message m;
  m.id = r.Int(0);
  m.practice_id = r.Int(1);
  m.at = r.Int(2);
  m.from_moderator = r.Bool(3);
  m.author_user_id = r.OptInt(4);
  m.author_name = r.Text(5);
  m.text = r.Text(6);
  return m;
}

constexpr char kAdoptionSelect[] =
    "SELECT a.id, a.practice_id, a.org_id, a.org_slug, a.org_name, a.actor_kind, a.country, a.start_date, "
    "a.end_date, a.results, a.lang, a.created_by, a.created_at, o.slug, o.name "
    "FROM practice_adoptions a LEFT JOIN organisations o ON o.id = a.org_id ";

Adoption AdoptionFromRow(const Row& r) {
  Adoption a;
  a.id = r.Int(0);
  a.practice_id = r.Int(1);
  a.organisation.org_id = r.OptInt(2);
  a.organisation.slug = r.Text(3);
  a.organisation.name = r.Text(4);
  a.organisation.actor_kind = r.Text(5);
  if (a.organisation.org_id && !r.IsNull(13)) {
    a.organisation.slug = r.Text(13);
    a.organisation.name = r.Text(14);
  }
  a.country = r.Text(6);
  a.start_date = r.OptText(7);
  a.end_date = r.OptText(8);
  a.results = r.Text(9);
  a.lang = r.Text(10);
  a.created_by = r.OptInt(11).value_or(0);
  a.created_at = r.Int(12);
  return a;
}

Collection CollectionFromRow(const Row& r) {
  return Collection{r.Int(0), r.Int(1), r.OptInt(2).value_or(0), r.Int(3)};
}

class SqlPracticeStore final : public practices::PracticeStore {
 public:
  SqlPracticeStore(sql::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<Practice> Create(const Practice& given) override {
    Practice x = given;
    Normalise(x);
    return sql::Transact<Practice>(db_, true, [&](Connection& c) -> Result<Practice> {
      WM_RETURN_IF_ERROR(CheckOrganisations(c, x));
      auto row = c.QueryOne(
          "INSERT INTO practices(slug, lifecycle, org_id, sensitivity, status_token_hash, status_expires_at, "
          "submitted_from, merged_into, version, created_at, updated_at, published_at, body) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,1,$9,$10,$11,$12) RETURNING id",
          {x.slug, std::string(practices::ToString(x.lifecycle)), OptId(x.lead.org_id),
           std::string(practices::ToString(x.sensitivity)), x.status_token_hash, x.status_expires_at,
           x.submitted_from, OptId(x.merged_into), x.created_at, x.updated_at, OptId(x.published_at),
           Dump(BodyJson(x))});
      if (!row.ok()) {
        if (row.status().IsConflict()) return Status::Conflict("the slug \"" + x.slug + "\" is taken");
        return row.status();
      }
      return LoadPractice(c, row->Int(0));
    });
  }

  Result<Practice> Get(Id id) override {
    return ReadSnapshot<Practice>(db_, [&](Connection& c) { return LoadPractice(c, id); });
  }

  Result<Practice> FindBySlug(const std::string& slug) override {
    return FindOne("SELECT id FROM practices WHERE slug=$1", slug, "no practice \"" + slug + "\"");
  }

  Result<Practice> FindByStatusToken(const std::string& token_hash) override {
    // Practices without a status link hold '': never a match.
    if (token_hash.empty()) return Status::NotFound("no practice has this status link");
    return FindOne("SELECT id FROM practices WHERE status_token_hash=$1 ORDER BY id LIMIT 1", token_hash,
                   "no practice has this status link");
  }

  Result<std::vector<Practice>> GetMany(const std::vector<Id>& ids) override {
    if (ids.empty()) return std::vector<Practice>{};
    return ReadSnapshot<std::vector<Practice>>(db_, [&](Connection& c) { return LoadInOrder(c, ids); });
  }

  Result<Practice> Modify(Id id, const std::function<Result<Practice>(Practice)>& change) override {
    return sql::Transact<Practice>(db_, true, [&](Connection& c) -> Result<Practice> {
      // Lock the row (PostgreSQL; SQLite holds the write lock already) before reading.
      std::string lock = c.dialect() == sql::Dialect::kPostgres ? " FOR UPDATE" : "";
      auto locked = c.QueryOne("SELECT version FROM practices WHERE id=$1" + lock, {id});
      if (!locked.ok()) return NotFoundAs(locked.status(), "no practice " + std::to_string(id));
      WM_ASSIGN_OR_RETURN(Practice before, LoadPractice(c, id));
      WM_ASSIGN_OR_RETURN(Practice x, change(std::move(before)));
      Normalise(x);
      WM_RETURN_IF_ERROR(CheckOrganisations(c, x));
      WM_RETURN_IF_ERROR(
          c.Execute(
               "UPDATE practices SET lifecycle=$2, org_id=$3, sensitivity=$4, status_token_hash=$5, "
               "status_expires_at=$6, submitted_from=$7, merged_into=$8, updated_at=$9, published_at=$10, "
               "body=$11, version=version+1 WHERE id=$1",
               {id, std::string(practices::ToString(x.lifecycle)), OptId(x.lead.org_id),
                std::string(practices::ToString(x.sensitivity)), x.status_token_hash, x.status_expires_at,
                x.submitted_from, OptId(x.merged_into), x.updated_at, OptId(x.published_at),
                Dump(BodyJson(x))})
              .status());
      return LoadPractice(c, id);
    });
  }

  Result<bool> SlugTaken(const std::string& slug) override {
    return sql::WithConnection<bool>(db_, [&](Connection& c) -> Result<bool> {
      WM_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT 1 FROM practices WHERE slug=$1", {slug}));
      return !rows.empty();
    });
  }

  Result<std::vector<Id>> ListIds(Id after_id, int limit) override {
    return sql::WithConnection<std::vector<Id>>(db_, [&](Connection& c) {
      return QueryIds(c, "SELECT id FROM practices WHERE id > $1 ORDER BY id LIMIT $2",
                      {after_id, static_cast<std::int64_t>(limit)});
    });
  }

  Result<std::vector<Practice>> ListPublished(int limit) override {
    // COALESCE: the backends sort NULLs differently (none is expected here).
    return ListWhere(
        "SELECT id FROM practices WHERE lifecycle=$1 ORDER BY COALESCE(published_at, 0) DESC, id DESC LIMIT "
        "$2",
        {std::string(practices::ToString(Lifecycle::kPublished)), static_cast<std::int64_t>(limit)});
  }

  Result<std::vector<Practice>> ListByLifecycle(Lifecycle state, int limit) override {
    return ListWhere("SELECT id FROM practices WHERE lifecycle=$1 ORDER BY updated_at, id LIMIT $2",
                     {std::string(practices::ToString(state)), static_cast<std::int64_t>(limit)});
  }

  Result<std::vector<Practice>> ListByOrganisation(Id org_id, int limit) override {
    return ListWhere("SELECT id FROM practices WHERE org_id=$1 ORDER BY updated_at DESC, id DESC LIMIT $2",
                     {org_id, static_cast<std::int64_t>(limit)});
  }

  Result<std::int64_t> CountSubmittedFrom(const std::string& submitted_from, TimestampMs since) override {
    return sql::WithConnection<std::int64_t>(db_, [&](Connection& c) -> Result<std::int64_t> {
      WM_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT COUNT(*) FROM practices WHERE submitted_from=$1 AND "
                                            "created_at >= $2",
                                            {submitted_from, since}));
      return r.Int(0);
    });
  }

  Status AddRevision(const Revision& r) override {
    auto n = sql::WithConnection<std::int64_t>(db_, [&](Connection& c) {
      return c.Execute(std::string("INSERT INTO practice_revisions(") + kRevisionColumns +
                           ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                       {r.practice_id, r.version, r.at, OptId(r.actor_user_id), r.actor_label, r.action,
                        r.note, Dump(SnapshotJson(r.snapshot))});
    });
    if (!n.ok() && n.status().IsConflict()) {
      return Status::Conflict("practice " + std::to_string(r.practice_id) + " already has a revision " +
                              std::to_string(r.version));
    }
    if (!n.ok() && internal::IsForeignKeyViolation(n.status())) {
      return Status::NotFound("no practice " + std::to_string(r.practice_id));
    }
    return n.status();
  }

  Result<std::vector<Revision>> ListRevisions(Id practice_id) override {
    return sql::WithConnection<std::vector<Revision>>(
        db_, [&](Connection& c) -> Result<std::vector<Revision>> {
          WM_ASSIGN_OR_RETURN(
              auto rows, c.Query(std::string("SELECT ") + kRevisionColumns +
                                     " FROM practice_revisions WHERE practice_id=$1 ORDER BY version DESC",
                                 {practice_id}));
          return internal::MapRows(rows, RevisionFromRow);
        });
  }

  Result<Message> AddMessage(const Message& given) override {
    Message m = given;
    return sql::Transact<Message>(db_, true, [&](Connection& c) -> Result<Message> {
      WM_RETURN_IF_ERROR(CheckPractice(c, m.practice_id));
      auto row = c.QueryOne(
          "INSERT INTO practice_messages(practice_id, at, from_moderator, author_user_id, author_name, text) "
          "VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
          {m.practice_id, m.at, Bool(m.from_moderator), OptId(m.author_user_id), m.author_name, m.text});
      if (!row.ok()) {
        if (internal::IsForeignKeyViolation(row.status())) {
          return Status::NotFound("no user " + std::to_string(m.author_user_id.value_or(0)));
        }
        return row.status();
      }
      m.id = row->Int(0);
      return m;
    });
  }

  Result<std::vector<Message>> ListMessages(Id practice_id) override {
    return sql::WithConnection<std::vector<Message>>(db_, [&](Connection& c) -> Result<std::vector<Message>> {
      WM_ASSIGN_OR_RETURN(auto rows,
                          c.Query(std::string("SELECT ") + kMessageColumns +
                                      " FROM practice_messages WHERE practice_id=$1 ORDER BY at, id",
                                  {practice_id}));
      return internal::MapRows(rows, MessageFromRow);
    });
  }

  Result<Adoption> AddAdoption(const Adoption& a) override {
    return sql::Transact<Adoption>(db_, true, [&](Connection& c) -> Result<Adoption> {
      WM_RETURN_IF_ERROR(CheckPractice(c, a.practice_id));
      if (a.organisation.org_id) {
        WM_ASSIGN_OR_RETURN(auto orgs, LoadOrgNames(c, {*a.organisation.org_id}));
        if (orgs.empty())
          return Status::NotFound("no organisation " + std::to_string(*a.organisation.org_id));
      }
      auto row = c.QueryOne(
          "INSERT INTO practice_adoptions(practice_id, org_id, org_slug, org_name, actor_kind, country, "
          "start_date, end_date, results, lang, created_by, created_at) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id",
          {a.practice_id, OptId(a.organisation.org_id), a.organisation.slug, a.organisation.name,
           a.organisation.actor_kind, a.country, sql::Opt(a.start_date), sql::Opt(a.end_date), a.results,
           a.lang, IdOrNull(a.created_by), a.created_at});
      if (!row.ok()) {
        if (internal::IsForeignKeyViolation(row.status())) {
          return Status::NotFound("no user " + std::to_string(a.created_by));
        }
        return row.status();
      }
      return LoadAdoption(c, row->Int(0));
    });
  }

  Result<Adoption> GetAdoption(Id adoption_id) override {
    return sql::WithConnection<Adoption>(db_, [&](Connection& c) { return LoadAdoption(c, adoption_id); });
  }

  Status RemoveAdoption(Id adoption_id) override {
    return DeleteOne("DELETE FROM practice_adoptions WHERE id=$1", {adoption_id},
                     "no adoption " + std::to_string(adoption_id));
  }

  Result<std::vector<Adoption>> ListAdoptions(Id practice_id) override {
    return sql::WithConnection<std::vector<Adoption>>(
        db_, [&](Connection& c) -> Result<std::vector<Adoption>> {
          WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kAdoptionSelect) +
                                                     "WHERE a.practice_id=$1 ORDER BY a.created_at, a.id",
                                                 {practice_id}));
          return internal::MapRows(rows, AdoptionFromRow);
        });
  }

  Status AddCollection(const Collection& x) override {
    auto n = sql::WithConnection<std::int64_t>(db_, [&](Connection& c) {
      return c.Execute(
          "INSERT INTO practice_collections(group_id, practice_id, added_by, added_at) VALUES ($1,$2,$3,$4)",
          {x.group_id, x.practice_id, IdOrNull(x.added_by), x.added_at});
    });
    if (!n.ok() && n.status().IsConflict()) {
      return Status::Conflict("group " + std::to_string(x.group_id) + " already collected practice " +
                              std::to_string(x.practice_id));
    }
    if (!n.ok() && internal::IsForeignKeyViolation(n.status())) {
      return Status::NotFound("no group " + std::to_string(x.group_id) + ", practice " +
                              std::to_string(x.practice_id) + " or user " + std::to_string(x.added_by));
    }
    return n.status();
  }

  Status RemoveCollection(Id group_id, Id practice_id) override {
    return DeleteOne(
        "DELETE FROM practice_collections WHERE group_id=$1 AND practice_id=$2", {group_id, practice_id},
        "group " + std::to_string(group_id) + " has not collected practice " + std::to_string(practice_id));
  }

  Result<std::vector<Collection>> CollectionsOf(Id practice_id) override {
    return ListCollections(
        "SELECT group_id, practice_id, added_by, added_at FROM practice_collections WHERE practice_id=$1 "
        "ORDER BY added_at, group_id",
        practice_id);
  }

  Result<std::vector<Collection>> CollectedBy(Id group_id) override {
    return ListCollections(
        "SELECT group_id, practice_id, added_by, added_at FROM practice_collections WHERE group_id=$1 "
        "ORDER BY added_at DESC, practice_id DESC",
        group_id);
  }

  // Bytes are stored once per checksum and practice: adding the same bytes to
  // the same practice again returns the file already there.
  Result<File> AddFile(const File& given, const std::string& bytes) override {
    File f = given;
    f.size = static_cast<std::int64_t>(bytes.size());
    if (f.sha256.empty()) f.sha256 = crypto::Sha256Hex(bytes);
    if (f.created_at == 0) f.created_at = clock_.NowMs();
    return sql::Transact<File>(db_, true, [&](Connection& c) -> Result<File> {
      // DO NOTHING waits for a concurrent insert of the same checksum to end,
      // so the SELECT below then finds its row.
      auto rows = c.Query(
          "INSERT INTO practice_files(practice_id, filename, content_type, byte_size, sha256, created_at, "
          "content) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (practice_id, sha256) DO NOTHING RETURNING id",
          {f.practice_id, f.filename, f.content_type, f.size, f.sha256, f.created_at, sql::Blob{bytes}});
      if (!rows.ok()) {
        if (internal::IsForeignKeyViolation(rows.status())) {
          return Status::NotFound("no practice " + std::to_string(f.practice_id));
        }
        return rows.status();
      }
      if (!rows->empty()) {
        f.id = rows->front().Int(0);
        return f;
      }
      WM_ASSIGN_OR_RETURN(Row existing,
                          c.QueryOne(std::string("SELECT ") + kFileColumns +
                                         " FROM practice_files WHERE practice_id=$1 AND sha256=$2",
                                     {f.practice_id, f.sha256}));
      return FileFromRow(existing);
    });
  }

  Result<File> GetFile(Id file_id) override {
    return sql::WithConnection<File>(db_, [&](Connection& c) -> Result<File> {
      auto row =
          c.QueryOne(std::string("SELECT ") + kFileColumns + " FROM practice_files WHERE id=$1", {file_id});
      if (!row.ok()) return NotFoundAs(row.status(), "no file " + std::to_string(file_id));
      return FileFromRow(*row);
    });
  }

  Result<std::string> FileBytes(Id file_id) override {
    return sql::WithConnection<std::string>(db_, [&](Connection& c) -> Result<std::string> {
      auto row = c.QueryOne("SELECT content FROM practice_files WHERE id=$1", {file_id});
      if (!row.ok()) return NotFoundAs(row.status(), "no file " + std::to_string(file_id));
      return row->Text(0);
    });
  }

  Status RemoveFile(Id file_id) override {
    return DeleteOne("DELETE FROM practice_files WHERE id=$1", {file_id},
                     "no file " + std::to_string(file_id));
  }

 private:
  Result<Practice> FindOne(const std::string& select_id, const std::string& key,
                           const std::string& not_found) {
    return ReadSnapshot<Practice>(db_, [&](Connection& c) -> Result<Practice> {
      auto row = c.QueryOne(select_id, {key});
      if (!row.ok()) return NotFoundAs(row.status(), not_found);
      return LoadPractice(c, row->Int(0));
    });
  }

  Result<std::vector<Practice>> ListWhere(const std::string& select_ids, const sql::Params& params) {
    return ReadSnapshot<std::vector<Practice>>(db_, [&](Connection& c) -> Result<std::vector<Practice>> {
      WM_ASSIGN_OR_RETURN(auto ids, QueryIds(c, select_ids, params));
      return LoadInOrder(c, ids);
    });
  }

  static Result<Adoption> LoadAdoption(Connection& c, Id adoption_id) {
    auto row = c.QueryOne(std::string(kAdoptionSelect) + "WHERE a.id=$1", {adoption_id});
    if (!row.ok()) return NotFoundAs(row.status(), "no adoption " + std::to_string(adoption_id));
    return AdoptionFromRow(*row);
  }

  Result<std::vector<Collection>> ListCollections(const std::string& stmt, Id key) {
    return sql::WithConnection<std::vector<Collection>>(
        db_, [&](Connection& c) -> Result<std::vector<Collection>> {
          WM_ASSIGN_OR_RETURN(auto rows, c.Query(stmt, {key}));
          return internal::MapRows(rows, CollectionFromRow);
        });
  }

  Status DeleteOne(const std::string& stmt, const sql::Params& params, const std::string& not_found) {
    auto n = sql::WithConnection<std::int64_t>(db_, [&](Connection& c) { return c.Execute(stmt, params); });
    if (!n.ok()) return n.status();
    return *n == 0 ? Status::NotFound(not_found) : Status::Ok();
  }

  sql::Database& db_;
  const Clock& clock_;
};

class SqlTermStore final : public practices::TermStore {
 public:
  explicit SqlTermStore(sql::Database& db) : db_(db) {}

  Result<std::vector<Term>> List() override {
    return sql::WithConnection<std::vector<Term>>(db_, [&](Connection& c) -> Result<std::vector<Term>> {
      WM_ASSIGN_OR_RETURN(
          auto rows,
          c.Query("SELECT vocabulary, code, parent, position, active, labels FROM practice_terms", {}));
      std::vector<Term> out;
      out.reserve(rows.size());
      for (const auto& r : rows) {
        Term t;
        t.vocabulary = r.Text(0);
        t.code = r.Text(1);
        t.parent = r.Text(2);
        t.position = static_cast<int>(r.Int(3));
        t.active = r.Bool(4);
        auto labels = Json::parse(r.Text(5), nullptr, false);
        if (labels.is_object()) {
          for (auto it = labels.begin(); it != labels.end(); ++it) {
            if (it->is_string()) t.labels[it.key()] = it->get<std::string>();
          }
        }
        out.push_back(std::move(t));
      }
      // Sorted here, so that codes compare bytewise whatever the collation.
      std::sort(out.begin(), out.end(), [](const Term& a, const Term& b) {
        return std::tie(a.vocabulary, a.position, a.code) < std::tie(b.vocabulary, b.position, b.code);
      });
      return out;
    });
  }

  Status Save(const Term& t) override {
    Json labels = Json::object();
    for (const auto& [lang, label] : t.labels) labels[lang] = label;
    auto n = sql::WithConnection<std::int64_t>(db_, [&](Connection& c) {
      return c.Execute(
          "INSERT INTO practice_terms(vocabulary, code, parent, position, active, labels) "
          "VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (vocabulary, code) DO UPDATE SET parent = excluded.parent, "
          "position = excluded.position, active = excluded.active, labels = excluded.labels",
          {t.vocabulary, t.code, t.parent, static_cast<std::int64_t>(t.position), Bool(t.active),
           Dump(labels)});
    });
    return n.status();
  }

 private:
  sql::Database& db_;
};

}  // namespace

struct PracticeStores::Impl {
  Impl(sql::Database& db, const Clock* clock)
      : clock_ref(clock ? *clock : system_clock), practices(db, clock_ref), terms(db) {}
  SystemClock system_clock;
  const Clock& clock_ref;
  SqlPracticeStore practices;
  SqlTermStore terms;
};

PracticeStores::PracticeStores(sql::Database& db) : impl_(std::make_unique<Impl>(db, nullptr)) {}
PracticeStores::PracticeStores(sql::Database& db, const Clock& clock)
    : impl_(std::make_unique<Impl>(db, &clock)) {}
PracticeStores::~PracticeStores() = default;

practices::PracticeStore& PracticeStores::practices() { return impl_->practices; }
practices::TermStore& PracticeStores::terms() { return impl_->terms; }
practices::Stores PracticeStores::stores() { return practices::Stores{&impl_->practices, &impl_->terms}; }

}  // namespace waymark::storage
