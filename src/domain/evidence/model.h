// The evidence module's model: migrant deaths and disappearances (incidents,
// from IOM's Missing Migrants Project) and displacement figures (IDMC, UNHCR,
// any HXL-tagged table), the import batches that bring them in, and the rows
// a batch could not take (quarantine).
//
// Unknown is not zero: every count is optional, and a blank cell stays
// std::nullopt. Nothing here knows of HTTP, JSON or SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/accounts/model.h"

namespace waymark::evidence {

using accounts::Id;
using waymark::TimestampMs;

// ---------------------------------------------------------------- dates

enum class DatePrecision { kUnknown, kYear, kMonth, kWeek, kDay };
const char* DatePrecisionName(DatePrecision p);  // "unknown", "year", "month", "week", "day"

// A date known to some precision: year only, year and month, or a day.
// year == 0 means no date at all (precision kUnknown).
struct PartialDate {
  int year = 0;
  int month = 0;  // 1..12, 0 when unknown
  int day = 0;    // 1..31, 0 when unknown
  DatePrecision precision = DatePrecision::kUnknown;

  bool known() const { return year != 0; }
  // "2016-03-05", "2016-03", "2016", or "" when unknown.
  std::string ToString() const;
  bool operator==(const PartialDate&) const = default;
};

// ---------------------------------------------------------------- datasets

// What the public may see of a dataset. Signed-in data officers see all.
enum class Publication {
  kRecords,     // record-level public (MMP)
  kAggregates,  // only aggregates, cells below k suppressed
};

// A dataset is a family of files whose records share one id space: MMP's
// Main IDs ("mmp"), its 2014-2020 Web IDs ("mmp-legacy"), IDMC's GIDD
// ("idmc-gidd"), ... Records of two datasets are never merged or summed.
struct DatasetInfo {
  std::string code;   // "mmp"
  std::string title;  // "IOM Missing Migrants Project"
  std::string publisher;
  std::string licence;  // "CC BY-IGO"
  std::string licence_url;
  std::string citation;  // what a reader must cite
  Publication publication = Publication::kRecords;
};

// The datasets Waymark knows by default (the publishers in ../shared/data),
// in display order. An HXL file imports into "hxl-<name>" with kAggregates.
const std::vector<DatasetInfo>& KnownDatasets();
const DatasetInfo* FindDataset(const std::string& code);

// ---------------------------------------------------------------- incidents

enum class IncidentKind { kIncident, kSplit, kCumulative };
const char* IncidentKindName(IncidentKind k);  // "incident", "split", "cumulative"

// The publisher's seven cause-of-death categories (2019 onwards). Legacy
// free-text causes are mapped to these where a rule exists (docs/evidence.md),
// else to kMixedOrUnknown with the original text kept in cause_text.
enum class Cause {
  kDrowning,
  kHarshConditions,  // "Harsh environmental conditions / lack of adequate shelter, food, water"
  kVehicleAccident,  // "Vehicle accident / death linked to hazardous transport"
  kSickness,         // "Sickness / lack of access to adequate healthcare"
  kViolence,         // "Violence"
  kAccidental,       // "Accidental death"
  kMixedOrUnknown,   // "Mixed or unknown"
};
inline constexpr int kCauseCount = 7;
const char* CauseCode(Cause c);   // "drowning", "harsh_conditions", ...
const char* CauseLabel(Cause c);  // the publisher's English label
std::optional<Cause> CauseFromCode(const std::string& code);

// A name with the publisher's "(P)" presumed marker kept as a flag.
struct Origin {
  std::string name;
  bool presumed = false;
  bool operator==(const Origin&) const = default;
};

struct Incident {
  Id id = 0;  // ours; 0 before storage
  std::string dataset = "mmp";
  // The publisher's record id, BOM and whitespace stripped: a Main ID
  // ("2014.MMP00001"), "web:52682" for the legacy export. With `part` it is
  // the key a re-import matches on.
  std::string source_id;
  // 1 for the first record with this source_id in a file; split incidents
  // that share a Main ID and have no Incident ID of their own are 2, 3, ...
  int part = 1;
  std::vector<std::string> incident_ids;
  IncidentKind kind = IncidentKind::kIncident;
  bool also_split = false;  // "Incident,Split Incident"
  PartialDate date;
  int year = 0;                      // the publisher's year column (may be 0 when blank)
  int month = 0;                     // 1..12, 0 when blank
  std::vector<std::string> regions;  // usually one; a few rows name two
  std::string country;               // country of incident (UN name), may be empty
  std::string country_code;          // ISO alpha-3 when the name is known, else empty
  std::string location;              // plain text (HTML removed)
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::string route;  // migration route, may be empty
  std::string unsd_grouping;
  std::optional<std::int64_t> dead, missing, total, survivors, females, males, children;
  std::vector<Cause> causes;  // known categories, in the publisher's order, no repeats
  std::string cause_text;     // the publisher's cause text as given
  std::vector<Origin> countries_of_origin;
  std::vector<Origin> regions_of_origin;
  std::string information_source;
  std::vector<std::string> urls;
  std::vector<int> source_quality;  // each 1..5, ascending, no repeats
  Id batch_id = 0;                  // the batch that last changed it
  std::int64_t version = 0;         // 1 on first import, +1 per change

  // The key a re-import matches on: source_id, or source_id + "#" + part.
  std::string Key() const;
};

// A canonical one-line-per-field text of everything the publisher said
// (not id, batch_id or version): equal texts mean "unchanged". Stable
// across versions of Waymark; revisions store it.
std::string CanonicalText(const Incident& i);

// ---------------------------------------------------------------- displacement

enum class DisplacementCause { kConflict, kDisaster, kOther };
const char* DisplacementCauseName(DisplacementCause c);  // "conflict", "disaster", "other"

// What a figure counts. Codes are stable API values.
//   new_displacements  movements during the period (IDMC "internal displacements", a flow)
//   idps               people displaced at the end of the period (IDMC stock; UNHCR IDPs of concern)
//   refugees, asylum_seekers, other_in_need (UNHCR OIP), stateless,
//   host_community, others_of_concern, returnees, killed (conflict deaths, HXL #affected+killed),
//   affected (HXL #affected without a more precise attribute)
bool IsKnownFigureKind(const std::string& code);
const std::vector<std::string>& FigureKinds();

struct Displacement {
  Id id = 0;
  std::string dataset;       // "idmc-gidd", "unhcr-population", "hxl-ucdp_ged_..."
  std::string source_id;     // publisher's id or a key built from the row's dimensions
  std::string country;       // ISO alpha-3 or the publisher's own code (AB9, XKX, XXA, UNK)
  std::string country_name;  // as the publisher wrote it, may be empty
  std::string origin;        // UNHCR: country of origin code; else empty
  std::string origin_name;
  std::string area;  // sub-national area, when given
  int year = 0;
  PartialDate period_start, period_end;  // empty when the figure is for the whole year
  DisplacementCause cause = DisplacementCause::kOther;
  std::string hazard_category, hazard_sub_category, hazard_type, hazard_sub_type;  // names
  std::string event_name;
  PartialDate event_start, event_end;
  std::vector<std::string> event_codes;  // GLIDE and other codes
  std::string kind;                      // a FigureKinds() code
  std::optional<std::int64_t> value;     // unrounded / as published
  std::optional<std::int64_t> rounded;   // the publisher's rounded headline, when given
  std::string source;                    // publishers / sources text, when given
  std::optional<double> latitude, longitude;
  Id batch_id = 0;
  std::int64_t version = 0;

  std::string Key() const { return source_id; }
};

std::string CanonicalText(const Displacement& d);

// ---------------------------------------------------------------- imports

enum class ImportTarget { kIncidents, kDisplacement };
const char* ImportTargetName(ImportTarget t);  // "incidents", "displacement"

// One problem with one row: where it is and what is wrong.
struct RowProblem {
  std::int64_t line = 0;  // 1-based physical line where the row starts
  int column = 0;         // 1-based column (field index) or 0 for the whole row
  std::string field;      // the column's header name, or "" for the whole row
  std::string reason;     // "negative count -2", "not a date: 0", ...
};

// What one row of a file became once parsed: a record, or problems; notes
// are decisions taken on the way (a negative count made unknown, HTML
// removed) that do not reject the row.
template <typename Record>
struct ParsedRow {
  std::int64_t line = 0;
  std::string raw;  // the row's text as it was in the file (for quarantine)
  // The row's records when it is accepted: one incident; one displacement
  // figure per figure column with a value (a UNHCR row holds up to seven,
  // an empty list means the row had no figure, which is not an error).
  std::vector<Record> records;
  std::vector<RowProblem> problems;  // non-empty when the row is rejected
  std::vector<RowProblem> notes;
  bool rejected() const { return !problems.empty(); }
};

// How a file was read: the format chosen and the columns it used.
struct FileShape {
  std::string format;   // "mmp-current", "mmp-legacy", "mmp-api", "mmp-2026", "idmc-events", ...
  std::string dataset;  // where its records go
  // The header row's cells (for HXL, the hashtag row), so that a quarantined
  // row can be parsed again on its own. Empty for JSON.
  std::vector<std::string> header;
  std::vector<std::string> columns_used;  // header names (with HXL tags for HXL)
  std::vector<std::string> columns_ignored;
};

enum class RowOutcome { kAccepted, kUpdated, kUnchanged, kRejected };
const char* RowOutcomeName(RowOutcome o);

struct Batch {
  Id id = 0;
  ImportTarget target = ImportTarget::kIncidents;
  std::string dataset;
  std::string format;
  std::string filename;
  std::string sha256;  // hex of the file's bytes
  std::int64_t bytes = 0;
  Id imported_by = 0;             // user id; 0 for the command line
  std::string imported_by_label;  // "cli", "user:12"
  TimestampMs started_at = 0;
  TimestampMs finished_at = 0;
  bool dry_run = false;
  std::int64_t accepted = 0, updated = 0, unchanged = 0, rejected = 0;
  std::vector<std::string> columns_used, columns_ignored;
  std::string status = "running";  // "running", "done", "failed"
};

// A row a batch rejected, kept until a data officer corrects and resubmits
// it or discards it with a reason.
struct QuarantinedRow {
  Id id = 0;
  Id batch_id = 0;
  ImportTarget target = ImportTarget::kIncidents;
  std::string dataset;
  std::string format;
  std::int64_t line = 0;
  std::vector<std::string> header;  // the file's header cells, so the row can be parsed again alone
  std::string raw;                  // the row's text
  std::vector<RowProblem> problems;
  std::string status = "open";  // "open", "resubmitted", "discarded"
  std::string resolution;       // the discard reason, or "accepted as #id"
  Id resolved_by = 0;
  TimestampMs resolved_at = 0;
  TimestampMs created_at = 0;
};

// ---------------------------------------------------------------- saved queries

// An evidence query saved under a title so that a campaign can cite it as
// a figure: its current value is computed when the campaign is shown.
struct SavedQuery {
  Id id = 0;
  ImportTarget target = ImportTarget::kIncidents;
  std::string title;
  // The query string of the stats API, without group_by: "measure=dead&region=Mediterranean&from=2016".
  std::string query;
  Id created_by = 0;
  TimestampMs created_at = 0;
};

}  // namespace waymark::evidence
