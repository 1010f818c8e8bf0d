// ConsultationService: consultations, their agenda, registration for a
// coming one, and the action points they end with, followed until done
// (docs/consultations.md).
//
// Rules:
// - Platform administrators (and the operator) organise: they create and
//   edit consultations, sessions and action points, carry points over and
//   see and export registrations.
// - Owners' editors post progress: an editor or moderator of an organisation
//   that owns the point (for the owner "IOM", of the organisation whose slug
//   is options.iom_slug; for "all CSOs", of any other organisation).
// - Moderators change status: a moderator of an owning organisation, or an
//   administrator; only transitions TransitionAllowed permits.
// - A point is carried over only to a later consultation; the old point
//   becomes carried_over and keeps its history, the new one says where it
//   comes from.
// - Sessions of a consultation do not overlap (two breakouts may run side by
//   side), end after they start and fall within the consultation's dates.
// - Every change is a revision and an audit entry, in one unit of work.
//
// Expected failures are values: Validation naming the field (with a code),
// PermissionDenied, NotFound, Conflict. Thread-safe: holds no mutable state.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_source.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/status.h"
#include "domain/accounts/stores.h"
#include "domain/consultations/documents.h"
#include "domain/consultations/model.h"
#include "domain/consultations/stores.h"
#include "domain/exchange/exchange_service.h"

namespace waymark::consultations {

using accounts::Actor;

inline constexpr std::size_t kMaxTitle = 200;
inline constexpr std::size_t kMaxShort = 300;
inline constexpr std::size_t kMaxLong = 20000;
inline constexpr int kMinYear = 1990;
inline constexpr int kMaxYear = 2100;

// Called after a point's status changed (committed), with the point as it
// now is and the status it left; the app tells the followers of what the
// point links to. Must be thread-safe; its failures are its own.
using StatusListener =
    std::function<void(const accounts::Actor& actor, const ActionPoint& after, PointStatus from)>;

struct ConsultationOptions {
  // The organisation that stands for the owner "IOM".
  std::string iom_slug = "iom";
  // Where links in e-mails point ("https://waymark.example").
  std::string public_url;
  // May be empty.
  StatusListener on_status_change;
  // Where follows of points are kept: the exchange's follows, with the
  // target kind kPointFollowKind, so that its notifications and digests
  // carry them. May be null: then points cannot be followed (Unavailable).
  exchange::FollowStore* follows = nullptr;
  // Where documents are kept (the library, through the app). May be null:
  // then documents cannot be added (Unavailable) and none are listed.
  DocumentLibrary* documents = nullptr;
};

// The exchange's target kind for a followed action point.
inline constexpr const char* kPointFollowKind = "action_point";

// Form fields as sent; numbers are strings so that a bad one names its field.
struct ConsultationInput {
  std::string slug;  // defaults to the year (and edition)
  std::string title;
  std::string year;
  std::string edition;  // optional
  std::string starts_on;
  std::string ends_on;
  std::string time_zone;
  std::string venue;
  std::string online_url;
  std::vector<std::string> organisers;
  std::vector<std::string> languages;
  std::vector<std::string> participants;
  std::string status;    // planned (default), held, report_published
  std::string capacity;  // optional: 0 or empty means no registration
};

struct SessionInput {
  std::string starts;  // local YYYY-MM-DDTHH:MM
  std::string ends;
  std::string type;
  Localized title;
  Localized description;
  std::optional<Person> moderator;
  std::vector<Person> speakers;
  std::string conclusions;
  std::string online_url;
};

struct OwnerInput {
  std::string kind;          // iom, organisation, all_csos
  std::string organisation;  // slug, for kind organisation
};

struct PointInput {
  std::string number;
  std::optional<Id> parent_id;
  Localized text;
  std::optional<Id> session_id;
  std::vector<OwnerInput> owners;
  std::string target_date;
  std::string weight;  // optional, default 1
  std::vector<std::string> themes;
  std::vector<PointLink> links;
  std::vector<Milestone> milestones;
};

struct ProgressInput {
  std::string text;
  std::vector<std::string> links;
  std::string progress;  // optional 0-100
};

struct RegistrationInput {
  std::string name;
  std::string email;
  std::string organisation;
};

// A document as uploaded: the form's fields and the file.
struct DocumentInput {
  std::string title;
  std::string kind;      // report, agenda, other
  std::string language;  // en, fr, es
  std::string filename;
  const ByteSource* bytes = nullptr;  // null or empty: no file sent
};

// A document with its file's size and type (file is empty when the library
// item is gone or cannot be read now).
struct DocumentView {
  ConsultationDocument document;
  std::optional<ShelvedFile> file;
};

struct Tracker {
  std::vector<ActionPoint> points;  // progress filled with the weighted value
  TrackerSummary summary;
  std::string today;
};

class ConsultationService {
 public:
  // Borrows everything; all must outlive the service. `mailer` may be null
  // (no confirmation e-mails).
  ConsultationService(accounts::Stores accounts, ConsultationStore& store, const Clock& clock, Random& random,
                      exchange::Mailer* mailer, ConsultationOptions options);

  Result<Consultation> CreateConsultation(const Actor& actor, const ConsultationInput& in);
  // Conflict when `version` is not the stored one.
  Result<Consultation> UpdateConsultation(const Actor& actor, Id id, std::int64_t version,
                                          const ConsultationInput& in);
  Result<Consultation> GetConsultation(Id id);
  // By slug, or by id when `key` is all digits.
  Result<Consultation> FindConsultation(const std::string& key);
  Result<std::vector<Consultation>> ListConsultations();

  // Validation naming "starts", "ends" (end_before_start, outside_dates,
  // session_overlap), "type", "title", ...
  Result<Session> AddSession(const Actor& actor, Id consultation_id, const SessionInput& in);
  Result<Session> UpdateSession(const Actor& actor, Id consultation_id, Id session_id,
                                const SessionInput& in);
  Status DeleteSession(const Actor& actor, Id consultation_id, Id session_id);

  Result<ActionPoint> CreatePoint(const Actor& actor, Id consultation_id, const PointInput& in);
  Result<ActionPoint> UpdatePoint(const Actor& actor, Id id, std::int64_t version, const PointInput& in);
  Result<ActionPoint> GetPoint(Id id);
  // Validation naming "text", "links", "progress"; PermissionDenied unless
  // the actor may post for the point's owners.
  Result<ProgressUpdate> PostProgress(const Actor& actor, Id point_id, const ProgressInput& in);
  // Validation naming "status" (status_unknown, status_transition);
  // PermissionDenied unless a moderator of an owner; Conflict on `version`
  // (0: any).
  Result<ActionPoint> SetStatus(const Actor& actor, Id point_id, const std::string& status,
                                std::int64_t version, const std::string& note);
  // Creates the point's continuation in `target` (Validation naming
  // "consultation", code carry_over_older, unless target is later) and marks
  // the old one carried_over. Returns the new point.
  Result<ActionPoint> CarryOver(const Actor& actor, Id point_id, Id target, const std::string& number);

  bool MayPostProgress(const Actor& actor, const ActionPoint& p) const;
  bool MayChangeStatus(const Actor& actor, const ActionPoint& p) const;
  bool MayOrganise(const Actor& actor) const { return actor.IsAdmin(); }

  // The tracker's filters from their text form: year, owner ("iom",
  // "all_csos" or an organisation's slug), status, theme. Validation naming
  // the bad one.
  Result<PointFilter> ParseFilter(const std::string& year, const std::string& owner,
                                  const std::string& status, const std::string& theme);
  // The public tracker; progress is the weighted progress.
  Result<Tracker> Track(const PointFilter& filter);
  Result<std::vector<ProgressUpdate>> ListUpdates(Id point_id);
  Result<std::vector<ProgressUpdate>> RecentUpdates(int limit);
  Result<std::vector<Revision>> ListRevisions(const std::string& entity_type, Id id);
  // The sub-points of `point_id`.
  Result<std::vector<ActionPoint>> SubPoints(Id point_id);

  // Following a point: anyone signed in (Unauthenticated otherwise) may
  // follow any point (NotFound when there is none); idempotent, audited.
  // Followers hear of its status changes (the app's on_status_change).
  Status FollowPoint(const Actor& actor, Id point_id, bool follow);
  // False for an anonymous actor.
  Result<bool> IsFollowingPoint(const Actor& actor, Id point_id);
  // The users who follow the point.
  Result<std::vector<Id>> PointFollowers(Id point_id);

  // Conflict (registration_closed) unless the consultation is planned and
  // takes registrations. A registration past capacity goes on the waiting
  // list (not an error). Sends the confirmation e-mail when a mailer is set.
  Result<Registration> Register(const Actor& actor, Id consultation_id, const RegistrationInput& in);
  // The registration behind a private link (NotFound for a malformed or
  // unknown token).
  Result<Registration> FindRegistration(const std::string& token);
  // NotFound for an unknown token; Conflict when already cancelled.
  Result<Registration> CancelRegistration(const std::string& token);
  // Organisers only.
  Result<std::vector<Registration>> ListRegistrations(const Actor& actor, Id consultation_id);

  // Documents. Organisers only (PermissionDenied). Validation naming
  // "title" (required, too long), "kind", "language" and "file" (required;
  // cn_not_pdf: a report or an agenda must be a PDF; cn_file_too_large over the
  // library's limit; cn_file_type for a type the library does not
  // take). The file goes to the library (options.documents), the link here.
  Result<DocumentView> AddDocument(const Actor& actor, Id consultation_id, const DocumentInput& in);
  // By position; each with its file when the library has it.
  Result<std::vector<DocumentView>> ListDocuments(Id consultation_id);
  // Removes the link and withdraws the library item. NotFound unless the
  // document belongs to the consultation.
  Status RemoveDocument(const Actor& actor, Id consultation_id, Id document_id);

  // Today's date (UTC) as YYYY-MM-DD.
  std::string Today() const;

 private:
  Result<Consultation> Validate(const ConsultationInput& in, Consultation base);
  Result<Session> ValidateSession(const Consultation& c, const SessionInput& in, Id session_id);
  Result<ActionPoint> ValidatePoint(const Consultation& c, const PointInput& in, ActionPoint base);
  bool HoldsRole(const Actor& actor, const ActionPoint& p, accounts::Role least) const;
  Revision MakeRevision(const Actor& actor, const std::string& action, const std::string& note) const;
  Status Audit(const Actor& actor, const std::string& action, const std::string& type, Id id,
               std::map<std::string, std::string> details = {});
  void SendConfirmation(const Consultation& c, const Registration& r);

  accounts::Stores accounts_;
  ConsultationStore& store_;
  const Clock& clock_;
  Random& random_;
  exchange::Mailer* mailer_;
  ConsultationOptions options_;
};

}  // namespace waymark::consultations
