// OAI-PMH 2.0 (http://www.openarchives.org/OAI/openarchivesprotocol.html) for
// the library: the six verbs, every error condition, resumption tokens and
// Dublin Core (oai_dc) records, as pure functions of the request's arguments,
// a Repository and the Settings. No HTTP and no storage here: the web module
// parses the query or form, adapts the LibraryService to Repository and
// sends the Response as it is.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace waymark::web::oai {

// The one metadata format offered (every repository must offer it).
inline constexpr std::string_view kMetadataPrefix = "oai_dc";

// Simple Dublin Core: the 15 elements, each repeatable, each value with an
// optional language (a BCP 47 tag such as "en" or "fr-CA"; an invalid tag is
// left out of the response rather than making it invalid).
struct DcRecord {
  struct Value {
    std::string text;
    std::string lang;
  };
  std::vector<Value> title, creator, subject, description, publisher, contributor, date, type, format,
      identifier, source, language, relation, coverage, rights;
};

struct Record {
  // The item's id in Waymark; any string. It becomes oai:<id_namespace>:<local_id>
  // (see Identifier) with characters outside the oai-identifier syntax escaped.
  std::string local_id;
  // When the record last changed (created, edited, withdrawn), in ms since
  // the epoch. Shown to seconds; harvesters resume from it, so it must move
  // forward whenever what the record shows changes.
  std::int64_t datestamp_ms = 0;
  // Withdrawn: the header carries status="deleted" and there is no metadata.
  bool deleted = false;
  // The sets the record is in, such as "type:report" and "theme:drought".
  // Specs that are not valid setSpec syntax are left out of the response.
  std::vector<std::string> set_specs;
  DcRecord dc;  // ignored when deleted
};

struct Set {
  std::string spec;  // "type:report"; ':' separates the levels of the hierarchy
  std::string name;  // "Research reports"
};

// One page of a selective list. Records are ordered by (datestamp_ms,
// local_id) and paged by keyset: a page holds the first `limit` records
// strictly after (after_datestamp_ms, after_local_id), which is always the
// last record of the previous page. Local ids may be ordered any fixed, total
// way the repository likes (numerically, or bytewise as Matches does: SQLite
// BINARY, PostgreSQL COLLATE "C"), the same for ordering and for `after`.
// Keyset paging keeps a harvest correct while records change under it: no
// record is skipped and none repeated because others were added or withdrawn.
struct ListQuery {
  std::int64_t from_ms = std::numeric_limits<std::int64_t>::min();   // datestamp >= from_ms
  std::int64_t until_ms = std::numeric_limits<std::int64_t>::max();  // datestamp <= until_ms
  // Empty: every record. Otherwise the records in that set or in any set
  // below it: a spec matches when it equals `set` or starts with `set + ":"`
  // (set "type" holds the records of "type:report"; "theme:dr" holds nothing
  // of "theme:drought"). SetMatches implements the rule.
  std::string set;
  // The keyset position; the default lies before every record.
  std::int64_t after_datestamp_ms = std::numeric_limits<std::int64_t>::min();
  std::string after_local_id;
  int limit = 100;
  // When true, fill ListPage::complete_list_size with the number of records
  // matching from/until/set, ignoring the keyset position. Asked only for the
  // first page of a list; the count travels in the resumption token.
  bool count = false;
};

struct ListPage {
  std::vector<Record> records;           // at most `limit`, in order
  bool more = false;                     // records follow the last one
  std::int64_t complete_list_size = -1;  // -1: not counted
};

// What the protocol needs from the library. Implemented by the web module
// over the LibraryService; calls may throw (the web module answers 500).
class Repository {
 public:
  virtual ~Repository() = default;
  // Records of every state, withdrawn ones included (as deleted) for as long
  // as the library keeps them (see kDeletedRecordPolicy).
  virtual ListPage List(const ListQuery& q) const = 0;
  virtual std::optional<Record> Get(std::string_view local_id) const = 0;
  // Every set, parents included ("type" / "Types" beside "type:report"). A
  // parent missing here is still listed, named by its spec.
  virtual std::vector<Set> Sets() const = 0;
  // The oldest datestamp any record has (deleted ones included); for an empty
  // library, any moment no later than the first record will have.
  virtual std::int64_t EarliestDatestampMs() const = 0;
};

struct Settings {
  std::string base_url;         // "https://waymark.example.org/oai"
  std::string repository_name;  // "Waymark library"
  // One address, or several separated by commas.
  std::string admin_email;
  // Domain-like name: records are oai:<id_namespace>:<local_id>.
  std::string id_namespace;
  int page_size = 100;  // records (or headers) per response
  std::int64_t now_ms = 0;
  // Secret key for the tokens' HMAC-SHA-256; random bytes from the server,
  // the same on every instance (a token may come back to another one).
  std::string token_key;
  std::int64_t token_ttl_ms = 24LL * 60 * 60 * 1000;
};

// Identify says "transient": withdrawn items are reported as deleted for a
// while and may then be purged, which "persistent" would forbid.
inline constexpr std::string_view kDeletedRecordPolicy = "transient";

struct Response {
  int http_status = 200;  // protocol errors too: the error is in the body
  std::string body;       // XML, UTF-8
  std::string content_type = "text/xml; charset=utf-8";
};

// Every argument of the query (GET) or form (POST), in order, repeats kept.
using Args = std::vector<std::pair<std::string, std::string>>;

Response Handle(const Args& args, const Repository& repo, const Settings& settings);

// --- Helpers for Repository implementations and tests ---

// The hierarchical set rule of ListQuery::set for one record's specs.
bool SetMatches(std::string_view set, const std::vector<std::string>& set_specs);
// Whether a record with these values belongs in `q` (bounds, set, keyset
// position); for repositories that filter in memory.
bool Matches(const ListQuery& q, std::int64_t datestamp_ms, std::string_view local_id,
             const std::vector<std::string>& set_specs);
// setSpec syntax: ([A-Za-z0-9-_.!~*'()])+(:[A-Za-z0-9-_.!~*'()]+)*
bool IsValidSetSpec(std::string_view spec);
// "oai:<id_namespace>:<local_id>", the local id percent-escaped where the
// oai-identifier syntax does not allow a character (and '%' itself).
std::string Identifier(std::string_view id_namespace, std::string_view local_id);
// The local id back from an identifier of this repository; nullopt when the
// identifier has another form or namespace.
std::optional<std::string> LocalIdFromIdentifier(std::string_view identifier, std::string_view id_namespace);
// "2026-11-29T18:32:05Z": UTC, seconds granularity (milliseconds dropped).
std::string FormatDatestamp(std::int64_t ms);

}  // namespace waymark::web::oai
