// The server's own guards: no CR, LF or NUL from a handler reaches the wire
// in a header (issue 8, F7); request bodies over
// ServerOptions::spool_threshold_bytes go to a file as they arrive (issue
// 12): small ones stay in memory, the limit still gives 413 with a message
// that says it, the file is gone once the request is answered or its
// connection cut, and a multipart body in a file keeps its file parts
// there, byte for byte.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/multipart.h"

namespace waymark::http {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class CountingRandom : public Random {
 public:
  void Fill(unsigned char* out, std::size_t n) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<unsigned char>(next_++);
  }

 private:
  std::mutex mu_;
  unsigned next_ = 1;
};

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// What came back before the server closed the connection (bounded by 10 s).
std::string ReadUntilClosed(int fd) {
  std::string got;
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

std::string Exchange(int port, std::string_view request) {
  int fd = Connect(port);
  if (fd < 0) return "";
  SendAll(fd, request);
  std::string got = ReadUntilClosed(fd);
  ::close(fd);
  return got;
}

TEST(ServerTest, HeaderWithLineBreakIsNeverSent) {
  CountingRandom random;
  std::string logged;
  ServerOptions options;
  options.port = 0;
  options.io_threads = 1;
  options.worker_threads = 1;
  ServerHooks hooks;
  hooks.handle = [](Request& req) {
    Response r = Response::Redirect("/campaigns/" + req.path.substr(1) + "?msg=x");
    r.Add("X-Other", "fine");
    return r;
  };
  hooks.render_error = [](int status, const Request&, const std::string& message) {
    return Response::Text(status, message);
  };
  hooks.error_log = [&logged](std::string_view line) { logged = std::string(line); };
  hooks.random = &random;
  Server server(options, hooks);
  auto port = server.Listen();
  ASSERT_TRUE(port.ok()) << port.status().message();
  std::thread runner([&server] { server.Run(); });

  std::string ok = Exchange(*port, "GET /12 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 303", 0), 0u) << ok;
  EXPECT_NE(ok.find("Location: /campaigns/12?msg=x\r\n"), std::string::npos) << ok;

  // The decoded path carries CR LF into the Location value.
  std::string bad =
      Exchange(*port, "GET /1%0D%0ASet-Cookie:%20evil=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(bad.rfind("HTTP/1.1 500", 0), 0u) << bad;
  EXPECT_EQ(bad.find("Set-Cookie"), std::string::npos) << bad;
  EXPECT_EQ(bad.find("evil"), std::string::npos) << bad;
  EXPECT_NE(logged.find("Location"), std::string::npos) << logged;

  server.Stop();
  runner.join();
}

// The inline hook answers on the event-loop thread; what it declines (or
// throws on) goes to a worker. Request ids are unique, 24 hex digits.
TEST(ServerTest, InlineAnswersStayOnTheEventLoopAndTheRestGoToWorkers) {
  CountingRandom random;
  std::atomic<int> handled{0};
  std::mutex mu;
  std::thread::id inline_thread, worker_thread;
  std::vector<std::string> ids;
  ServerOptions options;
  options.port = 0;
  options.io_threads = 1;
  options.worker_threads = 2;
  ServerHooks hooks;
  hooks.handle_inline = [&](Request& req) -> std::optional<Response> {
    if (req.path == "/throws") throw std::runtime_error("inline trouble");
    if (req.path != "/kept") return std::nullopt;
    std::lock_guard lock(mu);
    inline_thread = std::this_thread::get_id();
    return Response::Text(200, "from memory");
  };
  hooks.handle = [&](Request& req) {
    ++handled;
    std::lock_guard lock(mu);
    worker_thread = std::this_thread::get_id();
    return Response::Text(200, "worked " + req.path);
  };
  hooks.render_error = [](int status, const Request&, const std::string& message) {
    return Response::Text(status, message);
  };
  hooks.access_log = [&](std::string_view line) {
    auto j = nlohmann::json::parse(line);
    std::lock_guard lock(mu);
    ids.push_back(j.at("id").get<std::string>());
  };
  std::string errors;
  hooks.error_log = [&](std::string_view line) {
    std::lock_guard lock(mu);
    errors += std::string(line) + "\n";
  };
  hooks.random = &random;
  Server server(options, hooks);
  auto port = server.Listen();
  ASSERT_TRUE(port.ok()) << port.status().message();
  std::thread runner([&server] { server.Run(); });

  std::string kept = Exchange(*port, "GET /kept HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(kept.find("from memory"), std::string::npos) << kept;
  EXPECT_EQ(handled.load(), 0) << "an inline answer never reaches a worker";
  std::string other = Exchange(*port, "GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(other.find("worked /other"), std::string::npos) << other;
  std::string threw = Exchange(*port, "GET /throws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(threw.find("worked /throws"), std::string::npos) << "a worker answers instead: " << threw;
  EXPECT_EQ(handled.load(), 2);
  server.Stop();
  runner.join();

  std::lock_guard lock(mu);
  EXPECT_NE(inline_thread, worker_thread);
  EXPECT_NE(errors.find("inline trouble"), std::string::npos) << errors;
  ASSERT_EQ(ids.size(), 3u);
  for (const auto& id : ids) {
    EXPECT_EQ(id.size(), 24u) << id;
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  }
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_NE(ids[1], ids[2]);
  EXPECT_EQ(ids[0].substr(0, 12), ids[1].substr(0, 12)) << "one prefix per server";
}

std::size_t FilesIn(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

// Polls until `dir` holds `n` files (bounded by 5 s).
bool WaitForFiles(const fs::path& dir, std::size_t n) {
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (FilesIn(dir) != n) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Bytes that are not all alike, so a misplaced piece would show.
std::string Pattern(std::size_t n) {
  std::string s(n, '\0');
  std::uint32_t x = 2463534242u;
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return s;
}

std::string Post(const std::string& path, const std::string& body, const std::string& type = "text/plain") {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string Chunked(const std::string& path, const std::string& body, std::size_t chunk) {
  std::string r =
      "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (std::size_t i = 0; i < body.size(); i += chunk) {
    std::size_t n = std::min(chunk, body.size() - i);
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", n);
    r += size + body.substr(i, n) + "\r\n";
  }
  return r + "0\r\n\r\n";
}

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("waymark-spool-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (server_) {
      server_->Stop();
      runner_.join();
    }
    fs::remove_all(dir_);
  }

  // Starts a server whose handler runs `handle`; bodies over 4 KiB are
  // spooled to dir_, bodies over `max_body` refused.
  void Start(Handler handle, std::size_t max_body = 16u << 20) {
    ServerOptions options;
    options.port = 0;
    options.io_threads = 1;
    options.worker_threads = 2;
    options.max_body_bytes = max_body;
    options.spool_threshold_bytes = 4096;
    options.spool_dir = dir_.string();
    ServerHooks hooks;
    hooks.handle = std::move(handle);
    hooks.render_error = [](int status, const Request&, const std::string& message) {
      return Response::Text(status, message);
    };
    hooks.random = &random_;
    server_ = std::make_unique<Server>(options, hooks);
    auto port = server_->Listen();
    ASSERT_TRUE(port.ok()) << port.status().message();
    port_ = *port;
    runner_ = std::thread([this] { server_->Run(); });
  }

  fs::path dir_;
  CountingRandom random_;
  std::unique_ptr<Server> server_;
  std::thread runner_;
  int port_ = 0;
};

// A handler that says where the body was and what it held.
Response Describe(Request& req) {
  std::string where = req.body_file ? "file" : "memory";
  std::string bytes = req.body;
  if (req.body_file) {
    auto all = ReadAll(*req.BodySource());
    bytes = all.ok() ? *all : "read failed";
    // The file is there while the handler runs, in the spool directory.
    if (!fs::exists(req.body_file->path())) where = "missing file";
  }
  return Response::Text(200, where + " " + std::to_string(req.BodySize()) + " " +
                                 (bytes == Pattern(bytes.size()) ? "intact" : "corrupt"));
}

TEST_F(SpoolTest, SmallBodyStaysInMemory) {
  Start(Describe);
  std::string got = Exchange(port_, Post("/", Pattern(4096)));
  EXPECT_NE(got.find("memory 4096 intact"), std::string::npos) << got;
  EXPECT_EQ(FilesIn(dir_), 0u);
}

TEST_F(SpoolTest, LargeBodyIsSpooledAndRemovedAfterTheRequest) {
  Start(Describe);
  std::string got = Exchange(port_, Post("/", Pattern(4097)));
  EXPECT_NE(got.find("file 4097 intact"), std::string::npos) << got;
  got = Exchange(port_, Post("/", Pattern(3u << 20)));
  EXPECT_NE(got.find("file 3145728 intact"), std::string::npos) << got;
  EXPECT_TRUE(WaitForFiles(dir_, 0)) << "the spooled body outlived its request";
}

TEST_F(SpoolTest, ChunkedBodySpooledOnceItGrowsPastTheThreshold) {
  Start(Describe);
  std::string got = Exchange(port_, Chunked("/", Pattern(3000), 1000));
  EXPECT_NE(got.find("memory 3000 intact"), std::string::npos) << got;
  got = Exchange(port_, Chunked("/", Pattern(100000), 1500));
  EXPECT_NE(got.find("file 100000 intact"), std::string::npos) << got;
  EXPECT_TRUE(WaitForFiles(dir_, 0));
}

TEST_F(SpoolTest, OverTheLimitIs413AndLeavesNoFile) {
  Start(Describe, 64u << 10);
  // Declared too large: refused before any body is read.
  std::string got = Exchange(port_, Post("/", Pattern((64u << 10) + 1)));
  EXPECT_EQ(got.rfind("HTTP/1.1 413", 0), 0u) << got.substr(0, 200);
  EXPECT_NE(got.find("the request body is larger than 65536 bytes"), std::string::npos) << got.substr(0, 400);
  // Chunked: spooled until it passes the limit.
  got = Exchange(port_, Chunked("/", Pattern(200u << 10), 8192));
  EXPECT_EQ(got.rfind("HTTP/1.1 413", 0), 0u) << got.substr(0, 200);
  EXPECT_NE(got.find("larger than 65536 bytes"), std::string::npos) << got.substr(0, 400);
  EXPECT_TRUE(WaitForFiles(dir_, 0)) << "a refused body's file was kept";
  // At the limit exactly: accepted.
  got = Exchange(port_, Post("/", Pattern(64u << 10)));
  EXPECT_NE(got.find("file 65536 intact"), std::string::npos) << got.substr(0, 400);
}

TEST_F(SpoolTest, CutConnectionRemovesTheFile) {
  std::atomic<int> handled{0};
  Start([&handled](Request& req) {
    ++handled;
    return Describe(req);
  });
  int fd = Connect(port_);
  ASSERT_GE(fd, 0);
  std::string body = Pattern(1u << 20);
  std::string head =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  ASSERT_TRUE(SendAll(fd, head + body.substr(0, 300000)));
  ASSERT_TRUE(WaitForFiles(dir_, 1)) << "the body was not spooled as it arrived";
  ::close(fd);  // the client goes away mid-body
  EXPECT_TRUE(WaitForFiles(dir_, 0)) << "the file of a cut request was kept";
  EXPECT_EQ(handled.load(), 0);
}

TEST_F(SpoolTest, MultipartFromASpooledBodyKeepsFilesInTheFile) {
  const std::string file = Pattern(5u << 20);
  Start([&file](Request& req) {
    auto parts = ParseMultipart(req);
    if (!parts.ok()) return Response::Text(400, parts.status().message());
    std::string out = req.body_file ? "spooled;" : "memory;";
    for (const auto& p : *parts) {
      out += p.name + "=";
      if (p.filename) {
        out += p.file ? "range:" : "string:";
        auto bytes = ReadAll(*p.Bytes());
        out += std::to_string(p.size()) + (bytes.ok() && *bytes == file ? ":intact" : ":corrupt");
        out += p.body.empty() ? "" : ":copied";
      } else {
        out += p.body;
      }
      out += ";";
    }
    return Response::Text(200, out);
  });
  // The boundary's first bytes right before a window edge of the scan
  // would be found only with the overlap; many sizes are covered by 5 MiB.
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nA report\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n" +
      file + "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nafter\r\n--XyZ--\r\n";
  std::string got = Exchange(port_, Post("/", body, "multipart/form-data; boundary=XyZ"));
  EXPECT_NE(got.find("spooled;title=A report;file=range:5242880:intact;note=after;"), std::string::npos)
      << got.substr(0, 600);
  EXPECT_TRUE(WaitForFiles(dir_, 0));
}

}  // namespace
}  // namespace waymark::http
