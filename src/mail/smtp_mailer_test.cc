// SmtpMailer against a real SMTP server on the loopback interface: Debian's
// python3-aiosmtpd, started by the suite with its Maildir handler, so every
// message it accepts lands as a file the test reads back and parses with
// Python's own e-mail package. Never an outside address.
#include "mail/smtp_mailer.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace waymark::mail {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kPython[] = "/usr/bin/python3";  // Debian's, which has aiosmtpd

class CountingRandom final : public Random {
 public:
  void Fill(unsigned char* out, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<unsigned char>(next_++);
  }

 private:
  unsigned next_ = 1;
};

// A loopback port nobody listens on right now.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a command and returns what it printed.
std::string Capture(const std::string& command) {
  std::string out;
  FILE* f = popen(command.c_str(), "r");
  if (f == nullptr) return out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  pclose(f);
  return out;
}

class SmtpSinkTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/wm_smtp_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    maildir_ = (fs::path(dir_) / "Maildir").string();
    port_ = FreePort();
    std::string listen = "127.0.0.1:" + std::to_string(port_);
    std::vector<std::string> args = {
        kPython, "-m", "aiosmtpd", "-n", "-l", listen, "-c", "aiosmtpd.handlers.Mailbox", maildir_};
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ASSERT_EQ(posix_spawn(&pid_, kPython, nullptr, nullptr, argv.data(), environ), 0);
    for (int i = 0; i < 200 && !Accepts(port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(Accepts(port_)) << "aiosmtpd did not start on " << listen;
  }

  static void TearDownTestSuite() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = 0;
    }
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  SmtpOptions Options() const {
    SmtpOptions o;
    o.host = "127.0.0.1";
    o.port = port_;
    o.from = "Waymark Équipe <noreply@waymark.test>";
    o.starttls = StartTls::kNone;
    o.timeout_ms = 10'000;
    return o;
  }

  // The files in Maildir/new, waiting up to 5 s for `count` of them.
  static std::vector<fs::path> Delivered(std::size_t count) {
    std::vector<fs::path> out;
    for (int i = 0; i < 100; ++i) {
      out.clear();
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(fs::path(maildir_) / "new", ec)) out.push_back(e.path());
      if (out.size() >= count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return out;
  }

  FakeClock clock_{1'796'000'000'000};  // 2026-11-30T...Z
  CountingRandom random_;
  static inline std::string dir_;
  static inline std::string maildir_;
  static inline int port_ = 0;
  static inline pid_t pid_ = 0;
};

TEST_F(SmtpSinkTest, DeliversFrenchSubjectAndBody) {
  std::size_t before = Delivered(0).size();
  SmtpMailer mailer(Options(), clock_, random_);
  exchange::Email email;
  email.to = "ana@example.org";
  email.subject = "Résumé : 3 nouvelles réponses à « Je suis un migrant » — déjà lues ?";
  email.text =
      "Bonjour Ana,\n\n"
      "Voici les nouveautés de la semaine : les étrangers, la migración, l'œuvre.\n"
      ".Une ligne qui commence par un point\n"
      "..et une autre\n"
      "= signe égal et espace finale \n" +
      std::string(120, 'x') + "\nFin.\n";
  ASSERT_TRUE(mailer.Send(email).ok());

  std::vector<fs::path> files = Delivered(before + 1);
  ASSERT_EQ(files.size(), before + 1);
  fs::path newest = files.front();
  for (const fs::path& f : files) {
    if (fs::last_write_time(f) > fs::last_write_time(newest)) newest = f;
  }
  std::string raw = ReadFile(newest);
  EXPECT_THAT(raw, HasSubstr("MIME-Version: 1.0"));
  EXPECT_THAT(raw, HasSubstr("Content-Type: text/plain; charset=utf-8"));
  EXPECT_THAT(raw, HasSubstr("Content-Transfer-Encoding: quoted-printable"));
  EXPECT_THAT(raw, HasSubstr("Message-ID: <"));
  EXPECT_THAT(raw, HasSubstr("@waymark.test>"));
  EXPECT_THAT(raw, HasSubstr("Date: "));
  EXPECT_THAT(raw, HasSubstr("=?UTF-8?B?"));
  EXPECT_THAT(raw, HasSubstr("X-MailFrom: noreply@waymark.test"));
  EXPECT_THAT(raw, HasSubstr("X-RcptTo: ana@example.org"));

  // Python's e-mail package decodes the headers and the body.
  std::string script =
      "import sys, email, email.policy\n"
      "m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)\n"
      "sys.stdout.write('SUBJECT=' + str(m['subject']) + '\\n')\n"
      "sys.stdout.write('FROM=' + str(m['from']) + '\\n')\n"
      "sys.stdout.write('TO=' + str(m['to']) + '\\n')\n"
      "sys.stdout.write('DATE=' + str(m['date'].datetime.year) + '\\n')\n"
      "sys.stdout.write('BODY=' + m.get_content())\n";
  fs::path script_file = fs::path(dir_) / "decode.py";
  std::ofstream(script_file) << script;
  std::string decoded = Capture(std::string(kPython) + " " + script_file.string() + " " + newest.string());
  EXPECT_THAT(decoded, HasSubstr("SUBJECT=" + email.subject + "\n"));
  EXPECT_THAT(decoded, HasSubstr("FROM=Waymark Équipe <noreply@waymark.test>\n"));
  EXPECT_THAT(decoded, HasSubstr("TO=ana@example.org\n"));
  EXPECT_THAT(decoded, HasSubstr("DATE=2026\n"));
  EXPECT_THAT(decoded, HasSubstr("BODY=" + email.text));
}

TEST_F(SmtpSinkTest, PlainAsciiGoesAs7bit) {
  std::size_t before = Delivered(0).size();
  SmtpMailer mailer(Options(), clock_, random_);
  ASSERT_TRUE(mailer.Send({"bob@example.org", "Weekly digest", "Hello Bob.\n.\nBye.\n"}).ok());
  std::vector<fs::path> files = Delivered(before + 1);
  ASSERT_EQ(files.size(), before + 1);
  bool found = false;
  for (const fs::path& f : files) {
    std::string raw = ReadFile(f);
    if (raw.find("To: bob@example.org") == std::string::npos) continue;
    found = true;
    EXPECT_THAT(raw, HasSubstr("Subject: Weekly digest"));
    EXPECT_THAT(raw, HasSubstr("Content-Transfer-Encoding: 7bit"));
    // The lone dot did not end the message early.
    EXPECT_THAT(raw, HasSubstr("Hello Bob.\n.\nBye.\n"));
  }
  EXPECT_TRUE(found);
}

TEST_F(SmtpSinkTest, RequiredStartTlsFailsWithoutIt) {
  SmtpOptions o = Options();
  o.starttls = StartTls::kRequired;
  SmtpMailer mailer(o, clock_, random_);
  Status s = mailer.Send({"ana@example.org", "x", "y"});
  EXPECT_EQ(s.kind(), Status::Kind::kUnavailable) << s.message();
}

TEST(SmtpMailerTest, ConnectionRefusedIsUnavailable) {
  FakeClock clock;
  CountingRandom random;
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = FreePort();
  o.from = "noreply@waymark.test";
  o.starttls = StartTls::kNone;
  o.timeout_ms = 5'000;
  SmtpMailer mailer(o, clock, random);
  Status s = mailer.Send({"ana@example.org", "Bonjour", "Texte"});
  EXPECT_EQ(s.kind(), Status::Kind::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("127.0.0.1:" + std::to_string(o.port)));
  EXPECT_THAT(s.message(), HasSubstr("onnect"));  // curl's "Couldn't connect" / "Failed to connect"
}

TEST(SmtpMailerTest, RejectsHeaderInjection) {
  FakeClock clock;
  CountingRandom random;
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = 9;  // never contacted
  o.from = "noreply@waymark.test";
  SmtpMailer mailer(o, clock, random);
  EXPECT_EQ(mailer.Send({"ana@example.org\r\nBcc: eve@example.org", "Hi", "x"}).kind(),
            Status::Kind::kInvalidArgument);
  EXPECT_EQ(mailer.Send({"ana@example.org", "Hi\nBcc: eve@example.org", "x"}).kind(),
            Status::Kind::kInvalidArgument);
  EXPECT_EQ(mailer.Send({"ana@example.org", "Hi\r", "x"}).kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(mailer.Send({"not an address", "Hi", "x"}).kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(mailer.Send({"a@example.org, b@example.org", "Hi", "x"}).kind(), Status::Kind::kInvalidArgument);
}

TEST(SmtpMailerTest, BuildsAProperMessage) {
  FakeClock clock(0);
  CountingRandom random;
  SmtpOptions o;
  o.from = "noreply@waymark.test";
  SmtpMailer mailer(o, clock, random);
  auto m = mailer.BuildMessage({"ana@example.org", "Hello", "line one\nline two"});
  ASSERT_TRUE(m.ok());
  EXPECT_THAT(*m, StartsWith("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
  EXPECT_THAT(*m, HasSubstr("\r\nFrom: noreply@waymark.test\r\n"));
  EXPECT_THAT(*m, HasSubstr("\r\nMessage-ID: <0102030405060708090a0b0c0d0e0f10@waymark.test>\r\n"));
  EXPECT_THAT(*m, HasSubstr("\r\n\r\nline one\r\nline two\r\n"));
  EXPECT_THAT(*m, Not(HasSubstr("o\ntwo")));
}

TEST(SmtpMailerTest, DateFormat) {
  EXPECT_EQ(FormatRfc5322Date(1'796'000'000'000), "Mon, 30 Nov 2026 00:53:20 +0000");
}

TEST(SmtpMailerTest, EncodedWordsStayShortAndWhole) {
  EXPECT_EQ(EncodeHeaderText("Weekly digest", 9), "Weekly digest");
  std::string long_french;
  for (int i = 0; i < 20; ++i) long_french += "déjà vu ";
  std::string enc = EncodeHeaderText(long_french, 9);
  std::size_t start = 0;
  while (start < enc.size()) {
    std::size_t end = enc.find("\r\n ", start);
    std::string word = enc.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(word.size(), 75u);
    EXPECT_THAT(word, StartsWith("=?UTF-8?B?"));
    start = end == std::string::npos ? enc.size() : end + 3;
  }
  // Text that merely looks like an encoded word is encoded itself.
  EXPECT_THAT(EncodeHeaderText("=?UTF-8?B?QQ==?=", 9), StartsWith("=?UTF-8?B?"));
}

TEST(SmtpMailerTest, QuotedPrintableLines) {
  std::string qp = QuotedPrintable(std::string(200, 'a') + " \nb=c\tend\t\r\nété\n");
  std::size_t start = 0;
  while (start < qp.size()) {
    std::size_t end = qp.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 76u);
    start = end + 2;
  }
  EXPECT_THAT(qp, HasSubstr("a=20\r\nb=3Dc\tend=09\r\n=C3=A9t=C3=A9"));
  EXPECT_EQ(qp.find('\n'), qp.find("\r\n") + 1);
}

TEST(SmtpMailerTest, AddressesAndStartTlsNames) {
  EXPECT_EQ(AddressOf("Waymark <noreply@waymark.test>"), "noreply@waymark.test");
  EXPECT_EQ(AddressOf(" noreply@waymark.test "), "noreply@waymark.test");
  EXPECT_EQ(AddressOf("Broken <noreply@waymark.test"), "");
  for (StartTls s : {StartTls::kNone, StartTls::kOpportunistic, StartTls::kRequired}) {
    EXPECT_EQ(ParseStartTls(ToString(s)), s);
  }
  EXPECT_EQ(ParseStartTls("yes"), std::nullopt);
}

}  // namespace
}  // namespace waymark::mail
