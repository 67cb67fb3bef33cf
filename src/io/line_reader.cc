// Lines from a file descriptor or a std::istream, with a length limit.
//
// Reading is read(2) into one buffer until read(2) says the input ended:
// nothing asks for the input's size or seeks, so a pipe, a FIFO or
// /dev/stdin is read like a file (a size taken by seeking is what lost every
// line of a pipe before).
#include "kefu/io/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <istream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace kefu {
namespace {

constexpr size_t kBufferBytes = 64 * 1024;

absl::Status Errno(int error_number, std::string_view what, const std::string& name) {
  return absl::ErrnoToStatus(error_number,
                             absl::StrCat(absl::string_view(what.data(), what.size()), " ", name));
}

absl::Status CheckLimit(size_t max_line_bytes) {
  if (max_line_bytes == 0) {
    return absl::InvalidArgumentError("LineReader: max_line_bytes must be at least 1");
  }
  return absl::OkStatus();
}

}  // namespace

LineReader::LineReader(std::string name, size_t max_line_bytes)
    : name_(std::move(name)), max_line_bytes_(max_line_bytes), buffer_(kBufferBytes) {}

LineReader::~LineReader() {
  if (owns_fd_) ::close(fd_);
}

absl::StatusOr<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path,
                                                             size_t max_line_bytes) {
  if (absl::Status s = CheckLimit(max_line_bytes); !s.ok()) return s;
  const bool standard_input = path == "-";
  std::unique_ptr<LineReader> r(
      new LineReader(standard_input ? std::string("standard input") : path, max_line_bytes));
  if (standard_input) {
    r->fd_ = STDIN_FILENO;
  } else {
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return Errno(errno, "cannot open", r->name_);
    r->fd_ = fd;
    r->owns_fd_ = true;
  }
  struct stat st;
  if (::fstat(r->fd_, &st) != 0) return Errno(errno, "cannot open", r->name_);
  if (S_ISDIR(st.st_mode)) return Errno(EISDIR, "cannot open", r->name_);
  if (S_ISREG(st.st_mode)) r->size_hint_ = static_cast<int64_t>(st.st_size);
  return r;
}

absl::StatusOr<std::unique_ptr<LineReader>> LineReader::FromStream(std::istream& in,
                                                                   std::string name,
                                                                   size_t max_line_bytes) {
  if (absl::Status s = CheckLimit(max_line_bytes); !s.ok()) return s;
  std::unique_ptr<LineReader> r(new LineReader(std::move(name), max_line_bytes));
  r->stream_ = &in;
  return r;
}

bool LineReader::Fill() {
  begin_ = end_ = 0;
  if (at_end_ || !error_.ok()) return false;
  if (stream_ != nullptr) {
    stream_->read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    end_ = static_cast<size_t>(stream_->gcount());
    if (stream_->bad()) {
      error_ = absl::DataLossError(absl::StrCat("cannot read ", name_));
      return false;
    }
    if (end_ < buffer_.size()) at_end_ = true;  // eof (read sets failbit with it)
    return end_ > 0;
  }
  for (;;) {
    const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
    if (n > 0) {
      end_ = static_cast<size_t>(n);
      return true;
    }
    if (n == 0) {
      at_end_ = true;
      return false;
    }
    if (errno == EINTR) continue;
    error_ = Errno(errno, "cannot read", name_);
    return false;
  }
}

absl::StatusOr<bool> LineReader::Next(Line* line) {
  line_.clear();
  bool started = false;  // the line is gathered in line_ (it spans refills or is too long)
  int64_t bytes = 0;
  for (;;) {
    if (begin_ == end_ && !Fill()) {
      if (!error_.ok()) return error_;
      if (!started) return false;
      break;  // the last line, without '\n'
    }
    const char* p = buffer_.data() + begin_;
    const size_t n = end_ - begin_;
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', n));
    const size_t take = nl != nullptr ? static_cast<size_t>(nl - p) : n;
    begin_ += take + (nl != nullptr ? 1 : 0);
    bytes += static_cast<int64_t>(take);
    bytes_read_ += static_cast<int64_t>(take) + (nl != nullptr ? 1 : 0);
    if (!started && nl != nullptr && take <= max_line_bytes_) {
      // The whole line is in the buffer: hand it out from there.
      line->text = std::string_view(p, take);
      line->number = ++number_;
      line->bytes = bytes;
      line->too_long = false;
      return true;
    }
    started = true;
    const size_t room = max_line_bytes_ - line_.size();
    line_.append(p, take < room ? take : room);
    if (nl != nullptr) break;
  }
  line->text = line_;
  line->number = ++number_;
  line->bytes = bytes;
  line->too_long = bytes > static_cast<int64_t>(max_line_bytes_);
  return true;
}

}  // namespace kefu
