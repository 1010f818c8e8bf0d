// Following an action point (docs/consultations.md, "Followers"): the
// button on the point's page, without JavaScript, and the JSON API. The
// follows are the exchange's, so that its notifications and digests carry
// the point's status changes.
#include "web/consultations/consultations_module.h"
#include "web/helpers.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;

Response ConsultationsModule::FollowForm(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  std::string follow = ctx.Form("follow");
  if (follow != "1" && follow != "0") return Error(ctx, FieldError("follow", "required", "must be 1 or 0"));
  Status s = services_.consultations->FollowPoint(ctx.actor(), *id, follow == "1");
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/action-points/" + std::to_string(*id) +
                            (follow == "1" ? "?msg=flash_cn_followed" : "?msg=flash_cn_unfollowed"));
}

Response ConsultationsModule::ApiFollow(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  bool follow = ctx.req.method == "PUT";
  Status s = services_.consultations->FollowPoint(ctx.actor(), *id, follow);
  if (!s.ok()) return Error(ctx, s);
  return Json(ctx, 200, json{{"id", *id}, {"following", follow}});
}

}  // namespace waymark::web
