#include "http/multipart.h"

#include <gtest/gtest.h>

namespace waymark::http {
namespace {

const char kType[] = "multipart/form-data; boundary=----xyz";

TEST(MultipartTest, ParsesFieldsAndFiles) {
  std::string body =
      "------xyz\r\n"
      "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
      "tok\r\n"
      "------xyz\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"a b.png\"\r\n"
      "Content-Type: image/png\r\n\r\n"
      "\x89PNG\r\n\x1a\nbin\r\n"
      "------xyz--\r\n";
  auto parts = ParseMultipart(kType, body);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "csrf");
  EXPECT_FALSE((*parts)[0].filename.has_value());
  EXPECT_EQ((*parts)[0].body, "tok");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename.value(), "a b.png");
  EXPECT_EQ((*parts)[1].content_type, "image/png");
  EXPECT_EQ((*parts)[1].body.substr(0, 4), "\x89PNG");
}

TEST(MultipartTest, BinaryWithEmbeddedCrlfAndNul) {
  std::string payload("a\r\nb\0c\r\n--", 10);
  std::string body =
      "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n" + payload + "\r\n--B--";
  auto parts = ParseMultipart("multipart/form-data; boundary=\"B\"", body);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].body, payload);
}

TEST(MultipartTest, BoundaryErrors) {
  EXPECT_EQ(MultipartBoundary("text/plain").status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_FALSE(MultipartBoundary("multipart/form-data").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; charset=utf-8").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')).ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=a<b").ok());
  EXPECT_EQ(MultipartBoundary("Multipart/Form-Data; Boundary=abc").value(), "abc");
}

TEST(MultipartTest, MalformedBodies) {
  auto bad = [](const std::string& body) {
    auto r = ParseMultipart("multipart/form-data; boundary=B", body);
    EXPECT_FALSE(r.ok()) << body;
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_NE(bad("nothing here").find("boundary"), std::string::npos);
  EXPECT_NE(bad("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue").find("closing"),
            std::string::npos);
  EXPECT_NE(bad("--B\r\nContent-Type: text/plain\r\n\r\nv\r\n--B--").find("Content-Disposition"),
            std::string::npos);
  EXPECT_NE(bad("--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--B--").find("form-data"),
            std::string::npos);
  EXPECT_NE(bad("--B\r\nContent-Disposition: form-data\r\n\r\nv\r\n--B--").find("no name"),
            std::string::npos);
  EXPECT_NE(
      bad("--B\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--B--").find("Content-Disposition"),
      std::string::npos);
  EXPECT_NE(bad("--Bjunk\r\n").find("CRLF"), std::string::npos);
}

TEST(MultipartTest, Limits) {
  MultipartLimits limits;
  limits.max_parts = 2;
  limits.max_field_bytes = 4;
  std::string part = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n";
  auto r = ParseMultipart("multipart/form-data; boundary=B", part + part + part + "--B--", limits);
  EXPECT_EQ(r.status().kind(), Status::Kind::kPayloadTooLarge);
  r = ParseMultipart("multipart/form-data; boundary=B",
                     "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n12345\r\n--B--", limits);
  EXPECT_EQ(r.status().kind(), Status::Kind::kPayloadTooLarge);
  // Files are not limited by max_field_bytes (the caller checks their size).
  r = ParseMultipart(
      "multipart/form-data; boundary=B",
      "--B\r\nContent-Disposition: form-data; name=\"a\"; filename=\"f\"\r\n\r\n12345\r\n--B--", limits);
  EXPECT_TRUE(r.ok());
}

TEST(MultipartTest, EmptyFormAndPreamble) {
  auto r = ParseMultipart("multipart/form-data; boundary=B", "--B--\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  r = ParseMultipart("multipart/form-data; boundary=B",
                     "preamble\r\n--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--B--");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].body, "v");
}

// A spooled body is scanned in 256 KiB windows: a boundary that straddles
// two of them is found all the same, and the file part stays a range.
TEST(MultipartTest, SpooledBodyBoundaryAcrossScanWindows) {
  const std::size_t kWindow = 256u << 10;
  const std::string head = "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n";
  for (std::size_t shift = 0; shift < 12; ++shift) {
    std::string content(kWindow - head.size() - 6 + shift, 'a');
    std::string body =
        head + content + "\r\n--B\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nv\r\n--B--";
    auto file = BodyFile::Create("");
    ASSERT_TRUE(file.ok()) << file.status().message();
    ASSERT_TRUE((*file)->Append(body).ok());
    Request req;
    req.headers.emplace_back("content-type", "multipart/form-data; boundary=B");
    req.body_file = *file;
    auto parts = ParseMultipart(req);
    ASSERT_TRUE(parts.ok()) << shift << ": " << parts.status().message();
    ASSERT_EQ(parts->size(), 2u) << shift;
    EXPECT_TRUE((*parts)[0].body.empty()) << "a file part of a spooled body is not copied";
    EXPECT_EQ((*parts)[0].file_offset, static_cast<std::int64_t>(head.size()));
    EXPECT_EQ((*parts)[0].size(), static_cast<std::int64_t>(content.size())) << shift;
    EXPECT_EQ((*parts)[1].body, "v");
    // The same body in memory parses alike.
    auto same = ParseMultipart("multipart/form-data; boundary=B", body);
    ASSERT_TRUE(same.ok());
    EXPECT_EQ((*same)[0].body.size(), content.size());
  }
}

}  // namespace
}  // namespace waymark::http
