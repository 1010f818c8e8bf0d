// Server: HTTP/1.1 over Boost.Beast.
//
// Connections are read and written by `io_threads` event-loop threads; every
// parsed request is handed to a pool of `worker_threads`, so a handler that
// blocks on the database never stalls other connections. The server enforces
// the protocol limits itself (413 body, 431 headers, 400 malformed, slow
// clients cut off) and gives every response a request id, the default
// security headers, an access-log line and a metrics sample.
//
// Thread safety: Listen and Run from one thread; Stop from any thread or a
// signal handler context (it only posts).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/random.h"
#include "core/status.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/router.h"

namespace waymark::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                           // 0 picks a free port
  int io_threads = 0;                        // 0: one per core
  int worker_threads = 0;                    // 0: four per core, at least 4
  std::size_t max_body_bytes = 1u << 20;     // larger bodies get 413
  std::size_t max_header_bytes = 16u << 10;  // larger header blocks get 431
  // A body larger than this is written to a temporary file as it arrives
  // (Request::body_file) instead of being kept in memory.
  std::size_t spool_threshold_bytes = 256u << 10;
  // Where those files go (made with mkstemp, removed when the request ends);
  // empty: the system's temporary directory ($TMPDIR or /tmp).
  std::string spool_dir;
  std::chrono::milliseconds request_timeout{15000};  // to receive one whole request
  std::chrono::milliseconds shutdown_grace{10000};   // in-flight requests get this long
  // Added to every response unless the handler set the same header.
  std::vector<std::pair<std::string, std::string>> default_headers;
};

struct ServerHooks {
  // Handles a parsed request; runs on a worker thread.
  Handler handle;
  // Optional: answers a request on the event-loop thread that read it, when
  // that can be done without blocking (no database, no disk, no search; a
  // page kept in memory); nullopt hands the request to `handle` on a worker.
  // Saves two thread hand-offs per request for what is served from memory.
  std::function<std::optional<Response>(Request&)> handle_inline;
  // Renders the answer to a request the server refused itself (400, 408,
  // 413, 431, 500, 503). `request` may lack a body and params.
  std::function<Response(int status, const Request& request, const std::string& message)> render_error;
  // Receives one JSON access-log line per response.
  std::function<void(std::string_view line)> access_log;
  // Receives a line when a handler throws (the client gets a 500).
  std::function<void(std::string_view line)> error_log;
  Metrics* metrics = nullptr;
  // For the request-id prefix, once per server; must be thread-safe. Request
  // ids are that prefix and a counter: unique, not secret.
  Random* random = nullptr;
};

class Server {
 public:
  Server(ServerOptions options, ServerHooks hooks);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns the bound port (useful with port 0).
  Result<int> Listen();
  // Serves until Stop() or SIGINT/SIGTERM, then drains in-flight requests
  // for up to shutdown_grace and returns.
  void Run();
  // Begins a graceful stop.
  void Stop();
  // How many responses have been written so far (any thread).
  std::uint64_t ResponsesWritten() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waymark::http
