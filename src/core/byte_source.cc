#include "core/byte_source.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace waymark {

Result<std::size_t> StringByteSource::ReadAt(std::int64_t offset, char* out, std::size_t n) const {
  auto start = static_cast<std::size_t>(std::clamp<std::int64_t>(offset, 0, size()));
  std::size_t count = std::min(n, bytes_.size() - start);
  std::memcpy(out, bytes_.data() + start, count);
  return count;
}

Result<std::size_t> FileByteSource::ReadAt(std::int64_t offset, char* out, std::size_t n) const {
  offset = std::clamp<std::int64_t>(offset, 0, length_);
  std::size_t want = std::min<std::size_t>(n, static_cast<std::size_t>(length_ - offset));
  std::size_t done = 0;
  while (done < want) {
    ssize_t got = ::pread(fd_, out + done, want - done,
                          static_cast<off_t>(offset_ + offset) + static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Status::Internal(std::string("cannot read a spooled file: ") + std::strerror(errno));
    if (got == 0) return Status::Internal("a spooled file is shorter than expected");
    done += static_cast<std::size_t>(got);
  }
  return done;
}

Status ForEachPiece(const ByteSource& source, const std::function<Status(std::string_view)>& fn,
                    std::size_t piece) {
  std::int64_t total = source.size();
  std::vector<char> buffer(
      static_cast<std::size_t>(std::min<std::int64_t>(total, static_cast<std::int64_t>(piece))));
  for (std::int64_t offset = 0; offset < total;) {
    // Whole pieces, whatever the source's reads return: a store may number
    // them and find byte k in piece k / piece.
    std::size_t want = static_cast<std::size_t>(
        std::min<std::int64_t>(static_cast<std::int64_t>(buffer.size()), total - offset));
    std::size_t filled = 0;
    while (filled < want) {
      WM_ASSIGN_OR_RETURN(std::size_t n, source.ReadAt(offset + static_cast<std::int64_t>(filled),
                                                       buffer.data() + filled, want - filled));
      if (n == 0) return Status::Internal("a byte source ended early");
      filled += n;
    }
    WM_RETURN_IF_ERROR(fn(std::string_view(buffer.data(), filled)));
    offset += static_cast<std::int64_t>(filled);
  }
  return Status::Ok();
}

Result<std::string> ReadPrefix(const ByteSource& source, std::size_t n) {
  std::string out(
      static_cast<std::size_t>(std::min<std::int64_t>(source.size(), static_cast<std::int64_t>(n))), '\0');
  std::size_t filled = 0;
  while (filled < out.size()) {  // a source may answer in short reads
    WM_ASSIGN_OR_RETURN(std::size_t got, source.ReadAt(static_cast<std::int64_t>(filled), out.data() + filled,
                                                       out.size() - filled));
    if (got == 0) break;
    filled += got;
  }
  out.resize(filled);
  return out;
}

Result<std::string> ReadAll(const ByteSource& source) {
  return ReadPrefix(source, static_cast<std::size_t>(source.size()));
}

}  // namespace waymark
