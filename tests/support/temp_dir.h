// A private temporary directory, removed with everything in it when the
// object goes (kept when WAYMARK_IT_KEEP is set, for looking at afterwards).
#pragma once

#include <filesystem>
#include <string>

namespace waymark::it {

class TempDir {
 public:
  // Creates $TMPDIR/wm-it-XXXXXX (or /tmp/...). Throws std::runtime_error on failure.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path() / name, as a string.
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  // Writes `text` to path() / name and returns the full path.
  std::string Write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace waymark::it
