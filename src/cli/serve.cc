#include "cli/serve.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <malloc.h>
#include <unistd.h>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/demo.h"
#include "app/runtime.h"
#include "app/web_modules.h"
#include "cli/buffered_sink.h"
#include "http/server.h"
#include "i18n/catalog.h"
#include "mail/smtp_mailer.h"
#include "web/app.h"
#include "web/exchange/digest_email.h"

namespace waymark::cli {

namespace {

// Runs `fn` every `period` until stopped; wakes promptly on Stop().
class Periodic {
 public:
  Periodic(std::chrono::milliseconds period, std::function<void()> fn)
      : thread_([this, period, fn = std::move(fn)] {
          std::unique_lock lock(mu_);
          while (!cv_.wait_for(lock, period, [this] { return stop_; })) {
            lock.unlock();
            fn();
            lock.lock();
          }
        }) {}
  ~Periodic() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace

int Serve(const app::Config& config, bool demo) {
  // Access-log lines are gathered and written in large writes (see
  // buffered_sink.h); an event line goes out at once, with what came before.
  auto log = std::make_shared<spdlog::logger>("waymark", std::make_shared<BufferedFdSink>(STDERR_FILENO));
  log->set_pattern("%v");
  auto event = [log](const char* level, const std::string& name, const std::string& detail) {
    nlohmann::json line = {{"level", level}, {"event", name}, {"detail", detail}};
    log->info("{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    log->flush();
  };
  auto info = [&](const std::string& name, const std::string& detail) { event("info", name, detail); };

  auto listen = app::ParseListen(config.listen);
  if (!listen.ok()) {
    std::cerr << "waymark: " << listen.status().message() << "\n";
    return 2;
  }
  auto rt = app::Runtime::Open(config);
  if (!rt.ok()) {
    std::cerr << "waymark: " << rt.status().message() << "\n";
    return 1;
  }
  app::Runtime& runtime = **rt;
  info("database", runtime.db().description() + ", " + std::to_string(runtime.migrations_applied()) +
                       " migrations applied");

  Status search = runtime.OpenSearch([&info](std::int64_t done, std::int64_t total) {
    if (done == total) info("search", "index rebuilt: " + std::to_string(total) + " documents");
  });
  if (!search.ok()) {
    std::cerr << "waymark: " << search.message() << "\n";
    return 1;
  }

  app::DemoReport demo_report;
  if (demo) {
    auto r = app::LoadDemo(runtime.accounts(), runtime.random());
    if (!r.ok()) {
      std::cerr << "waymark: demo data: " << r.status().message() << "\n";
      return 1;
    }
    demo_report = *r;
    info("demo", std::to_string(r->organisations_added) + " organisations and " +
                     std::to_string(r->people_added) + " people added");
    auto c = app::LoadDemoCampaigns(runtime);
    if (!c.ok()) {
      std::cerr << "waymark: demo campaigns: " << c.status().message() << "\n";
      return 1;
    }
    info("demo", std::to_string(*c) + " campaigns added");
    auto e = app::LoadDemoEvidence(runtime);
    if (!e.ok()) {
      std::cerr << "waymark: demo evidence: " << e.status().message() << "\n";
      return 1;
    }
    for (const auto& line : *e) info("demo", "evidence " + line);
    auto pr = app::LoadDemoPractices(runtime);
    if (!pr.ok()) {
      std::cerr << "waymark: demo practices: " << pr.status().message() << "\n";
      return 1;
    }
    info("demo", std::to_string(*pr) + " practices added");
    auto lib = app::LoadDemoLibrary(runtime);
    if (!lib.ok()) {
      std::cerr << "waymark: demo library: " << lib.status().message() << "\n";
      return 1;
    }
    info("demo", std::to_string(*lib) + " library items added");
    auto atlas = app::LoadDemoAtlas(runtime);
    if (!atlas.ok()) {
      std::cerr << "waymark: demo atlas: " << atlas.status().message() << "\n";
      return 1;
    }
    info("demo", std::to_string(*atlas) + " case studies added");
    auto sv = app::LoadDemoSurvey(runtime);
    if (!sv.ok()) {
      std::cerr << "waymark: demo survey: " << sv.status().message() << "\n";
      return 1;
    }
    info("demo", std::to_string(*sv) + " survey answers added");
    auto cn = app::LoadDemoConsultations(runtime);
    if (!cn.ok()) {
      std::cerr << "waymark: demo consultations: " << cn.status().message() << "\n";
      return 1;
    }
    info("demo", std::to_string(*cn) + " action points added");
    // The futures session's workshop belongs to the 2015 consultation: right after it.
    auto fu = app::LoadDemoFutures(runtime);
    if (!fu.ok()) {
      std::cerr << "waymark: demo futures: " << fu.status().message() << "\n";
      return 1;
    }
    info("demo", std::to_string(*fu) + " futures statements added");
    auto fc = app::LoadDemoForecasts(runtime);
    if (!fc.ok()) {
      std::cerr << "waymark: demo forecasts: " << fc.status().message() << "\n";
      return 1;
    }
    for (const auto& line : *fc) info("demo", "forecasts: " + line);
    auto th = app::LoadDemoThesaurus(runtime);
    if (!th.ok()) {
      std::cerr << "waymark: demo thesaurus: " << th.status().message() << "\n";
      return 1;
    }
    info("demo", std::to_string(*th) + " thesaurus concepts added");
    auto caught = runtime.indexer()->CatchUp();
    if (!caught.ok()) {
      std::cerr << "waymark: search index: " << caught.status().message() << "\n";
      return 1;
    }
  }

  // The forecasts' job runner: runs whose heartbeat is older than the lease
  // (a crashed process's) are marked interrupted; queued ones (the demo's)
  // are claimed from the database by this and any other instance.
  auto interrupted = runtime.StartForecasts();
  if (!interrupted.ok()) {
    std::cerr << "waymark: forecasts: " << interrupted.status().message() << "\n";
    return 1;
  }
  if (*interrupted > 0) info("forecasts", std::to_string(*interrupted) + " runs marked interrupted");

  auto catalog = i18n::Catalog::LoadEmbedded();
  if (!catalog.ok()) {
    std::cerr << "waymark: " << catalog.status().message() << "\n";
    return 1;
  }

  http::Metrics metrics;
  sql::Database& db = runtime.db();
  metrics.AddGauge("waymark_db_pool_size", "Configured database connections.",
                   [&db] { return static_cast<double>(db.Stats().size); });
  metrics.AddGauge("waymark_db_pool_open", "Open database connections.",
                   [&db] { return static_cast<double>(db.Stats().open); });
  metrics.AddGauge("waymark_db_pool_in_use", "Database connections in use.",
                   [&db] { return static_cast<double>(db.Stats().in_use); });
  metrics.AddGauge("waymark_db_pool_waits_total", "Acquisitions that had to wait for a connection.",
                   [&db] { return static_cast<double>(db.Stats().waited_total); });
  metrics.AddGauge("waymark_db_pool_timeouts_total", "Acquisitions that gave up waiting.",
                   [&db] { return static_cast<double>(db.Stats().timeouts_total); });

  web::WebOptions wo;
  wo.secure_cookies = config.secure_cookies;
  wo.base_url = config.base_url;
  wo.trusted_proxies = config.trusted_proxies;
  wo.session_ttl_seconds = static_cast<long long>(config.session_ttl_hours) * 3600;
  wo.log_error = [&event](const std::string& request_id, const std::string& message) {
    event("error", "request " + request_id, message);
  };
  std::unique_ptr<web::Site> site;
  std::unique_ptr<web::WebApp> webapp_ptr;
  try {
    site = std::make_unique<web::Site>(*catalog, runtime.countries(), runtime.random(), wo);
    web::WebApp::Options options;
    options.auth = &runtime.auth();
    options.indexer = runtime.indexer();
    if (config.page_cache_mb > 0) {
      // Every committed write of this process and every change the search
      // index takes in (its own and other instances', the thesaurus's
      // synonyms included) makes kept pages stale.
      search::Indexer* indexer = runtime.indexer();
      options.content_generation = [&db, indexer, &runtime] {
        return db.CommittedWrites() + (indexer != nullptr ? indexer->commits() : 0) +
               runtime.thesaurus_swaps();
      };
      options.page_cache.max_bytes = static_cast<std::size_t>(config.page_cache_mb) << 20;
      options.page_cache.max_age_ms = config.page_cache_max_age_ms;
      options.signed_in_cache_bytes = static_cast<std::size_t>(config.signed_in_page_cache_mb) << 20;
      options.clock = &runtime.clock();
    }
    options.health_check = [&db]() -> Status {
      auto lease = db.Acquire();
      if (!lease.ok()) return lease.status();
      return (*lease)->Ping();
    };
    webapp_ptr =
        std::make_unique<web::WebApp>(*site, app::WebModules(*site, runtime), metrics, std::move(options));
  } catch (const std::exception& e) {
    std::cerr << "waymark: " << e.what() << "\n";
    return 1;
  }
  web::WebApp& webapp = *webapp_ptr;

  http::ServerOptions so;
  so.host = listen->host;
  so.port = listen->port;
  so.io_threads = config.io_threads;
  so.worker_threads = config.worker_threads;
  so.max_body_bytes = config.max_body_bytes;
  so.max_header_bytes = config.max_header_bytes;
  so.spool_threshold_bytes = config.spool_threshold_bytes;
  so.spool_dir = config.spool_dir;
  so.request_timeout = std::chrono::milliseconds(config.request_timeout_ms);
  so.shutdown_grace = std::chrono::milliseconds(config.shutdown_grace_ms);
  so.default_headers = {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "strict-origin-when-cross-origin"},
      {"X-Frame-Options", "DENY"},
  };
  if (config.secure_cookies) so.default_headers.emplace_back("Strict-Transport-Security", "max-age=31536000");

  http::ServerHooks hooks;
  hooks.handle = [&webapp](http::Request& req) { return webapp.Handle(req); };
  hooks.handle_inline = [&webapp](http::Request& req) { return webapp.HandleInline(req); };
  hooks.render_error = [&webapp](int status, const http::Request& req, const std::string& message) {
    return webapp.RenderProtocolError(status, req, message);
  };
  hooks.access_log = [log](std::string_view line) { log->info("{}", line); };
  hooks.error_log = [&event](std::string_view line) { event("error", "handler", std::string(line)); };
  hooks.metrics = &metrics;
  hooks.random = &runtime.random();

  http::Server server(so, hooks);
  auto port = server.Listen();
  if (!port.ok()) {
    std::cerr << "waymark: " << port.status().message() << "\n";
    return 1;
  }
  std::string host = listen->host.find(':') != std::string::npos && listen->host.front() != '['
                         ? "[" + listen->host + "]"
                         : listen->host;
  std::cout << "listening on http://" << host << ":" << *port << "\n";
  if (demo && !demo_report.admin_email.empty()) {
    std::cout << "demo admin: " << demo_report.admin_email << "\n";
    if (!demo_report.admin_password.empty()) {
      std::cout << "one-time password: " << demo_report.admin_password
                << " (you will choose your own at sign-in)\n";
    } else {
      std::cout << "the demo admin has already chosen a password\n";
    }
  }
  std::cout.flush();

  // Digests go out only when SMTP is configured.
  std::unique_ptr<mail::SmtpMailer> mailer;
  std::unique_ptr<exchange::DigestService> digests;
  if (!config.smtp_host.empty()) {
    mailer =
        std::make_unique<mail::SmtpMailer>(app::SmtpOptionsFrom(config), runtime.clock(), runtime.random());
    const i18n::Catalog& cat = *catalog;
    digests = std::make_unique<exchange::DigestService>(
        runtime.account_stores(), *runtime.exchange_stores().stores().notifications, *mailer,
        [&cat, base = config.base_url](const accounts::User& u,
                                       const std::vector<exchange::Notification>& items) {
          return web::RenderDigest(cat, base, u, items);
        },
        runtime.clock());
  }

  {
    Periodic log_flush(std::chrono::milliseconds(100), [log] { log->flush(); });
    // glibc keeps what a burst freed (a load of requests, the demo's forecast
    // runs, an index rebuild) in each thread's arena; a small host sees it as
    // resident. Given back on the first quiet tick after answering, and every
    // 30 s while quiet (for work done off the request path).
    Periodic idle_trim(std::chrono::seconds(2), [&server, last = std::uint64_t{0}, quiet = 0]() mutable {
      std::uint64_t n = server.ResponsesWritten();
      quiet = n == last ? quiet + 1 : 0;
      last = n;
      if (quiet == 1 || (quiet > 0 && quiet % 15 == 0)) malloc_trim(0);
    });
    Periodic housekeeping(std::chrono::minutes(10), [&runtime, &event] {
      Status s = runtime.auth().Housekeeping();
      if (!s.ok()) event("warn", "housekeeping", s.message());
    });
    // Other instances' changes reach this instance's index here.
    Periodic search_poll(std::chrono::milliseconds(config.search_poll_ms), [&runtime, &event] {
      auto r = runtime.indexer()->CatchUp();
      if (!r.ok()) event("warn", "search catch-up", r.status().message());
      // Other instances' thesaurus changes: a cheap stamp, compared.
      Status t = runtime.RefreshThesaurus(false);
      if (!t.ok()) event("warn", "thesaurus refresh", t.message());
    });
    // The text of newly uploaded library PDFs, off the request path; what
    // it extracts reaches the index at the next catch-up.
    Periodic library_extract(std::chrono::milliseconds(config.library_extract_poll_ms), [&runtime, &event] {
      auto r = runtime.library().ExtractPending(runtime.pdf_extractor(), 4);
      if (!r.ok()) {
        event("warn", "library extraction", r.status().message());
      } else if (*r > 0) {
        auto caught = runtime.indexer()->CatchUp();
        if (!caught.ok()) event("warn", "search catch-up", caught.status().message());
      }
    });
    std::unique_ptr<Periodic> digest_loop;
    if (digests) {
      digest_loop = std::make_unique<Periodic>(std::chrono::minutes(config.digest_check_minutes),
                                               [&digests, &event, &info] {
                                                 auto r = digests->SendDue();
                                                 if (!r.ok()) {
                                                   event("warn", "digest", r.status().message());
                                                 } else if (*r > 0) {
                                                   info("digest", std::to_string(*r) + " e-mails sent");
                                                 }
                                               });
    }
    server.Run();
  }
  info("stopped", "graceful shutdown complete");
  return 0;
}

}  // namespace waymark::cli
