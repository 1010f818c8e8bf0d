#include "cli/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

#include "app/config.h"
#include "app/runtime.h"
#include "cli/forecast.h"
#include "cli/import.h"
#include "cli/serve.h"
#include "crypto/crypto.h"
#include "i18n/catalog.h"
#include "search/xapian_index.h"
#include "storage/copy.h"
#include "storage/migrations.h"
#include "storage/open.h"
#include "storage/sqlite/sqlite_connection.h"
#include "web/exchange/digest_email.h"

#ifndef WAYMARK_VERSION
#define WAYMARK_VERSION "0.0.0"
#endif

namespace waymark::cli {
namespace {

constexpr int kUsageError = 2;
constexpr int kFailure = 1;

int Fail(const Status& s);

// lhs is a declaration ("auto x"), which parentheses would break.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define WM_ASSIGN_OR_RETURN_EXIT(lhs, expr)                                         \
  auto WM_CONCAT(r_, __LINE__) = (expr);                                            \
  if (!WM_CONCAT(r_, __LINE__).ok()) return Fail(WM_CONCAT(r_, __LINE__).status()); \
  lhs = std::move(WM_CONCAT(r_, __LINE__)).value()
// NOLINTEND(bugprone-macro-parentheses)

int Fail(const Status& s) {
  std::cerr << "waymark: " << s.message();
  for (const auto& [field, message] : s.fields()) std::cerr << "; " << field << " " << message;
  std::cerr << "\n";
  bool usage = s.kind() == Status::Kind::kInvalidArgument || s.kind() == Status::Kind::kValidation;
  return usage ? kUsageError : kFailure;
}

// Reads one line (a password) from standard input, without the newline.
Result<std::string> ReadPasswordFromStdin() {
  std::string line;
  if (!std::getline(std::cin, line))
    return Status::InvalidArgument("--password-stdin: nothing on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Draws "table [#####.....] 120/200" on a terminal, one line per table elsewhere.
void ShowProgress(const std::string& table, std::int64_t done, std::int64_t total) {
  bool tty = isatty(STDERR_FILENO) != 0;
  if (tty) {
    constexpr int kWidth = 30;
    int filled = total > 0 ? static_cast<int>(done * kWidth / total) : kWidth;
    std::cerr << "\r" << table << " [" << std::string(static_cast<std::size_t>(filled), '#')
              << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << done << "/" << total
              << std::flush;
    if (done >= total) std::cerr << "\n";
  } else if (done >= total) {
    std::cerr << table << ": " << done << " rows\n";
  }
}

int Copy(const std::string& from_url, const std::string& to_url, bool replace, int batch) {
  WM_ASSIGN_OR_RETURN_EXIT(storage::DatabaseUrl from_parsed, storage::ParseDatabaseUrl(from_url));
  WM_ASSIGN_OR_RETURN_EXIT(storage::DatabaseUrl to_parsed, storage::ParseDatabaseUrl(to_url));
  if (from_parsed.redacted == to_parsed.redacted)
    return Fail(Status::InvalidArgument("--from and --to are the same database"));
  Status init = crypto::Init();
  if (!init.ok()) return Fail(init);
  SystemClock clock;
  storage::PoolOptions pool;
  pool.size = 1;
  auto from = storage::OpenDatabase(from_url, pool);
  if (!from.ok()) return Fail(from.status().WithContext("--from"));
  auto to = storage::OpenDatabase(to_url, pool);
  if (!to.ok()) return Fail(to.status().WithContext("--to"));
  for (auto* db : {from->get(), to->get()}) {
    auto m = storage::Migrate(*db, clock);
    if (!m.ok()) return Fail(m.status().WithContext("migrating " + db->description()));
  }
  auto report = storage::CopyDatabase(**from, **to, replace, batch, ShowProgress);
  if (!report.ok()) return Fail(report.status());
  std::int64_t total = 0;
  for (const auto& t : report->tables) total += t.rows;
  std::cout << "copied " << total << " rows in " << report->tables.size() << " tables from "
            << from_parsed.redacted << " to " << to_parsed.redacted << "; row counts verified\n";
  return 0;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App cli{"Waymark: campaigns, practices, research and evidence shared by IOM and civil society."};
  cli.require_subcommand(1);
  cli.set_help_all_flag("--help-all", "Show help for every subcommand");

  app::Config config;
  std::string config_file;
  std::string db_flag;
  auto add_db = [&](CLI::App* sub) {
    sub->add_option("--db", db_flag,
                    "Database URL: sqlite:path.db, sqlite:///abs/path.db or postgresql://...")
        ->envname("WAYMARK_DB");
    sub->add_option("--config", config_file, "JSON config file (see docs/configuration.md)")
        ->check(CLI::ExistingFile);
  };

  // serve
  auto* serve = cli.add_subcommand("serve", "Run the web server");
  add_db(serve);
  std::string listen_flag;
  bool demo = false;
  serve->add_option("--listen", listen_flag, "HOST:PORT to serve on (port 0 picks a free one)")
      ->envname("WAYMARK_LISTEN");
  serve->add_flag("--demo", demo, "Load the demo organisations and people (idempotent)");

  // migrate
  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations");
  add_db(migrate);

  // user add
  auto* user = cli.add_subcommand("user", "Manage people");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Add a person");
  add_db(user_add);
  std::string email, name, org, role = "member", locale = "en";
  bool password_stdin = false, admin = false;
  user_add->add_option("--email", email, "E-mail address (unique, case-insensitive)")->required();
  user_add->add_option("--name", name, "Display name")->required();
  user_add->add_option("--org", org, "Organisation slug to join");
  user_add->add_option("--role", role, "Role in the organisation: member, editor, moderator")
      ->check(CLI::IsMember({"member", "editor", "moderator"}));
  user_add->add_option("--locale", locale, "Interface language: en, fr, es")
      ->check(CLI::IsMember({"en", "fr", "es"}));
  user_add->add_flag("--admin", admin, "Make the person a platform administrator");
  user_add->add_flag("--password-stdin", password_stdin,
                     "Read the password from standard input; otherwise a one-time password is printed");

  // org add
  auto* orgcmd = cli.add_subcommand("org", "Manage organisations");
  orgcmd->require_subcommand(1);
  auto* org_add = orgcmd->add_subcommand("add", "Add an organisation");
  add_db(org_add);
  std::string slug, org_name, kind, country, acronym, website;
  org_add->add_option("--slug", slug, "Short lower-case name used in addresses (e.g. jcwi)")->required();
  org_add->add_option("--name", org_name, "Full name")->required();
  org_add
      ->add_option("--kind", kind,
                   "iom, cso, migrant_association, trade_union, research, government or other")
      ->required();
  org_add->add_option("--country", country, "ISO 3166-1 alpha-3 code (e.g. GBR)");
  org_add->add_option("--acronym", acronym, "Acronym");
  org_add->add_option("--website", website, "http(s) address");

  // token create
  auto* token = cli.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "Create an API token for a person; printed once");
  add_db(token_create);
  std::string token_email, token_name = "cli";
  token_create->add_option("--email", token_email, "Whose token")->required();
  token_create->add_option("--name", token_name, "A label to recognise the token by");

  // backup
  auto* backup = cli.add_subcommand("backup", "Copy a live SQLite database to a file");
  add_db(backup);
  std::string backup_to;
  backup->add_option("--to", backup_to, "Destination file (must not exist)")->required();

  // copy
  auto* copy =
      cli.add_subcommand("copy", "Copy a whole deployment to another database (e.g. SQLite to PostgreSQL)");
  std::string copy_from, copy_to;
  bool copy_replace = false;
  int copy_batch = 500;
  copy->add_option("--from", copy_from, "Source database URL")->required();
  copy->add_option("--to", copy_to, "Target database URL (migrated first; must be empty)")->required();
  copy->add_flag("--replace", copy_replace,
                 "Delete the target's rows first instead of refusing a non-empty target");
  copy->add_option("--batch", copy_batch, "Rows per batch")->check(CLI::Range(1, 100000));

  // reindex
  auto* reindex = cli.add_subcommand(
      "reindex", "Rebuild the search index from the database (stop the server that uses the index first)");
  add_db(reindex);
  std::string search_dir_flag;
  reindex
      ->add_option("--search-dir", search_dir_flag,
                   "Search index directory (default: see docs/configuration.md)")
      ->envname("WAYMARK_SEARCH_DIR");
  serve->add_option("--search-dir", search_dir_flag, "Search index directory; each instance needs its own")
      ->envname("WAYMARK_SEARCH_DIR");

  // snapshot-index
  auto* snapshot = cli.add_subcommand(
      "snapshot-index",
      "Copy the search index, consistently, while its server runs: a new instance started on the copy "
      "catches up from the database's change feed instead of rebuilding (docs/deploying.md)");
  add_db(snapshot);
  snapshot
      ->add_option("--search-dir", search_dir_flag, "The index to copy (default: see docs/configuration.md)")
      ->envname("WAYMARK_SEARCH_DIR");
  std::string snapshot_out;
  snapshot->add_option("--out", snapshot_out, "Where the copy goes: a directory that does not exist yet")
      ->required();

  // digest send
  auto* digest = cli.add_subcommand("digest", "E-mail digests of notifications");
  digest->require_subcommand(1);
  auto* digest_send =
      digest->add_subcommand("send", "Send every daily or weekly digest that is due now (needs smtp_host)");
  add_db(digest_send);

  // import
  auto* import = cli.add_subcommand(
      "import", "Import a publisher's file of incidents or displacement figures (docs/evidence.md)");
  add_db(import);
  ImportFlags import_flags;
  import->add_option("what", import_flags.target, "incidents or displacement")
      ->required()
      ->check(CLI::IsMember({"incidents", "displacement"}));
  import->add_option("file", import_flags.file, "The file to read, or - for standard input")->required();
  import->add_option("--format", import_flags.format,
                     "auto (look at the header), or a format named in docs/evidence.md");
  import->add_option("--cause", import_flags.cause, "HXL displacement files: conflict, disaster or other");
  import->add_option("--report", import_flags.report, "Write every row's outcome to this CSV file");
  import->add_flag("--dry-run", import_flags.dry_run, "Read and check the file; write nothing");
  import->add_flag("--strict", import_flags.strict, "Exit 3 when any row was rejected");

  // version
  // forecast run
  auto* forecast =
      cli.add_subcommand("forecast", "Refugee-movement forecasts with the Flee model (docs/forecast.md)");
  forecast->require_subcommand(1);
  auto* forecast_run = forecast->add_subcommand(
      "run", "Run a case in Flee's folder layout and score it against the observed arrivals");
  ForecastFlags forecast_flags;
  forecast_run->add_option("--input", forecast_flags.input, "Flee's conflict_input/<case> folder")
      ->required()
      ->check(CLI::ExistingDirectory);
  forecast_run
      ->add_option("--validation", forecast_flags.validation,
                   "The conflict_validation/<case> folder (default: the one beside --input)")
      ->check(CLI::ExistingDirectory);
  forecast_run
      ->add_option("--settings", forecast_flags.settings, "simsetting.yml (default: Flee's code defaults)")
      ->check(CLI::ExistingFile);
  forecast_run->add_option("--set", forecast_flags.set,
                           "KEY=VALUE: a rule parameter or fix_* switch (repeatable; docs/forecast.md)");
  forecast_run->add_option("--seeds", forecast_flags.seeds, "Number of seeds (runs) to average")
      ->check(CLI::Range(1, 10000));
  forecast_run->add_option("--seed", forecast_flags.first_seed, "The first seed (then +1 per run)");
  forecast_run->add_option("--threads", forecast_flags.threads, "Threads (default: one per core)")
      ->check(CLI::Range(1, 1024));
  forecast_run->add_option("--days", forecast_flags.days, "Simulate only the first N days of the period")
      ->check(CLI::Range(1, 100000));
  forecast_run->add_option("--out", forecast_flags.out,
                           "CSV: day,date, the mean population of each camp, total");
  // forecast validate
  auto* forecast_validate = forecast->add_subcommand(
      "validate",
      "Run Burundi, CAR and Mali and print one table beside Flee's figures and the naive baselines");
  ValidateFlags validate_flags;
  forecast_validate
      ->add_option("--data", validate_flags.data, "Folder of the Flee cases (default: ../shared/data/flee)")
      ->check(CLI::ExistingDirectory);
  forecast_validate
      ->add_option("--settings", validate_flags.settings, "simsetting.yml (default: the one in --data)")
      ->check(CLI::ExistingFile);
  forecast_validate->add_option("--set", validate_flags.set,
                                "KEY=VALUE: a rule parameter or fix_* switch, for every case (repeatable)");
  forecast_validate->add_option("--seeds", validate_flags.seeds, "Seeds (runs) per case (default 10)")
      ->check(CLI::Range(1, 10000));
  forecast_validate->add_option("--threads", validate_flags.threads, "Threads (default: one per core)")
      ->check(CLI::Range(1, 1024));
  forecast_validate
      ->add_option("--days", validate_flags.days,
                   "Simulate N days of each case (default: the days of Flee's figure; CAR 469 of 820)")
      ->check(CLI::Range(1, 100000));
  forecast_validate
      ->add_option("--cases", validate_flags.cases, "Comma-separated: burundi,car,mali (default: all three)")
      ->delimiter(',')
      ->check(CLI::IsMember({"burundi", "car", "mali"}));

  auto* version = cli.add_subcommand("version", "Print the version");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "waymark: " << e.what() << " (see --help)\n";
    return kUsageError;
  }

  if (*version) {
    std::cout << "waymark " << WAYMARK_VERSION << "\n";
    return 0;
  }

  if (*forecast_run) return RunForecast(forecast_flags);
  if (*forecast_validate) return RunValidate(validate_flags);

  if (*copy) return Copy(copy_from, copy_to, copy_replace, copy_batch);

  if (!config_file.empty()) {
    Status s = app::LoadConfigFile(config_file, config);
    if (!s.ok()) return Fail(s);
  }
  if (!db_flag.empty()) config.db = db_flag;
  if (!listen_flag.empty()) config.listen = listen_flag;
  if (!search_dir_flag.empty()) config.search_dir = search_dir_flag;
  {
    auto parsed = storage::ParseDatabaseUrl(config.db);
    if (!parsed.ok()) return Fail(parsed.status());
  }

  if (*serve) return Serve(config, demo);

  if (*snapshot) {
    const std::string dir = app::SearchDirFor(config);
    auto seq = search::SnapshotXapianIndex(dir, snapshot_out);
    if (!seq.ok()) return Fail(seq.status());
    std::cout << "copied " << dir << " to " << snapshot_out << " (up to change " << *seq
              << "); start the new instance with --search-dir " << snapshot_out << "\n";
    return 0;
  }

  if (*backup) {
    auto parsed = storage::ParseDatabaseUrl(config.db);
    if (parsed->dialect != sql::Dialect::kSqlite) {
      return Fail(Status::InvalidArgument(
          "backup copies SQLite databases; for PostgreSQL use pg_dump (docs/deploying.md)"));
    }
    if (access(backup_to.c_str(), F_OK) == 0) {
      return Fail(Status::InvalidArgument("--to " + backup_to + " already exists"));
    }
    Status s = storage::BackupSqlite(parsed->sqlite_path, backup_to);
    if (!s.ok()) return Fail(s);
    std::cout << "backed up " << parsed->redacted << " to " << backup_to << "\n";
    return 0;
  }

  auto rt = app::Runtime::Open(config);
  if (!rt.ok()) return Fail(rt.status());
  app::Runtime& runtime = **rt;
  accounts::Actor actor = accounts::Actor::Cli();

  if (*reindex) {
    // OpenSearch rebuilds a new index itself; an existing one is rebuilt here.
    bool fresh = true;
    auto progress = [&fresh](std::int64_t done, std::int64_t total) {
      fresh = false;
      ShowProgress("documents", done, total);
    };
    Status s = runtime.OpenSearch(progress);
    if (!s.ok()) return Fail(s);
    if (fresh) {
      s = runtime.RebuildSearch(progress);
      if (!s.ok()) return Fail(s);
    }
    auto count = runtime.index()->DocumentCount();
    if (!count.ok()) return Fail(count.status());
    std::cout << "indexed " << *count << " documents in " << app::SearchDirFor(config) << "\n";
    return 0;
  }

  if (*digest_send) {
    if (config.smtp_host.empty()) {
      return Fail(Status::InvalidArgument("no smtp_host is configured (set it in the --config file)"));
    }
    auto catalog = i18n::Catalog::LoadEmbedded();
    if (!catalog.ok()) return Fail(catalog.status());
    mail::SmtpMailer mailer(app::SmtpOptionsFrom(config), runtime.clock(), runtime.random());
    const i18n::Catalog& cat = *catalog;
    exchange::DigestService digests(
        runtime.account_stores(), *runtime.exchange_stores().stores().notifications, mailer,
        [&cat, base = config.base_url](const accounts::User& u,
                                       const std::vector<exchange::Notification>& items) {
          return web::RenderDigest(cat, base, u, items);
        },
        runtime.clock());
    auto sent = digests.SendDue();
    if (!sent.ok()) return Fail(sent.status());
    std::cout << "sent " << *sent << " digests\n";
    return 0;
  }

  if (*import) return RunImport(runtime, import_flags);

  if (*migrate) {
    std::cout << "applied " << runtime.migrations_applied() << " migrations to " << runtime.db().description()
              << "\n";
    return 0;
  }

  if (*user_add) {
    accounts::UserInput in;
    in.email = email;
    in.name = name;
    in.locale = locale;
    in.is_admin = admin;
    bool generated = !password_stdin;
    if (password_stdin) {
      auto pw = ReadPasswordFromStdin();
      if (!pw.ok()) return Fail(pw.status());
      in.password = *pw;
    } else {
      in.password = runtime.random().Password(16);
      in.must_change_password = true;
    }
    if (!org.empty()) {
      auto o = runtime.accounts().GetOrganisation(org);
      if (!o.ok()) return Fail(Status::InvalidArgument("--org: " + o.status().message()));
    }
    auto u = runtime.accounts().CreateUser(actor, in);
    if (!u.ok()) return Fail(u.status());
    if (!org.empty()) {
      Status s = runtime.accounts().SetMembership(actor, u->id, org, role);
      if (!s.ok()) return Fail(s);
    }
    std::cout << "added " << u->email << " (id " << u->id << ")\n";
    if (generated) std::cout << "one-time password: " << in.password << "\n";
    return 0;
  }

  if (*org_add) {
    accounts::OrganisationInput in;
    in.slug = slug;
    in.name = org_name;
    in.kind = kind;
    in.country = country;
    in.acronym = acronym;
    in.website = website;
    auto o = runtime.accounts().CreateOrganisation(actor, in);
    if (!o.ok()) return Fail(o.status());
    std::cout << "added organisation " << o->slug << "\n";
    return 0;
  }

  if (*token_create) {
    auto u = runtime.accounts().FindUserByEmail(token_email);
    if (!u.ok()) return Fail(Status::InvalidArgument("--email: no person with e-mail '" + token_email + "'"));
    auto t = runtime.auth().CreateToken(actor, u->id, token_name);
    if (!t.ok()) return Fail(t.status());
    std::cout << t->token << "\n";
    return 0;
  }
  return kUsageError;
}

}  // namespace waymark::cli
