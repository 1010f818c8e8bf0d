#include "storage/atlas/atlas_stores.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "storage/store_util.h"

namespace waymark::storage {
namespace {

using atlas::CaseRevision;
using atlas::CaseStudy;
using atlas::GlossaryTerm;
using atlas::Id;
using atlas::Lifecycle;
using atlas::Topic;
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

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t Int(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
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

// --- Storage's JSON encoding of a case study: `body` holds what has no
// column; a revision snapshot is the body plus the columns. ---

Json CaseBody(const CaseStudy& c) {
  Json texts = Json::object();
  for (const auto& [lang, t] : c.texts) {
    texts[lang] = Json{{"title", t.title}, {"summary", t.summary}, {"story", t.story}, {"people", t.people}};
  }
  return Json{{"texts", texts},
              {"geometry", geo::ToGeoJson(c.geometry)},
              {"onset", std::string(atlas::ToString(c.onset))},
              {"hazards", c.hazards},
              {"movements", c.movements},
              {"countries", c.countries},
              {"year_from", c.year_from},
              {"year_to", c.year_to},
              {"sources", c.sources},
              {"figures", c.figures},
              {"moderation_note", c.moderation_note}};
}

Status CaseFromBody(const Json& b, CaseStudy& c) {
  if (auto it = b.find("texts"); it != b.end() && it->is_object()) {
    for (const auto& [lang, t] : it->items()) {
      c.texts[lang] = atlas::CaseText{Str(t, "title"), Str(t, "summary"), Str(t, "story"), Str(t, "people")};
    }
  }
  auto g = geo::ParseGeoJson(Str(b, "geometry"));
  if (!g.ok()) return Status::Internal("case study " + std::to_string(c.id) + " has a malformed place");
  c.geometry = std::move(g).value();
  c.onset = atlas::ParseOnset(Str(b, "onset")).value_or(atlas::Onset::kSudden);
  c.hazards = Strings(b, "hazards");
  c.movements = Strings(b, "movements");
  c.countries = Strings(b, "countries");
  c.year_from = static_cast<int>(Int(b, "year_from"));
  c.year_to = static_cast<int>(Int(b, "year_to"));
  c.sources = Ids(b, "sources");
  c.figures = Ids(b, "figures");
  c.moderation_note = Str(b, "moderation_note");
  return Status::Ok();
}

Json Snapshot(const CaseStudy& c) {
  Json j = CaseBody(c);
  j["id"] = c.id;
  j["slug"] = c.slug;
  j["org_id"] = c.org_id;
  j["lifecycle"] = std::string(atlas::ToString(c.lifecycle));
  j["version"] = c.version;
  j["created_by"] = c.created_by;
  j["created_at"] = c.created_at;
  j["updated_at"] = c.updated_at;
  j["published_at"] = c.published_at ? Json(*c.published_at) : Json(nullptr);
  return j;
}

CaseStudy FromSnapshot(const Json& j) {
  CaseStudy c;
  c.id = Int(j, "id");
  (void)CaseFromBody(j, c);
  c.slug = Str(j, "slug");
  c.org_id = Int(j, "org_id");
  c.lifecycle = atlas::ParseLifecycle(Str(j, "lifecycle")).value_or(Lifecycle::kDraft);
  c.version = Int(j, "version");
  c.created_by = Int(j, "created_by");
  c.created_at = Int(j, "created_at");
  c.updated_at = Int(j, "updated_at");
  if (auto it = j.find("published_at"); it != j.end() && it->is_number_integer())
    c.published_at = it->get<std::int64_t>();
  return c;
}

constexpr char kCaseSelect[] =
    "SELECT c.id, c.slug, c.org_id, c.created_by, c.lifecycle, c.version, c.created_at, c.updated_at, "
    "c.published_at, c.body, o.slug FROM atlas_cases c JOIN organisations o ON o.id = c.org_id ";

Result<CaseStudy> CaseFromRow(const Row& r) {
  CaseStudy c;
  c.id = r.Int(0);
  auto body = Json::parse(r.Text(9), nullptr, false);
  if (!body.is_object())
    return Status::Internal("case study " + std::to_string(c.id) + " has a malformed body");
  WM_RETURN_IF_ERROR(CaseFromBody(body, c));
  c.slug = r.Text(1);
  c.org_id = r.Int(2);
  c.created_by = r.OptInt(3).value_or(0);
  c.lifecycle = atlas::ParseLifecycle(r.Text(4)).value_or(Lifecycle::kDraft);
  c.version = r.Int(5);
  c.created_at = r.Int(6);
  c.updated_at = r.Int(7);
  c.published_at = r.OptInt(8);
  c.org_slug = r.Text(10);
  return c;
}

Result<std::vector<CaseStudy>> QueryCases(Connection& c, const std::string& where,
                                          const sql::Params& params) {
  WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kCaseSelect) + where, params));
  std::vector<CaseStudy> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    WM_ASSIGN_OR_RETURN(CaseStudy x, CaseFromRow(r));
    out.push_back(std::move(x));
  }
  return out;
}

Result<CaseStudy> LoadCase(Connection& c, Id id) {
  WM_ASSIGN_OR_RETURN(auto found, QueryCases(c, "WHERE c.id=$1", {id}));
  if (found.empty()) return Status::NotFound("no case study " + std::to_string(id));
  return std::move(found.front());
}

class SqlCaseStore final : public atlas::CaseStore {
 public:
  explicit SqlCaseStore(sql::Database& db) : db_(db) {}

  Result<CaseStudy> Create(const CaseStudy& x) override {
    return sql::Transact<CaseStudy>(db_, true, [&](Connection& c) -> Result<CaseStudy> {
      auto row = c.QueryOne(
          "INSERT INTO atlas_cases(slug, org_id, created_by, lifecycle, version, created_at, updated_at, "
          "published_at, body) VALUES ($1,$2,$3,$4,1,$5,$6,$7,$8) RETURNING id",
          {x.slug, x.org_id, IdOrNull(x.created_by), std::string(atlas::ToString(x.lifecycle)), x.created_at,
           x.updated_at, OptId(x.published_at), Dump(CaseBody(x))});
      if (!row.ok()) {
        if (row.status().IsConflict()) return Status::Conflict("the slug \"" + x.slug + "\" is taken");
        if (internal::IsForeignKeyViolation(row.status()))
          return Status::NotFound("no organisation " + std::to_string(x.org_id) + " or user");
        return row.status();
      }
      return LoadCase(c, row->Int(0));
    });
  }

  Result<CaseStudy> Get(Id id) override {
    return ReadSnapshot<CaseStudy>(db_, [&](Connection& c) { return LoadCase(c, id); });
  }

  Result<CaseStudy> FindBySlug(const std::string& slug) override {
    return ReadSnapshot<CaseStudy>(db_, [&](Connection& c) -> Result<CaseStudy> {
      WM_ASSIGN_OR_RETURN(auto found, QueryCases(c, "WHERE c.slug=$1", {slug}));
      if (found.empty()) return Status::NotFound("no case study \"" + slug + "\"");
      return std::move(found.front());
    });
  }

  Result<CaseStudy> Modify(Id id, const std::function<Result<CaseStudy>(CaseStudy)>& change) override {
    return sql::Transact<CaseStudy>(db_, true, [&](Connection& c) -> Result<CaseStudy> {
      std::string lock = c.dialect() == sql::Dialect::kPostgres ? " FOR UPDATE" : "";
      auto locked = c.QueryOne("SELECT version FROM atlas_cases WHERE id=$1" + lock, {id});
      if (!locked.ok()) return NotFoundAs(locked.status(), "no case study " + std::to_string(id));
      WM_ASSIGN_OR_RETURN(CaseStudy before, LoadCase(c, id));
      WM_ASSIGN_OR_RETURN(CaseStudy x, change(std::move(before)));
      WM_RETURN_IF_ERROR(
          c.Execute("UPDATE atlas_cases SET lifecycle=$2, updated_at=$3, published_at=$4, body=$5, "
                    "version=version+1 WHERE id=$1",
                    {id, std::string(atlas::ToString(x.lifecycle)), x.updated_at, OptId(x.published_at),
                     Dump(CaseBody(x))})
              .status());
      return LoadCase(c, id);
    });
  }

  Result<std::vector<CaseStudy>> ListByLifecycle(Lifecycle state, int limit) override {
    return ReadSnapshot<std::vector<CaseStudy>>(db_, [&](Connection& c) {
      return QueryCases(
          c,
          "WHERE c.lifecycle=$1 ORDER BY COALESCE(c.published_at, c.updated_at) DESC, c.id DESC "
          "LIMIT $2",
          {std::string(atlas::ToString(state)), static_cast<std::int64_t>(limit)});
    });
  }

  Result<std::vector<CaseStudy>> ListByOrganisation(Id org_id, int limit) override {
    return ReadSnapshot<std::vector<CaseStudy>>(db_, [&](Connection& c) {
      return QueryCases(c, "WHERE c.org_id=$1 ORDER BY c.updated_at DESC, c.id DESC LIMIT $2",
                        {org_id, static_cast<std::int64_t>(limit)});
    });
  }

  Result<std::vector<CaseStudy>> GetMany(const std::vector<Id>& ids) override {
    if (ids.empty()) return std::vector<CaseStudy>{};
    return ReadSnapshot<std::vector<CaseStudy>>(db_, [&](Connection& c) -> Result<std::vector<CaseStudy>> {
      std::map<Id, CaseStudy> found;
      for (const auto& batch : InBatches(ids)) {
        WM_ASSIGN_OR_RETURN(auto list, QueryCases(c, "WHERE c.id IN (" + Placeholders(1, batch.size()) + ")",
                                                  IdParams(batch)));
        for (auto& x : list) found.emplace(x.id, std::move(x));
      }
      std::vector<CaseStudy> out;
      std::set<Id> done;
      for (Id id : ids) {
        auto it = found.find(id);
        if (it != found.end() && done.insert(id).second) out.push_back(it->second);
      }
      return out;
    });
  }

  Status AddRevision(const CaseRevision& r) override {
    return sql::WithConnection<std::int64_t>(
               db_,
               [&](Connection& c) {
                 return c.Execute(
                     "INSERT INTO atlas_case_revisions(case_id, version, at, actor_user_id, actor_label, "
                     "action, note, snapshot) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                     {r.case_id, r.version, r.at, IdOrNull(r.actor_user_id), r.actor_label, r.action, r.note,
                      Dump(Snapshot(r.snapshot))});
               })
        .status();
  }

  Result<std::vector<CaseRevision>> ListRevisions(Id case_id) override {
    return sql::WithConnection<std::vector<CaseRevision>>(
        db_, [&](Connection& c) -> Result<std::vector<CaseRevision>> {
          WM_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT case_id, version, at, actor_user_id, actor_label, "
                                                 "action, note, snapshot FROM atlas_case_revisions "
                                                 "WHERE case_id=$1 ORDER BY version DESC",
                                                 {case_id}));
          std::vector<CaseRevision> out;
          for (const auto& r : rows) {
            CaseRevision rev;
            rev.case_id = r.Int(0);
            rev.version = r.Int(1);
            rev.at = r.Int(2);
            rev.actor_user_id = r.OptInt(3).value_or(0);
            rev.actor_label = r.Text(4);
            rev.action = r.Text(5);
            rev.note = r.Text(6);
            auto snapshot = Json::parse(r.Text(7), nullptr, false);
            if (snapshot.is_object()) rev.snapshot = FromSnapshot(snapshot);
            out.push_back(std::move(rev));
          }
          return out;
        });
  }

 private:
  sql::Database& db_;
};

// --- Glossary and topics: a row of (id, slug, version, updated_at, body). ---

Json TermBody(const GlossaryTerm& t) {
  Json texts = Json::object();
  for (const auto& [lang, x] : t.texts) {
    texts[lang] = Json{{"term", x.term}, {"definition", x.definition}, {"aliases", x.aliases}};
  }
  return Json{{"texts", texts}, {"sources", t.sources}, {"source_note", t.source_note}};
}

Result<GlossaryTerm> TermFromRow(const Row& r) {
  GlossaryTerm t;
  t.id = r.Int(0);
  t.slug = r.Text(1);
  t.version = r.Int(2);
  t.updated_at = r.Int(3);
  auto b = Json::parse(r.Text(4), nullptr, false);
  if (!b.is_object()) return Status::Internal("glossary term " + t.slug + " has a malformed body");
  if (auto it = b.find("texts"); it != b.end() && it->is_object()) {
    for (const auto& [lang, x] : it->items()) {
      t.texts[lang] = atlas::GlossaryText{Str(x, "term"), Str(x, "definition"), Strings(x, "aliases")};
    }
  }
  t.sources = Ids(b, "sources");
  t.source_note = Str(b, "source_note");
  return t;
}

Json TopicBody(const Topic& t) {
  Json texts = Json::object();
  for (const auto& [lang, x] : t.texts) texts[lang] = Json{{"title", x.title}, {"body", x.body}};
  return Json{{"texts", texts},
              {"cases", t.cases},
              {"figures", t.figures},
              {"displacement_layer", t.displacement_layer}};
}

Result<Topic> TopicFromRow(const Row& r) {
  Topic t;
  t.id = r.Int(0);
  t.slug = r.Text(1);
  t.version = r.Int(2);
  t.updated_at = r.Int(3);
  t.position = static_cast<int>(r.Int(5));
  auto b = Json::parse(r.Text(4), nullptr, false);
  if (!b.is_object()) return Status::Internal("thematic page " + t.slug + " has a malformed body");
  if (auto it = b.find("texts"); it != b.end() && it->is_object()) {
    for (const auto& [lang, x] : it->items())
      t.texts[lang] = atlas::TopicText{Str(x, "title"), Str(x, "body")};
  }
  t.cases = Ids(b, "cases");
  t.figures = Ids(b, "figures");
  auto layer = b.find("displacement_layer");
  t.displacement_layer = layer != b.end() && layer->is_boolean() && layer->get<bool>();
  return t;
}

// Inserts (id 0) or replaces at `expected_version` a row of `table`, whose
// extra columns are given; returns its id.
Result<Id> SaveRow(Connection& c, const std::string& table, Id id, const std::string& slug,
                   std::int64_t expected_version, TimestampMs at, const std::string& body,
                   std::optional<std::int64_t> position) {
  if (id == 0) {
    std::string cols = "slug, version, updated_at, body" + std::string(position ? ", position" : "");
    std::string vals = "$1,1,$2,$3" + std::string(position ? ",$4" : "");
    sql::Params params = {slug, at, body};
    if (position) params.emplace_back(*position);
    auto row =
        c.QueryOne("INSERT INTO " + table + "(" + cols + ") VALUES (" + vals + ") RETURNING id", params);
    if (!row.ok()) {
      if (row.status().IsConflict()) return Status::Conflict("the slug \"" + slug + "\" is taken");
      return row.status();
    }
    return row->Int(0);
  }
  sql::Params params = {id, expected_version, at, body};
  std::string set = "version=version+1, updated_at=$3, body=$4";
  if (position) {
    set += ", position=$5";
    params.emplace_back(*position);
  }
  WM_ASSIGN_OR_RETURN(std::int64_t changed,
                      c.Execute("UPDATE " + table + " SET " + set + " WHERE id=$1 AND version=$2", params));
  if (changed == 0) {
    auto now = c.QueryOne("SELECT version FROM " + table + " WHERE id=$1", {id});
    if (!now.ok()) return NotFoundAs(now.status(), "no such entry " + std::to_string(id));
    return Status::Conflict("changed by someone else since version " + std::to_string(expected_version) +
                            "; it is now at version " + std::to_string(now->Int(0)));
  }
  return id;
}

class SqlGlossaryStore final : public atlas::GlossaryStore {
 public:
  explicit SqlGlossaryStore(sql::Database& db) : db_(db) {}

  Result<GlossaryTerm> Save(const GlossaryTerm& t, std::int64_t expected_version) override {
    return sql::Transact<GlossaryTerm>(db_, true, [&](Connection& c) -> Result<GlossaryTerm> {
      WM_ASSIGN_OR_RETURN(Id id, SaveRow(c, "atlas_terms", t.id, t.slug, expected_version, t.updated_at,
                                         Dump(TermBody(t)), std::nullopt));
      WM_ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string(kSelect) + " WHERE id=$1", {id}));
      return TermFromRow(row);
    });
  }

  Result<GlossaryTerm> FindBySlug(const std::string& slug) override {
    return sql::WithConnection<GlossaryTerm>(db_, [&](Connection& c) -> Result<GlossaryTerm> {
      auto row = c.QueryOne(std::string(kSelect) + " WHERE slug=$1", {slug});
      if (!row.ok()) return NotFoundAs(row.status(), "no glossary term \"" + slug + "\"");
      return TermFromRow(*row);
    });
  }

  Result<std::vector<GlossaryTerm>> List() override {
    return sql::WithConnection<std::vector<GlossaryTerm>>(
        db_, [&](Connection& c) -> Result<std::vector<GlossaryTerm>> {
          WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kSelect) + " ORDER BY slug", {}));
          std::vector<GlossaryTerm> out;
          for (const auto& r : rows) {
            WM_ASSIGN_OR_RETURN(GlossaryTerm t, TermFromRow(r));
            out.push_back(std::move(t));
          }
          return out;
        });
  }

  Status Remove(Id id) override {
    return sql::WithConnection<std::int64_t>(
               db_, [&](Connection& c) { return c.Execute("DELETE FROM atlas_terms WHERE id=$1", {id}); })
        .status();
  }

 private:
  static constexpr char kSelect[] = "SELECT id, slug, version, updated_at, body FROM atlas_terms";
  sql::Database& db_;
};

class SqlTopicStore final : public atlas::TopicStore {
 public:
  explicit SqlTopicStore(sql::Database& db) : db_(db) {}

  Result<Topic> Save(const Topic& t, std::int64_t expected_version) override {
    return sql::Transact<Topic>(db_, true, [&](Connection& c) -> Result<Topic> {
      WM_ASSIGN_OR_RETURN(Id id, SaveRow(c, "atlas_topics", t.id, t.slug, expected_version, t.updated_at,
                                         Dump(TopicBody(t)), static_cast<std::int64_t>(t.position)));
      WM_ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string(kSelect) + " WHERE id=$1", {id}));
      return TopicFromRow(row);
    });
  }

  Result<Topic> FindBySlug(const std::string& slug) override {
    return sql::WithConnection<Topic>(db_, [&](Connection& c) -> Result<Topic> {
      auto row = c.QueryOne(std::string(kSelect) + " WHERE slug=$1", {slug});
      if (!row.ok()) return NotFoundAs(row.status(), "no thematic page \"" + slug + "\"");
      return TopicFromRow(*row);
    });
  }

  Result<std::vector<Topic>> List() override {
    return sql::WithConnection<std::vector<Topic>>(db_, [&](Connection& c) -> Result<std::vector<Topic>> {
      WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kSelect) + " ORDER BY position, slug", {}));
      std::vector<Topic> out;
      for (const auto& r : rows) {
        WM_ASSIGN_OR_RETURN(Topic t, TopicFromRow(r));
        out.push_back(std::move(t));
      }
      return out;
    });
  }

 private:
  static constexpr char kSelect[] = "SELECT id, slug, version, updated_at, body, position FROM atlas_topics";
  sql::Database& db_;
};

}  // namespace

struct AtlasStores::Impl {
  explicit Impl(sql::Database& db) : cases(db), glossary(db), topics(db) {}
  SqlCaseStore cases;
  SqlGlossaryStore glossary;
  SqlTopicStore topics;
};

AtlasStores::AtlasStores(sql::Database& db) : impl_(std::make_unique<Impl>(db)) {}
AtlasStores::~AtlasStores() = default;

atlas::Stores AtlasStores::stores() { return atlas::Stores{&impl_->cases, &impl_->glossary, &impl_->topics}; }

}  // namespace waymark::storage
