#include "support/smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace waymark::it {
namespace {

namespace fs = std::filesystem;

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("bind to a loopback port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

SmtpSink::SmtpSink() : dir_(std::make_unique<TempDir>()) {
  port_ = FreeLoopbackPort();
  std::string python = "/usr/bin/python3";  // Debian's, which has aiosmtpd
  std::vector<std::string> args = {python,
                                   "-m",
                                   "aiosmtpd",
                                   "-n",
                                   "-l",
                                   "127.0.0.1:" + std::to_string(port_),
                                   "-c",
                                   "aiosmtpd.handlers.Mailbox",
                                   dir_->File("Maildir")};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&pid_, python.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start aiosmtpd (install python3-aiosmtpd)");
  }
  for (int i = 0; i < 200 && !Accepts(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (!Accepts(port_)) throw std::runtime_error("aiosmtpd did not start on port " + std::to_string(port_));
}

SmtpSink::~SmtpSink() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::vector<std::string> SmtpSink::Messages(std::size_t count, std::chrono::milliseconds wait) const {
  auto deadline = std::chrono::steady_clock::now() + wait;
  std::vector<std::string> out;
  for (;;) {
    out.clear();
    std::error_code ec;
    fs::path inbox = fs::path(dir_->File("Maildir")) / "new";
    for (const auto& e : fs::directory_iterator(inbox, ec)) {
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
    if (out.size() >= count || std::chrono::steady_clock::now() >= deadline) return out;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace waymark::it
