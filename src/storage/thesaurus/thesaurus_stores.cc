#include "storage/thesaurus/thesaurus_stores.h"

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/store_util.h"

namespace waymark::storage {
namespace {

using internal::IdOrNull;
using internal::NotFoundAs;
using sql::Connection;
using sql::Row;
using thesaurus::Concept;
using thesaurus::ConceptStatus;
using thesaurus::Id;
using Json = nlohmann::json;

constexpr char kSelect[] =
    "SELECT id, slug, status, version, created_at, updated_at, proposed_by, terms FROM thesaurus_concepts";

std::string TermsJson(const Concept& c) {
  Json j = Json::object();
  for (const auto& [lang, list] : c.terms) j[lang] = list;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<Concept> FromRow(const Row& r) {
  Concept c;
  c.id = r.Int(0);
  c.slug = r.Text(1);
  auto status = thesaurus::ParseConceptStatus(r.Text(2));
  if (!status) return Status::Internal("concept " + c.slug + " has an unknown status");
  c.status = *status;
  c.version = r.Int(3);
  c.created_at = r.Int(4);
  c.updated_at = r.Int(5);
  c.proposed_by = r.IsNull(6) ? 0 : r.Int(6);
  auto j = Json::parse(r.Text(7), nullptr, false);
  if (!j.is_object()) return Status::Internal("concept " + c.slug + " has malformed terms");
  for (const auto& [lang, list] : j.items()) {
    if (!list.is_array()) continue;
    std::vector<std::string> terms;
    for (const auto& t : list) {
      if (t.is_string()) terms.push_back(t.get<std::string>());
    }
    if (!terms.empty()) c.terms[lang] = std::move(terms);
  }
  return c;
}

class SqlConceptStore final : public thesaurus::ConceptStore {
 public:
  explicit SqlConceptStore(sql::Database& db) : db_(db) {}

  Result<Concept> Create(const Concept& c) override {
    return sql::Transact<Concept>(db_, true, [&](Connection& conn) -> Result<Concept> {
      auto row = conn.QueryOne(
          "INSERT INTO thesaurus_concepts(slug, status, version, created_at, updated_at, proposed_by, terms) "
          "VALUES ($1,$2,1,$3,$4,$5,$6) RETURNING id",
          {c.slug, std::string(thesaurus::ToString(c.status)), c.created_at, c.updated_at,
           IdOrNull(c.proposed_by), TermsJson(c)});
      if (!row.ok()) {
        if (row.status().IsConflict()) return Status::Conflict("the slug \"" + c.slug + "\" is taken");
        return row.status();
      }
      WM_ASSIGN_OR_RETURN(auto saved, conn.QueryOne(std::string(kSelect) + " WHERE id=$1", {row->Int(0)}));
      return FromRow(saved);
    });
  }

  Result<Concept> Get(Id id) override {
    return sql::WithConnection<Concept>(db_, [&](Connection& conn) -> Result<Concept> {
      auto row = conn.QueryOne(std::string(kSelect) + " WHERE id=$1", {id});
      if (!row.ok()) return NotFoundAs(row.status(), "no concept " + std::to_string(id));
      return FromRow(*row);
    });
  }

  Result<Concept> FindBySlug(const std::string& slug) override {
    return sql::WithConnection<Concept>(db_, [&](Connection& conn) -> Result<Concept> {
      auto row = conn.QueryOne(std::string(kSelect) + " WHERE slug=$1", {slug});
      if (!row.ok()) return NotFoundAs(row.status(), "no concept \"" + slug + "\"");
      return FromRow(*row);
    });
  }

  Result<Concept> Update(const Concept& c, std::int64_t expected_version) override {
    return sql::Transact<Concept>(db_, true, [&](Connection& conn) -> Result<Concept> {
      WM_ASSIGN_OR_RETURN(
          std::int64_t changed,
          conn.Execute("UPDATE thesaurus_concepts SET status=$3, updated_at=$4, terms=$5, version=version+1 "
                       "WHERE id=$1 AND version=$2",
                       {c.id, expected_version, std::string(thesaurus::ToString(c.status)), c.updated_at,
                        TermsJson(c)}));
      if (changed == 0) {
        auto now = conn.QueryOne("SELECT version FROM thesaurus_concepts WHERE id=$1", {c.id});
        if (!now.ok()) return NotFoundAs(now.status(), "no concept " + std::to_string(c.id));
        return Status::Conflict("changed by someone else since version " + std::to_string(expected_version) +
                                "; it is now at version " + std::to_string(now->Int(0)));
      }
      WM_ASSIGN_OR_RETURN(auto saved, conn.QueryOne(std::string(kSelect) + " WHERE id=$1", {c.id}));
      return FromRow(saved);
    });
  }

  Result<std::vector<Concept>> List(std::optional<ConceptStatus> status) override {
    return sql::WithConnection<std::vector<Concept>>(
        db_, [&](Connection& conn) -> Result<std::vector<Concept>> {
          auto rows = status ? conn.Query(std::string(kSelect) + " WHERE status=$1 ORDER BY slug",
                                          {std::string(thesaurus::ToString(*status))})
                             : conn.Query(std::string(kSelect) + " ORDER BY slug", {});
          if (!rows.ok()) return rows.status();
          std::vector<Concept> out;
          for (const auto& r : *rows) {
            WM_ASSIGN_OR_RETURN(Concept c, FromRow(r));
            out.push_back(std::move(c));
          }
          return out;
        });
  }

  Result<std::string> Stamp() override {
    return sql::WithConnection<std::string>(db_, [&](Connection& conn) -> Result<std::string> {
      WM_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT COUNT(*), COALESCE(MAX(updated_at),0), "
                                                  "COALESCE(SUM(version),0) FROM thesaurus_concepts",
                                                  {}));
      return std::to_string(row.Int(0)) + ":" + std::to_string(row.Int(1)) + ":" + std::to_string(row.Int(2));
    });
  }

 private:
  sql::Database& db_;
};

}  // namespace

struct ThesaurusStores::Impl {
  explicit Impl(sql::Database& db) : concepts(db) {}
  SqlConceptStore concepts;
};

ThesaurusStores::ThesaurusStores(sql::Database& db) : impl_(std::make_unique<Impl>(db)) {}
ThesaurusStores::~ThesaurusStores() = default;
thesaurus::ConceptStore& ThesaurusStores::concepts() { return impl_->concepts; }

}  // namespace waymark::storage
