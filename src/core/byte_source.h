// ByteSource: bytes that are read in pieces rather than held in one string,
// so a large upload can be hashed, checked and stored in constant memory.
// An uploaded file's part of a spooled request body is a FileByteSource; a
// small value already in memory is a StringByteSource.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace waymark {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::int64_t size() const = 0;
  // Copies up to `n` bytes starting at `offset` into `out`; returns how many
  // (fewer only at the end). Internal on an I/O error.
  // REQUIRES: 0 <= offset <= size().
  virtual Result<std::size_t> ReadAt(std::int64_t offset, char* out, std::size_t n) const = 0;
};

// Bytes in memory; the string must outlive the source.
class StringByteSource final : public ByteSource {
 public:
  explicit StringByteSource(std::string_view bytes) : bytes_(bytes) {}
  std::int64_t size() const override { return static_cast<std::int64_t>(bytes_.size()); }
  Result<std::size_t> ReadAt(std::int64_t offset, char* out, std::size_t n) const override;

 private:
  std::string_view bytes_;
};

// A range of an open file, read with pread (so several readers, on any
// threads, may share the descriptor). `owner` keeps whatever owns `fd` alive
// as long as the source.
class FileByteSource final : public ByteSource {
 public:
  FileByteSource(int fd, std::int64_t offset, std::int64_t length, std::shared_ptr<const void> owner)
      : fd_(fd), offset_(offset), length_(length), owner_(std::move(owner)) {}
  std::int64_t size() const override { return length_; }
  Result<std::size_t> ReadAt(std::int64_t offset, char* out, std::size_t n) const override;

 private:
  int fd_;
  std::int64_t offset_;
  std::int64_t length_;
  std::shared_ptr<const void> owner_;
};

// Size of the pieces ForEachPiece hands out.
inline constexpr std::size_t kBytePieceSize = 1u << 20;

// Calls `fn` with the bytes of `source` in order, in pieces of `piece`
// bytes (the last one shorter), through one buffer; stops at the first
// error (from a read or from `fn`).
Status ForEachPiece(const ByteSource& source, const std::function<Status(std::string_view)>& fn,
                    std::size_t piece = kBytePieceSize);

// The first `n` bytes (fewer when the source is shorter).
Result<std::string> ReadPrefix(const ByteSource& source, std::size_t n);

// Every byte, in one string: only for sources known to be small.
Result<std::string> ReadAll(const ByteSource& source);

}  // namespace waymark
