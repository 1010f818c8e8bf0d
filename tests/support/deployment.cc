#include "deployment.h"

#include <stdexcept>

namespace waymark::it {

std::unique_ptr<Deployment> Deployment::Create(Backend backend, DeploymentOptions options) {
  std::unique_ptr<Deployment> d(new Deployment());
  d->backend_ = backend;
  d->options_ = std::move(options);
  d->dir_ = std::make_unique<TempDir>();
  d->db_ = TestDatabase::Create(backend, d->dir_->path());
  if (!d->options_.config.empty())
    d->config_file_ = d->dir_->Write("config.json", d->options_.config.dump(2));
  if (d->options_.start_server) d->StartServer();
  return d;
}

Deployment::~Deployment() {
  server_.reset();  // kill first: PostgreSQL drops a database nobody uses more politely
  db_.reset();
  dir_.reset();
}

ServerProcess& Deployment::server() {
  if (!server_) throw std::runtime_error("this deployment has no server running");
  return *server_;
}

void Deployment::StartServer() {
  if (server_) server_->Kill9();
  server_.reset();
  ServerProcess::Options o;
  o.db_url = db_->url();
  o.demo = options_.demo;
  o.config_file = config_file_;
  o.stderr_file = dir_->File("server-" + std::to_string(++starts_) + ".log");
  // One search index per deployment, kept across restarts like a real one.
  o.extra_args = {"--search-dir", search_dir()};
  server_ = ServerProcess::Start(o);
}

int Deployment::StopServer() { return server().Terminate(); }

void Deployment::KillServer() { server().Kill9(); }

HttpClient Deployment::client() const {
  if (!server_) throw std::runtime_error("this deployment has no server running");
  return HttpClient(server_->port());
}

CliResult Deployment::Cli(std::vector<std::string> args, const std::string& stdin_text) const {
  args.push_back("--db");
  args.push_back(db_->url());
  return RunCli(args, stdin_text);
}

std::string Deployment::Unique(std::string_view prefix) {
  return std::string(prefix) + "-" + std::to_string(++counter_);
}

Person Deployment::AddPerson(const PersonSpec& spec) {
  Person p;
  std::string id = Unique(spec.label);
  p.email = id + "@it.example";
  p.name = "Person " + id;
  p.password = "pw-" + id + "-correct-horse";
  std::vector<std::string> args = {"user", "add",      "--email",   p.email,           "--name",
                                   p.name, "--locale", spec.locale, "--password-stdin"};
  if (spec.admin) args.push_back("--admin");
  if (!spec.org.empty()) {
    EnsureOrganisation(spec.org);
    args.insert(args.end(), {"--org", spec.org, "--role", spec.role});
  }
  CliResult r = Cli(args, p.password + "\n");
  if (r.exit_code != 0) throw std::runtime_error("waymark user add " + p.email + ": " + r.Describe());
  return p;
}

std::string Deployment::CreateToken(const std::string& email) {
  CliResult r = Cli({"token", "create", "--email", email, "--name", Unique("token")});
  std::string token = r.out.substr(0, r.out.find('\n'));
  if (r.exit_code != 0 || token.rfind("wm_", 0) != 0) {
    throw std::runtime_error("waymark token create --email " + email + ": " + r.Describe());
  }
  return token;
}

void Deployment::AddOrganisation(const std::string& slug, const std::string& name, const std::string& kind) {
  CliResult r = Cli(
      {"org", "add", "--slug", slug, "--name", name.empty() ? "Organisation " + slug : name, "--kind", kind});
  if (r.exit_code != 0) throw std::runtime_error("waymark org add --slug " + slug + ": " + r.Describe());
  organisations_[slug] = true;
}

void Deployment::EnsureOrganisation(const std::string& slug) {
  if (!organisations_.count(slug)) AddOrganisation(slug);
}

const Person& Deployment::Admin() {
  if (!admin_) {
    PersonSpec spec;
    spec.label = "admin";
    spec.admin = true;
    admin_ = std::make_unique<Person>(AddPerson(spec));
  }
  return *admin_;
}

const std::string& Deployment::AdminToken() {
  if (admin_token_.empty()) admin_token_ = CreateToken(Admin().email);
  return admin_token_;
}

}  // namespace waymark::it
