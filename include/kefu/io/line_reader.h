// kefu/io/line_reader.h: reads text one line at a time from whatever the
// input is (a regular file, a pipe, a FIFO, /dev/stdin, a terminal, a
// socket, or a std::istream), always to its end, never holding more of a
// line than a set limit, and with the system's reason when it cannot.
//
// A line ends at '\n', which is not part of it; a last line without '\n' is
// a line too. Every other byte, NUL and '\r' included, belongs to the line:
// what they mean is for the reader of the line to say (ParseEvent refuses a
// NUL naming its column and allows a trailing '\r'). A line longer than the
// limit comes back marked too long with only its first `max_line_bytes`
// bytes; the rest is read and dropped, so memory stays within the limit
// plus one buffer (64 KiB) whatever the input holds.
//
// Failures name the input and give the system's message, with the status
// code absl::ErrnoToStatusCode gives for the errno:
//   "cannot open events.jsonl: No such file or directory"   (kNotFound)
//   "cannot open /tmp: Is a directory"                      (kFailedPrecondition)
//   "cannot open standard input: Bad file descriptor"       (a closed stdin)
//   "cannot read events.jsonl: Input/output error"
//
// Thread safety: one LineReader is used by one thread at a time; distinct
// readers are independent.
#ifndef KEFU_IO_LINE_READER_H_
#define KEFU_IO_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kefu/core/export.h"

namespace kefu {

class KEFU_EXPORT LineReader {
 public:
  // 1 MiB: `kefu replay` and `kefu check-replies` refuse longer lines.
  static constexpr size_t kDefaultMaxLineBytes = size_t{1} << 20;

  // Opens `path` for reading; "-" is standard input (file descriptor 0,
  // left open at the end). Works for anything open(2) and read(2) accept:
  // a FIFO blocks here until a writer opens it.
  // Errors: "cannot open PATH: <system message>" as described above (a
  // directory is refused here, not at the first read); kInvalidArgument
  // when max_line_bytes is 0.
  static absl::StatusOr<std::unique_ptr<LineReader>> Open(
      const std::string& path, size_t max_line_bytes = kDefaultMaxLineBytes);

  // Reads `in`, which must outlive the reader; `name` names it in errors.
  // A stream says only that reading failed (badbit), not why: the error is
  // kDataLoss "cannot read NAME". kInvalidArgument when max_line_bytes is 0.
  static absl::StatusOr<std::unique_ptr<LineReader>> FromStream(
      std::istream& in, std::string name, size_t max_line_bytes = kDefaultMaxLineBytes);

  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  struct Line {
    // The line without its '\n', or its first max_line_bytes bytes when
    // too_long. Valid until the next call of Next().
    std::string_view text;
    int64_t number = 0;     // 1-based
    int64_t bytes = 0;      // the whole line's length, without its '\n'
    bool too_long = false;  // bytes > max_line_bytes
  };

  // Reads the next line into `*line`. Returns true with a line, false at
  // the end of the input, or the read's error ("cannot read NAME: ...");
  // after an error or the end, every later call returns the same.
  absl::StatusOr<bool> Next(Line* line);

  // "standard input" for "-", else the path or the name given.
  const std::string& name() const { return name_; }
  size_t max_line_bytes() const { return max_line_bytes_; }
  // Bytes of the lines returned so far, their newlines included.
  int64_t bytes_read() const { return bytes_read_; }
  // The input's size in bytes when it is a regular file, else -1 (a pipe,
  // a terminal, a stream): for progress reports only.
  int64_t size_hint() const { return size_hint_; }

 private:
  LineReader(std::string name, size_t max_line_bytes);
  // Refills the buffer; false at the end of the input or on an error
  // (error_ set).
  bool Fill();

  std::string name_;
  size_t max_line_bytes_;
  int fd_ = -1;                    // the input, or -1 for stream_
  bool owns_fd_ = false;
  std::istream* stream_ = nullptr;
  int64_t size_hint_ = -1;

  std::vector<char> buffer_;
  size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
  size_t end_ = 0;
  bool at_end_ = false;   // the input has no more bytes
  absl::Status error_;    // a read failed: every later Next() returns it
  std::string line_;      // a line that spans refills (at most the limit)
  int64_t number_ = 0;
  int64_t bytes_read_ = 0;
};

}  // namespace kefu

#endif  // KEFU_IO_LINE_READER_H_
