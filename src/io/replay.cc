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
#include "core/ahead.h"
#include "core/codec.h"
#include "core/outcome_spare.h"
#include "io/events_internal.h"
#include "io/replay_builder.h"
#include "kefu/io/events.h"
#include "kefu/io/line_reader.h"
#include "kefu/machines/ticket_report.h"

namespace kefu {

using internal::ReplayBuilder;

namespace {

// One line as read and parsed, before the shop sees it.
struct ParsedLine {
  int64_t number = 0;
  int64_t bytes_read = 0;  // the reader's count after this line
  bool blank = false;
  // Not set for a blank line (it may hold an earlier line's: ProduceAhead
  // reuses items).
  absl::StatusOr<ShopEvent> event;
};

// Reads the next line of `in` into `*p`: false at the end; the read's error.
absl::StatusOr<bool> ReadLine(LineReader& in, LineReader::Line& line, ParsedLine* p) {
  absl::StatusOr<bool> more = in.Next(&line);
  if (!more.ok() || !*more) return more;
  p->number = line.number;
  p->bytes_read = in.bytes_read();
  p->blank = !line.too_long && IsBlankLine(line.text);
  if (p->blank) return true;
  if (line.too_long) {
    p->event = absl::InvalidArgumentError(
        absl::StrCat("line ", line.number, ": ", line.bytes, " bytes, longer than the limit of ",
                     in.max_line_bytes(), " bytes a line"));
  } else {
    internal::ParseEventInto(line.text, line.number, &p->event);  // over the item's last event
  }
  return true;
}

}  // namespace

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
  int64_t next_progress = 64 * 1024;
  // Every line in file order, read and parsed by `source`, then counted and
  // applied here; false stops the reading (--strict).
  auto take = [&](ParsedLine& p) {
    report.lines = p.number;
    report.bytes = p.bytes_read;
    if (options.progress && report.bytes >= next_progress) {
      options.progress(report.bytes);
      next_progress = report.bytes + 64 * 1024;
    }
    if (p.blank) {
      ++report.blank;
      return true;
    }
    if (!p.event.ok()) {
      builder.Bad(p.number, std::string(p.event.status().message()));
      if (options.strict) {
        report.stopped_early = true;
        return false;
      }
      return true;
    }
    absl::StatusOr<Outcome> out = builder.Feed(*p.event, p.number);
    if (!out.ok()) {
      if (options.strict) {
        report.stopped_early = true;
        return false;
      }
      return true;
    }
    // Its blocks go to the next event's outcome: no allocation for its key,
    // id and lists (core/outcome_spare.h).
    internal::RecycleOutcome(*out);
    return true;
  };
  // With parse_ahead a second thread reads and parses the lines, in
  // batches ahead of the shop: same lines, same order, same result.
  LineReader::Line line;  // the reader's buffer, on whichever thread reads
  internal::AheadOptions ahead;
  ahead.ahead = options.parse_ahead;
  const absl::Status read = internal::ProduceAhead<ParsedLine>(
      ahead, [&](ParsedLine* p) { return ReadLine(in, line, p); }, take);
  if (!read.ok()) return read;
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

namespace internal {

ReplayTeam TeamSections(const TeamLedger& ledger) {
  ReplayTeam t;
  t.response_policy = ledger.options().response;
  t.months = ledger.Months();
  t.weeks = ledger.Weeks();
  for (LocalDay day : ledger.Days()) {
    t.days.push_back({day, ledger.OrdersOn(day), ledger.DayQuota(day), ledger.DayDoneAnnounced(day)});
    const ResponseStats shop = ledger.ShopDay(day);
    if (shop.rounds > 0) t.shop_responses.emplace_back(day, shop);
    for (ResponseWarning& w : ledger.Warnings(day)) t.response_warnings.push_back(std::move(w));
  }
  for (auto& [agent, day] : ledger.AgentDays()) {
    ResponseStats stats = ledger.AgentDay(agent, day);
    t.responses.push_back({std::move(agent), day, stats});
  }
  for (std::string& agent : ledger.Agents()) {
    const Conversion c = ledger.AgentConversion(agent);
    if (c.asked > 0) t.conversion.emplace_back(std::move(agent), c);
  }
  t.cards = ledger.Cards();
  for (LocalDay day : ledger.StaffedDays()) {
    std::vector<Decision> gaps = ledger.CoverageGaps(day);
    if (!gaps.empty()) t.coverage_gaps.emplace_back(day, std::move(gaps));
  }
  t.shift_findings = ledger.ShiftFindings();
  t.reports = ledger.ReportsBetween(absl::InfinitePast(), absl::InfiniteFuture());
  return t;
}

}  // namespace internal
}  // namespace kefu
