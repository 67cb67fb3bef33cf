// kefu::LineReader (kefu/io/line_reader.h): any readable stream is read to
// its end (a pipe, a FIFO, /dev/stdin: `kefu replay` once read 0 lines of
// them), lines keep every byte but '\n', a line past the limit comes back
// marked and cut, and failures carry the system's reason.
#include "kefu/io/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kefu {
namespace {

using ::testing::HasSubstr;

struct Read {
  std::vector<std::string> lines;
  std::vector<bool> too_long;
  std::vector<int64_t> bytes;
};

// Every line of `reader`, to its end; fails the test on an error.
Read ReadAll(LineReader& reader) {
  Read r;
  LineReader::Line line;
  for (;;) {
    absl::StatusOr<bool> more = reader.Next(&line);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    EXPECT_EQ(line.number, static_cast<int64_t>(r.lines.size()) + 1);
    r.lines.emplace_back(line.text);
    r.too_long.push_back(line.too_long);
    r.bytes.push_back(line.bytes);
  }
  return r;
}

Read ReadText(const std::string& text, size_t max_line_bytes = LineReader::kDefaultMaxLineBytes) {
  std::istringstream in(text);
  absl::StatusOr<std::unique_ptr<LineReader>> reader =
      LineReader::FromStream(in, "text", max_line_bytes);
  EXPECT_TRUE(reader.ok()) << reader.status();
  return reader.ok() ? ReadAll(**reader) : Read{};
}

// Lines of many lengths, some across the reader's 64 KiB buffer.
std::string ManyLines(std::vector<std::string>* lines) {
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    std::string line = "line " + std::to_string(i) + " ";
    line.append(static_cast<size_t>((i * 7919) % 300), static_cast<char>('a' + i % 26));
    if (i % 500 == 0) line.append(70000, 'z');  // longer than the buffer
    lines->push_back(line);
    text += line;
    text += '\n';
  }
  return text;
}

// A temporary directory, removed (with the files the test made) at the end.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/kefu_line_reader_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes `text` to the write end `fd` from another thread, then closes it.
std::thread WriteAndClose(int fd, std::string text) {
  return std::thread([fd, text = std::move(text)] {
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  });
}

TEST(LineReader, SplitsAtNewlinesAndKeepsALastLineWithoutOne) {
  const Read r = ReadText("a\n\nb\r\nlast");
  EXPECT_THAT(r.lines, ::testing::ElementsAre("a", "", "b\r", "last"));
}

TEST(LineReader, GivesNoLineForEmptyInputAndOneEmptyLineForANewline) {
  EXPECT_TRUE(ReadText("").lines.empty());
  EXPECT_THAT(ReadText("\n").lines, ::testing::ElementsAre(""));
  EXPECT_THAT(ReadText("x\n").lines, ::testing::ElementsAre("x"));
}

TEST(LineReader, KeepsANulByteInsideItsLineInsteadOfEndingTheLineThere) {
  const std::string text("{\"a\":1}\0{\"b\":2}\nnext\n", 21);
  const Read r = ReadText(text);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0], std::string("{\"a\":1}\0{\"b\":2}", 15));
  EXPECT_EQ(r.lines[1], "next");
}

TEST(LineReader, ReadsLinesAcrossItsBufferExactly) {
  std::vector<std::string> want;
  const std::string text = ManyLines(&want);
  const Read r = ReadText(text);
  EXPECT_EQ(r.lines, want);
}

TEST(LineReader, MarksALineLongerThanTheLimitAndKeepsOnlyTheLimit) {
  // 3 MiB in one line, limit 1 MiB: the line comes back cut and marked, with
  // its number and full length, and the lines after it are read as usual.
  const size_t kMiB = size_t{1} << 20;
  std::string text = "first\n";
  text.append(3 * kMiB, 'x');
  text += "\nsecond\nthird";
  const Read r = ReadText(text, kMiB);
  ASSERT_EQ(r.lines.size(), 4u);
  EXPECT_FALSE(r.too_long[0]);
  EXPECT_TRUE(r.too_long[1]);
  EXPECT_EQ(r.lines[1].size(), kMiB);
  EXPECT_EQ(r.bytes[1], static_cast<int64_t>(3 * kMiB));
  EXPECT_EQ(r.lines[2], "second");
  EXPECT_FALSE(r.too_long[2]);
  EXPECT_EQ(r.lines[3], "third");
}

TEST(LineReader, ALineOfExactlyTheLimitIsNotTooLong) {
  const Read r = ReadText("12345\n123456\n", 5);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_FALSE(r.too_long[0]);
  EXPECT_EQ(r.lines[0], "12345");
  EXPECT_TRUE(r.too_long[1]);
  EXPECT_EQ(r.lines[1], "12345");
  EXPECT_EQ(r.bytes[1], 6);
}

TEST(LineReader, ReadsAPipeToItsEnd) {
  // The defect: a size taken by seeking made a pipe look empty.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::vector<std::string> want;
  std::thread writer = WriteAndClose(fds[1], ManyLines(&want));
  absl::StatusOr<std::unique_ptr<LineReader>> reader =
      LineReader::Open("/dev/fd/" + std::to_string(fds[0]));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->size_hint(), -1);
  const Read r = ReadAll(**reader);
  writer.join();
  ::close(fds[0]);
  EXPECT_EQ(r.lines, want);
  int64_t bytes = 0;
  for (const std::string& l : want) bytes += static_cast<int64_t>(l.size()) + 1;
  EXPECT_EQ((*reader)->bytes_read(), bytes);
}

TEST(LineReader, ReadsAFifoToItsEnd) {
  TempDir dir;
  const std::string fifo = dir.path() + "/events.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::vector<std::string> want;
  const std::string text = ManyLines(&want);
  std::thread writer([&] {
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    WriteAndClose(fd, text).join();
  });
  absl::StatusOr<std::unique_ptr<LineReader>> reader = LineReader::Open(fifo);
  ASSERT_TRUE(reader.ok()) << reader.status();
  const Read r = ReadAll(**reader);
  writer.join();
  EXPECT_EQ(r.lines, want);
}

TEST(LineReader, ReadsStandardInputForADashWhateverItIs) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(::dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
  ::close(fds[0]);
  std::thread writer = WriteAndClose(fds[1], "one\ntwo\n");
  absl::StatusOr<std::unique_ptr<LineReader>> reader = LineReader::Open("-");
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->name(), "standard input");
  const Read r = ReadAll(**reader);
  writer.join();
  reader->reset();  // standard input is not closed by the reader
  EXPECT_EQ(::dup2(saved, STDIN_FILENO), STDIN_FILENO);
  ::close(saved);
  EXPECT_THAT(r.lines, ::testing::ElementsAre("one", "two"));
}

TEST(LineReader, RefusesAClosedStandardInputWithTheSystemsReason) {
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ::close(STDIN_FILENO);
  absl::StatusOr<std::unique_ptr<LineReader>> reader = LineReader::Open("-");
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().message(), "cannot open standard input: Bad file descriptor");
}

TEST(LineReader, AReadErrorIsReturnedWithTheSystemsReasonAndAgainAfter) {
  // Standard input closed under an open reader: read(2) fails with EBADF.
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  absl::StatusOr<std::unique_ptr<LineReader>> reader = LineReader::Open("-");
  ASSERT_TRUE(reader.ok()) << reader.status();
  ::close(STDIN_FILENO);
  LineReader::Line line;
  absl::StatusOr<bool> more = (*reader)->Next(&line);
  absl::StatusOr<bool> again = (*reader)->Next(&line);
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().message(), "cannot read standard input: Bad file descriptor");
  EXPECT_EQ(again.status(), more.status());
}

TEST(LineReader, RefusesAMissingFileADirectoryAndAZeroLimitSayingWhy) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<LineReader>> missing = LineReader::Open(dir.path() + "/none");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "cannot open " + dir.path() + "/none: No such file or directory");

  absl::StatusOr<std::unique_ptr<LineReader>> directory = LineReader::Open(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(directory.status().message(), "cannot open " + dir.path() + ": Is a directory");

  EXPECT_EQ(LineReader::Open(dir.path(), 0).status().code(), absl::StatusCode::kInvalidArgument);
  std::istringstream in("x");
  EXPECT_EQ(LineReader::FromStream(in, "x", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LineReader, GivesARegularFilesSizeAndReadsIt) {
  TempDir dir;
  const std::string path = dir.path() + "/events.jsonl";
  std::ofstream(path) << "a\nbb\n";
  absl::StatusOr<std::unique_ptr<LineReader>> reader = LineReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->size_hint(), 5);
  EXPECT_EQ((*reader)->name(), path);
  EXPECT_THAT(ReadAll(**reader).lines, ::testing::ElementsAre("a", "bb"));
  EXPECT_EQ((*reader)->bytes_read(), 5);
}

// A stream whose reads fail after `good` bytes.
class FailingBuf : public std::streambuf {
 public:
  explicit FailingBuf(std::string good) : good_(std::move(good)) {
    setg(good_.data(), good_.data(), good_.data() + good_.size());
  }

 protected:
  int_type underflow() override { throw std::runtime_error("disk on fire"); }

 private:
  std::string good_;
};

TEST(LineReader, AStreamsReadErrorIsDataLossNotAnEnd) {
  FailingBuf buf("one\ntwo");
  std::istream in(&buf);
  absl::StatusOr<std::unique_ptr<LineReader>> reader = LineReader::FromStream(in, "the events");
  ASSERT_TRUE(reader.ok());
  LineReader::Line line;
  absl::StatusOr<bool> more = (*reader)->Next(&line);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(more.status().message(), "cannot read the events");
}

}  // namespace
}  // namespace kefu
