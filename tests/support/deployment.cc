#include "deployment.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>

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

namespace {

// Runs fn(0) .. fn(count - 1) on up to four threads; rethrows the first exception.
void ParallelFor(int count, const std::function<void(int)>& fn) {
  std::atomic<int> next{0};
  std::mutex mu;
  std::exception_ptr first;
  auto work = [&] {
    for (int i = next++; i < count; i = next++) {
      try {
        fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!first) first = std::current_exception();
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < std::min(count, 4); ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  if (first) std::rethrow_exception(first);
}

}  // namespace

std::pair<Person, std::vector<std::string>> Deployment::PreparePerson(const PersonSpec& spec) {
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
  return {p, args};
}

Person Deployment::RunAddPerson(const std::pair<Person, std::vector<std::string>>& prepared) const {
  const Person& p = prepared.first;
  CliResult r = Cli(prepared.second, p.password + "\n");
  if (r.exit_code != 0) throw std::runtime_error("waymark user add " + p.email + ": " + r.Describe());
  return p;
}

Person Deployment::AddPerson(const PersonSpec& spec) { return RunAddPerson(PreparePerson(spec)); }

std::vector<Person> Deployment::AddPeople(const PersonSpec& spec, int count) {
  std::vector<std::pair<Person, std::vector<std::string>>> prepared;
  for (int i = 0; i < count; ++i) prepared.push_back(PreparePerson(spec));
  std::vector<Person> people(prepared.size());
  ParallelFor(count, [&](int i) { people[i] = RunAddPerson(prepared[i]); });
  return people;
}

std::string Deployment::RunCreateToken(const std::string& email, const std::string& name) const {
  CliResult r = Cli({"token", "create", "--email", email, "--name", name});
  std::string token = r.out.substr(0, r.out.find('\n'));
  if (r.exit_code != 0 || token.rfind("wm_", 0) != 0) {
    throw std::runtime_error("waymark token create --email " + email + ": " + r.Describe());
  }
  return token;
}

std::string Deployment::CreateToken(const std::string& email) {
  return RunCreateToken(email, Unique("token"));
}

std::vector<std::string> Deployment::CreateTokens(const std::vector<std::string>& emails) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < emails.size(); ++i) names.push_back(Unique("token"));
  std::vector<std::string> tokens(emails.size());
  ParallelFor(static_cast<int>(emails.size()),
              [&](int i) { tokens[i] = RunCreateToken(emails[i], names[i]); });
  return tokens;
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
