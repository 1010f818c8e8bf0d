#include "app/config.h"

#include "storage/open.h"

#include <arpa/inet.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace waymark::app {

bool ValidBaseUrl(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://"))
    rest = url.substr(8);
  else if (url.starts_with("http://"))
    rest = url.substr(7);
  else
    return false;
  if (rest.empty() || rest.front() == '/') return false;
  for (char c : rest) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`')
      return false;
  }
  return true;
}

namespace {

Status BadSetting(const std::string& path, const std::string& key, const char* want) {
  return Status::InvalidArgument("config file " + path + ": '" + key + "' must be " + want);
}

Status UnknownSetting(const std::string& path, const std::string& key) {
  return Status::InvalidArgument("config file " + path + ": unknown setting '" + key + "'");
}

}  // namespace

Status LoadConfigFile(const std::string& path, Config& c) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("cannot read config file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument("config file " + path + ": " + e.what());
  }
  if (!j.is_object()) return Status::InvalidArgument("config file " + path + ": expected a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const auto& v = *it;
    auto bad = [&](const char* want) { return BadSetting(path, k, want); };
    auto str = [&](std::string& out) -> Status {
      if (!v.is_string()) return bad("a string");
      out = v.get<std::string>();
      return Status::Ok();
    };
    auto num = [&](auto& out, long long lo, long long hi) -> Status {
      if (!v.is_number_integer()) return bad("a whole number");
      long long n = v.get<long long>();
      if (n < lo || n > hi) {
        return bad(("between " + std::to_string(lo) + " and " + std::to_string(hi)).c_str());
      }
      out = static_cast<std::remove_reference_t<decltype(out)>>(n);
      return Status::Ok();
    };
    Status s;
    if (k == "db")
      s = str(c.db);
    else if (k == "listen")
      s = str(c.listen);
    else if (k == "io_threads")
      s = num(c.io_threads, 0, 256);
    else if (k == "worker_threads")
      s = num(c.worker_threads, 0, 1024);
    else if (k == "db_pool_size")
      s = num(c.db_pool_size, 1, 1024);
    else if (k == "db_acquire_timeout_ms")
      s = num(c.db_acquire_timeout_ms, 1, 600000);
    else if (k == "max_body_bytes")
      s = num(c.max_body_bytes, 1024, 1LL << 32);
    else if (k == "max_header_bytes")
      s = num(c.max_header_bytes, 1024, 1 << 20);
    else if (k == "spool_threshold_bytes")
      s = num(c.spool_threshold_bytes, 4096, 1LL << 30);
    else if (k == "spool_dir")
      s = str(c.spool_dir);
    else if (k == "request_timeout_ms")
      s = num(c.request_timeout_ms, 100, 3600000);
    else if (k == "shutdown_grace_ms")
      s = num(c.shutdown_grace_ms, 0, 3600000);
    else if (k == "secure_cookies") {
      if (!v.is_boolean()) return bad("true or false");
      c.secure_cookies = v.get<bool>();
    } else if (k == "session_ttl_hours")
      s = num(c.session_ttl_hours, 1, 24 * 365);
    else if (k == "signin_max_failures_per_account")
      s = num(c.signin_max_failures_per_account, 1, 1000);
    else if (k == "signin_max_failures_per_address")
      s = num(c.signin_max_failures_per_address, 1, 100000);
    else if (k == "signin_max_failures_per_account_all_addresses")
      s = num(c.signin_max_failures_per_account_all_addresses, 1, 100000);
    else if (k == "trusted_proxies") {
      if (!v.is_array()) return bad("a list of IP addresses");
      c.trusted_proxies.clear();
      for (const auto& e : v) {
        unsigned char buf[16];
        std::string a = e.is_string() ? e.get<std::string>() : "";
        if (inet_pton(AF_INET, a.c_str(), buf) != 1 && inet_pton(AF_INET6, a.c_str(), buf) != 1)
          return bad("a list of IP addresses, like [\"127.0.0.1\"]");
        c.trusted_proxies.push_back(a);
      }
    } else if (k == "signin_window_minutes")
      s = num(c.signin_window_minutes, 1, 24 * 60);
    else if (k == "password_memlimit_mib")
      s = num(c.password_memlimit_mib, 64, 4096);
    else if (k == "iso_codes_json")
      s = str(c.iso_codes_json);
    else if (k == "locale_dir")
      s = str(c.locale_dir);
    else if (k == "search_dir")
      s = str(c.search_dir);
    else if (k == "search_poll_ms")
      s = num(c.search_poll_ms, 100, 3600000);
    else if (k == "page_cache_mb")
      s = num(c.page_cache_mb, 0, 4096);
    else if (k == "signed_in_page_cache_mb")
      s = num(c.signed_in_page_cache_mb, 0, 4096);
    else if (k == "page_cache_max_age_ms")
      s = num(c.page_cache_max_age_ms, 0, 3600000);
    else if (k == "media_max_bytes")
      s = num(c.media_max_bytes, 1024, 1LL << 31);
    else if (k == "report_threshold")
      s = num(c.report_threshold, 1, 1000);
    else if (k == "evidence_min_cell")
      s = num(c.evidence_min_cell, 1, 1000);
    else if (k == "practices_min_fill_ms")
      s = num(c.practices_min_fill_ms, 0, 3600000);
    else if (k == "practices_max_open_per_hour")
      s = num(c.practices_max_open_per_hour, 1, 100000);
    else if (k == "library_extract_poll_ms")
      s = num(c.library_extract_poll_ms, 50, 3600000);
    else if (k == "evidence_demo_dir")
      s = str(c.evidence_demo_dir);
    else if (k == "forecast_workers")
      s = num(c.forecast_workers, 1, 64);
    else if (k == "forecast_threads_per_run")
      s = num(c.forecast_threads_per_run, 1, 256);
    else if (k == "forecast_max_active_per_user")
      s = num(c.forecast_max_active_per_user, 1, 1000);
    else if (k == "forecast_max_seeds")
      s = num(c.forecast_max_seeds, 1, 1000);
    else if (k == "forecast_max_agent_days")
      s = num(c.forecast_max_agent_days, 1, 1LL << 50);
    else if (k == "forecast_lease_seconds")
      s = num(c.forecast_lease_seconds, 3, 86400);
    else if (k == "forecast_demo_dir")
      s = str(c.forecast_demo_dir);
    else if (k == "base_url") {
      // Links in feeds, exports and e-mails are built from it alone (never
      // from the request's Host), so it must be a plain absolute address.
      s = str(c.base_url);
      if (s.ok() && !ValidBaseUrl(c.base_url))
        return bad("an http:// or https:// address without spaces or quotes");
      while (s.ok() && c.base_url.ends_with('/')) c.base_url.pop_back();
    } else if (k == "smtp_host")
      s = str(c.smtp_host);
    else if (k == "smtp_port")
      s = num(c.smtp_port, 1, 65535);
    else if (k == "smtp_from")
      s = str(c.smtp_from);
    else if (k == "smtp_username")
      s = str(c.smtp_username);
    else if (k == "smtp_password")
      s = str(c.smtp_password);
    else if (k == "smtp_starttls") {
      s = str(c.smtp_starttls);
      if (s.ok() && c.smtp_starttls != "none" && c.smtp_starttls != "opportunistic" &&
          c.smtp_starttls != "required")
        return bad("\"none\", \"opportunistic\" or \"required\"");
    } else if (k == "digest_check_minutes")
      s = num(c.digest_check_minutes, 1, 24 * 60);
    else
      return UnknownSetting(path, k);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<HostPort> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument("listen address '" + listen + "' must be HOST:PORT, e.g. 127.0.0.1:8080");
  }
  HostPort hp;
  hp.host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    return Status::InvalidArgument("listen address '" + listen + "': port must be a number from 0 to 65535");
  }
  hp.port = std::stoi(port);
  return hp;
}

std::string SearchDirFor(const Config& config) {
  if (!config.search_dir.empty()) return config.search_dir;
  auto url = storage::ParseDatabaseUrl(config.db);
  if (url.ok() && !url->sqlite_path.empty() && url->sqlite_path != ":memory:")
    return url->sqlite_path + ".search";
  return "var/search";
}

}  // namespace waymark::app
