#include "web/exchange/digest_email.h"

#include "core/strings.h"
#include "web/helpers.h"

namespace waymark::web {

exchange::Email RenderDigest(const i18n::Catalog& catalog, const std::string& base_url,
                             const accounts::User& user, const std::vector<exchange::Notification>& items) {
  const std::string& lang = user.locale;
  auto t = [&](const std::string& key) -> const std::string& { return catalog.Get(lang, key); };
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();

  exchange::Email mail;
  mail.to = user.email;
  mail.subject = Fill(t("digest_subject"), "{count}", std::to_string(items.size()));
  std::string body = Fill(t("digest_greeting"), "{name}", user.name) + "\n\n";
  for (const auto& n : items) {
    std::string key = "digest_event_" + n.event;
    for (char& c : key) {
      if (c == '.') c = '_';
    }
    std::string line = t(key) == key ? t("digest_event_other") : t(key);
    line = Fill(Fill(line, "{actor}", n.actor_name), "{title}", n.title);
    body.append("- ").append(line).append(" (").append(FormatIso8601(n.created_at).substr(0, 10));
    body.append(")\n  ").append(base).append(exchange::PathFor(n.target)).append("\n");
  }
  body += "\n" + t("digest_footer") + "\n" + base + "/notifications\n";
  mail.text = std::move(body);
  return mail;
}

}  // namespace waymark::web
