// BodyFile: a request body kept in a temporary file instead of memory (see
// ServerOptions::spool_threshold_bytes). The file is made with mkstemp
// (O_EXCL, mode 0600) in the spool directory and removed when the last
// reference goes: when the request has been answered, or when the
// connection it came on was cut before the body was whole.
//
// Thread safety: appended to by one I/O thread while the body arrives;
// after that only read (pread), from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/byte_source.h"
#include "core/status.h"

namespace waymark::http {

class BodyFile : public std::enable_shared_from_this<BodyFile> {
 public:
  // Creates `dir`/waymark-body-XXXXXX; an empty `dir` is the system's
  // temporary directory. Unavailable when it cannot be made.
  static Result<std::shared_ptr<BodyFile>> Create(const std::string& dir);
  ~BodyFile();
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;

  // Writes `bytes` at the end. Unavailable on a write error (disk full).
  Status Append(std::string_view bytes);

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }
  std::int64_t size() const { return size_; }
  // Bytes [offset, offset + length) of the file; keeps the file alive.
  // REQUIRES: the range lies within size().
  std::unique_ptr<ByteSource> Range(std::int64_t offset, std::int64_t length) const;

 private:
  BodyFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
  std::int64_t size_ = 0;
};

}  // namespace waymark::http
