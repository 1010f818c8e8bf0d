#include "storage/library/library_stores.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "domain/library/csl_json.h"
#include "storage/store_util.h"

namespace waymark::storage {
namespace {

using internal::Bool;
using internal::IdParams;
using internal::InBatches;
using internal::NotFoundAs;
using internal::OptId;
using internal::Placeholders;
using internal::ReadSnapshot;
using library::Blob;
using library::Id;
using library::Item;
using library::ItemFile;
using library::Lifecycle;
using library::LocalText;
using library::Name;
using library::PageText;
using library::Revision;
using library::Term;
using library::TextStatus;
using sql::Connection;
using sql::Row;
using Json = nlohmann::json;

// A blob stored whole in library_blobs.content (before 0009).
class OwnedBytes final : public ByteSource {
 public:
  explicit OwnedBytes(std::string bytes) : bytes_(std::move(bytes)), view_(bytes_) {}
  std::int64_t size() const override { return view_.size(); }
  Result<std::size_t> ReadAt(std::int64_t offset, char* out, std::size_t n) const override {
    return view_.ReadAt(offset, out, n);
  }

 private:
  std::string bytes_;
  StringByteSource view_;
};

// A blob stored in pieces of kBytePieceSize (library_blob_chunks): each read
// fetches the piece it starts in, and keeps the last one for the next read.
class ChunkSource final : public ByteSource {
 public:
  ChunkSource(sql::Database& db, std::string sha256, std::int64_t size)
      : db_(db), sha256_(std::move(sha256)), size_(size) {}
  std::int64_t size() const override { return size_; }
  Result<std::size_t> ReadAt(std::int64_t offset, char* out, std::size_t n) const override {
    const auto piece = static_cast<std::int64_t>(kBytePieceSize);
    std::int64_t seq = offset / piece;
    if (offset >= size_ || n == 0) return std::size_t{0};
    if (seq != cached_seq_) {
      WM_ASSIGN_OR_RETURN(
          cached_, sql::WithConnection<std::string>(db_, [&](Connection& c) -> Result<std::string> {
            auto r = c.QueryOne("SELECT content FROM library_blob_chunks WHERE sha256=$1 AND seq=$2",
                                {sha256_, seq});
            if (!r.ok()) return NotFoundAs(r.status(), "a piece of file " + sha256_ + " is missing");
            return r->Text(0);
          }));
      cached_seq_ = seq;
    }
    auto within = static_cast<std::size_t>(offset - seq * piece);
    if (within >= cached_.size()) return Status::Internal("a piece of file " + sha256_ + " is short");
    std::size_t count = std::min(n, cached_.size() - within);
    std::copy_n(cached_.data() + within, count, out);
    return count;
  }

 private:
  sql::Database& db_;
  std::string sha256_;
  std::int64_t size_;
  mutable std::int64_t cached_seq_ = -1;
  mutable std::string cached_;
};

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t Int(const Json& j, const char* key, std::int64_t fallback = 0) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
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

template <typename T>
Json OptJson(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

// --- Storage's JSON encoding of an Item: `body` holds what has no column;
// a revision snapshot is the body plus the columns. ---

Json BodyJson(const Item& x) {
  Json texts = Json::object();
  for (const auto& [lang, t] : x.texts) texts[lang] = Json{{"title", t.title}, {"abstract", t.abstract}};
  Json authors = Json::array();
  for (const auto& n : x.authors) {
    authors.push_back(Json{{"family", n.family}, {"given", n.given}, {"literal", n.literal}});
  }
  return Json{{"texts", texts},
              {"authors", authors},
              {"publisher", x.publisher},
              {"publisher_place", x.publisher_place},
              {"container_title", x.container_title},
              {"volume", x.volume},
              {"issue", x.issue},
              {"pages", x.pages},
              {"edition", x.edition},
              {"date", Json::array({x.date.year, x.date.month, x.date.day})},
              {"doc_language", x.doc_language},
              {"themes", x.themes},
              {"keywords", x.keywords},
              {"countries", x.countries},
              {"regions", x.regions},
              {"isbn", x.isbn},
              {"handle", x.handle},
              {"url", x.url},
              {"licence", x.licence},
              {"moderation_note", x.moderation_note}};
}

void BodyFromJson(const Json& j, Item& x) {
  if (auto it = j.find("texts"); it != j.end() && it->is_object()) {
    for (auto t = it->begin(); t != it->end(); ++t) {
      if (t->is_object()) x.texts[t.key()] = LocalText{Str(*t, "title"), Str(*t, "abstract")};
    }
  }
  if (auto it = j.find("authors"); it != j.end() && it->is_array()) {
    for (const auto& n : *it) {
      if (n.is_object()) x.authors.push_back(Name{Str(n, "family"), Str(n, "given"), Str(n, "literal")});
    }
  }
  x.publisher = Str(j, "publisher");
  x.publisher_place = Str(j, "publisher_place");
  x.container_title = Str(j, "container_title");
  x.volume = Str(j, "volume");
  x.issue = Str(j, "issue");
  x.pages = Str(j, "pages");
  x.edition = Str(j, "edition");
  if (auto it = j.find("date"); it != j.end() && it->is_array() && it->size() == 3) {
    auto part = [&](std::size_t i) { return (*it)[i].is_number_integer() ? (*it)[i].get<int>() : 0; };
    x.date = library::PartialDate{part(0), part(1), part(2)};
  }
  x.doc_language = Str(j, "doc_language");
  x.themes = Strings(j, "themes");
  x.keywords = Strings(j, "keywords");
  x.countries = Strings(j, "countries");
  x.regions = Strings(j, "regions");
  x.isbn = Str(j, "isbn");
  x.handle = Str(j, "handle");
  x.url = Str(j, "url");
  x.licence = Str(j, "licence");
  if (x.licence.empty()) x.licence = "unknown";
  x.moderation_note = Str(j, "moderation_note");
}

Json SnapshotJson(const Item& x) {
  Json j = BodyJson(x);
  j["id"] = x.id;
  j["slug"] = x.slug;
  j["type"] = x.type;
  j["lifecycle"] = std::string(library::ToString(x.lifecycle));
  j["org_id"] = OptJson(x.org_id);
  j["created_by"] = OptJson(x.created_by);
  j["doi"] = x.doi;
  j["version"] = x.version;
  j["created_at"] = x.created_at;
  j["updated_at"] = x.updated_at;
  j["published_at"] = OptJson(x.published_at);
  return j;
}

Item SnapshotFromJson(const Json& j) {
  Item x;
  if (!j.is_object()) return x;
  BodyFromJson(j, x);
  x.id = Int(j, "id");
  x.slug = Str(j, "slug");
  x.type = Str(j, "type");
  x.lifecycle = library::ParseLifecycle(Str(j, "lifecycle")).value_or(Lifecycle::kDraft);
  x.org_id = OptInt(j, "org_id");
  x.created_by = OptInt(j, "created_by");
  x.doi = Str(j, "doi");
  x.version = Int(j, "version", 1);
  x.created_at = Int(j, "created_at");
  x.updated_at = Int(j, "updated_at");
  x.published_at = OptInt(j, "published_at");
  return x;
}

// The model's invariants on lists: codes sorted bytewise and unique.
void Normalise(Item& x) {
  for (auto* list : {&x.themes, &x.keywords, &x.countries, &x.regions}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
}

std::string Csl(const Item& x) {
  auto lang = x.TitleLang("en");
  return library::ReferenceToCslJson(library::ToReference(x, lang));
}

constexpr char kItemColumns[] =
    "i.id, i.slug, i.item_type, i.lifecycle, i.org_id, i.created_by, i.doi, i.version, i.created_at, "
    "i.updated_at, i.published_at, i.body, o.slug, o.name";
constexpr char kItemFrom[] = " FROM library_items i LEFT JOIN organisations o ON o.id = i.org_id ";

Result<Item> ItemFromRow(const Row& r) {
  Item x;
  x.id = r.Int(0);
  auto body = Json::parse(r.Text(11), nullptr, false);
  if (!body.is_object())
    return Status::Internal("library item " + std::to_string(x.id) + " has a malformed body");
  BodyFromJson(body, x);
  x.slug = r.Text(1);
  x.type = r.Text(2);
  x.lifecycle = library::ParseLifecycle(r.Text(3)).value_or(Lifecycle::kDraft);
  x.org_id = r.OptInt(4);
  x.created_by = r.OptInt(5);
  x.doi = r.Text(6);
  x.version = r.Int(7);
  x.created_at = r.Int(8);
  x.updated_at = r.Int(9);
  x.published_at = r.OptInt(10);
  x.org_slug = r.Text(12);
  x.org_name = r.Text(13);
  return x;
}

constexpr char kFileSelect[] =
    "SELECT f.id, f.item_id, f.sha256, f.filename, b.media_type, b.byte_size, b.page_count, b.text_status, "
    "b.text_error, f.created_at FROM library_files f JOIN library_blobs b ON b.sha256 = f.sha256 ";

ItemFile FileFromRow(const Row& r) {
  ItemFile f;
  f.id = r.Int(0);
  f.item_id = r.Int(1);
  f.sha256 = r.Text(2);
  f.filename = r.Text(3);
  f.media_type = r.Text(4);
  f.size = r.Int(5);
  f.page_count = static_cast<int>(r.Int(6));
  f.text_status = library::ParseTextStatus(r.Text(7)).value_or(TextStatus::kPending);
  f.text_error = r.Text(8);
  f.created_at = r.Int(9);
  return f;
}

Result<std::map<Id, Item>> LoadItems(Connection& c, const std::vector<Id>& ids) {
  std::map<Id, Item> out;
  for (const auto& batch : InBatches(ids)) {
    const std::string in = "(" + Placeholders(1, batch.size()) + ")";
    const sql::Params params = IdParams(batch);
    WM_ASSIGN_OR_RETURN(
        auto rows,
        c.Query(std::string("SELECT ") + kItemColumns + kItemFrom + "WHERE i.id IN " + in, params));
    if (rows.empty()) continue;
    for (const auto& r : rows) {
      WM_ASSIGN_OR_RETURN(Item x, ItemFromRow(r));
      out.emplace(x.id, std::move(x));
    }
    WM_ASSIGN_OR_RETURN(
        auto file_rows,
        c.Query(std::string(kFileSelect) + "WHERE f.item_id IN " + in + " ORDER BY f.item_id, f.id", params));
    for (const auto& r : file_rows) {
      auto it = out.find(r.Int(1));
      if (it != out.end()) it->second.files.push_back(FileFromRow(r));
    }
  }
  return out;
}

Result<Item> LoadItem(Connection& c, Id id) {
  WM_ASSIGN_OR_RETURN(auto found, LoadItems(c, {id}));
  auto it = found.find(id);
  if (it == found.end()) return Status::NotFound("no library item " + std::to_string(id));
  return std::move(it->second);
}

Result<std::vector<Item>> LoadInOrder(Connection& c, const std::vector<Id>& ids) {
  WM_ASSIGN_OR_RETURN(auto found, LoadItems(c, ids));
  std::vector<Item> out;
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

Status SaveThemes(Connection& c, const Item& x) {
  WM_RETURN_IF_ERROR(c.Execute("DELETE FROM library_item_themes WHERE item_id=$1", {x.id}).status());
  for (const auto& t : x.themes) {
    WM_RETURN_IF_ERROR(
        c.Execute("INSERT INTO library_item_themes(item_id, theme) VALUES ($1,$2)", {x.id, t}).status());
  }
  return Status::Ok();
}

Status CheckOrganisation(Connection& c, const Item& x) {
  if (!x.org_id) return Status::Ok();
  auto row = c.QueryOne("SELECT 1 FROM organisations WHERE id=$1", {*x.org_id});
  return row.ok() ? Status::Ok() : NotFoundAs(row.status(), "no organisation " + std::to_string(*x.org_id));
}

constexpr char kRevisionColumns[] =
    "item_id, version, at, actor_user_id, actor_label, action, note, snapshot";

Revision RevisionFromRow(const Row& r) {
  Revision rev;
  rev.item_id = r.Int(0);
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

PageText PageFromRow(const Row& r) {
  return PageText{r.Int(0), r.Text(1), static_cast<int>(r.Int(2)), r.Text(3)};
}

// Items harvesters see: published, or archived after publication.
constexpr char kHarvestable[] =
    "(i.lifecycle='published' OR (i.lifecycle='archived' AND i.published_at IS NOT NULL))";

class SqlItemStore final : public library::ItemStore {
 public:
  explicit SqlItemStore(sql::Database& db) : db_(db) {}

  Result<Item> Create(const Item& given) override {
    Item x = given;
    Normalise(x);
    return sql::Transact<Item>(db_, true, [&](Connection& c) -> Result<Item> {
      WM_RETURN_IF_ERROR(CheckOrganisation(c, x));
      auto row = c.QueryOne(
          "INSERT INTO library_items(slug, item_type, lifecycle, org_id, created_by, doi, match_key, "
          "version, "
          "created_at, updated_at, published_at, body, csl) VALUES "
          "($1,$2,$3,$4,$5,$6,$7,1,$8,$9,$10,$11,$12) "
          "RETURNING id",
          {x.slug, x.type, std::string(library::ToString(x.lifecycle)), OptId(x.org_id), OptId(x.created_by),
           x.doi, library::MatchKey(x), x.created_at, x.updated_at, OptId(x.published_at), Dump(BodyJson(x)),
           Csl(x)});
      if (!row.ok()) {
        if (row.status().IsConflict()) return Status::Conflict("the slug \"" + x.slug + "\" is taken");
        if (internal::IsForeignKeyViolation(row.status())) return Status::NotFound("no such user");
        return row.status();
      }
      x.id = row->Int(0);
      WM_RETURN_IF_ERROR(SaveThemes(c, x));
      return LoadItem(c, x.id);
    });
  }

  Result<Item> Get(Id id) override {
    return ReadSnapshot<Item>(db_, [&](Connection& c) { return LoadItem(c, id); });
  }

  Result<Item> FindBySlug(const std::string& slug) override {
    return ReadSnapshot<Item>(db_, [&](Connection& c) -> Result<Item> {
      auto row = c.QueryOne("SELECT id FROM library_items WHERE slug=$1", {slug});
      if (!row.ok()) return NotFoundAs(row.status(), "no library item \"" + slug + "\"");
      return LoadItem(c, row->Int(0));
    });
  }

  Result<std::vector<Item>> GetMany(const std::vector<Id>& ids) override {
    if (ids.empty()) return std::vector<Item>{};
    return ReadSnapshot<std::vector<Item>>(db_, [&](Connection& c) { return LoadInOrder(c, ids); });
  }

  Result<Item> Modify(Id id, const std::function<Result<Item>(Item)>& change) override {
    return sql::Transact<Item>(db_, true, [&](Connection& c) -> Result<Item> {
      std::string lock = c.dialect() == sql::Dialect::kPostgres ? " FOR UPDATE" : "";
      auto locked = c.QueryOne("SELECT version FROM library_items WHERE id=$1" + lock, {id});
      if (!locked.ok()) return NotFoundAs(locked.status(), "no library item " + std::to_string(id));
      WM_ASSIGN_OR_RETURN(Item before, LoadItem(c, id));
      WM_ASSIGN_OR_RETURN(Item x, change(std::move(before)));
      x.id = id;
      Normalise(x);
      WM_RETURN_IF_ERROR(CheckOrganisation(c, x));
      WM_RETURN_IF_ERROR(
          c.Execute("UPDATE library_items SET item_type=$2, lifecycle=$3, org_id=$4, doi=$5, "
                    "match_key=$6, updated_at=$7, published_at=$8, body=$9, csl=$10, "
                    "version=version+1 WHERE id=$1",
                    {id, x.type, std::string(library::ToString(x.lifecycle)), OptId(x.org_id), x.doi,
                     library::MatchKey(x), x.updated_at, OptId(x.published_at), Dump(BodyJson(x)), Csl(x)})
              .status());
      WM_RETURN_IF_ERROR(SaveThemes(c, x));
      return LoadItem(c, id);
    });
  }

  Result<bool> SlugTaken(const std::string& slug) override {
    return sql::WithConnection<bool>(db_, [&](Connection& c) -> Result<bool> {
      WM_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT 1 FROM library_items WHERE slug=$1", {slug}));
      return !rows.empty();
    });
  }

  Result<std::vector<Item>> FindByDoi(const std::string& doi) override {
    if (doi.empty()) return std::vector<Item>{};
    return ListWhere("SELECT id FROM library_items WHERE doi=$1 ORDER BY id LIMIT 10", {doi});
  }

  Result<std::vector<Item>> FindByMatchKey(const std::string& key) override {
    return ListWhere("SELECT id FROM library_items WHERE match_key=$1 ORDER BY id LIMIT 10", {key});
  }

  Result<std::vector<Id>> ListIds(Id after_id, int limit) override {
    return sql::WithConnection<std::vector<Id>>(db_, [&](Connection& c) {
      return QueryIds(c, "SELECT id FROM library_items WHERE id > $1 ORDER BY id LIMIT $2",
                      {after_id, static_cast<std::int64_t>(limit)});
    });
  }

  Result<std::vector<Item>> ListByLifecycle(Lifecycle state, int limit) override {
    return ListWhere("SELECT id FROM library_items WHERE lifecycle=$1 ORDER BY updated_at, id LIMIT $2",
                     {std::string(library::ToString(state)), static_cast<std::int64_t>(limit)});
  }

  Result<std::vector<Item>> ListByOrganisation(Id org_id, int limit) override {
    return ListWhere(
        "SELECT id FROM library_items WHERE org_id=$1 ORDER BY updated_at DESC, id DESC LIMIT $2",
        {org_id, static_cast<std::int64_t>(limit)});
  }

  Result<std::vector<Item>> Harvest(const library::HarvestQuery& q) override {
    std::string stmt =
        std::string("SELECT i.id FROM library_items i WHERE ") + kHarvestable +
        " AND i.updated_at >= $1 AND i.updated_at <= $2 AND (i.updated_at > $3 OR (i.updated_at = $3 "
        "AND i.id > $4))";
    sql::Params params = {q.from, q.until, q.after_at, q.after_id};
    if (q.type) {
      params.emplace_back(*q.type);
      stmt += " AND i.item_type=$" + std::to_string(params.size());
    }
    if (q.theme && q.theme->empty()) {
      stmt += " AND EXISTS (SELECT 1 FROM library_item_themes t WHERE t.item_id = i.id)";
    } else if (q.theme) {
      params.emplace_back(*q.theme);
      stmt += " AND EXISTS (SELECT 1 FROM library_item_themes t WHERE t.item_id = i.id AND t.theme=$" +
              std::to_string(params.size()) + ")";
    }
    params.emplace_back(static_cast<std::int64_t>(std::clamp(q.limit, 1, 1000)));
    stmt += " ORDER BY i.updated_at, i.id LIMIT $" + std::to_string(params.size());
    return ListWhere(stmt, params);
  }

  Result<TimestampMs> EarliestChange() override {
    return sql::WithConnection<TimestampMs>(db_, [&](Connection& c) -> Result<TimestampMs> {
      WM_ASSIGN_OR_RETURN(
          Row r, c.QueryOne(std::string("SELECT COALESCE(MIN(i.updated_at), 0) FROM library_items i WHERE ") +
                                kHarvestable,
                            {}));
      return r.Int(0);
    });
  }

  Result<std::vector<std::pair<std::string, std::string>>> HarvestSets() override {
    using Sets = std::vector<std::pair<std::string, std::string>>;
    return sql::WithConnection<Sets>(db_, [&](Connection& c) -> Result<Sets> {
      Sets out;
      WM_ASSIGN_OR_RETURN(auto types,
                          c.Query(std::string("SELECT DISTINCT i.item_type FROM library_items i WHERE ") +
                                      kHarvestable + " ORDER BY i.item_type",
                                  {}));
      for (const auto& r : types) out.emplace_back("type", r.Text(0));
      WM_ASSIGN_OR_RETURN(auto themes,
                          c.Query(std::string("SELECT DISTINCT t.theme FROM library_item_themes t JOIN "
                                              "library_items i ON i.id = t.item_id WHERE ") +
                                      kHarvestable + " ORDER BY t.theme",
                                  {}));
      for (const auto& r : themes) out.emplace_back("theme", r.Text(0));
      return out;
    });
  }

  Status AddRevision(const Revision& r) override {
    auto n = sql::WithConnection<std::int64_t>(db_, [&](Connection& c) {
      return c.Execute(std::string("INSERT INTO library_revisions(") + kRevisionColumns +
                           ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                       {r.item_id, r.version, r.at, OptId(r.actor_user_id), r.actor_label, r.action, r.note,
                        Dump(SnapshotJson(r.snapshot))});
    });
    if (!n.ok() && n.status().IsConflict())
      return Status::Conflict("library item " + std::to_string(r.item_id) + " already has a revision " +
                              std::to_string(r.version));
    if (!n.ok() && internal::IsForeignKeyViolation(n.status()))
      return Status::NotFound("no library item " + std::to_string(r.item_id));
    return n.status();
  }

  Result<std::vector<Revision>> ListRevisions(Id item_id) override {
    return sql::WithConnection<std::vector<Revision>>(
        db_, [&](Connection& c) -> Result<std::vector<Revision>> {
          WM_ASSIGN_OR_RETURN(auto rows,
                              c.Query(std::string("SELECT ") + kRevisionColumns +
                                          " FROM library_revisions WHERE item_id=$1 ORDER BY version DESC",
                                      {item_id}));
          return internal::MapRows(rows, RevisionFromRow);
        });
  }

  Result<ItemFile> AddFile(const ItemFile& given, const Blob& blob, const ByteSource& bytes) override {
    ItemFile f = given;
    return sql::Transact<ItemFile>(db_, true, [&](Connection& c) -> Result<ItemFile> {
      auto item = c.QueryOne("SELECT 1 FROM library_items WHERE id=$1", {f.item_id});
      if (!item.ok()) return NotFoundAs(item.status(), "no library item " + std::to_string(f.item_id));
      // The bytes once per checksum: DO NOTHING waits for a concurrent
      // insert of the same blob to end. On PostgreSQL the blob row is then
      // held (FOR SHARE) until this file row is committed, so that a
      // RemoveFile of its last other file cannot delete it in between; if
      // one did just before, the blob is inserted again.
      const bool postgres = c.dialect() == sql::Dialect::kPostgres;
      for (int attempt = 0;; ++attempt) {
        // The bytes go into library_blob_chunks, a piece at a time, only
        // when this call inserted the blob row.
        WM_ASSIGN_OR_RETURN(
            auto inserted,
            c.Query("INSERT INTO library_blobs(sha256, media_type, byte_size, page_count, "
                    "text_status, text_error, created_at, content) VALUES ($1,$2,$3,0,$4,'',$5,$6) "
                    "ON CONFLICT (sha256) DO NOTHING RETURNING 1",
                    {blob.sha256, blob.media_type, blob.size,
                     std::string(library::ToString(blob.text_status)), f.created_at, sql::Blob{}}));
        if (!inserted.empty()) {
          std::int64_t seq = 0;
          WM_RETURN_IF_ERROR(ForEachPiece(bytes, [&](std::string_view piece) {
            return c
                .Execute("INSERT INTO library_blob_chunks(sha256, seq, content) VALUES ($1,$2,$3)",
                         {blob.sha256, seq++, sql::Blob{std::string(piece)}})
                .status();
          }));
        }
        if (!postgres) break;
        WM_ASSIGN_OR_RETURN(auto held,
                            c.Query("SELECT 1 FROM library_blobs WHERE sha256=$1 FOR SHARE", {blob.sha256}));
        if (!held.empty()) break;
        if (attempt >= 3)
          return Status::Unavailable("the file's bytes were removed while it was added; try again");
      }
      auto rows = c.Query(
          "INSERT INTO library_files(item_id, sha256, filename, created_at) VALUES ($1,$2,$3,$4) "
          "ON CONFLICT (item_id, sha256) DO NOTHING RETURNING id",
          {f.item_id, f.sha256, f.filename, f.created_at});
      if (!rows.ok()) return rows.status();
      Id id = 0;
      if (!rows->empty()) {
        id = rows->front().Int(0);
      } else {
        WM_ASSIGN_OR_RETURN(
            Row existing,
            c.QueryOne("SELECT id FROM library_files WHERE item_id=$1 AND sha256=$2", {f.item_id, f.sha256}));
        id = existing.Int(0);
      }
      WM_ASSIGN_OR_RETURN(Row r, c.QueryOne(std::string(kFileSelect) + "WHERE f.id=$1", {id}));
      return FileFromRow(r);
    });
  }

  Result<ItemFile> GetFile(Id file_id) override {
    return sql::WithConnection<ItemFile>(db_, [&](Connection& c) -> Result<ItemFile> {
      auto r = c.QueryOne(std::string(kFileSelect) + "WHERE f.id=$1", {file_id});
      if (!r.ok()) return NotFoundAs(r.status(), "no file " + std::to_string(file_id));
      return FileFromRow(*r);
    });
  }

  Result<std::string> BlobBytes(const std::string& sha256) override {
    WM_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, OpenBlob(sha256));
    return ReadAll(*source);
  }

  Result<std::unique_ptr<ByteSource>> OpenBlob(const std::string& sha256) override {
    return sql::WithConnection<std::unique_ptr<ByteSource>>(
        db_, [&](Connection& c) -> Result<std::unique_ptr<ByteSource>> {
          // A blob stored before 0009 has its bytes in content (small:
          // uploads were held in memory then); later ones have pieces.
          auto r =
              c.QueryOne("SELECT byte_size, length(content) FROM library_blobs WHERE sha256=$1", {sha256});
          if (!r.ok()) return NotFoundAs(r.status(), "no file with checksum " + sha256);
          if (r->Int(1) > 0) {
            WM_ASSIGN_OR_RETURN(Row legacy,
                                c.QueryOne("SELECT content FROM library_blobs WHERE sha256=$1", {sha256}));
            return std::unique_ptr<ByteSource>(std::make_unique<OwnedBytes>(legacy.Text(0)));
          }
          return std::unique_ptr<ByteSource>(std::make_unique<ChunkSource>(db_, sha256, r->Int(0)));
        });
  }

  Status RemoveFile(Id file_id) override {
    return sql::Transact<bool>(
               db_, true,
               [&](Connection& c) -> Result<bool> {
                 auto r = c.QueryOne("SELECT sha256 FROM library_files WHERE id=$1", {file_id});
                 if (!r.ok()) return NotFoundAs(r.status(), "no file " + std::to_string(file_id));
                 std::string sha = r->Text(0);
                 // The blob row first (PostgreSQL): an AddFile of the same
                 // bytes holds it FOR SHARE until its file row is committed,
                 // so the check below sees that file.
                 if (c.dialect() == sql::Dialect::kPostgres) {
                   WM_RETURN_IF_ERROR(
                       c.Query("SELECT 1 FROM library_blobs WHERE sha256=$1 FOR UPDATE", {sha}).status());
                 }
                 WM_RETURN_IF_ERROR(c.Execute("DELETE FROM library_files WHERE id=$1", {file_id}).status());
                 WM_ASSIGN_OR_RETURN(auto users,
                                     c.Query("SELECT 1 FROM library_files WHERE sha256=$1", {sha}));
                 if (users.empty()) {
                   WM_RETURN_IF_ERROR(c.Execute("DELETE FROM library_pages WHERE sha256=$1", {sha}).status());
                   WM_RETURN_IF_ERROR(
                       c.Execute("DELETE FROM library_blob_chunks WHERE sha256=$1", {sha}).status());
                   WM_RETURN_IF_ERROR(c.Execute("DELETE FROM library_blobs WHERE sha256=$1", {sha}).status());
                 }
                 return true;
               })
        .status();
  }

  Result<std::vector<Blob>> PendingBlobs(int limit) override {
    return sql::WithConnection<std::vector<Blob>>(db_, [&](Connection& c) -> Result<std::vector<Blob>> {
      WM_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT sha256, media_type, byte_size FROM library_blobs WHERE "
                                             "text_status='pending' ORDER BY created_at, sha256 LIMIT $1",
                                             {static_cast<std::int64_t>(limit)}));
      std::vector<Blob> out;
      for (const auto& r : rows) {
        Blob b;
        b.sha256 = r.Text(0);
        b.media_type = r.Text(1);
        b.size = r.Int(2);
        out.push_back(std::move(b));
      }
      return out;
    });
  }

  Status SaveExtraction(const Blob& blob, const std::vector<PageText>& pages) override {
    return sql::Transact<bool>(
               db_, true,
               [&](Connection& c) -> Result<bool> {
                 WM_ASSIGN_OR_RETURN(
                     std::int64_t n,
                     c.Execute("UPDATE library_blobs SET page_count=$2, text_status=$3, text_error=$4 "
                               "WHERE sha256=$1 AND text_status='pending'",
                               {blob.sha256, static_cast<std::int64_t>(blob.page_count),
                                std::string(library::ToString(blob.text_status)), blob.text_error}));
                 if (n == 0)
                   return Status::Conflict("the file " + blob.sha256 +
                                           " is no longer waiting for extraction");
                 WM_RETURN_IF_ERROR(
                     c.Execute("DELETE FROM library_pages WHERE sha256=$1", {blob.sha256}).status());
                 for (const auto& p : pages) {
                   WM_RETURN_IF_ERROR(
                       c.Execute("INSERT INTO library_pages(sha256, page_number, text) VALUES ($1,$2,$3)",
                                 {blob.sha256, static_cast<std::int64_t>(p.number), p.text})
                           .status());
                 }
                 return true;
               })
        .status();
  }

  Result<std::vector<PageText>> Pages(const std::string& sha256, int from, int count) override {
    return sql::WithConnection<std::vector<PageText>>(
        db_, [&](Connection& c) -> Result<std::vector<PageText>> {
          WM_ASSIGN_OR_RETURN(
              auto rows,
              c.Query("SELECT id, sha256, page_number, text FROM library_pages WHERE "
                      "sha256=$1 AND page_number >= $2 ORDER BY page_number LIMIT $3",
                      {sha256, static_cast<std::int64_t>(from), static_cast<std::int64_t>(count)}));
          return internal::MapRows(rows, PageFromRow);
        });
  }

  Result<PageText> GetPage(Id page_id) override {
    return sql::WithConnection<PageText>(db_, [&](Connection& c) -> Result<PageText> {
      auto r = c.QueryOne("SELECT id, sha256, page_number, text FROM library_pages WHERE id=$1", {page_id});
      if (!r.ok()) return NotFoundAs(r.status(), "no page " + std::to_string(page_id));
      return PageFromRow(*r);
    });
  }

  Result<std::vector<Id>> ListPageIds(Id after_id, int limit) override {
    return sql::WithConnection<std::vector<Id>>(db_, [&](Connection& c) {
      return QueryIds(c, "SELECT id FROM library_pages WHERE id > $1 ORDER BY id LIMIT $2",
                      {after_id, static_cast<std::int64_t>(limit)});
    });
  }

  Result<std::vector<Id>> PageIdsOf(const std::string& sha256) override {
    return sql::WithConnection<std::vector<Id>>(db_, [&](Connection& c) {
      return QueryIds(c, "SELECT id FROM library_pages WHERE sha256=$1 ORDER BY id", {sha256});
    });
  }

  Result<std::vector<Id>> ItemsUsing(const std::string& sha256) override {
    return sql::WithConnection<std::vector<Id>>(db_, [&](Connection& c) {
      return QueryIds(c, "SELECT DISTINCT item_id FROM library_files WHERE sha256=$1 ORDER BY item_id",
                      {sha256});
    });
  }

 private:
  Result<std::vector<Item>> ListWhere(const std::string& stmt, const sql::Params& params) {
    return ReadSnapshot<std::vector<Item>>(db_, [&](Connection& c) -> Result<std::vector<Item>> {
      WM_ASSIGN_OR_RETURN(std::vector<Id> ids, QueryIds(c, stmt, params));
      return LoadInOrder(c, ids);
    });
  }

  sql::Database& db_;
};

class SqlTermStore final : public library::TermStore {
 public:
  explicit SqlTermStore(sql::Database& db) : db_(db) {}

  Result<std::vector<Term>> List() override {
    return sql::WithConnection<std::vector<Term>>(db_, [&](Connection& c) -> Result<std::vector<Term>> {
      WM_ASSIGN_OR_RETURN(
          auto rows, c.Query("SELECT vocabulary, code, position, active, labels FROM library_terms", {}));
      std::vector<Term> out;
      out.reserve(rows.size());
      for (const auto& r : rows) {
        Term t;
        t.vocabulary = r.Text(0);
        t.code = r.Text(1);
        t.position = static_cast<int>(r.Int(2));
        t.active = r.Bool(3);
        auto labels = Json::parse(r.Text(4), nullptr, false);
        if (labels.is_object()) {
          for (auto it = labels.begin(); it != labels.end(); ++it) {
            if (it->is_string()) t.labels[it.key()] = it->get<std::string>();
          }
        }
        out.push_back(std::move(t));
      }
      std::sort(out.begin(), out.end(), [](const Term& a, const Term& b) {
        return std::tie(a.vocabulary, a.position, a.code) < std::tie(b.vocabulary, b.position, b.code);
      });
      return out;
    });
  }

  Status Save(const Term& t) override {
    Json labels = Json::object();
    for (const auto& [lang, label] : t.labels) labels[lang] = label;
    return sql::WithConnection<std::int64_t>(
               db_,
               [&](Connection& c) {
                 return c.Execute(
                     "INSERT INTO library_terms(vocabulary, code, position, active, "
                     "labels) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (vocabulary, code) "
                     "DO UPDATE SET position = excluded.position, active = "
                     "excluded.active, labels = excluded.labels",
                     {t.vocabulary, t.code, static_cast<std::int64_t>(t.position), Bool(t.active),
                      Dump(labels)});
               })
        .status();
  }

 private:
  sql::Database& db_;
};

}  // namespace

struct LibraryStores::Impl {
  explicit Impl(sql::Database& db) : items(db), terms(db) {}
  SqlItemStore items;
  SqlTermStore terms;
};

LibraryStores::LibraryStores(sql::Database& db) : impl_(std::make_unique<Impl>(db)) {}
LibraryStores::~LibraryStores() = default;

library::ItemStore& LibraryStores::items() { return impl_->items; }
library::TermStore& LibraryStores::terms() { return impl_->terms; }
library::Stores LibraryStores::stores() { return library::Stores{&impl_->items, &impl_->terms}; }

}  // namespace waymark::storage
