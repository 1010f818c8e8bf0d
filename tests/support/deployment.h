// One Waymark installation for tests: a temporary directory, a fresh
// database, an optional config file, the server process, and helpers that
// seed people, tokens and organisations through the real CLI.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "backend.h"
#include "http_client.h"
#include "process.h"
#include "temp_dir.h"

namespace waymark::it {

struct DeploymentOptions {
  // Written to DIR/config.json and passed with --config when not empty.
  nlohmann::json config = nlohmann::json::object();
  bool demo = false;         // serve --demo
  bool start_server = true;  // otherwise call StartServer() when wanted
};

struct Person {
  std::string email;
  std::string password;
  std::string name;
};

struct PersonSpec {
  std::string label = "user";  // e-mail prefix; a counter keeps it unique
  bool admin = false;
  std::string org;  // organisation slug to join, if any
  std::string role = "member";
  std::string locale = "en";
};

class Deployment {
 public:
  // Throws std::runtime_error when the database or the server cannot be made.
  static std::unique_ptr<Deployment> Create(Backend backend, DeploymentOptions options = {});
  // Kills the server (if running) before dropping the database.
  ~Deployment();
  Deployment(const Deployment&) = delete;
  Deployment& operator=(const Deployment&) = delete;

  Backend backend() const { return backend_; }
  const DeploymentOptions& options() const { return options_; }
  const TempDir& dir() const { return *dir_; }
  TestDatabase& db() { return *db_; }
  const std::string& db_url() const { return db_->url(); }
  // The server's search index directory (kept across restarts).
  std::string search_dir() const { return dir_->File("search"); }
  // The config file's path, or "" when there is none.
  const std::string& config_file() const { return config_file_; }

  bool has_server() const { return server_ != nullptr; }
  // The running server; throws when there is none.
  ServerProcess& server();
  // Starts a server on this deployment's database (after Stop/Kill, a restart).
  void StartServer();
  // SIGTERM and wait; the exit code (see DescribeExit).
  int StopServer();
  // SIGKILL and reap.
  void KillServer();
  HttpClient client() const;

  // `waymark ARGS... --db URL`.
  CliResult Cli(std::vector<std::string> args, const std::string& stdin_text = "") const;
  // "PREFIX-N", unique within this deployment; lower case when PREFIX is.
  std::string Unique(std::string_view prefix);

  // `waymark user add --password-stdin ...`; throws unless it exits 0.
  Person AddPerson(const PersonSpec& spec = {});
  // AddPerson `count` times with one spec, running up to four CLI commands at
  // once (hashing a password is slow, above all under sanitizers); throws
  // unless each exits 0. Not safe to call from several threads at once.
  std::vector<Person> AddPeople(const PersonSpec& spec, int count);
  // `waymark token create`: the new token; throws unless it exits 0.
  std::string CreateToken(const std::string& email);
  // CreateToken for each e-mail, up to four at once; in the same order.
  std::vector<std::string> CreateTokens(const std::vector<std::string>& emails);
  // `waymark org add`; throws unless it exits 0.
  void AddOrganisation(const std::string& slug, const std::string& name = "",
                       const std::string& kind = "cso");
  // AddOrganisation once per deployment per slug.
  void EnsureOrganisation(const std::string& slug);
  // A platform administrator and an API token of theirs, made on first use.
  const Person& Admin();
  const std::string& AdminToken();

 private:
  Deployment() = default;
  // The person AddPerson would add and the CLI arguments that add them.
  std::pair<Person, std::vector<std::string>> PreparePerson(const PersonSpec& spec);
  Person RunAddPerson(const std::pair<Person, std::vector<std::string>>& prepared) const;
  std::string RunCreateToken(const std::string& email, const std::string& name) const;

  Backend backend_ = Backend::kSqlite;
  DeploymentOptions options_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<TestDatabase> db_;
  std::string config_file_;
  std::unique_ptr<ServerProcess> server_;
  int starts_ = 0;
  int counter_ = 0;
  std::map<std::string, bool> organisations_;
  std::unique_ptr<Person> admin_;
  std::string admin_token_;
};

}  // namespace waymark::it
