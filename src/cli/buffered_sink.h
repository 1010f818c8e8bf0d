// BufferedFdSink: an spdlog sink that gathers lines in memory and writes
// them to a file descriptor in large writes, for the access log: one
// write(2) per request under a lock was a measurable part of serving a page
// from memory (issue 15). Lines go out when the buffer passes `max_bytes`,
// on flush() (serve calls it every 100 ms, after each event line, and at
// exit), and when the sink is destroyed. A crash loses at most the lines
// gathered since the last flush; events (errors, start, stop) are flushed
// as they are logged.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <unistd.h>
#include <cerrno>
#include <cstddef>
#include <mutex>
#include <string>

namespace waymark::cli {

class BufferedFdSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit BufferedFdSink(int fd, std::size_t max_bytes = 64u << 10) : fd_(fd), max_bytes_(max_bytes) {
    buffer_.reserve(max_bytes_ + 1024);
  }
  ~BufferedFdSink() override {
    std::lock_guard lock(mutex_);
    WriteOut();
  }
  BufferedFdSink(const BufferedFdSink&) = delete;
  BufferedFdSink& operator=(const BufferedFdSink&) = delete;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    buffer_.append(formatted.data(), formatted.size());
    if (buffer_.size() >= max_bytes_) WriteOut();
  }
  void flush_() override { WriteOut(); }

 private:
  // REQUIRES: mutex_ held. A failed write (a closed stderr) drops the lines:
  // logging must never stop the server.
  void WriteOut() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
      ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

  int fd_;
  std::size_t max_bytes_;
  std::string buffer_;  // GUARDED_BY(mutex_)
};

}  // namespace waymark::cli
