// Config: every setting of the server, with its default, read once at start
// from (lowest to highest) defaults, a JSON config file, the environment
// (WAYMARK_DB, WAYMARK_LISTEN) and command-line flags.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace waymark::app {

struct Config {
  // Database URL: sqlite:path.db, sqlite:///abs/path.db or postgresql://...
  std::string db = "sqlite:var/waymark.db";
  // Address to serve on; port 0 picks a free one.
  std::string listen = "127.0.0.1:8080";
  int io_threads = 0;      // 0: one per core
  int worker_threads = 0;  // 0: four per core
  int db_pool_size = 8;
  int db_acquire_timeout_ms = 5000;
  // Uploads (media_max_bytes) must fit in a request body.
  std::size_t max_body_bytes = 8u << 20;
  std::size_t max_header_bytes = 16u << 10;
  // Request bodies larger than this are written to a temporary file in
  // spool_dir as they arrive instead of being held in memory ("" = the
  // system's temporary directory, $TMPDIR or /tmp).
  std::size_t spool_threshold_bytes = 256u << 10;
  std::string spool_dir;
  int request_timeout_ms = 15000;
  int shutdown_grace_ms = 10000;
  // Set when a TLS proxy sits in front: cookies get the Secure flag.
  bool secure_cookies = false;
  int session_ttl_hours = 168;
  // Sign-in throttling (see AuthOptions and docs/deploying.md): failures
  // allowed per window for one account from one client address, for all
  // accounts from one address, and for one account from all addresses
  // together (this last one refuses only addresses that failed for it).
  int signin_max_failures_per_account = 5;
  int signin_max_failures_per_address = 20;
  int signin_max_failures_per_account_all_addresses = 100;
  // IP addresses of reverse proxies whose X-Forwarded-For names the client
  // (e.g. {"127.0.0.1"} behind nginx on the same machine). Empty: the TCP
  // peer is the client.
  std::vector<std::string> trusted_proxies;
  int signin_window_minutes = 15;
  // Argon2id memory cost; 64 is the floor.
  int password_memlimit_mib = 64;
  // Debian's iso-codes package: country names in every language.
  std::string iso_codes_json = "/usr/share/iso-codes/json/iso_3166-1.json";
  std::string locale_dir = "/usr/share/locale";

  // The search index (Xapian), rebuilt from the database when missing.
  // Empty: beside an SQLite database file (<file>.search), else var/search.
  // Every instance needs its own directory.
  std::string search_dir;
  // How often an instance applies changes other instances made (ms).
  int search_poll_ms = 2000;
  // Anonymous GET answers kept in memory (see web/page_cache.h); 0 turns it off.
  int page_cache_mb = 16;
  // Signed-in GET answers, each kept for its own person only; 0 keeps none.
  int signed_in_page_cache_mb = 8;
  // The longest a kept answer is served: how long a write made by another
  // instance or a CLI command on the same database can go unseen.
  int page_cache_max_age_ms = 1000;
  // Largest image or PDF a campaign may carry.
  std::size_t media_max_bytes = 5u << 20;
  // Open reports that hide a post or campaign until a moderator looks.
  int report_threshold = 3;
  // Aggregates-only evidence datasets: public cells below this are suppressed.
  int evidence_min_cell = 5;
  // Open practice contributions: a form sent sooner than this after it was
  // shown is refused (a person takes longer), and one address may send at
  // most practices_max_open_per_hour an hour.
  long long practices_min_fill_ms = 5000;
  int practices_max_open_per_hour = 5;
  // How often the text of newly uploaded library PDFs is extracted (ms),
  // off the request path.
  int library_extract_poll_ms = 1000;
  // Where `serve --demo` finds the publishers' files for the evidence demo.
  std::string evidence_demo_dir = "../shared/data";
  // Forecasts (docs/forecasts.md): runs at the same time, threads (seeds in
  // parallel) per run, runs one person may have queued or running, seeds
  // per run, agent-days per run (seeds × the observed arrivals summed over
  // the days), and where the demo finds the Flee cases (skipped when absent).
  int forecast_workers = 1;
  int forecast_threads_per_run = 1;
  int forecast_max_active_per_user = 2;
  int forecast_max_seeds = 10;
  long long forecast_max_agent_days = 2'000'000'000;
  // Instances sharing the database: a running run whose instance has not
  // written its heartbeat for this long is marked interrupted.
  int forecast_lease_seconds = 60;
  std::string forecast_demo_dir = "../shared/data/flee";
  // The address people reach the site at ("https://waymark.example.org", no
  // trailing slash), for absolute links in e-mails, feeds and exports.
  std::string base_url = "http://127.0.0.1:8080";
  // Outgoing mail for digests; no digests are sent while smtp_host is empty.
  std::string smtp_host;
  int smtp_port = 25;
  std::string smtp_from = "waymark@localhost";
  std::string smtp_username;
  std::string smtp_password;
  // "none", "opportunistic" or "required".
  std::string smtp_starttls = "opportunistic";
  // How often the server looks for digests that are due (minutes).
  int digest_check_minutes = 15;
};

// The search directory the config implies (see Config::search_dir).
std::string SearchDirFor(const Config& config);

// An http:// or https:// address with a host and no spaces, quotes or
// control characters: what base_url must be.
bool ValidBaseUrl(std::string_view url);

// Reads a JSON object whose keys are Config's field names. Unknown keys and
// wrong types are errors that name the key.
Status LoadConfigFile(const std::string& path, Config& config);

struct HostPort {
  std::string host;
  int port = 0;
};
// "127.0.0.1:8080", "[::1]:0", "localhost:8080"; InvalidArgument says why not.
Result<HostPort> ParseListen(const std::string& listen);

}  // namespace waymark::app
