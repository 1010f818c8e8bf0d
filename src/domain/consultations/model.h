// The consultations module's records: a consultation (IOM and civil society
// meeting once a year), its agenda (sessions), the people registered for a
// coming one, and the action points it ended with, followed until done
// across years (docs/consultations.md).
//
// Times of sessions are local wall-clock times in the consultation's time
// zone ("2015-09-18T09:15"), as the agenda prints them; the iCalendar export
// says which zone. Dates are "YYYY-MM-DD".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace waymark::consultations {

using Id = std::int64_t;

// A text by language (en, fr, es); a missing language falls back to English.
using Localized = std::map<std::string, std::string>;
inline constexpr std::string_view kLanguages[] = {"en", "fr", "es"};
// The text in `lang`, else English, else any, else "".
const std::string& Pick(const Localized& texts, std::string_view lang);

enum class ConsultationStatus { kPlanned, kHeld, kReportPublished };
std::string_view ToString(ConsultationStatus s);
std::optional<ConsultationStatus> ParseConsultationStatus(std::string_view s);

enum class SessionType { kPlenary, kPanel, kBreakout, kInteractive };
std::string_view ToString(SessionType t);
std::optional<SessionType> ParseSessionType(std::string_view s);

enum class PointStatus { kOpen, kInProgress, kDone, kDropped, kCarriedOver };
std::string_view ToString(PointStatus s);
std::optional<PointStatus> ParsePointStatus(std::string_view s);
inline constexpr PointStatus kPointStatuses[] = {PointStatus::kOpen, PointStatus::kInProgress,
                                                 PointStatus::kDone, PointStatus::kDropped,
                                                 PointStatus::kCarriedOver};
// Whether a moderator may move a point from `from` to `to`. carried_over is
// reached only by carrying the point over (ActionPoint::carried_to), and
// nothing leaves it; done and dropped may be reopened.
bool TransitionAllowed(PointStatus from, PointStatus to);

enum class OwnerKind { kIom, kOrganisation, kAllCsos };
std::string_view ToString(OwnerKind k);
std::optional<OwnerKind> ParseOwnerKind(std::string_view s);

// What implements a point.
enum class LinkKind { kCampaign, kWorkingGroup, kThread, kPractice, kLibraryItem, kEvidenceQuery };
std::string_view ToString(LinkKind k);
std::optional<LinkKind> ParseLinkKind(std::string_view s);

enum class RegistrationState { kConfirmed, kWaitlisted, kCancelled };
std::string_view ToString(RegistrationState s);
std::optional<RegistrationState> ParseRegistrationState(std::string_view s);

enum class DocumentKind { kReport, kAgenda, kOther };
std::string_view ToString(DocumentKind k);
std::optional<DocumentKind> ParseDocumentKind(std::string_view s);

// A speaker or moderator: needs no account.
struct Person {
  std::string name;
  std::string role;
  std::string organisation;
  bool operator==(const Person&) const = default;
};

struct Session {
  Id id = 0;
  Id consultation_id = 0;
  std::string starts;  // local "YYYY-MM-DDTHH:MM"
  std::string ends;
  SessionType type = SessionType::kPlenary;
  Localized title;
  Localized description;  // plain text
  std::optional<Person> moderator;
  std::vector<Person> speakers;
  std::string conclusions;  // Markdown
  std::string online_url;   // for an online or hybrid session
};

struct Consultation {
  Id id = 0;
  std::string slug;  // "2015"
  std::string title;
  int year = 0;
  int edition = 0;        // 0: not numbered
  std::string starts_on;  // YYYY-MM-DD
  std::string ends_on;
  std::string time_zone = "Europe/Zurich";  // IANA name
  std::string venue;                        // empty when online only
  std::string online_url;
  std::vector<std::string> organisers;
  std::vector<std::string> languages;     // en, fr, es
  std::vector<std::string> participants;  // the organisations that took part, by name
  ConsultationStatus status = ConsultationStatus::kPlanned;
  int capacity = 0;  // places for registration; 0: no registration
  std::int64_t version = 1;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
  std::vector<Session> sessions;  // filled by GetConsultation, by start
};

struct Owner {
  OwnerKind kind = OwnerKind::kIom;
  Id org_id = 0;     // for kOrganisation
  std::string slug;  // the organisation's slug and name (filled by the service)
  std::string name;
  bool operator==(const Owner&) const = default;
};

struct PointLink {
  LinkKind kind = LinkKind::kCampaign;
  Id target_id = 0;
  std::string label;
  bool operator==(const PointLink&) const = default;
};

struct Milestone {
  std::string date;  // YYYY-MM-DD
  std::string text;
  bool reached = false;
  bool operator==(const Milestone&) const = default;
};

struct ProgressUpdate {
  Id id = 0;
  Id point_id = 0;
  TimestampMs at = 0;
  std::string text;                // Markdown
  std::vector<std::string> links;  // URLs
  std::optional<Id> author_id;
  std::string author_name;
  int progress = -1;  // 0-100 as the author judged it; -1: not said
};

struct ActionPoint {
  Id id = 0;
  Id consultation_id = 0;
  int consultation_year = 0;  // filled by the store
  std::string number;         // "3", or "3.1" for a sub-point
  std::optional<Id> parent_id;
  Localized text;
  std::optional<Id> session_id;
  std::vector<Owner> owners;
  std::string target_date;  // YYYY-MM-DD or ""
  PointStatus status = PointStatus::kOpen;
  int progress = 0;  // 0-100, its own (sub-points' weighted sum when it has any)
  int weight = 1;    // its share of the parent's progress
  std::vector<std::string> themes;
  std::vector<PointLink> links;
  std::vector<Milestone> milestones;
  std::optional<Id> carried_from;  // the point of an earlier consultation it continues
  std::optional<Id> carried_to;    // the point that continues it
  std::int64_t version = 1;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
  std::optional<ProgressUpdate> latest;  // filled by list reads
};

// A change to a consultation or an action point, as the history shows it.
struct Revision {
  Id id = 0;
  std::string entity_type;  // consultation, action_point
  Id entity_id = 0;
  std::int64_t version = 0;
  TimestampMs at = 0;
  std::optional<Id> actor_user_id;
  std::string actor_label;
  std::string action;  // create, edit, status, progress, carry_over
  std::string note;
};

struct Registration {
  Id id = 0;
  Id consultation_id = 0;
  std::string name;
  std::string email;
  std::string organisation;
  RegistrationState state = RegistrationState::kConfirmed;
  std::string token;  // the private cancellation link's token (48 hex)
  TimestampMs created_at = 0;
  std::optional<TimestampMs> cancelled_at;
};

// A consultation's document: the link to the library item that holds its
// file (documents.h), in the consultation's order (position, from 1).
struct ConsultationDocument {
  Id id = 0;
  Id consultation_id = 0;
  Id library_item_id = 0;
  DocumentKind kind = DocumentKind::kOther;
  std::string language;  // en, fr, es
  std::string title;
  int position = 0;
  TimestampMs created_at = 0;
  bool operator==(const ConsultationDocument&) const = default;
};

// The tracker's filters; each unset means "all".
struct PointFilter {
  std::optional<int> year;
  std::optional<OwnerKind> owner_kind;
  std::optional<Id> owner_org;
  std::optional<PointStatus> status;
  std::string theme;
  std::optional<Id> consultation_id;
};

// "Since 2015: N points, D done, P in progress, ..."
struct TrackerSummary {
  int since_year = 0;
  int total = 0;
  std::map<PointStatus, int> by_status;
  int overdue = 0;
};

// A point is overdue when its target date is before `today` and it is
// neither done, dropped nor carried over.
bool IsOverdue(const ActionPoint& p, std::string_view today);

// The progress (0-100) of `p` given its direct sub-points: a done point is
// 100; without sub-points, its own progress; with them, their progress
// weighted by their weights (dropped ones left out), each computed the same
// way from `children_of`.
int WeightedProgress(const ActionPoint& p, const std::map<Id, std::vector<ActionPoint>>& children_of);

// Summary of `points` (top-level ones only count) as of `today`.
TrackerSummary Summarise(const std::vector<ActionPoint>& points, std::string_view today);

// Whether point number `a` comes before `b` ("2" < "4" < "4.1" < "4.2" <
// "10"): dot-separated parts compared as numbers where both are digits.
bool NumberLess(std::string_view a, std::string_view b);

// Date and time checks. "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM" (a real date).
bool IsDate(std::string_view s);
bool IsLocalDateTime(std::string_view s);
// A plausible IANA zone name ("Europe/Zurich", "UTC").
bool IsZoneName(std::string_view s);

}  // namespace waymark::consultations
