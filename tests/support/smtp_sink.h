// SmtpSink: a real SMTP server on a loopback port for tests — Debian's
// aiosmtpd (python3-aiosmtpd) with its Maildir handler — so mail the server
// sends can be read back. Never an outside address.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace waymark::it {

class SmtpSink {
 public:
  // Throws std::runtime_error when aiosmtpd cannot be started.
  SmtpSink();
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  // The raw messages delivered so far, waiting up to `wait` for at least
  // `count` of them.
  std::vector<std::string> Messages(std::size_t count = 0,
                                    std::chrono::milliseconds wait = std::chrono::seconds(5)) const;

 private:
  std::unique_ptr<TempDir> dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace waymark::it
