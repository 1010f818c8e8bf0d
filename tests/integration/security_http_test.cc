// Regression tests for the HTTP findings of the security probe (issue 8):
// memory per request (F1), metric labels (F5), header injection (F7),
// numbers out of range (F8), duplicate JSON names (F12), HTTP leniency
// (F13), the sign-in `next` (F14) and bad query strings (F17). Raw bytes go
// through RawConnection; one server with request_timeout_ms=1000.
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr int kTimeoutMs = 1000;

// The raw header block of the first response in `raw` ("" when none).
std::string HeadOf(const std::string& raw) { return raw.substr(0, raw.find("\r\n\r\n")); }

std::string ContentTypeOf(const HttpResponse& r) { return r.Header("Content-Type"); }

class SecurityHttpTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config = {{"request_timeout_ms", kTimeoutMs}};
    return o;
  }

  // Sends `bytes` on a new connection; the first response and whether the
  // server closed the connection after it.
  struct Answer {
    std::optional<HttpResponse> response;
    std::string raw;
    bool closed = false;
  };
  Answer Exchange(const std::string& bytes, milliseconds timeout = milliseconds(5000)) {
    RawConnection c(server().port());
    c.Send(bytes);
    RawConnection::ReadResult got = c.ReadUntilClose(timeout);
    return {ParseResponse(got.data), got.data, got.closed};
  }

  static void ExpectJsonError(const HttpResponse& r, const std::string& code, const std::string& mentions) {
    EXPECT_EQ(ContentTypeOf(r).rfind("application/json", 0), 0u) << "an /api/ error must be JSON\n"
                                                                 << r.Describe();
    json j = json::parse(r.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.Describe();
    EXPECT_EQ(j["error"].value("code", ""), code) << r.body;
    EXPECT_NE(j["error"].value("message", "").find(mentions), std::string::npos)
        << "the message should mention " << mentions << ": " << r.body;
  }
};

// --- F13: HTTP leniency ------------------------------------------------------

TEST_P(SecurityHttpTest, TransferCodingsOtherThanChunkedAreRefused) {
  // RFC 9112, 6.1: a request whose final coding is not chunked has no known
  // length (400); a coding we do not decode is 501. Beast alone took these
  // as "no body" and read the body as the next request.
  for (std::string coding : {"gzip", "identity", "xchunked", "chunked, gzip"}) {
    Answer a = Exchange(
        "POST /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: " +
        coding + "\r\n\r\n{}");
    ASSERT_TRUE(a.response) << coding << ": not an HTTP response: [" << a.raw << "]";
    EXPECT_EQ(a.response->status, 400) << coding << "\n" << a.response->Describe();
    ExpectJsonError(*a.response, "bad_request", "Transfer-Encoding");
    EXPECT_TRUE(a.closed) << coding << ": the connection must close after an unknown body length";
  }
  Answer gz = Exchange(
      "POST /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
      "0\r\n\r\n");
  ASSERT_TRUE(gz.response) << gz.raw;
  EXPECT_EQ(gz.response->status, 501) << gz.response->Describe();
  ExpectJsonError(*gz.response, "not_implemented", "gzip");
  // Chunked alone is fine (and reaches the handler: 401, not a protocol error).
  Answer chunked = Exchange(
      "POST /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
  ASSERT_TRUE(chunked.response) << chunked.raw;
  EXPECT_EQ(chunked.response->status, 401) << chunked.response->Describe();
}

TEST_P(SecurityHttpTest, ObsoleteLineFoldingIsRefused) {
  Answer a =
      Exchange("GET /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Folded: one\r\n two\r\n\r\n");
  ASSERT_TRUE(a.response) << a.raw;
  EXPECT_EQ(a.response->status, 400) << a.response->Describe();
  ExpectJsonError(*a.response, "bad_request", "folding");
  EXPECT_EQ(MissingSecurityHeaders(*a.response), "");
  // A tab starts a folded line too; a page path gets an HTML answer.
  Answer page = Exchange("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Folded: one\r\n\ttwo\r\n\r\n");
  ASSERT_TRUE(page.response) << page.raw;
  EXPECT_EQ(page.response->status, 400) << page.response->Describe();
  EXPECT_EQ(ContentTypeOf(*page.response).rfind("text/html", 0), 0u);
}

TEST_P(SecurityHttpTest, StalledRequestGets408AndClose) {
  // The README promises 408 for a client that stalls mid-request.
  for (std::string partial :
       {std::string("GET /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: "),
        std::string("POST /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":")}) {
    RawConnection c(server().port());
    Clock::time_point start = Clock::now();
    ASSERT_TRUE(c.Send(partial));
    RawConnection::ReadResult got = c.ReadUntilClose(milliseconds(5000));
    auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    ASSERT_TRUE(got.closed) << "still open after 5 s";
    EXPECT_GE(elapsed, milliseconds(kTimeoutMs - 100));
    auto r = ParseResponse(got.data);
    ASSERT_TRUE(r.has_value()) << "no 408 before the close: [" << got.data << "]";
    EXPECT_EQ(r->status, 408) << r->Describe();
    EXPECT_TRUE(EqualsIgnoreCase(r->Header("Connection"), "close")) << r->Describe();
    ExpectJsonError(*r, "request_timeout", std::to_string(kTimeoutMs) + " ms");
  }
  // An idle connection that sent nothing is closed without an answer.
  RawConnection idle(server().port());
  RawConnection::ReadResult quiet = idle.ReadUntilClose(milliseconds(5000));
  EXPECT_TRUE(quiet.closed);
  EXPECT_EQ(quiet.data, "");
}

TEST_P(SecurityHttpTest, ExpectContinueIsAnswered) {
  std::string body = "{\"slug\":\"x\"}";
  RawConnection c(server().port());
  ASSERT_TRUE(
      c.Send("POST /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
             "application/json\r\nExpect: 100-continue\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n"));
  RawConnection::ReadResult interim = c.ReadResponse(milliseconds(3000));
  ASSERT_FALSE(interim.timed_out) << "no 100 Continue: the client would wait for nothing";
  EXPECT_EQ(interim.data.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u) << interim.data;
  ASSERT_TRUE(c.Send(body));
  RawConnection::ReadResult final_answer = c.ReadResponse(milliseconds(5000));
  std::string rest = interim.data.substr(
                         std::min(interim.data.size(), std::string("HTTP/1.1 100 Continue\r\n\r\n").size())) +
                     final_answer.data;
  auto r = ParseResponse(rest, false);
  ASSERT_TRUE(r.has_value()) << rest;
  EXPECT_EQ(r->status, 401) << "the request went on to the handler\n" << r->Describe();

  // A body over the limit gets the final status at once, no 100.
  Answer big = Exchange(
      "POST /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
      "Content-Length: 999999999999\r\n\r\n");
  ASSERT_TRUE(big.response) << big.raw;
  EXPECT_EQ(big.response->status, 413) << big.raw;
  EXPECT_EQ(big.raw.find("100 Continue"), std::string::npos) << big.raw;
  // An expectation we do not know: 417.
  Answer odd = Exchange(
      "POST /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 200-ok\r\nContent-Length: "
      "2\r\n\r\n");
  ASSERT_TRUE(odd.response) << odd.raw;
  EXPECT_EQ(odd.response->status, 417) << odd.raw;
}

TEST_P(SecurityHttpTest, ProtocolErrorsUnderApiAreJson) {
  // Header block too large: Beast never parsed the request line.
  Answer big = Exchange("GET /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " +
                        std::string(20 * 1024, 'p') + "\r\n\r\n");
  ASSERT_TRUE(big.response) << big.raw.substr(0, 300);
  EXPECT_EQ(big.response->status, 431);
  ExpectJsonError(*big.response, "headers_too_large", "headers");
  // A request line Beast refuses before it has a target: the raw line still
  // says /api/.
  for (std::string line :
       {std::string("GET /api/v1/organisations HTTP/9.9"), std::string("GET /api/v1/org\x01 HTTP/1.1")}) {
    Answer a = Exchange(line + "\r\nHost: 127.0.0.1\r\n\r\n");
    ASSERT_TRUE(a.response) << a.raw;
    EXPECT_EQ(a.response->status, 400) << line;
    ExpectJsonError(*a.response, "bad_request", "malformed");
  }
  Answer bad = Exchange("GET /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n");
  ASSERT_TRUE(bad.response) << bad.raw;
  EXPECT_EQ(bad.response->status, 400);
  ExpectJsonError(*bad.response, "bad_request", "malformed");
}

// --- F17: bad query strings, paging -------------------------------------------

TEST_P(SecurityHttpTest, MalformedQueryIs400NamingTheParameter) {
  for (std::string target : {"/api/v1/posts?q=%zz", "/api/v1/posts?page=1&q=%FF%FE",
                             "/api/v1/campaigns?q=%C3%28", "/api/v1/organisations?q=abc%"}) {
    HttpResponse r = client().Get(target);
    EXPECT_EQ(r.status, 400) << target << "\n" << r.Describe();
    ExpectJsonError(r, "bad_request", "'q'");
  }
  // Raw invalid UTF-8 bytes in the target, and the same on a page.
  Answer raw =
      Exchange("GET /api/v1/posts?q=\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(raw.response) << raw.raw;
  EXPECT_EQ(raw.response->status, 400) << raw.response->Describe();
  HttpResponse page = client().Get("/campaigns?q=%zz");
  EXPECT_EQ(page.status, 400) << page.Describe();
  EXPECT_NE(page.body.find("&apos;q&apos;"), std::string::npos) << page.body.substr(0, 2000);
  // Well-formed queries are untouched.
  EXPECT_EQ(client().Get("/api/v1/posts?q=migraci%C3%B3n").status, 200);
}

TEST_P(SecurityHttpTest, PostSearchHonoursPage) {
  HttpResponse two = client().Get("/api/v1/posts?q=anything&page=2&per_page=5");
  ASSERT_EQ(two.status, 200) << two.Describe();
  EXPECT_EQ(two.Json()["page"], 2) << two.body;
  EXPECT_EQ(two.Json()["per_page"], 5) << two.body;
  for (std::string bad : {"0", "abc", "-1", "99999999"}) {
    HttpResponse r = client().Get("/api/v1/posts?q=x&page=" + bad);
    EXPECT_EQ(r.status, 422) << "page=" << bad << "\n" << r.Describe();
    EXPECT_TRUE(r.Json()["error"]["fields"].contains("page")) << r.body;
  }
}

// --- F5: metric labels -----------------------------------------------------------

TEST_P(SecurityHttpTest, UnknownMethodsDoNotAddMetricSeries) {
  std::string before = client().Get("/metrics").body;
  long other_before = std::max(0L, MetricValue(before, "other", "unmatched", 405));
  for (int i = 0; i < 12; ++i) {
    HttpResponse r = client().Request("XPROBE" + std::to_string(i), "/");
    EXPECT_EQ(r.status, 405) << r.Describe();
  }
  std::string after = client().Get("/metrics").body;
  EXPECT_EQ(after.find("XPROBE"), std::string::npos) << "a made-up method became a label value";
  EXPECT_EQ(MetricValue(after, "other", "unmatched", 405), other_before + 12) << after;
}

// --- F7: a line break in a path segment reaching a header ----------------------

TEST_P(SecurityHttpTest, MediaRemovalRefusesALineBreakInTheCampaignId) {
  std::string org = d().Unique("sec-org");
  d().EnsureOrganisation(org);
  Person editor = WithRole(org, "editor");
  std::string token = d().CreateToken(editor.email);
  HttpResponse c =
      client().SendJson("POST", "/api/v1/campaigns",
                        {{"organisation", org}, {"title", {{"en", "Header injection"}}}}, Bearer(token));
  ASSERT_EQ(c.status, 201) << c.Describe();
  std::string id = c.Json()["id"].dump();
  HeaderList h = Bearer(token);
  h.emplace_back("Content-Type", "application/pdf");
  HttpResponse m = client().Request("POST", "/api/v1/campaigns/" + id + "/media?filename=a.pdf", h,
                                    "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
  ASSERT_EQ(m.status, 201) << m.Describe();
  std::string mid = m.Json()["id"].dump();

  Browser b(client());
  SignIn(b, editor.email, editor.password);
  std::string form = "csrf=" + UrlEncode(b.csrf());
  std::string request = "POST /campaigns/" + id + "%0D%0ASet-Cookie:%20injected=1/media/" + mid +
                        "/remove HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + b.jar().Header() +
                        "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                        std::to_string(form.size()) + "\r\nConnection: close\r\n\r\n" + form;
  Answer a = Exchange(request);
  ASSERT_TRUE(a.response) << a.raw;
  EXPECT_EQ(a.response->status, 404) << a.response->Describe();
  EXPECT_EQ(HeadOf(a.raw).find("\r\nSet-Cookie: injected"), std::string::npos) << HeadOf(a.raw);
  // The media is still there: nothing was removed under a bad id.
  EXPECT_EQ(client().Get("/media/" + mid, Bearer(token)).status, 200);
}

// --- F14: the sign-in `next` ------------------------------------------------------

TEST_P(SecurityHttpTest, SignInNextCarriesOnlyAsciiIntoLocation) {
  Person p = d().AddPerson({.label = "next"});
  Browser b(client());
  SignIn(b, p.email, p.password);
  // Signed in, GET /signin redirects to `next` at once. Raw UTF-8 bytes in
  // the target (valid, so the query check lets them through).
  Answer a =
      Exchange("GET /signin?next=/campaigns/caf\xC3\xA9%20x%22%3C HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " +
               b.jar().Header() + "\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(a.response) << a.raw;
  ASSERT_EQ(a.response->status, 303) << a.response->Describe();
  std::string location = a.response->Header("Location");
  EXPECT_EQ(location, "/campaigns/caf%C3%A9%20x%22%3C");
  for (char ch : HeadOf(a.raw)) EXPECT_LT(static_cast<unsigned char>(ch), 0x80) << HeadOf(a.raw);
  // Line breaks and other sites: home instead.
  for (std::string next :
       {"%2Fa%0D%0ASet-Cookie:%20x=1", "//evil.example/", "/%5Cevil.example", "https://evil.example"}) {
    HttpResponse r = b.Get("/signin?next=" + next);
    EXPECT_EQ(r.status, 303) << next;
    EXPECT_EQ(r.Header("Location"), "/") << next;
  }
}

// --- F1, F8, F12: request bodies --------------------------------------------------------

TEST_P(SecurityHttpTest, FormWithTooManyPairsIs400NamingTheLimit) {
  std::string body = "csrf=x";
  for (int i = 0; i < 5000; ++i) body += "&a";
  HttpResponse r =
      client().Request("POST", "/signin", {{"Content-Type", "application/x-www-form-urlencoded"}}, body);
  EXPECT_EQ(r.status, 400) << r.Describe();
  EXPECT_NE(r.body.find("1000"), std::string::npos) << "the limit is named";
  // An anonymous POST to a signed-in form is sent to sign in before its body is read.
  HttpResponse anon = client().Request("POST", "/account/password",
                                       {{"Content-Type", "application/x-www-form-urlencoded"}}, body);
  EXPECT_EQ(anon.status, 303) << anon.Describe();
}

TEST_P(SecurityHttpTest, JsonBodiesAreBounded) {
  HeaderList admin = Bearer(d().AdminToken());
  admin.emplace_back("Content-Type", "application/json");
  std::string deep = std::string(200, '[') + std::string(200, ']');
  HttpResponse r = client().Request("POST", "/api/v1/organisations", admin, deep);
  EXPECT_EQ(r.status, 400) << r.Describe();
  ExpectJsonError(r, "invalid_argument", "deeper than 64");
  HttpResponse huge = client().Request("POST", "/api/v1/organisations", admin, std::string(2u << 20, '['));
  EXPECT_EQ(huge.status, 413) << huge.Describe();
  ExpectJsonError(huge, "payload_too_large", "bytes");
}

TEST_P(SecurityHttpTest, NumberOutOfRangeIs400NamingTheField) {
  HeaderList admin = Bearer(d().AdminToken());
  admin.emplace_back("Content-Type", "application/json");
  HttpResponse r = client().Request("POST", "/api/v1/organisations", admin,
                                    R"({"slug":"n-range","name":"N","kind":"cso","founded":1e999999})");
  EXPECT_EQ(r.status, 400) << r.Describe();
  ExpectJsonError(r, "invalid_argument", "'founded'");
}

TEST_P(SecurityHttpTest, DuplicateJsonNamesAre400NamingTheName) {
  HeaderList admin = Bearer(d().AdminToken());
  admin.emplace_back("Content-Type", "application/json");
  std::string slug = d().Unique("dup");
  HttpResponse r =
      client().Request("POST", "/api/v1/organisations", admin,
                       R"({"slug":")" + slug + R"(","name":"First","kind":"cso","name":"Second"})");
  EXPECT_EQ(r.status, 400) << r.Describe();
  ExpectJsonError(r, "invalid_argument", "duplicate member name 'name'");
  EXPECT_EQ(client().Get("/api/v1/organisations/" + slug).status, 404) << "nothing was created";
}

WM_INSTANTIATE_BACKENDS(SecurityHttpTest);

// --- F1: memory per request ------------------------------------------------------

// A fresh server of its own, so its peak resident set says what these bodies cost.
class SecurityMemoryTest : public ServerTest {};

TEST_P(SecurityMemoryTest, HostileBodiesKeepPeakMemoryBounded) {
  // Eight 8 MiB bodies at once, of each kind the probe used: "a&a&a..." to
  // a form (anonymous) and "[[[..." as JSON (with a token, so it is parsed).
  // Before the fix the peak went from 21 MB to 2.7 GB.
  const std::size_t size = (8u << 20) - 4096;  // under the default max_body_bytes
  std::string form;
  form.reserve(size);
  while (form.size() + 2 <= size) form += "a&";
  std::string nested(size, '[');
  std::string token = d().AdminToken();
  long before = server().MemoryKib("VmHWM");
  ASSERT_GT(before, 0) << "no /proc/PID/status";

  auto blast = [&](const std::string& target, const HeaderList& headers, const std::string& body) {
    std::vector<std::future<int>> sent;
    for (int i = 0; i < 8; ++i) {
      sent.push_back(std::async(std::launch::async, [&, i] {
        (void)i;
        try {
          return HttpClient(server().port(), std::chrono::seconds(60))
              .Request("POST", target, headers, body)
              .status;
        } catch (const std::exception& e) {
          ADD_FAILURE() << target << ": " << e.what();
          return -1;
        }
      }));
    }
    std::vector<int> statuses;
    for (auto& f : sent) statuses.push_back(f.get());
    return statuses;
  };
  for (int s : blast("/signin", {{"Content-Type", "application/x-www-form-urlencoded"}}, form))
    EXPECT_EQ(s, 400);
  for (int s : blast("/api/v1/organisations",
                     {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}}, nested)) {
    EXPECT_EQ(s, 413);
  }
  // Just under the JSON size limit, parsed up to the depth limit.
  std::string deep((1u << 20) - 16, '[');
  for (int s : blast("/api/v1/organisations",
                     {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}}, deep)) {
    EXPECT_EQ(s, 400);
  }
  long peak = server().MemoryKib("VmHWM");
  long now = server().MemoryKib("VmRSS");
  std::cout << "server VmHWM before: " << before / 1024 << " MiB, after: " << peak / 1024
            << " MiB; VmRSS now: " << now / 1024 << " MiB\n";
  // The growth, not the total: the debug build's sanitizers alone take
  // ~200 MiB and keep up to 256 MiB of freed memory in quarantine.
  EXPECT_LT(peak - before, 300L * 1024) << "the peak resident set grew by more than 300 MiB";
  EXPECT_EQ(client().Get("/healthz").status, 200);
}

WM_INSTANTIATE_BACKENDS(SecurityMemoryTest);

}  // namespace
}  // namespace waymark::it
