// codec.h: kefu's binary encoding of its plain data, the one place that
// turns structs into bytes and back (a saved shop, kefu/engine/shop.h).
// Private: never include from a public header.
//
// - ByteWriter appends to a string: unsigned LEB128 varints, signed ones
//   zigzagged, length-prefixed strings, times as (tag, seconds, quarter
//   nanoseconds) so that every absl::Time, the infinite ones included,
//   comes back exactly. The words of the vocabulary (rule IDs, messages,
//   figure names, terms, state and event names: few distinct texts, each
//   repeated in every outcome) go through Text(): the first time a writer
//   sees a text it writes 0 and the text, later only its number (1, 2, ...
//   in the order first written); a reader numbers them the same way as it
//   reads them, and interns each once. The texts must outlive the writer
//   (static storage or InternText's).
// - ByteReader reads them back from a string_view and never reads past its
//   end: the first failure (truncated input, a varint too long, a value out
//   of its range) is remembered with the byte offset, every later read
//   fails too, and error() names it.
// - EncodeObject / DecodeObject walk a struct's Schema (core/schema.h): the
//   fields that are not at their default, each as its index and value, then
//   an end mark. Decoding fills a default-constructed object; an unknown
//   field index is an error.
// - EncodeOutcome / DecodeOutcome: the outcome vocabulary (kefu/core/
//   outcome.h). Rule IDs, figure names, messages, terms and state names are
//   written as text and read back interned (InternText).
//
// The text forms of a time that the JSON forms use are here too.
#ifndef KEFU_CORE_CODEC_H_
#define KEFU_CORE_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/schema.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"

namespace kefu::internal {

// Varints and signed values as ByteWriter writes them (Varint, Signed), for
// bytes this process writes and keeps in its own buffers: written in place
// at `p` (PutVarint returns the byte after; VarintSize bytes), read back
// with no bounds checked (ReadVarint advances `p`; the caller knows where
// the bytes end). ByteReader reads what comes from outside.
inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}
inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
inline uint64_t ReadVarint(const char*& p) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    const auto b = static_cast<uint8_t>(*p++);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) return v;
  }
}

class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}
  void Byte(uint8_t b) { out_->push_back(static_cast<char>(b)); }
  void Varint(uint64_t v) {
    if (v < 0x80) {
      out_->push_back(static_cast<char>(v));
      return;
    }
    LongVarint(v);
  }
  void Signed(int64_t v) { Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void Bool(bool b) { Byte(b ? 1 : 0); }
  void String(std::string_view s);
  // A word of the vocabulary, written once per writer, then by number.
  void Text(std::string_view s);
  // From now on a new word is written by its number alone, as one seen
  // before: the words go apart, vocabulary() lists them, and the caller
  // writes that list where a reader finds it first (ByteReader's
  // `vocabulary`). Then any part of what follows reads on its own. Call
  // before the first Text().
  void KeepVocabularyApart() { apart_ = true; }
  // The words numbered so far, by number - 1 (only when kept apart).
  const std::vector<std::string_view>& vocabulary() const { return vocabulary_; }
  // A C string that may be null (a message or term text): a presence byte,
  // then Text().
  void CString(const char* s);
  void Time(Timestamp t);
  void Amount(Money m) { Signed(m.fen()); }
  // Four bytes, little-endian (a checksum).
  void Fixed32(uint32_t v);
  // Writes `v` as Fixed32 does over the four bytes at `at` (a size known
  // only once what follows it is written).
  void Fixed32At(size_t at, uint32_t v);
  std::string* out() { return out_; }

 private:
  void LongVarint(uint64_t v);
  // A word seen for the first time, numbered `number`.
  void NewText(std::string_view s, uint32_t number);
  std::string* out_;
  // The words seen so far, numbered from 1. A writer of one outcome or
  // record sees a handful: they are kept in a small array, searched by
  // address, then by content; past kSmallTexts (a whole saved shop) they
  // move to the two maps. Either way the bytes written are the same.
  static constexpr size_t kSmallTexts = 16;
  struct SmallText {
    const char* data;
    size_t size;
    uint32_t number;
  };
  SmallText small_[kSmallTexts];
  size_t small_size_ = 0;
  bool large_ = false;
  absl::flat_hash_map<absl::string_view, uint32_t> texts_;  // by content
  absl::flat_hash_map<std::pair<const char*, size_t>, uint32_t> by_address_;
  bool apart_ = false;
  std::vector<std::string_view> vocabulary_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  // Reads what a writer with its vocabulary apart wrote: Text() takes the
  // words from `vocabulary` (which must outlive the reader) and refuses a
  // word written in place. `base` is added to the offsets errors name (the
  // place of `in` in a larger input).
  ByteReader(std::string_view in, const std::vector<std::string_view>* vocabulary, size_t base)
      : in_(in), base_(base), vocabulary_(vocabulary) {}
  bool Byte(uint8_t* b);
  bool Varint(uint64_t* v);
  bool Signed(int64_t* v);
  bool Bool(bool* b);
  // A count of things that each take at least one byte: bounded by what is
  // left of the input, so that a corrupt count cannot ask for a huge vector.
  bool Count(size_t* n);
  bool String(std::string* s);
  // What ByteWriter::Text wrote: interned (InternText) when first read.
  bool Text(std::string_view* s);
  // Interned (InternText); nullptr when the writer wrote a null.
  bool CString(const char** s);
  bool Time(Timestamp* t);
  bool Amount(Money* m);
  bool Fixed32(uint32_t* v);
  // What String() reads, as a view of the input.
  bool View(std::string_view* s);
  // The next `n` bytes, as a view of the input.
  bool Bytes(size_t n, std::string_view* s);
  // A value read is out of range: fails with `what` at the current offset.
  bool Fail(std::string_view what);

  bool ok() const { return error_.empty(); }
  size_t offset() const { return pos_; }
  // The offset errors name for the current place (`base` + offset()).
  size_t place() const { return base_ + pos_; }
  size_t remaining() const { return in_.size() - pos_; }
  bool at_end() const { return pos_ == in_.size(); }
  // "truncated at byte 812" etc.; empty while ok().
  const std::string& error() const { return error_; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  size_t base_ = 0;
  std::string error_;
  std::vector<std::string_view> texts_;  // by number - 1
  const std::vector<std::string_view>* vocabulary_ = nullptr;
};

void EncodeObject(const Schema& schema, const void* obj, ByteWriter& w);
bool DecodeObject(const Schema& schema, void* obj, ByteReader& r);

void EncodeOutcome(const Outcome& outcome, ByteWriter& w);
// Sets every field of `*outcome` in place: an outcome decoded before keeps
// its heap blocks (strings, vectors) for the next. On false, `*outcome` is
// partly overwritten.
bool DecodeOutcome(ByteReader& r, Outcome* outcome);
// A thread's spare vector of outcomes, for decoding many logs in turn
// (Shop::Load decodes a log per entity, restores the entity from it, and
// drops the vector): RecycleOutcomes keeps `spent` (the one with the most
// outcomes, up to kRecycledOutcomes), TakeRecycledOutcomes hands it back
// (empty if none), and DecodeOutcome reuses its outcomes' blocks.
inline constexpr size_t kRecycledOutcomes = 4096;
std::vector<Outcome> TakeRecycledOutcomes();
void RecycleOutcomes(std::vector<Outcome> spent);
void EncodeFigures(const Figures& figures, ByteWriter& w);
bool DecodeFigures(ByteReader& r, Figures* figures);
void EncodeMessage(const Message& message, ByteWriter& w);
bool DecodeMessage(ByteReader& r, Message* message);
void EncodeDeadline(const Deadline& deadline, ByteWriter& w);
bool DecodeDeadline(ByteReader& r, Deadline* deadline);
void EncodeAction(const Action& action, ByteWriter& w);
bool DecodeAction(ByteReader& r, Action* action);

// RFC 3339 in UTC with every fraction digit the time has ("2026-10-01T01:
// 30:00.25+00:00"); the infinite times as "-infinity" and "infinity".
std::string TimestampText(Timestamp t);
// Reads what TimestampText writes (any RFC 3339 offset is taken).
absl::StatusOr<Timestamp> ParseTimestampText(std::string_view text);

// CRC-32 (zlib's) of `data`; with `before`, of the bytes whose CRC-32 is
// `before` followed by `data`.
uint32_t Crc32(std::string_view data, uint32_t before = 0);
// The CRC-32 of `a` followed by `b` from their own: `crc_a`, `crc_b` and
// b's length (zlib's crc32_combine, without reading the bytes).
uint32_t Crc32Combine(uint32_t crc_a, uint32_t crc_b, uint64_t b_size);
// Crc32(data), its stretches taken on up to `threads` threads (the calling
// one among them) and combined: a large saved shop's checksum in part of
// the time. Under kCrc32StretchBytes a stretch, one thread.
inline constexpr size_t kCrc32StretchBytes = size_t{4} << 20;
uint32_t Crc32OnThreads(std::string_view data, size_t threads);

}  // namespace kefu::internal

#endif  // KEFU_CORE_CODEC_H_
