// Replays JSON Lines events through a Shop and builds the report.
#include "kefu/io/replay.h"

#include <algorithm>
#include <cstddef>
#include <istream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/codec.h"
#include "io/replay_builder.h"
#include "kefu/io/events.h"
#include "kefu/io/line_reader.h"
#include "kefu/machines/ticket_report.h"

namespace kefu {

using internal::ReplayBuilder;

absl::StatusOr<ReplayReport> Replay(LineReader& in, const ReplayOptions& options) {
  ShopOptions shop_options = options.shop;
  shop_options.shards = 1;  // one thread: one shard keeps Due() cheap
  shop_options.max_findings_per_agent = options.max_items_kept;

  // A replay's state: the mark, the format, the shop's saved bytes, the
  // replay's clock and held items, a CRC-32 of all before it.
  constexpr std::string_view kMark = "KEFUREPL";
  std::string_view replay_state;
  absl::StatusOr<std::unique_ptr<Shop>> shop_or;
  if (options.state_in.empty()) {
    shop_or = Shop::Create(std::move(shop_options));
  } else {
    const std::string_view st = options.state_in;
    if (st.substr(0, kMark.size()) != kMark) {
      return absl::InvalidArgumentError(
          "not a replay's state: it does not start with the mark \"KEFUREPL\"");
    }
    internal::ByteReader r(st.substr(kMark.size()));
    uint64_t format = 0;
    std::string shop_bytes;
    if (!r.Varint(&format)) return absl::DataLossError("replay state is corrupted: truncated");
    if (format != 1) {
      return absl::FailedPreconditionError(absl::StrCat(
          "replay state has format ", format, "; this build of kefu reads format 1"));
    }
    const size_t head = kMark.size() + r.offset();
    uint32_t crc = 0;
    internal::ByteReader tail(st.size() >= head + 4 ? st.substr(st.size() - 4) : std::string_view());
    if (!tail.Fixed32(&crc) || crc != internal::Crc32(st.substr(0, st.size() - 4))) {
      return absl::DataLossError(absl::StrCat(
          "replay state is corrupted: its checksum does not match its ", st.size(), " bytes"));
    }
    internal::ByteReader body(st.substr(head, st.size() - 4 - head));
    if (!body.String(&shop_bytes)) {
      return absl::DataLossError(absl::StrCat("replay state is corrupted: ", body.error()));
    }
    replay_state = st.substr(head + body.offset(), st.size() - 4 - head - body.offset());
    shop_or = Shop::Load(shop_bytes, std::move(shop_options));
  }
  if (!shop_or.ok()) return shop_or.status();
  std::shared_ptr<Shop> shop_ptr = *std::move(shop_or);
  Shop& shop = *shop_ptr;

  ReplayReport report;
  ReplayBuilder builder(options, shop, report);
  if (!options.state_in.empty()) {
    internal::ByteReader r(replay_state);
    if (!builder.LoadState(r) || !r.at_end()) {
      return absl::DataLossError(absl::StrCat(
          "replay state is corrupted: ", r.ok() ? "bytes after the end" : r.error()));
    }
  }
  LineReader::Line line;
  int64_t next_progress = 64 * 1024;
  for (;;) {
    absl::StatusOr<bool> more = in.Next(&line);
    if (!more.ok()) return more.status();
    if (!*more) break;
    report.lines = line.number;
    report.bytes = in.bytes_read();
    if (options.progress && report.bytes >= next_progress) {
      options.progress(report.bytes);
      next_progress = report.bytes + 64 * 1024;
    }
    const bool blank = !line.too_long && IsBlankLine(line.text);
    if (blank) {
      ++report.blank;
      continue;
    }
    absl::StatusOr<ShopEvent> event =
        line.too_long ? absl::InvalidArgumentError(absl::StrCat(
                            "line ", line.number, ": ", line.bytes,
                            " bytes, longer than the limit of ", in.max_line_bytes(),
                            " bytes a line"))
                      : ParseEvent(line.text, line.number);
    if (!event.ok()) {
      builder.Bad(line.number, std::string(event.status().message()));
      if (options.strict) {
        report.stopped_early = true;
        break;
      }
      continue;
    }
    absl::StatusOr<Outcome> out = builder.Feed(*event, line.number);
    if (!out.ok() && options.strict) {
      report.stopped_early = true;
      break;
    }
  }
  if (options.progress) options.progress(report.bytes);

  builder.Close(options.until);
  if (options.save_state) {
    report.state = std::string(kMark);
    internal::ByteWriter w(&report.state);
    w.Varint(1);
    w.String(shop.Save());
    builder.SaveState(w);
    w.Fixed32(internal::Crc32(report.state));
  }
  builder.Finalize();
  report.shop = std::move(shop_ptr);
  return report;
}

absl::StatusOr<ReplayReport> Replay(std::istream& in, const ReplayOptions& options) {
  absl::StatusOr<std::unique_ptr<LineReader>> reader =
      LineReader::FromStream(in, "the events", options.max_line_bytes);
  if (!reader.ok()) return reader.status();
  return Replay(**reader, options);
}

}  // namespace kefu
