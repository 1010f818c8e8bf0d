// The storage the consultations module needs. storage/consultations
// implements it over SQL for both backends; tests/conformance runs one suite
// against each.
//
// Thread-safe. Failures: Unavailable when the database cannot be reached,
// Conflict on a unique key (a slug, a point's number within its
// consultation, an address registered twice) or a stale version, NotFound
// when nothing matches. Calls made inside accounts::UnitOfWork::Run join its
// transaction.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "domain/consultations/model.h"

namespace waymark::consultations {

class ConsultationStore {
 public:
  virtual ~ConsultationStore() = default;

  // Inserts `c` (id, version and sessions ignored) with its first revision
  // (`rev`'s entity and version are filled in). Returns it as stored.
  virtual Result<Consultation> CreateConsultation(const Consultation& c, Revision rev) = 0;
  // With its sessions, by start.
  virtual Result<Consultation> GetConsultation(Id id) = 0;
  virtual Result<Consultation> FindConsultationBySlug(const std::string& slug) = 0;
  // Every consultation without sessions, newest year first.
  virtual Result<std::vector<Consultation>> ListConsultations() = 0;
  // Writes `c`'s fields if the stored version is still c.version (Conflict
  // otherwise), bumps the version and adds `rev`, in one transaction.
  virtual Result<Consultation> UpdateConsultation(const Consultation& c, Revision rev) = 0;

  virtual Result<Session> AddSession(const Session& s) = 0;
  // NotFound unless the session belongs to s.consultation_id.
  virtual Result<Session> UpdateSession(const Session& s) = 0;
  virtual Status DeleteSession(Id consultation_id, Id session_id) = 0;

  // Inserts `p` (id and version ignored) with its first revision.
  virtual Result<ActionPoint> CreatePoint(const ActionPoint& p, Revision rev) = 0;
  virtual Result<ActionPoint> GetPoint(Id id) = 0;
  // Points matching `f`, each with its latest update, by year, consultation
  // and number.
  virtual Result<std::vector<ActionPoint>> ListPoints(const PointFilter& f) = 0;
  // Reads the point under its row lock, lets `change` edit it (its error is
  // returned as is, nothing written), then writes it with the version bumped
  // and `rev`. Conflict when `expected_version` (0: any) is not the stored one.
  virtual Result<ActionPoint> ModifyPoint(Id id, std::int64_t expected_version,
                                          const std::function<Status(ActionPoint&)>& change,
                                          Revision rev) = 0;

  virtual Result<ProgressUpdate> AddUpdate(const ProgressUpdate& u) = 0;
  // Oldest first.
  virtual Result<std::vector<ProgressUpdate>> ListUpdates(Id point_id) = 0;
  // Newest first, across points.
  virtual Result<std::vector<ProgressUpdate>> RecentUpdates(int limit) = 0;
  // Newest first.
  virtual Result<std::vector<Revision>> ListRevisions(const std::string& entity_type, Id entity_id) = 0;

  // Inserts `r` as confirmed while fewer than `capacity` registrations of its
  // consultation are confirmed, else as waitlisted (the count and the insert
  // under the consultation's row lock). Conflict when the address already
  // holds a registration that is not cancelled.
  virtual Result<Registration> Register(const Registration& r, int capacity) = 0;
  virtual Result<Registration> FindRegistration(const std::string& token) = 0;
  // Cancels the registration with `token` (Conflict when already cancelled);
  // when it held a place, the oldest waitlisted registration takes it. Returns
  // the cancelled one and the promoted one, if any.
  virtual Result<std::pair<Registration, std::optional<Registration>>> CancelRegistration(
      const std::string& token, TimestampMs at) = 0;
  // Oldest first.
  virtual Result<std::vector<Registration>> ListRegistrations(Id consultation_id) = 0;

  // Documents (the links to library items). AddDocument inserts `d` (id
  // and position ignored) after the consultation's last document, under
  // its row lock (NotFound without the consultation). By position.
  virtual Result<ConsultationDocument> AddDocument(const ConsultationDocument& d) = 0;
  virtual Result<std::vector<ConsultationDocument>> ListDocuments(Id consultation_id) = 0;
  // Removes it and returns it; NotFound unless it belongs to consultation_id.
  virtual Result<ConsultationDocument> RemoveDocument(Id consultation_id, Id document_id) = 0;
};

}  // namespace waymark::consultations
