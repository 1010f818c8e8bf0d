// Running the real waymark binary: the server (ServerProcess) and one-shot
// CLI commands (RunCli). The binary's path comes from WAYMARK_BIN, which the
// CMake test registration sets to $<TARGET_FILE:waymark>.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace waymark::it {

// The waymark binary to run: $WAYMARK_BIN. Throws std::runtime_error when unset.
std::string WaymarkBinary();

// How a child process ended: its exit code; 128 + N when killed by signal N;
// -1 when it was still running when we stopped waiting.
std::string DescribeExit(int exit_code);

struct CliResult {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error
  bool timed_out = false;
  // "exit 2; stdout: ...; stderr: ..." for assertion messages.
  std::string Describe() const;
};

// Runs `waymark ARGS...` to completion with `stdin_text` on its standard input.
// A command still running after `timeout` is killed (timed_out, exit_code -1).
CliResult RunCli(const std::vector<std::string>& args, const std::string& stdin_text = "",
                 std::chrono::milliseconds timeout = std::chrono::seconds(60));

class ServerProcess {
 public:
  struct Options {
    std::string db_url;                   // --db
    bool demo = false;                    // --demo
    std::string config_file;              // --config, when not empty
    std::vector<std::string> extra_args;  // appended after the others
    std::string stderr_file;              // where the server's standard error goes (required)
    std::chrono::milliseconds startup_timeout = std::chrono::seconds(30);
  };

  // Starts `waymark serve --listen 127.0.0.1:0 ...` and waits for its
  // "listening on http://127.0.0.1:PORT" line (and, with --demo, the demo
  // admin's lines). Throws std::runtime_error, with the captured standard
  // error, when the server exits or stays silent past startup_timeout.
  static std::unique_ptr<ServerProcess> Start(const Options& options);

  // Kills (SIGKILL) and reaps the process if it is still running.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const Options& options() const { return options_; }
  // With --demo: the demo admin's e-mail, and its one-time password (empty
  // when the admin already chose a password on an earlier run).
  const std::string& demo_admin_email() const { return demo_admin_email_; }
  const std::string& demo_admin_password() const { return demo_admin_password_; }

  // Everything the server wrote to standard error so far.
  std::string Stderr() const;
  // The access-log lines (JSON objects with a "status" member) written so far.
  std::vector<nlohmann::json> AccessLog() const;
  // Polls AccessLog() until a line with "id" == request_id appears (bounded
  // by `timeout`); an empty object when none did.
  nlohmann::json WaitForAccessLog(const std::string& request_id,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

  // A memory figure of the running process from /proc/PID/status, in KiB:
  // "VmHWM" (peak resident set) or "VmRSS" (resident now); -1 when unknown.
  long MemoryKib(const std::string& field) const;

  bool running();
  void Signal(int signo);
  // Waits up to `timeout` for the process to end; its exit code (see
  // DescribeExit), or -1 when it is still running.
  int Wait(std::chrono::milliseconds timeout);
  // SIGTERM, then Wait(timeout); kills it (SIGKILL) if it does not stop in
  // time and returns -1 then.
  int Terminate(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // SIGKILL and reap.
  void Kill9();

 private:
  ServerProcess() = default;
  void ReadBanner();

  Options options_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  bool reaped_ = false;
  int exit_code_ = -1;
  int port_ = 0;
  std::string demo_admin_email_;
  std::string demo_admin_password_;
};

}  // namespace waymark::it
