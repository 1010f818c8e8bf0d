#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace waymark::it {
namespace {

using Clock = std::chrono::steady_clock;

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// Writing to a pipe whose reader has gone must not kill the test process.
void IgnoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

int ExitCodeFromWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

void ClosePipe(int fds[2]) {
  for (int i = 0; i < 2; ++i) {
    if (fds[i] >= 0) ::close(fds[i]);
    fds[i] = -1;
  }
}

// Where a spawned child's standard streams go.
struct Stdio {
  int stdin_fd = -1;        // dup'ed to 0; /dev/null when -1
  int stdout_fd = -1;       // dup'ed to 1
  int stderr_fd = -1;       // dup'ed to 2, unless stderr_file is set
  std::string stderr_file;  // opened (truncated) as 2 when not empty
};

pid_t Spawn(const std::vector<std::string>& argv, const Stdio& io) {
  IgnoreSigpipe();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (io.stdin_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, io.stdin_fd, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  if (io.stdout_fd >= 0) posix_spawn_file_actions_adddup2(&actions, io.stdout_fd, 1);
  if (!io.stderr_file.empty()) {
    posix_spawn_file_actions_addopen(&actions, 2, io.stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  } else if (io.stderr_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, io.stderr_fd, 2);
  }
  // The child starts with default signal handling and nothing blocked,
  // whatever the test process did (it ignores SIGPIPE, for one).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> cargv;
  cargv.reserve(argv.size() + 1);
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, cargv[0], &actions, &attr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("posix_spawn(" + argv[0] + "): " + std::strerror(rc));
  return pid;
}

// Reaps `pid` if it has ended, polling until `deadline`. The exit code, or -1.
int WaitUntil(pid_t pid, Clock::time_point deadline, bool& reaped) {
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      reaped = true;
      return ExitCodeFromWaitStatus(status);
    }
    if (r < 0 && errno != EINTR) {
      reaped = true;  // not our child any more; nothing to reap
      return -1;
    }
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

int KillAndReap(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return ExitCodeFromWaitStatus(status);
}

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string WaymarkBinary() {
  const char* bin = std::getenv("WAYMARK_BIN");
  if (bin == nullptr || *bin == '\0') {
    throw std::runtime_error(
        "WAYMARK_BIN is not set; run through ctest, or set it to the waymark binary (build/debug/waymark)");
  }
  return bin;
}

std::string DescribeExit(int exit_code) {
  if (exit_code < 0) return "still running";
  if (exit_code > 128) return "killed by signal " + std::to_string(exit_code - 128);
  return "exit " + std::to_string(exit_code);
}

std::string CliResult::Describe() const {
  return (timed_out ? std::string("timed out") : DescribeExit(exit_code)) + "; stdout: [" + out +
         "]; stderr: [" + err + "]";
}

CliResult RunCli(const std::vector<std::string>& args, const std::string& stdin_text,
                 std::chrono::milliseconds timeout) {
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    std::string e = Errno("pipe2");
    ClosePipe(in);
    ClosePipe(out);
    ClosePipe(err);
    throw std::runtime_error(e);
  }
  std::vector<std::string> argv = {WaymarkBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid;
  try {
    pid = Spawn(argv, Stdio{in[0], out[1], err[1], ""});
  } catch (...) {
    ClosePipe(in);
    ClosePipe(out);
    ClosePipe(err);
    throw;
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  int wfd = in[1], ofd = out[0], efd = err[0];
  ::fcntl(wfd, F_SETFL, O_NONBLOCK);

  CliResult result;
  Clock::time_point deadline = Clock::now() + timeout;
  std::size_t written = 0;
  if (stdin_text.empty()) {
    ::close(wfd);
    wfd = -1;
  }
  while ((ofd >= 0 || efd >= 0 || wfd >= 0) && Clock::now() < deadline) {
    pollfd fds[3];
    int n = 0;
    if (ofd >= 0) fds[n++] = {ofd, POLLIN, 0};
    if (efd >= 0) fds[n++] = {efd, POLLIN, 0};
    if (wfd >= 0) fds[n++] = {wfd, POLLOUT, 0};
    int r = ::poll(fds, static_cast<nfds_t>(n), std::min(RemainingMs(deadline), 100));
    if (r < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == wfd) {
        ssize_t w = ::write(wfd, stdin_text.data() + written, stdin_text.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 && errno != EAGAIN && errno != EINTR) written = stdin_text.size();  // reader gone
        if (written >= stdin_text.size()) {
          ::close(wfd);
          wfd = -1;
        }
        continue;
      }
      char buf[4096];
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        (fds[i].fd == ofd ? result.out : result.err).append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        if (fds[i].fd == ofd) {
          ::close(ofd);
          ofd = -1;
        } else {
          ::close(efd);
          efd = -1;
        }
      }
    }
  }
  for (int fd : {wfd, ofd, efd}) {
    if (fd >= 0) ::close(fd);
  }
  bool reaped = false;
  result.exit_code = WaitUntil(pid, deadline, reaped);
  if (!reaped) {
    KillAndReap(pid);
    result.timed_out = true;
    result.exit_code = -1;
  }
  return result;
}

std::unique_ptr<ServerProcess> ServerProcess::Start(const Options& options) {
  if (options.stderr_file.empty()) throw std::runtime_error("ServerProcess: stderr_file is required");
  std::vector<std::string> argv = {WaymarkBinary(), "serve", "--listen",
                                   "127.0.0.1:0",   "--db",  options.db_url};
  if (options.demo) argv.push_back("--demo");
  // SQLite keeps its search index beside the database file; on PostgreSQL
  // every instance needs a directory of its own.
  bool has_search_dir = false;
  for (const auto& a : options.extra_args) has_search_dir = has_search_dir || a == "--search-dir";
  if (!has_search_dir && options.db_url.rfind("sqlite:", 0) != 0) {
    argv.push_back("--search-dir");
    argv.push_back(options.stderr_file + ".search");
  }
  if (!options.config_file.empty()) {
    argv.push_back("--config");
    argv.push_back(options.config_file);
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());

  int out[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(Errno("pipe2"));
  std::unique_ptr<ServerProcess> p(new ServerProcess());
  p->options_ = options;
  try {
    p->pid_ = Spawn(argv, Stdio{-1, out[1], -1, options.stderr_file});
  } catch (...) {
    ClosePipe(out);
    throw;
  }
  ::close(out[1]);
  p->stdout_fd_ = out[0];
  p->ReadBanner();  // on failure the destructor kills the process
  return p;
}

void ServerProcess::ReadBanner() {
  Clock::time_point deadline = Clock::now() + options_.startup_timeout;
  std::string text;
  std::vector<std::string> lines;
  std::size_t wanted = options_.demo ? 3 : 1;
  auto fail = [&](const std::string& why) {
    std::string err = Stderr();
    throw std::runtime_error("waymark serve --db " + options_.db_url + " " + why + "; stdout: [" + text +
                             "]; stderr: [" + err + "]");
  };
  while (lines.size() < wanted) {
    if (Clock::now() >= deadline) {
      fail("printed no 'listening on' line within " + std::to_string(options_.startup_timeout.count()) +
           " ms");
    }
    pollfd pfd{stdout_fd_, POLLIN, 0};
    int r = ::poll(&pfd, 1, std::min(RemainingMs(deadline), 100));
    if (r < 0 && errno != EINTR) fail(Errno("poll"));
    if (r <= 0) continue;
    char buf[1024];
    ssize_t got = ::read(stdout_fd_, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      // Standard output closed: the server has ended (or is ending).
      int code = WaitUntil(pid_, Clock::now() + std::chrono::seconds(5), reaped_);
      exit_code_ = code;
      fail("ended before it was ready (" + DescribeExit(code) + ")");
    }
    text.append(buf, static_cast<std::size_t>(got));
    std::size_t nl;
    while ((nl = text.find('\n')) != std::string::npos && lines.size() < wanted) {
      lines.push_back(text.substr(0, nl));
      text.erase(0, nl + 1);
    }
  }
  const std::string prefix = "listening on http://127.0.0.1:";
  if (lines[0].rfind(prefix, 0) != 0) fail("printed an unexpected first line '" + lines[0] + "'");
  try {
    port_ = std::stoi(lines[0].substr(prefix.size()));
  } catch (...) {
    fail("printed no port in '" + lines[0] + "'");
  }
  if (port_ <= 0 || port_ > 65535) fail("printed a bad port in '" + lines[0] + "'");
  if (options_.demo) {
    const std::string admin = "demo admin: ";
    const std::string otp = "one-time password: ";
    if (lines[1].rfind(admin, 0) != 0) fail("printed no 'demo admin:' line");
    demo_admin_email_ = lines[1].substr(admin.size());
    if (lines[2].rfind(otp, 0) == 0) {
      std::string rest = lines[2].substr(otp.size());
      demo_admin_password_ = rest.substr(0, rest.find(' '));
    } else if (lines[2].find("already chosen") == std::string::npos) {
      fail("printed an unexpected third line '" + lines[2] + "'");
    }
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !reaped_) KillAndReap(pid_);
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

std::string ServerProcess::Stderr() const { return ReadFile(options_.stderr_file); }

std::vector<nlohmann::json> ServerProcess::AccessLog() const {
  std::vector<nlohmann::json> out;
  std::istringstream in(Stderr());
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("status")) out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json ServerProcess::WaitForAccessLog(const std::string& request_id,
                                               std::chrono::milliseconds timeout) const {
  Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    for (auto& line : AccessLog()) {
      if (line.value("id", "") == request_id) return line;
    }
    if (Clock::now() >= deadline) return nlohmann::json::object();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

long ServerProcess::MemoryKib(const std::string& field) const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) != 0) continue;
    try {
      return std::stol(line.substr(field.size() + 1));
    } catch (...) {
      return -1;
    }
  }
  return -1;
}

bool ServerProcess::running() {
  if (reaped_) return false;
  int code = WaitUntil(pid_, Clock::now(), reaped_);
  if (reaped_) exit_code_ = code;
  return !reaped_;
}

void ServerProcess::Signal(int signo) {
  if (!reaped_) ::kill(pid_, signo);
}

int ServerProcess::Wait(std::chrono::milliseconds timeout) {
  if (reaped_) return exit_code_;
  int code = WaitUntil(pid_, Clock::now() + timeout, reaped_);
  if (reaped_) exit_code_ = code;
  return reaped_ ? exit_code_ : -1;
}

int ServerProcess::Terminate(std::chrono::milliseconds timeout) {
  if (reaped_) return exit_code_;
  Signal(SIGTERM);
  int code = Wait(timeout);
  if (!reaped_) {
    Kill9();
    return -1;
  }
  return code;
}

void ServerProcess::Kill9() {
  if (reaped_) return;
  exit_code_ = KillAndReap(pid_);
  reaped_ = true;
}

}  // namespace waymark::it
