#include "http/body_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace waymark::http {

Result<std::shared_ptr<BodyFile>> BodyFile::Create(const std::string& dir) {
  std::error_code ec;
  std::string base = dir.empty() ? std::filesystem::temp_directory_path(ec).string() : dir;
  if (base.empty()) base = "/tmp";
  std::string tmpl = (std::filesystem::path(base) / "waymark-body-XXXXXX").string();
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) {
    return Status::Unavailable("cannot create a file for the request body in " + base + ": " +
                               std::strerror(errno));
  }
  return std::shared_ptr<BodyFile>(new BodyFile(std::move(tmpl), fd));
}

BodyFile::~BodyFile() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

Status BodyFile::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(size_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return Status::Unavailable(std::string("cannot write the request body: ") + std::strerror(errno));
    size_ += n;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

std::unique_ptr<ByteSource> BodyFile::Range(std::int64_t offset, std::int64_t length) const {
  return std::make_unique<FileByteSource>(fd_, offset, length, shared_from_this());
}

}  // namespace waymark::http
