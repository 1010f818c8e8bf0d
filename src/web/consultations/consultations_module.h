// The consultations module of the web layer (docs/consultations.md): the
// consultations and their agenda, registration for a coming one (with the
// organisers' CSV), the agenda as iCalendar, the action points' public
// tracker (page, JSON, CSV, Atom feed of progress updates), each point's
// page with its updates and history and the forms to post progress and
// change status, and the JSON API. Every page works without JavaScript.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "domain/accounts/account_service.h"
#include "domain/consultations/consultation_service.h"
#include "web/module.h"

namespace waymark::web {

class ConsultationsModule final : public Module {
 public:
  struct Services {
    accounts::AccountService* accounts = nullptr;
    consultations::ConsultationService* consultations = nullptr;
    const Clock* clock = nullptr;
    std::string base_url;
  };
  ConsultationsModule(Site& site, Services services) : Module(site), services_(std::move(services)) {}

  void AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const override;
  void AddOpenApi(OpenApiPart& part) const override;  // openapi_consultations.cc

 private:
  void RegisterRoutes() override;

  // Pages (pages_consultations.cc).
  http::Response ListPage(Context& ctx);
  // /consultations/{key}: the page, or the iCalendar file when key ends in .ics.
  http::Response ConsultationPage(Context& ctx);
  http::Response Register(Context& ctx);
  // Organisers' forms (organiser_forms.cc): a new consultation, a session, an action point.
  http::Response CreateForm(Context& ctx);
  http::Response SessionForm(Context& ctx);
  http::Response PointForm(Context& ctx);
  // Editing without JavaScript (organiser_forms.cc): the consultation, a
  // session, an action point; adding a milestone; carrying a point over.
  // The GET pages are the organisers' only (403 otherwise); a refused POST
  // shows the form again with its errors and what was typed.
  http::Response EditPage(Context& ctx);
  http::Response EditForm(Context& ctx);
  http::Response SessionEditPage(Context& ctx);
  http::Response SessionEditForm(Context& ctx);
  http::Response PointEditPage(Context& ctx);
  http::Response PointEditForm(Context& ctx);
  http::Response MilestoneForm(Context& ctx);
  http::Response CarryOverForm(Context& ctx);
  // Following a point (point_follows.cc): the page's button (follow=1|0)
  // and PUT/DELETE /api/v1/action-points/{id}/follow.
  http::Response FollowForm(Context& ctx);
  http::Response ApiFollow(Context& ctx);
  http::Response RegistrationPage(Context& ctx);
  http::Response RegistrationCancel(Context& ctx);
  http::Response TrackerPage(Context& ctx);
  http::Response PointPage(Context& ctx);
  http::Response PointProgress(Context& ctx);
  http::Response PointStatusChange(Context& ctx);

  // Documents (documents.cc): the organisers' upload and remove forms and
  // the JSON API.
  http::Response DocumentForm(Context& ctx);
  http::Response DocumentRemoveForm(Context& ctx);
  http::Response ApiDocuments(Context& ctx);
  http::Response ApiAddDocument(Context& ctx);
  http::Response ApiRemoveDocument(Context& ctx);
  nlohmann::json DocumentJson(const Context& ctx, const consultations::DocumentView& v) const;
  Result<nlohmann::json> DocumentsJson(const Context& ctx, consultations::Id consultation_id) const;

  // Files and JSON (api_consultations.cc).
  http::Response AllIcs(Context& ctx);
  http::Response RegistrationsCsv(Context& ctx);
  http::Response TrackerCsv(Context& ctx);
  http::Response TrackerAtom(Context& ctx);
  http::Response ApiList(Context& ctx);
  http::Response ApiCreate(Context& ctx);
  http::Response ApiGet(Context& ctx);
  http::Response ApiUpdate(Context& ctx);
  http::Response ApiAddSession(Context& ctx);
  http::Response ApiAddPoint(Context& ctx);
  http::Response ApiRegister(Context& ctx);
  http::Response ApiRegistrations(Context& ctx);
  http::Response ApiCancelRegistration(Context& ctx);
  http::Response ApiTracker(Context& ctx);
  http::Response ApiPoint(Context& ctx);
  http::Response ApiProgress(Context& ctx);
  http::Response ApiStatus(Context& ctx);
  http::Response ApiCarryOver(Context& ctx);

  // Shared (pages_consultations.cc).
  // Page() with empty strings left out of the model (see Blanked).
  http::Response View(Context& ctx, const std::string& tmpl, const std::string& title, nlohmann::json model,
                      int status = 200);
  // The form's errors into `model` (errors, has_errors, error_<field>), with
  // this module's field labels (cn_field_<field>) where it has them.
  nlohmann::json Errors(const Context& ctx, const Status& error, nlohmann::json& model) const;
  // `form` names the form `error` belongs to ("register", "session", "point").
  http::Response ConsultationView(Context& ctx, const consultations::Consultation& c,
                                  const consultations::RegistrationInput& values, const Status& error,
                                  int status, const std::string& form = "register");
  // `form` names the form `error` belongs to ("" for progress and status,
  // "milestone_form", "carry_form").
  http::Response PointView(Context& ctx, const consultations::ActionPoint& p, const Status& error, int status,
                           const std::string& form = "");
  // The edit pages: filled from the record, or, after a refused POST, with
  // what was typed and the errors. `form` names the form `error` belongs to
  // ("" for the consultation's own, "document_form").
  http::Response EditView(Context& ctx, const consultations::Consultation& c, const Status& error,
                          const std::string& form = "");
  http::Response SessionEditView(Context& ctx, const consultations::Consultation& c,
                                 const consultations::Session& s, const Status& error);
  http::Response PointEditView(Context& ctx, const consultations::ActionPoint& p, const Status& error);
  Result<consultations::Session> FindSession(const Context& ctx, const consultations::Consultation& c) const;
  Result<consultations::Consultation> FindConsultation(const std::string& key);
  Result<consultations::Id> PointId(const Context& ctx) const;
  // The list of consultations, with the new-consultation form's errors.
  http::Response ListView(Context& ctx, const Status& error);
  // The organisers' form fields as sent, for showing them again.
  static std::map<std::string, std::string> FormEcho(const Context& ctx);
  Result<consultations::PointFilter> FilterFromQuery(const Context& ctx) const;
  // iCalendar of these consultations' sessions (ical.h does the format).
  http::Response Ics(const std::vector<consultations::Consultation>& list, const std::string& lang,
                     const std::string& filename);

  nlohmann::json ConsultationJson(const Context& ctx, const consultations::Consultation& c,
                                  bool with_sessions) const;
  nlohmann::json SessionJson(const Context& ctx, const consultations::Session& s) const;
  nlohmann::json PointJson(const Context& ctx, const consultations::ActionPoint& p,
                           const std::string& today) const;
  nlohmann::json UpdateJson(const consultations::ProgressUpdate& u) const;
  nlohmann::json RegistrationJson(const consultations::Registration& r) const;
  nlohmann::json SummaryJson(const Context& ctx, const consultations::TrackerSummary& s) const;
  std::string OwnerLabel(const Context& ctx, const consultations::Owner& o) const;
  static std::string LinkHref(const consultations::PointLink& l);

  Services services_;
};

// "2015-09-18 09:15 UTC" style times for the pages and the JSON.
std::string ConsultationTime(TimestampMs ms);

}  // namespace waymark::web
