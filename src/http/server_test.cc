// The server's own guard against header injection: whatever a handler puts
// in a header, no CR, LF or NUL reaches the wire (issue 8, F7).
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

namespace waymark::http {
namespace {

class CountingRandom : public Random {
 public:
  void Fill(unsigned char* out, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<unsigned char>(next_++);
  }

 private:
  unsigned next_ = 1;  // only ever used from one I/O thread in this test
};

// Sends `request` to 127.0.0.1:port and returns what came back before the
// server closed the connection (bounded by 5 s).
std::string Exchange(int port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
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

}  // namespace
}  // namespace waymark::http
