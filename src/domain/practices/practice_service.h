// PracticeService: the practices portal. Validation against the moderated
// vocabularies, open contribution with its spam guards and private status
// links, members' drafts, moderation (publish, return with questions, merge,
// reject, archive), "we did this too", collections by working groups,
// links to campaigns and threads, sensitivity, and search.
//
// Rules:
// - Anyone may submit a practice without an account (SubmitOpen): it goes
//   straight to the moderation queue, and the contributor gets a private
//   status link (a random token; only its hash is stored) to follow it and
//   answer moderators' questions. Guards: a filled honeypot, a form sent
//   sooner than min_fill_ms after it was shown, or more than
//   max_open_per_hour submissions from one address are refused.
// - Members of an organisation (any role) create drafts for it and submit
//   them; its editors and moderators edit them too. Drafts, submitted and
//   returned practices are seen by the lead organisation's people, the
//   contributor (through the status link) and moderators.
// - Moderation: practices of a registered organisation are moderated by its
//   moderators; open contributions (no organisation) and every practice by
//   platform administrators. Return asks questions (a message the
//   contributor sees); merge folds a duplicate into another published
//   practice; reject refuses it; each records why.
// - Published practices are public. The public never sees a practice's
//   contributor, and sees no contacts when contacts_private; for a
//   summary_only (or restricted) practice, it sees only the title, the
//   summary, the classification and the generalised location.
// - Every change is a Revision, goes to the audit log and to the search
//   change feed, in one unit of work.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/countries.h"
#include "core/random.h"
#include "core/status.h"
#include "domain/accounts/stores.h"
#include "domain/practices/model.h"
#include "domain/practices/stores.h"
#include "domain/search/search.h"

namespace waymark::practices {

using accounts::Actor;

inline constexpr std::size_t kMaxTitle = 200;
inline constexpr std::size_t kMaxSummary = 2000;
inline constexpr std::size_t kMaxLongText = 20000;
inline constexpr std::size_t kMaxName = 200;
inline constexpr std::size_t kMaxListItems = 50;
inline constexpr std::size_t kMaxContacts = 2000;
inline constexpr std::size_t kMaxMessage = 5000;
inline constexpr std::size_t kMaxUrl = 2000;

// Fields as the contributor typed them. On create, absent means empty; on
// update, absent means "leave as it is"; `texts` merges by language, and a
// language whose parts are all empty is removed.
struct PracticeInput {
  std::optional<std::string> organisation;  // lead organisation slug (members; create only)
  std::optional<std::string> lead_name;     // free-text lead organisation (open contributions)
  std::optional<std::string> lead_actor;    // "actor" code
  std::optional<std::map<std::string, LocalText>> texts;
  std::optional<std::vector<Party>> partners;  // org_id unset; slug = a registered one, or name
  std::optional<std::vector<Place>> places;
  std::optional<std::string> generalised_location;
  std::optional<std::string> start_date;
  std::optional<std::string> end_date;
  std::optional<std::vector<std::string>> phases;
  std::optional<std::vector<std::string>> crises;
  std::optional<std::string> crisis_other;
  std::optional<std::vector<std::string>> guidelines;
  std::optional<std::vector<std::string>> themes;
  std::optional<std::vector<std::string>> targets;
  std::optional<std::vector<std::string>> types;
  std::optional<std::string> contacts;
  std::optional<std::vector<Link>> links;
  std::optional<std::string> licence;
  std::optional<std::string> sensitivity;
  std::optional<bool> contacts_private;
  std::optional<bool> summary_only;
  std::optional<std::vector<Id>> campaigns;
  std::optional<std::vector<Id>> threads;
  // Open contributions: who sends it.
  std::optional<std::string> contributor_name;
  std::optional<std::string> contributor_email;
  std::optional<std::string> contributor_lang;
  std::optional<std::int64_t> expected_version;
};

// What the web layer knows about an open submission.
struct OpenGuard {
  std::string address_key;  // a hash of the sender's address
  bool honeypot_filled = false;
  // When the form was shown (verified by the web layer); nullopt when the
  // form carried no valid stamp.
  std::optional<TimestampMs> form_shown_at;
};

// A file sent with an open contribution.
struct Upload {
  std::string filename;
  std::string bytes;
};

struct PracticeOptions {
  std::int64_t min_fill_ms = 5000;
  int max_open_per_hour = 5;
  std::int64_t status_link_days = 180;
  std::int64_t max_file_bytes = 10 * 1024 * 1024;
  int max_files = 10;
};

// An open submission's result: the practice and the status link's token
// (shown once; only its hash is kept).
struct Submitted {
  Practice practice;
  std::string status_token;
};

struct PracticeSearch {
  search::Results results;
  std::vector<Practice> practices;  // in the order of results.hits, as the reader may see them
};

// Counts of published practices by phase (columns) and crisis type (rows).
struct Matrix {
  std::vector<std::string> phases;  // codes, in vocabulary order
  std::vector<std::string> crises;
  std::map<std::pair<std::string, std::string>, std::int64_t> counts;  // (crisis, phase) -> count
  std::map<std::string, std::int64_t> phase_totals;
  std::map<std::string, std::int64_t> crisis_totals;
  std::int64_t total = 0;
};

// Everything about a practice that its page shows.
struct PracticeView {
  Practice practice;  // redacted for the reader
  bool redacted = false;
  std::vector<Adoption> adoptions;
  std::vector<Collection> collections;
  std::optional<Id> merged_into;
};

class PracticeService {
 public:
  PracticeService(accounts::Stores accounts, Stores stores, search::ChangeFeed& feed, const Clock& clock,
                  Random& random, const CountryDirectory& countries, PracticeOptions options = {});

  // Adds the seeded terms that are missing (never changes an edited one).
  Status SeedVocabularies();
  // Every term (cached; refreshed by SaveTerm and every minute).
  Result<std::vector<Term>> Terms();
  // Moderators anywhere (and admins) edit the vocabularies.
  Status SaveTerm(const Actor& actor, const Term& term);

  // An open contribution, straight to moderation. Validation names the
  // field; TooManyRequests past the per-address limit; the guards' failures
  // are Validation errors on "form" (the text is kept by the caller).
  // Its files (at most max_files, each a PDF, PNG or JPEG) are checked
  // before anything is stored and stored with it.
  Result<Submitted> SubmitOpen(const Actor& actor, const PracticeInput& input, const OpenGuard& guard,
                               const std::vector<Upload>& files = {});
  // A member's draft for their organisation.
  Result<Practice> Create(const Actor& actor, const PracticeInput& input);
  Result<Practice> Update(const Actor& actor, Id id, const PracticeInput& input);
  Result<Practice> Submit(const Actor& actor, Id id, std::optional<std::int64_t> expected_version = {});
  Result<Practice> Publish(const Actor& actor, Id id, std::optional<std::int64_t> expected_version = {});
  // Returns it to the contributor with questions (a moderator's message).
  Result<Practice> Return(const Actor& actor, Id id, const std::string& questions,
                          std::optional<std::int64_t> expected_version = {});
  Result<Practice> Reject(const Actor& actor, Id id, const std::string& reason);
  Result<Practice> Archive(const Actor& actor, Id id, const std::string& reason);
  // Folds `id` into the published practice `into` (its duplicate).
  Result<Practice> Merge(const Actor& actor, Id id, Id into, const std::string& reason);

  // The status link: the practice as its contributor sees it, with the
  // conversation. NotFound for a forged token, and for an expired one
  // (with a message that says so).
  Result<std::pair<Practice, std::vector<Message>>> ByStatusToken(const std::string& token);
  // The contributor answers through the status link: a message, and the
  // practice goes back to the queue if it was returned. The answer may
  // also change the practice (input), validated as an update.
  Result<Practice> Answer(const Actor& actor, const std::string& token, const std::string& text,
                          const PracticeInput& input);
  // Moderators and the lead organisation's people read the conversation;
  // moderators write to it (without changing the state).
  Result<std::vector<Message>> Messages(const Actor& actor, Id id);
  Result<Message> Ask(const Actor& actor, Id id, const std::string& text);

  // NotFound when it does not exist or the actor may not see it; redacted
  // for the public. A merged practice says where it went.
  Result<PracticeView> View(const Actor& actor, Id id);
  Result<PracticeView> ViewBySlug(const Actor& actor, const std::string& slug);
  Result<Practice> Get(const Actor& actor, Id id);
  Result<std::vector<Revision>> History(const Actor& actor, Id id);
  // Waiting for the actor: submitted practices they moderate.
  Result<std::vector<Practice>> AwaitingModeration(const Actor& actor);
  // Drafts and everything else of the organisations the actor belongs to.
  Result<std::vector<Practice>> ForOrganisation(const Actor& actor, const std::string& org_slug);
  Result<std::vector<Practice>> RecentlyPublished(int limit);

  // "We did this too": a member records that their organisation applied a
  // published practice. Its author or the organisation's editors, and
  // moderators of the practice, remove it.
  Result<Adoption> AddAdoption(const Actor& actor, Id practice_id, const std::string& org_slug,
                               const Adoption& fields);
  Status RemoveAdoption(const Actor& actor, Id adoption_id);

  // Working groups collect published practices: any member of the group's
  // member organisations (checked by the caller's `is_member`).
  Status Collect(const Actor& actor, Id group_id, Id practice_id, bool is_member);
  Status Uncollect(const Actor& actor, Id group_id, Id practice_id, bool is_member);
  Result<std::vector<Practice>> CollectedBy(const Actor& actor, Id group_id);

  // Files. UnsupportedMediaType unless the bytes are a PDF or a PNG/JPEG
  // image, whatever the name says; PayloadTooLarge over the limit.
  Result<File> AddFile(const Actor& actor, Id practice_id, const std::string& filename,
                       const std::string& bytes);
  Status RemoveFile(const Actor& actor, Id file_id);
  Result<std::pair<File, std::string>> GetFile(const Actor& actor, Id file_id);

  // Ranked, faceted search over published practices (redacted content).
  Result<PracticeSearch> Search(const Actor& actor, search::Query query);
  // Practices like `id` by content (published only, not itself).
  Result<std::vector<Practice>> Similar(const Actor& actor, Id id, int limit);
  // The phase x crisis matrix of published practices matching `filters`.
  Result<Matrix> CountMatrix(const search::Query& filters);

  // May moderate this practice.
  static bool CanModerate(const Actor& actor, const Practice& p);
  static bool ModeratesAnywhere(const Actor& actor);
  // May edit it (its lead organisation's editors and moderators; the
  // member who created the draft while it is a draft or returned).
  static bool CanEdit(const Actor& actor, const Practice& p);
  static bool CanSee(const Actor& actor, const Practice& p);
  // What `actor` may see of a practice they can see.
  static Practice RedactFor(const Actor& actor, Practice p, bool* redacted = nullptr);

  // The search document (NotFound unless published).
  Result<search::Document> SearchDocument(Id id);
  PracticeStore& store() { return *stores_.practices; }
  void SetIndex(search::Index* index) { index_ = index; }
  const PracticeOptions& options() const { return options_; }

 private:
  Status Apply(const PracticeInput& in, Practice& p, FieldErrors& errors, bool creating,
               const std::vector<Term>& terms);
  Result<Practice> Insert(const Actor& actor, Practice p, const std::string& action);
  Result<Practice> Transition(const Actor& actor, Id id, const std::string& action, const std::string& note,
                              std::optional<std::int64_t> expected_version,
                              const std::function<Status(const Practice&)>& permit,
                              const std::function<Status(Practice&)>& apply);
  Status Record(const Actor& actor, const std::string& action, const std::string& note,
                const Practice& after);
  // A free slug for `title`; from the second attempt on, with a random suffix.
  std::string UniqueSlug(const std::string& title, int attempt);
  std::string NewToken(Practice& p);
  Result<Practice> VisibleOrNotFound(const Actor& actor, Id id);

  accounts::Stores accounts_;
  Stores stores_;
  search::ChangeFeed& feed_;
  const Clock& clock_;
  Random& random_;
  const CountryDirectory& countries_;
  PracticeOptions options_;
  search::Index* index_ = nullptr;

  std::mutex terms_mu_;
  std::vector<Term> terms_cache_;
  TimestampMs terms_loaded_at_ = 0;
};

// What an upload's bytes are: "application/pdf", "image/png", "image/jpeg",
// or "" for anything else.
std::string SniffFileType(const std::string& bytes);
// A date written YYYY, YYYY-MM or YYYY-MM-DD that exists.
bool IsPartialDate(std::string_view date);
// A plausible e-mail address (one @, a dot in the domain, no spaces).
bool IsEmail(std::string_view email);

// The search documents for practices, for the Indexer.
class PracticeDocuments final : public search::DocumentSource {
 public:
  explicit PracticeDocuments(PracticeService& service) : service_(service) {}
  Result<search::Document> Load(const std::string& kind, Id id) override;
  Result<std::vector<Id>> ListIds(const std::string& kind, Id after_id, int limit) override;
  std::vector<std::string> Kinds() const override { return {"practice"}; }

 private:
  PracticeService& service_;
};

}  // namespace waymark::practices
