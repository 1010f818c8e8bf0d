// Pages: home, sign-in and sign-out, language, the account page (password,
// API tokens).
#include "core/strings.h"
#include "web/accounts/accounts_module.h"
#include "web/helpers.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;

Response AccountsModule::Home(Context& ctx) {
  auto count = services_.accounts->CountOrganisations();
  if (!count.ok()) return Error(ctx, count.status());
  json model = {{"organisations_link", Fill(T(ctx, "organisations_count"), "{n}", std::to_string(*count))}};
  return Page(ctx, "accounts/home", T(ctx, "home_title"), model);
}

Response AccountsModule::SigninForm(Context& ctx) {
  if (ctx.user) return Response::Redirect(SafeNext(ctx.req.QueryParam("next").value_or("/")));
  json model = {{"next", SafeNext(ctx.req.QueryParam("next").value_or("/"))}, {"email", ""}};
  return Page(ctx, "accounts/signin", T(ctx, "signin_title"), model);
}

Response AccountsModule::Signin(Context& ctx) {
  std::string email = ctx.Form("email");
  std::string next = SafeNext(ctx.Form("next"));
  auto signed_in = services_.auth->SignIn(email, ctx.Form("password"), ctx.client_addr, ctx.req.request_id);
  if (!signed_in.ok()) {
    const Status& s = signed_in.status();
    json model = {{"next", next}, {"email", email}};
    int code = 401;
    if (s.kind() == Status::Kind::kTooManyRequests) {
      model["error"] = T(ctx, "error_too_many");
      code = 429;
    } else if (s.kind() == Status::Kind::kUnauthenticated) {
      model["error"] = T(ctx, "signin_failed");
    } else {
      return Error(ctx, s);
    }
    Response r = Page(ctx, "accounts/signin", T(ctx, "signin_title"), model, code);
    if (code == 429) r.Set("Retry-After", std::to_string(s.retry_after_seconds()));
    return r;
  }
  // A new session id every sign-in; the one the browser held before ends.
  if (!ctx.session_token.empty()) (void)services_.auth->SignOut(ctx.session_token, ctx.req.request_id);
  ctx.set_cookies.push_back(SessionCookie(signed_in->session_token, options_.session_ttl_seconds));
  if (signed_in->user.must_change_password) return Response::Redirect("/account/password");
  return Response::Redirect(next);
}

Response AccountsModule::Signout(Context& ctx) {
  if (!ctx.session_token.empty()) {
    Status s = services_.auth->SignOut(ctx.session_token, ctx.req.request_id);
    if (!s.ok()) return Error(ctx, s);
  }
  ctx.set_cookies.push_back(SessionCookie("", 0));
  return Response::Redirect("/?msg=flash_signed_out");
}

Response AccountsModule::SetLanguage(Context& ctx) {
  std::string lang = ctx.Form("lang");
  if (!catalog_.Has(lang)) return Error(ctx, Status::InvalidArgument("unknown language '" + lang + "'"));
  if (ctx.user && !ctx.via_token) {
    Status s = services_.accounts->SetLocale(ctx.actor(), lang);
    if (!s.ok()) return Error(ctx, s);
  }
  ctx.set_cookies.push_back("wm_lang=" + lang + CookieAttributes(365LL * 24 * 3600));
  // Drop a ?lang= from the page we came from, or it would win over the cookie.
  std::string next = SafeNext(ctx.Form("next"));
  auto q = next.find('?');
  if (q != std::string::npos) {
    std::string kept;
    for (auto part : Split(std::string_view(next).substr(q + 1), '&')) {
      if (part.empty() || StartsWith(part, "lang=") || StartsWith(part, "msg=")) continue;
      kept += (kept.empty() ? "" : "&") + std::string(part);
    }
    next = next.substr(0, q) + (kept.empty() ? "" : "?" + kept);
  }
  return Response::Redirect(next);
}

Response AccountsModule::Account(Context& ctx) { return AccountPage(ctx, ""); }

Response AccountsModule::AccountPage(Context& ctx, const std::string& new_token) {
  const accounts::User& u = *ctx.user;
  json memberships = json::array();
  for (const auto& m : u.memberships) {
    memberships.push_back(
        {{"slug", m.organisation_slug}, {"org", m.organisation_name}, {"role", RoleLabel(ctx, m.role)}});
  }
  auto tokens = services_.auth->ListTokens(ctx.actor(), u.id);
  if (!tokens.ok()) return Error(ctx, tokens.status());
  json token_rows = json::array();
  for (const auto& t : *tokens) {
    token_rows.push_back(
        {{"id", std::to_string(t.id)},
         {"name", t.name},
         {"created", FormatIso8601(t.created_at).substr(0, 10)},
         {"last_used", t.last_used_at ? FormatIso8601(*t.last_used_at).substr(0, 16) : T(ctx, "token_never")},
         {"status", t.revoked_at ? T(ctx, "token_revoked") : T(ctx, "token_active")},
         {"active", !t.revoked_at}});
  }
  static const std::map<std::string, std::string> kNames = {
      {"en", "English"}, {"fr", "Français"}, {"es", "Español"}};
  json model = {{"name", u.name},
                {"email", u.email},
                {"language_name", kNames.count(u.locale) ? kNames.at(u.locale) : u.locale},
                {"is_admin", u.is_admin},
                {"memberships", memberships},
                {"tokens", token_rows},
                {"new_token", new_token}};
  return Page(ctx, "accounts/account", T(ctx, "account_title"), model, new_token.empty() ? 200 : 201);
}

Response AccountsModule::PasswordForm(Context& ctx) {
  json model = {{"forced", ctx.user->must_change_password}};
  return Page(ctx, "accounts/password", T(ctx, "password_change"), model);
}

Response AccountsModule::ChangePassword(Context& ctx) {
  std::string next = ctx.Form("password");
  Status s;
  if (next != ctx.Form("password_confirm")) {
    s = FieldError("password_confirm", "password_mismatch", "the two new passwords differ");
  } else {
    s = services_.accounts->ChangePassword(ctx.actor(), ctx.user->id, ctx.Form("current_password"), next);
  }
  if (s.ok()) {
    // The change ended every session of the account, this one too; the
    // browser that made it carries on in a fresh session.
    if (!ctx.via_token) {
      auto renewed = services_.auth->RenewSession(ctx.actor());
      if (!renewed.ok()) return Error(ctx, renewed.status());
      ctx.set_cookies.push_back(SessionCookie(renewed->session_token, options_.session_ttl_seconds));
    }
    return Response::Redirect("/account?msg=flash_password_changed");
  }
  if (s.kind() != Status::Kind::kValidation) return Error(ctx, s);
  json model = {
      {"forced", ctx.user->must_change_password}, {"has_errors", true}, {"error_list", ErrorList(ctx, s)}};
  for (const auto& [field, message] : FieldMessages(ctx, s)) model[field + "_error"] = message;
  return Page(ctx, "accounts/password", T(ctx, "password_change"), model, 422);
}

Response AccountsModule::CreateToken(Context& ctx) {
  auto token = services_.auth->CreateToken(ctx.actor(), ctx.user->id, ctx.Form("name"));
  if (!token.ok()) return Error(ctx, token.status());
  return AccountPage(ctx, token->token);
}

Response AccountsModule::RevokeToken(Context& ctx) {
  accounts::Id id = 0;
  try {
    id = std::stoll(ctx.req.params.at("id"));
  } catch (...) {
    return Error(ctx, Status::NotFound("no such token"));
  }
  Status s = services_.auth->RevokeToken(ctx.actor(), ctx.user->id, id);
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/account?msg=flash_token_revoked#tokens");
}

}  // namespace waymark::web
