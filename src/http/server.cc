// Boost 1.74's Asio needs <utility> before it under C++20.
#include <utility>

#include "http/server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/strings.h"
#include "http/request_parser.h"

namespace waymark::http {
namespace {

// The I/O threads answer kept pages and move every byte; the workers
// render. A render of tens of milliseconds (an uncached list page) took an
// I/O thread's core for that long, and every connection of that thread
// waited: the p99 of a kept /evidence page was 39 ms while the server
// measured 68 slow requests in 130,000. At a lower priority, the scheduler
// lets an I/O thread in when it has work; a worker still gets every cycle
// the I/O threads leave. Done by each worker on its first task (a task that
// waited for all workers to start could hang a stop that came first).
void LowerThisWorkersPriority() {
  static constexpr int kWorkerNice = 10;
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  // Per thread on Linux; raising one's own nice value needs no privilege.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kWorkerNice);
}

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

bool IsSafeRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

// Obsolete line folding (RFC 9112 section 5.2): a line of the header block
// that starts with a space or tab. `bytes` starts at a request's first byte;
// only its header block (up to the empty line) is looked at.
bool HasObsFold(std::string_view bytes) {
  std::size_t end = bytes.find("\r\n\r\n");
  std::string_view head = bytes.substr(0, end == std::string_view::npos ? bytes.size() : end + 2);
  for (std::size_t i = head.find('\n'); i != std::string_view::npos && i + 1 < head.size();
       i = head.find('\n', i + 1)) {
    if (head[i + 1] == ' ' || head[i + 1] == '\t') return true;
  }
  return false;
}

// The transfer codings of a request, in order, lower-case ("gzip", "chunked").
std::vector<std::string> TransferCodings(const RequestParser::value_type& h) {
  std::vector<std::string> codings;
  auto range = h.equal_range(bhttp::field::transfer_encoding);
  for (auto it = range.first; it != range.second; ++it) {
    for (auto part : Split(std::string_view(it->value().data(), it->value().size()), ',')) {
      part = TrimAscii(part);
      if (!part.empty()) codings.push_back(ToLowerAscii(part));
    }
  }
  return codings;
}

// Method and target from the first line of raw request bytes, for answering
// a request whose header Beast never parsed (too large, folded, stalled).
std::pair<std::string, std::string> RawRequestLine(std::string_view bytes) {
  std::string_view line =
      bytes.substr(0, std::min(bytes.find("\r\n"), std::min<std::size_t>(bytes.size(), 8192)));
  auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return {};
  auto sp2 = line.find(' ', sp1 + 1);
  std::string_view target =
      line.substr(sp1 + 1, sp2 == std::string_view::npos ? std::string_view::npos : sp2 - sp1 - 1);
  if (target.empty() || target.front() != '/') return {};
  return {std::string(line.substr(0, sp1)), std::string(target)};
}

// Appends `s` as a JSON string. Printable ASCII without quotes or
// backslashes (nearly every path) is copied as it is; anything else goes
// through nlohmann::json, which escapes it and replaces invalid UTF-8.
void AppendJsonString(std::string& out, std::string_view s) {
  bool plain = true;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (!plain) {
    out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  out += s;
  out += '"';
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, ServerHooks h)
      : options(std::move(o)),
        hooks(std::move(h)),
        io_threads(options.io_threads > 0
                       ? options.io_threads
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
        ioc(io_threads),
        acceptor(net::make_strand(ioc)),
        signals(ioc, SIGINT, SIGTERM),
        pool(static_cast<std::size_t>(WorkerCount(options))),
        drain_timer(ioc) {
    if (hooks.random != nullptr) id_prefix = hooks.random->Hex(6);
  }

  static int WorkerCount(const ServerOptions& o) {
    return o.worker_threads > 0 ? o.worker_threads
                                : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) * 4;
  }

  class Session;

  void DoAccept();
  std::string NextRequestId();
  void BeginStop();
  void PollDrain();
  void FinishResponse(Request& req, Response& res);
  void LogAndMeasure(const Request& req, int status, std::size_t bytes, SteadyClock::time_point start);

  ServerOptions options;
  ServerHooks hooks;
  int io_threads;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::thread_pool pool;
  net::steady_timer drain_timer;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::string id_prefix;  // random, per server: ids differ across restarts and instances
  std::atomic<std::uint64_t> next_id{0};
  std::atomic<std::uint64_t> responses_written{0};
  SteadyClock::time_point drain_deadline;
  SystemClock clock;
};

class Server::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl& server, tcp::socket&& socket) : server_(server), stream_(std::move(socket)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
    // A response is written whole, so Nagle's algorithm has nothing to
    // gather: it only held the tail of a response that took more than one
    // segment until the client's delayed ACK, 40 ms later (the p99 of every
    // page over about 13 KB). What nginx does with tcp_nodelay on.
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }

  void Start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::DoRead, shared_from_this()));
  }

 private:
  // Reads one request: the header block first (looked at before it is
  // parsed, see ReadHeader), then the body. The whole request must arrive
  // within request_timeout; a client that stalls after sending some of it
  // gets 408, an idle keep-alive connection is closed silently.
  void DoRead() {
    parser_.emplace();
    ApplyLimits(*parser_, server_.options);
    // Our own timer rather than the stream's: on expiry tcp_stream closes
    // the socket, which would leave no way to send the 408.
    stream_.expires_never();
    timed_out_ = false;
    reading_ = true;
    read_deadline_ = SteadyClock::now() + server_.options.request_timeout;
    if (!timer_armed_) ArmReadTimer();
    ReadHeader();
  }

  // The read timer is armed once and moved lazily: when it fires before the
  // current read's deadline (a later request on the same connection) it is
  // armed again for that deadline, and between requests it is left to run
  // out. Re-arming and cancelling it for every request cost a timer-queue
  // update and an extra completion each (issue 15).
  void ArmReadTimer() {
    timer_armed_ = true;
    timer_.expires_at(read_deadline_);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      self->timer_armed_ = false;
      if (ec || !self->reading_ || self->closed_) return;
      if (SteadyClock::now() < self->read_deadline_) return self->ArmReadTimer();
      self->timed_out_ = true;
      self->stream_.cancel();
    });
  }

  void StopReading() { reading_ = false; }

  // Feeds buffered bytes to the parser until the header block is complete.
  // The raw bytes are checked for obsolete line folding first: Beast would
  // silently join a folded line into the field before it.
  void ReadHeader() {
    if (buffer_.size() > 0) {
      auto data = buffer_.data();
      std::string_view bytes(static_cast<const char*>(data.data()), data.size());
      if (HasObsFold(bytes)) {
        StopReading();
        return Refuse(400, "malformed HTTP request: obsolete line folding in a header field (RFC 9112, 5.2)");
      }
      beast::error_code ec;
      std::size_t used = parser_->put(data, ec);
      buffer_.consume(used);
      if (ec && ec != bhttp::error::need_more) return OnReadError(ec);
      if (parser_->is_header_done()) return OnHeader();
    }
    constexpr std::size_t kReadSize = 16384;
    stream_.async_read_some(buffer_.prepare(kReadSize),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->OnReadError(ec);
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  // The header is parsed: refuse what this server does not accept before
  // reading any body, answer Expect: 100-continue, then read the body.
  void OnHeader() {
    const auto& h = parser_->get();
    if (h.count(bhttp::field::transfer_encoding) > 0) {
      // RFC 9112, 6.1: chunked must be the final coding of a request, else
      // its length cannot be known (400); other codings we do not decode (501).
      std::vector<std::string> codings = TransferCodings(h);
      if (codings.empty() || codings.back() != "chunked") {
        StopReading();
        return Refuse(400, "malformed HTTP request: Transfer-Encoding must end with chunked");
      }
      if (codings.size() > 1) {
        StopReading();
        return Refuse(501, "transfer coding '" + codings.front() + "' is not supported; send chunked alone");
      }
    }
    std::string_view target(h.target().data(), h.target().size());
    auto q = target.find('?');
    if (q != std::string_view::npos) {
      if (std::string problem = CheckQuery(target.substr(q + 1)); !problem.empty()) {
        StopReading();
        return Refuse(400, problem);
      }
    }
    if (h.count(bhttp::field::expect) > 0) {
      std::string expect = ToLowerAscii(
          TrimAscii(std::string_view(h[bhttp::field::expect].data(), h[bhttp::field::expect].size())));
      if (expect != "100-continue") {
        StopReading();
        return Refuse(417, "only 'Expect: 100-continue' is understood");
      }
      if (h.version() >= 11 && !parser_->is_done()) {
        // The request is acceptable so far: ask for the body.
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        return net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                  if (ec) return self->OnReadError(ec);
                                  self->ReadBody();
                                });
      }
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return OnRead({}, 0);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  // A Request with what is known from the header so far; when Beast has not
  // parsed the request line, method and target come from the raw bytes.
  Request FromHeader() {
    Request req = RequestFromHeader(*parser_);
    if (req.target.empty()) {
      auto data = buffer_.data();
      std::tie(req.method, req.target) =
          RawRequestLine(std::string_view(static_cast<const char*>(data.data()), data.size()));
      auto q = req.target.find('?');
      std::string raw_path = req.target.substr(0, q);
      if (!PercentDecode(raw_path, req.path, false)) req.path = raw_path;
      if (q != std::string::npos) req.query = req.target.substr(q + 1);
    }
    req.remote_addr = remote_;
    std::string_view incoming = req.Header("x-request-id");
    req.request_id = IsSafeRequestId(incoming) ? std::string(incoming) : server_.NextRequestId();
    return req;
  }

  void OnReadError(beast::error_code ec) {
    StopReading();
    // A body spooled so far is of no use now: its file goes at once.
    parser_->get().body().file.reset();
    bool got_some = parser_->got_some() || buffer_.size() > 0;
    if (Status spool = parser_->get().body().spool_error; !spool.ok() && !timed_out_) {
      if (server_.hooks.error_log) server_.hooks.error_log("spooling a request body: " + spool.message());
      return Refuse(503, "the server cannot store the request body now; try again later");
    }
    if (timed_out_) {
      // A client that sent part of a request and stalled is told so
      // (RFC 9110, 15.5.9); an idle keep-alive connection just closes.
      if (!got_some) return Close();
      return Refuse(408, "the request was not received within " +
                             std::to_string(server_.options.request_timeout.count()) + " ms");
    }
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof) {
      return Close();
    }
    if (ec == bhttp::error::body_limit) {
      return Refuse(413, "the request body is larger than " + std::to_string(server_.options.max_body_bytes) +
                             " bytes, the most this server accepts");
    }
    if (ec == bhttp::error::header_limit) {
      return Refuse(431, "the request headers are larger than " +
                             std::to_string(server_.options.max_header_bytes) + " bytes");
    }
    if (ec.category() == beast::error_code(bhttp::error::bad_method).category() || got_some) {
      return Refuse(400, "malformed HTTP request: " + ec.message());
    }
    return Close();
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    start_ = SteadyClock::now();
    StopReading();
    Request req = FromHeader();
    req.body = std::move(parser_->get().body().memory);
    req.body_file = std::move(parser_->get().body().file);
    keep_alive_ = parser_->get().keep_alive();
    ++server_.in_flight;
    if (server_.hooks.handle_inline) {
      std::optional<Response> now;
      try {
        now = server_.hooks.handle_inline(req);
      } catch (const std::exception& e) {
        // Not answered here: the worker tries again and reports what it finds.
        if (server_.hooks.error_log) {
          server_.hooks.error_log("request " + req.request_id + " threw inline: " + e.what());
        }
      }
      if (now) return Write(std::move(req), std::move(*now), true);
    }
    auto self = shared_from_this();
    net::post(server_.pool, [self, req = std::move(req)]() mutable {
      LowerThisWorkersPriority();
      Response res;
      try {
        res = self->server_.hooks.handle(req);
      } catch (const std::exception& e) {
        if (self->server_.hooks.error_log) {
          self->server_.hooks.error_log("request " + req.request_id + " threw: " + e.what());
        }
        res = self->server_.hooks.render_error(500, req, "internal error");
      }
      net::post(self->stream_.get_executor(), [self, req = std::move(req), res = std::move(res)]() mutable {
        self->Write(std::move(req), std::move(res), true);
      });
    });
  }

  void Refuse(int status, const std::string& message) {
    // The request line and fields parsed so far are kept even when the header
    // was refused (e.g. a Content-Length over the body limit).
    start_ = SteadyClock::now();
    Request req = FromHeader();
    if (req.method.empty()) req.method = "-";
    req.route = "-";
    Response res = server_.hooks.render_error(status, req, message);
    keep_alive_ = false;
    ++server_.in_flight;
    Write(std::move(req), std::move(res), true);
  }

  void Write(Request req, Response res, bool counted) {
    server_.FinishResponse(req, res);
    if (std::string bad = UnsafeHeader(res); !bad.empty()) {
      // A CR or LF in a header value would let request data (a path
      // segment, a parameter) write headers of its own: never sent.
      if (server_.hooks.error_log) {
        server_.hooks.error_log("request " + req.request_id + ": refused to send header '" + bad +
                                "' with a line break or NUL; answered 500");
      }
      res = server_.hooks.render_error(500, req, "internal error");
      server_.FinishResponse(req, res);
      std::erase_if(res.headers,
                    [](const auto& h) { return !IsHeaderName(h.first) || !IsSafeHeaderValue(h.second); });
    }
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>();
    msg->version(11);
    msg->result(static_cast<unsigned>(res.status));
    for (auto& [k, v] : res.headers) msg->insert(k, v);
    bool close = !keep_alive_ || server_.stopping.load();
    msg->keep_alive(!close);
    std::size_t bytes = res.body.size();
    if (req.method == "HEAD") {
      msg->content_length(bytes);
    } else {
      msg->body() = std::move(res.body);
      msg->prepare_payload();
    }
    int status = res.status;
    stream_.expires_after(server_.options.request_timeout);
    auto self = shared_from_this();
    bhttp::async_write(
        stream_, *msg,
        [self, msg, close, counted, status, bytes, req = std::move(req)](beast::error_code ec, std::size_t) {
          self->server_.LogAndMeasure(req, status, bytes, self->start_);
          self->server_.responses_written.fetch_add(1, std::memory_order_relaxed);
          if (counted) --self->server_.in_flight;
          if (ec || close) return self->Close();
          self->DoRead();
        });
  }

  void Close() {
    closed_ = true;
    timer_.cancel();  // so that the session is freed now, not when the timer runs out
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  // The name of the first header that must not be sent, or "".
  static std::string UnsafeHeader(const Response& res) {
    for (const auto& [k, v] : res.headers) {
      if (!IsHeaderName(k)) return "(invalid name)";
      if (!IsSafeHeaderValue(v)) return k;
    }
    return "";
  }

  Impl& server_;
  beast::tcp_stream stream_;
  net::steady_timer timer_{stream_.get_executor()};
  bool reading_ = false;
  bool timed_out_ = false;
  bool timer_armed_ = false;
  bool closed_ = false;
  SteadyClock::time_point read_deadline_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string remote_;
  bool keep_alive_ = true;
  SteadyClock::time_point start_;
};

// The prefix and the request's number, 24 hex digits in all: as unique as
// a random id of that length, without asking the system for random bytes
// on every request.
std::string Server::Impl::NextRequestId() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t n = next_id.fetch_add(1, std::memory_order_relaxed);
  std::string id = id_prefix;
  std::size_t at = id.size();
  id.resize(at + 12);
  for (std::size_t i = 0; i < 12; ++i, n >>= 4) id[at + 11 - i] = kHex[n & 0xf];
  return id;
}

void Server::Impl::FinishResponse(Request& req, Response& res) {
  res.Set("X-Request-Id", req.request_id);
  for (const auto& [k, v] : options.default_headers) {
    if (res.Get(k).empty()) res.Set(k, v);
  }
}

void Server::Impl::LogAndMeasure(const Request& req, int status, std::size_t bytes,
                                 SteadyClock::time_point start) {
  double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  if (hooks.metrics) {
    hooks.metrics->RecordRequest(req.method, req.route.empty() ? "unmatched" : req.route, status, seconds);
  }
  if (hooks.access_log) {
    // Written by hand, in the order and form nlohmann::json gave it: this
    // runs for every request.
    std::string line;
    line.reserve(160 + req.path.size());
    line += R"({"bytes":)";
    line += std::to_string(bytes);
    line += R"(,"duration_ms":)";
    line += nlohmann::json(std::round(seconds * 1e6) / 1e3).dump();
    line += R"(,"id":)";
    AppendJsonString(line, req.request_id);
    line += R"(,"method":)";
    AppendJsonString(line, req.method);
    line += R"(,"path":)";
    AppendJsonString(line, req.path);
    line += R"(,"remote":)";
    AppendJsonString(line, req.remote_addr);
    line += R"(,"status":)";
    line += std::to_string(status);
    line += R"(,"time":)";
    AppendJsonString(line, FormatIso8601(clock.NowMs()));
    line += '}';
    hooks.access_log(line);
  }
}

void Server::Impl::DoAccept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    } else {
      std::make_shared<Session>(*this, std::move(socket))->Start();
    }
    if (!stopping.load()) DoAccept();
  });
}

void Server::Impl::BeginStop() {
  if (stopping.exchange(true)) return;
  net::post(acceptor.get_executor(), [this] {
    beast::error_code ec;
    acceptor.close(ec);
  });
  drain_deadline = SteadyClock::now() + options.shutdown_grace;
  PollDrain();
}

void Server::Impl::PollDrain() {
  if (in_flight.load() == 0 || SteadyClock::now() >= drain_deadline) {
    ioc.stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(20));
  drain_timer.async_wait([this](beast::error_code) { PollDrain(); });
}

Server::Server(ServerOptions options, ServerHooks hooks)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(hooks))) {}

Server::~Server() {
  impl_->pool.stop();
  impl_->pool.join();
}

Result<int> Server::Listen() {
  beast::error_code ec;
  std::string host = impl_->options.host == "localhost" ? "127.0.0.1" : impl_->options.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  auto address = net::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("cannot listen on '" + impl_->options.host + "': not an IP address");
  tcp::endpoint endpoint(address, static_cast<unsigned short>(impl_->options.port));
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + impl_->options.host + ":" +
                               std::to_string(impl_->options.port) + ": " + ec.message());
  }
  return static_cast<int>(acc.local_endpoint().port());
}

void Server::Run() {
  impl_->signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) impl_->BeginStop();
  });
  impl_->DoAccept();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->io_threads; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

std::uint64_t Server::ResponsesWritten() const {
  return impl_->responses_written.load(std::memory_order_relaxed);
}

void Server::Stop() {
  net::post(impl_->ioc, [this] { impl_->BeginStop(); });
}

}  // namespace waymark::http
