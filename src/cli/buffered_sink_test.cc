#include "cli/buffered_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <memory>
#include <string>

namespace waymark::cli {
namespace {

// What the read end of a non-blocking pipe holds now.
std::string Drain(int fd) {
  std::string out;
  char buf[4096];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

class BufferedSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::pipe(fds_), 0);
    ASSERT_EQ(::fcntl(fds_[0], F_SETFL, O_NONBLOCK), 0);
  }
  void TearDown() override {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  std::shared_ptr<spdlog::logger> Logger(std::size_t max_bytes) {
    auto log = std::make_shared<spdlog::logger>("test", std::make_shared<BufferedFdSink>(fds_[1], max_bytes));
    log->set_pattern("%v");
    return log;
  }
  int fds_[2] = {-1, -1};
};

TEST_F(BufferedSinkTest, LinesWaitForAFlushAndKeepTheirOrder) {
  auto log = Logger(1024);
  log->info("one");
  log->info("two");
  EXPECT_EQ(Drain(fds_[0]), "") << "nothing is written per line";
  log->flush();
  EXPECT_EQ(Drain(fds_[0]), "one\ntwo\n");
  log->flush();
  EXPECT_EQ(Drain(fds_[0]), "") << "a line is written once";
}

TEST_F(BufferedSinkTest, AFullBufferIsWrittenAtOnce) {
  auto log = Logger(16);
  log->info("0123456789");
  EXPECT_EQ(Drain(fds_[0]), "");
  log->info("abcdefghij");
  EXPECT_EQ(Drain(fds_[0]), "0123456789\nabcdefghij\n");
}

TEST_F(BufferedSinkTest, WhatIsLeftIsWrittenWhenTheSinkGoes) {
  {
    auto log = Logger(1024);
    log->info("last words");
  }
  EXPECT_EQ(Drain(fds_[0]), "last words\n");
}

TEST_F(BufferedSinkTest, AClosedDescriptorDropsLinesWithoutStopping) {
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<BufferedFdSink>(-1, 8));
  log->set_pattern("%v");
  log->info("lost, and that is all");
  log->flush();
  SUCCEED();
}

}  // namespace
}  // namespace waymark::cli
