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

#include "core/clock.h"
#include "core/strings.h"
#include "http/request_parser.h"

namespace waymark::http {
namespace {

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
        pool(static_cast<std::size_t>(
            options.worker_threads > 0
                ? options.worker_threads
                : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) * 4)),
        drain_timer(ioc) {}

  class Session;

  void DoAccept();
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
  SteadyClock::time_point drain_deadline;
  SystemClock clock;
};

class Server::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl& server, tcp::socket&& socket) : server_(server), stream_(std::move(socket)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }

  void Start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::DoRead, shared_from_this()));
  }

 private:
  void DoRead() {
    parser_.emplace();
    ApplyLimits(*parser_, server_.options);
    stream_.expires_after(server_.options.request_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  // A Request with what is known from the header so far.
  Request FromHeader() {
    Request req = RequestFromHeader(*parser_);
    req.remote_addr = remote_;
    std::string_view incoming = req.Header("x-request-id");
    req.request_id = IsSafeRequestId(incoming) ? std::string(incoming) : server_.hooks.random->Hex(12);
    return req;
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    start_ = SteadyClock::now();
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof) {
      return Close();
    }
    if (ec == beast::error::timeout) {
      // tcp_stream has already closed the socket: a slow or idle client is
      // cut off without an answer (nothing is logged as sent).
      return Close();
    }
    if (ec == bhttp::error::body_limit) {
      return Refuse(413, "the request body is larger than " + std::to_string(server_.options.max_body_bytes) +
                             " bytes");
    }
    if (ec == bhttp::error::header_limit) {
      return Refuse(431, "the request headers are larger than " +
                             std::to_string(server_.options.max_header_bytes) + " bytes");
    }
    if (ec) {
      if (ec.category() == beast::error_code(bhttp::error::bad_method).category() || parser_->got_some()) {
        return Refuse(400, "malformed HTTP request: " + ec.message());
      }
      return Close();
    }
    Request req = FromHeader();
    req.body = std::move(parser_->get().body());
    keep_alive_ = parser_->get().keep_alive();
    ++server_.in_flight;
    auto self = shared_from_this();
    net::post(server_.pool, [self, req = std::move(req)]() mutable {
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
    Request req = parser_->get().target().empty() ? Request{} : FromHeader();
    if (req.request_id.empty()) req.request_id = server_.hooks.random->Hex(12);
    req.remote_addr = remote_;
    if (req.method.empty()) req.method = "-";
    req.route = "-";
    Response res = server_.hooks.render_error(status, req, message);
    keep_alive_ = false;
    ++server_.in_flight;
    Write(std::move(req), std::move(res), true);
  }

  void Write(Request req, Response res, bool counted) {
    server_.FinishResponse(req, res);
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
          if (counted) --self->server_.in_flight;
          if (ec || close) return self->Close();
          self->DoRead();
        });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string remote_;
  bool keep_alive_ = true;
  SteadyClock::time_point start_;
};

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
    nlohmann::json line = {
        {"time", FormatIso8601(clock.NowMs())},
        {"id", req.request_id},
        {"method", req.method},
        {"path", req.path},
        {"status", status},
        {"duration_ms", std::round(seconds * 1e6) / 1e3},
        {"bytes", bytes},
        {"remote", req.remote_addr},
    };
    hooks.access_log(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
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

void Server::Stop() {
  net::post(impl_->ioc, [this] { impl_->BeginStop(); });
}

}  // namespace waymark::http
