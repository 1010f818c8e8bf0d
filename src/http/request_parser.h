// The HTTP request parser the server reads with, and the Request it yields.
// Shared by the server and the fuzz target (fuzz/http_request.cc), so both
// parse with the same limits and turn the header into a Request alike.
#pragma once

// Boost 1.74's Asio needs <utility> before it under C++20.
#include <utility>

#include <boost/beast/http.hpp>
#include <boost/optional.hpp>
#include <memory>
#include <string>

#include "http/body_file.h"
#include "http/message.h"
#include "http/server.h"

namespace waymark::http {

// A Beast body type for requests: bytes are kept in memory until the body
// is known to exceed `threshold` (from Content-Length, or as chunks arrive),
// then everything goes to a BodyFile in `spool_dir`. Constant memory for a
// body of any size; the parser's body_limit still bounds it (413).
struct SpoolBody {
  struct value_type {
    std::string memory;              // the body while it is small
    std::shared_ptr<BodyFile> file;  // set once the body is spooled
    std::size_t threshold = 256u << 10;
    std::string spool_dir;  // "" = the system's temporary directory
    Status spool_error;     // why the file could not be made or written

    std::uint64_t size() const { return file ? static_cast<std::uint64_t>(file->size()) : memory.size(); }
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    explicit reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& content_length, boost::beast::error_code& ec) {
      ec = {};
      if (content_length && *content_length > body_.threshold) Spool(ec);
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      ec = {};
      std::size_t n = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        boost::asio::const_buffer b = *it;
        std::string_view bytes(static_cast<const char*>(b.data()), b.size());
        if (!body_.file && body_.memory.size() + bytes.size() > body_.threshold && !Spool(ec)) return n;
        if (body_.file) {
          Status s = body_.file->Append(bytes);
          if (!s.ok()) {
            body_.spool_error = s;
            ec = make_error_code(boost::system::errc::io_error);
            return n;
          }
        } else {
          body_.memory.append(bytes);
        }
        n += bytes.size();
      }
      return n;
    }

    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    // Moves what is in memory to a new BodyFile; false (with `ec` set and
    // the reason in spool_error) when the file cannot be made or written.
    bool Spool(boost::beast::error_code& ec) {
      auto file = BodyFile::Create(body_.spool_dir);
      Status s = file.ok() ? (*file)->Append(body_.memory) : file.status();
      if (!s.ok()) {
        body_.spool_error = s;
        ec = make_error_code(boost::system::errc::io_error);
        return false;
      }
      body_.file = std::move(file).value();
      std::string().swap(body_.memory);
      return true;
    }

    value_type& body_;
  };
};

using RequestParser = boost::beast::http::request_parser<SpoolBody>;

// Sets the server's limits on a new parser: header_limit and body_limit from
// `options` (exceeding them fails the read with error::header_limit,
// answered 431, or error::body_limit, answered 413), and where and above
// which size the body is spooled to a file.
void ApplyLimits(RequestParser& parser, const ServerOptions& options);

// What the parsed header says: method, target, path (percent-decoded; as sent
// when the escapes are malformed), raw query and headers (names lower-case).
// remote_addr, request_id and body are left to the caller.
Request RequestFromHeader(const RequestParser& parser);

}  // namespace waymark::http
