// The JSON Lines event format (kefu/io/events.h): ParseEvent (simdjson's
// DOM parse, its tape walked with the format's tables; a line it does not
// take goes to the nlohmann-json reference, which words the error) against the
// nlohmann-json reference reader on the same lines, and the in-binary
// baselines on the same bytes:
//   - nlohmann::json::parse (the DOM: what a plain nlohmann-json reader pays
//     before it has read a single field);
//   - nlohmann::json::sax_parse with a handler that does nothing (the
//     lexer's own cost, the floor for any reader built on nlohmann-json).
// BM_SampleWeek_* parse every line of a generated sample week once per
// repetition: the first repetition (cold: the first lines the process
// parses with that reader) is reported beside the warm ones, in lines per
// second (items_per_second); BM_SampleWeek_ReadAndParseEventInto reads the
// same week from a file as `kefu replay` does (LineReader, then each line
// parsed over the last event). Also FormatEvent, and kefu::ParseTimestamp
// against ParseEvent's direct reading of `at`. See docs/benchmarks.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "benchmark/benchmark.h"
#include "io/events_internal.h"
#include "kefu/core/time.h"
#include "kefu/io/events.h"
#include "kefu/io/line_reader.h"
#include "nlohmann/json.hpp"
#include "simdjson.h"
#include "sample/sample.h"

namespace {

// Lines as `kefu sample` and an ERP write them: a short status change, a
// contact, a reply, a ticket step, a placed order (the longest common one).
const std::vector<std::string>& Lines() {
  static const std::vector<std::string> lines = {
      R"({"id":"o-5","at":"2026-11-02T09:45:00+08:00","agent":"小王","entity":"order","key":"T1001","type":"check_passed"})",
      R"({"id":"o-13","at":"2026-11-02T17:30:00+08:00","agent":"仓库老刘","entity":"order","key":"T1001","type":"shipped","fields":{"tracking_number":"SF1234567890"}})",
      R"({"id":"o-9","at":"2026-11-02T11:10:00+08:00","agent":"小王","entity":"order","key":"T1001","type":"customer_contacted","fields":{"channel":"phone","result":"reached"}})",
      R"({"id":"r-3","at":"2026-11-12T10:00:00+08:00","agent":"小王","entity":"review","key":"RV-0001","type":"contact_attempted","fields":{"channel":"phone","result":"talked","presence":"online"}})",
      R"({"id":"p-1","at":"2026-11-09T17:05:00+08:00","agent":"小李","entity":"reply","key":"快乐的小猪","type":"posted","fields":{"text":"亲，杯子已经给您换新发出了，请注意查收～"}})",
      R"({"id":"t-3","at":"2026-11-06T16:00:00+08:00","agent":"小王","entity":"ticket","key":"AS-0001","type":"return_shipped","fields":{"declared_postage":"12.00","tracking_number":"YT998877"}})",
      R"({"id":"o-1","at":"2026-11-02T09:15:00+08:00","agent":"小王","entity":"order","key":"T1001","type":"placed","fields":{"channel":"tmall","buyer":{"im_name":"快乐的小猪","phone":"13800138000"},"lines":[{"product":"HT-2201 保温杯 白色","quantity":2,"unit_price":"59.00"}],"postage":"10.00","payment":"platform","paid":true,"address":{"province":"浙江省","city":"杭州市","district":"西湖区","detail":"文三路100号3单元501"},"courier":"韵达"}})",
  };
  return lines;
}

size_t TotalBytes() {
  size_t n = 0;
  for (const std::string& l : Lines()) n += l.size();
  return n;
}

// Runs `parse` over the lines round-robin; reports per-line time and bytes.
template <class F>
void RunLines(benchmark::State& state, F parse) {
  const auto& lines = Lines();
  const int64_t arg = state.range(0);
  size_t i = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string& line = arg < 0 ? lines[i++ % lines.size()] : lines[static_cast<size_t>(arg)];
    bytes += line.size();
    parse(line);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["bytes_per_line"] =
      static_cast<double>(arg < 0 ? TotalBytes() / lines.size() : lines[static_cast<size_t>(arg)].size());
}

// Arg -1: the mix (round-robin); 0..6: one line each (6 = placed).
void LineArgs(benchmark::internal::Benchmark* b) {
  b->Arg(-1);
  for (int i = 0; i < 7; ++i) b->Arg(i);
}

void BM_ParseEvent(benchmark::State& state) {
  RunLines(state, [](const std::string& line) {
    auto e = kefu::ParseEvent(line, 1);
    if (!e.ok()) std::abort();
    benchmark::DoNotOptimize(e);
  });
}
BENCHMARK(BM_ParseEvent)->Apply(LineArgs);

// The nlohmann-json reference reader (the format's reader before simdjson;
// ParseEvent's wording of errors) on the same lines.
void BM_ParseEventReference(benchmark::State& state) {
  RunLines(state, [](const std::string& line) {
    auto e = kefu::internal::ParseEventReference(line, 1);
    if (!e.ok()) std::abort();
    benchmark::DoNotOptimize(e);
  });
}
BENCHMARK(BM_ParseEventReference)->Apply(LineArgs);

// Baseline: nlohmann-json's DOM parse of the same line (no field read yet).
void BM_NlohmannDomParse(benchmark::State& state) {
  RunLines(state, [](const std::string& line) {
    nlohmann::json j = nlohmann::json::parse(line);
    benchmark::DoNotOptimize(j);
  });
}
BENCHMARK(BM_NlohmannDomParse)->Apply(LineArgs);

// Baseline: nlohmann-json's DOM parse, then reading the envelope and the
// fields by key as a straightforward DOM-based reader would (strings copied
// out, one lookup per field).
void BM_NlohmannDomParseAndRead(benchmark::State& state) {
  RunLines(state, [](const std::string& line) {
    nlohmann::json j = nlohmann::json::parse(line);
    std::string id = j.at("id").get<std::string>();
    std::string at = j.at("at").get<std::string>();
    std::string entity = j.at("entity").get<std::string>();
    std::string key = j.at("key").get<std::string>();
    std::string type = j.at("type").get<std::string>();
    size_t n = id.size() + at.size() + entity.size() + key.size() + type.size();
    if (auto it = j.find("fields"); it != j.end()) {
      for (auto f = it->begin(); f != it->end(); ++f) {
        if (f->is_string()) n += f->get_ref<const std::string&>().size();
      }
    }
    benchmark::DoNotOptimize(n);
  });
}
BENCHMARK(BM_NlohmannDomParseAndRead)->Arg(-1);

// A SAX handler that accepts everything and keeps nothing.
struct NullSax {
  using number_integer_t = nlohmann::json::number_integer_t;
  using number_unsigned_t = nlohmann::json::number_unsigned_t;
  using number_float_t = nlohmann::json::number_float_t;
  using string_t = nlohmann::json::string_t;
  using binary_t = nlohmann::json::binary_t;
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(number_integer_t) { return true; }
  bool number_unsigned(number_unsigned_t) { return true; }
  bool number_float(number_float_t, const string_t&) { return true; }
  bool string(string_t& s) {
    n += s.size();
    return true;
  }
  bool binary(binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(string_t& s) {
    n += s.size();
    return true;
  }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }
  size_t n = 0;
};

// Floor: nlohmann-json's lexer alone (SAX, no-op handler).
void BM_NlohmannSaxNoop(benchmark::State& state) {
  RunLines(state, [](const std::string& line) {
    NullSax sax;
    bool ok = nlohmann::json::sax_parse(line.data(), line.data() + line.size(), &sax);
    if (!ok) std::abort();
    benchmark::DoNotOptimize(sax.n);
  });
}
BENCHMARK(BM_NlohmannSaxNoop)->Apply(LineArgs);

// The lines of a generated sample shop (`kefu sample`: what `kefu replay`
// is measured on), in file order.
std::vector<std::string> GenerateLines(int days, int orders_per_day) {
  std::vector<std::string> v;
  kefu::SampleOptions o;
  o.days = days;
  o.orders_per_day = orders_per_day;
  if (!kefu::GenerateSample(o, [&v](const kefu::ShopEvent& e) {
         v.push_back(kefu::FormatEvent(e));
       }).ok()) {
    std::abort();
  }
  return v;
}

// A sample day of 5,000 orders.
const std::vector<std::string>& SampleLines() {
  static const std::vector<std::string> lines = GenerateLines(1, 5000);
  return lines;
}

template <class F>
void RunSample(benchmark::State& state, F parse) {
  const auto& lines = SampleLines();
  size_t i = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string& line = lines[i];
    if (++i == lines.size()) i = 0;
    bytes += line.size();
    parse(line);
  }
  size_t total = 0;
  for (const std::string& l : lines) total += l.size();
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["bytes_per_line"] = static_cast<double>(total) / static_cast<double>(lines.size());
  state.counters["lines"] = static_cast<double>(lines.size());
}

void BM_SampleDay_ParseEvent(benchmark::State& state) {
  RunSample(state, [](const std::string& line) {
    auto e = kefu::ParseEvent(line, 1);
    if (!e.ok()) std::abort();
    benchmark::DoNotOptimize(e);
  });
}
BENCHMARK(BM_SampleDay_ParseEvent);

void BM_SampleDay_NlohmannDomParse(benchmark::State& state) {
  RunSample(state, [](const std::string& line) {
    nlohmann::json j = nlohmann::json::parse(line);
    benchmark::DoNotOptimize(j);
  });
}
BENCHMARK(BM_SampleDay_NlohmannDomParse);

// Every line of a generated sample week (7 days, 2,000 orders a day), in
// file order: one pass over all of them per iteration, one iteration per
// repetition, so that repetition 1 is the cold one.
const std::vector<std::string>& SampleWeekLines() {
  static const std::vector<std::string> lines = GenerateLines(7, 2000);
  return lines;
}

template <class F>
void RunSampleWeek(benchmark::State& state, F parse) {
  const auto& lines = SampleWeekLines();
  size_t total = 0;
  for (const std::string& l : lines) total += l.size();
  for (auto _ : state) {
    for (const std::string& line : lines) parse(line);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(lines.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(total));
  state.counters["lines"] = static_cast<double>(lines.size());
  state.counters["bytes_per_line"] = static_cast<double>(total) / static_cast<double>(lines.size());
}

// ParseEvent as a host calls it; the label names simdjson's kernels.
void BM_SampleWeek_ParseEvent(benchmark::State& state) {
  RunSampleWeek(state, [](const std::string& line) {
    auto e = kefu::ParseEvent(line, 1);
    if (!e.ok()) std::abort();
    benchmark::DoNotOptimize(e);
  });
  state.SetLabel(kefu::internal::SimdjsonKernels());
}
BENCHMARK(BM_SampleWeek_ParseEvent)->Iterations(1)->Repetitions(5)->Unit(benchmark::kMillisecond);

// The same lines read as `kefu replay` reads them: each over the event of
// the line before (internal::ParseEventInto), so that the blocks of the
// event's key, id and agent are reused.
void BM_SampleWeek_ParseEventInto(benchmark::State& state) {
  absl::StatusOr<kefu::ShopEvent> event;
  int64_t n = 0;
  RunSampleWeek(state, [&](const std::string& line) {
    kefu::internal::ParseEventInto(line, ++n, &event);
    if (!event.ok()) std::abort();
    benchmark::DoNotOptimize(event);
  });
  state.SetLabel(kefu::internal::SimdjsonKernels());
}
BENCHMARK(BM_SampleWeek_ParseEventInto)
    ->Iterations(1)
    ->Repetitions(5)
    ->Unit(benchmark::kMillisecond);

// The sample week in a file of its own (removed at exit), one line each.
class WeekFile {
 public:
  explicit WeekFile(const std::vector<std::string>& lines)
      : path_((std::filesystem::temp_directory_path() /
               ("kefu_events_bench_" + std::to_string(::getpid()) + ".jsonl"))
                  .string()) {
    std::ofstream out(path_, std::ios::binary);
    for (const std::string& line : lines) out << line << '\n';
    if (!out.flush()) std::abort();
  }
  ~WeekFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& SampleWeekPath() {
  static const WeekFile file(SampleWeekLines());
  return file.path();
}

// The same week as `kefu replay` takes it: read from a file by LineReader
// (the kernel's copy into its buffer counted) and each line parsed over the
// last event. The lines then lie one after the other in the reader's
// buffer, just copied there, where BM_SampleWeek_ParseEventInto finds
// each in a string of its own, most not in the cache.
void BM_SampleWeek_ReadAndParseEventInto(benchmark::State& state) {
  const std::string& path = SampleWeekPath();
  const auto& lines = SampleWeekLines();
  size_t total = 0;
  for (const std::string& l : lines) total += l.size();
  absl::StatusOr<kefu::ShopEvent> event;
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<kefu::LineReader>> in = kefu::LineReader::Open(path);
    if (!in.ok()) std::abort();
    kefu::LineReader::Line line;
    int64_t n = 0;
    for (;;) {
      absl::StatusOr<bool> more = (*in)->Next(&line);
      if (!more.ok()) std::abort();
      if (!*more) break;
      kefu::internal::ParseEventInto(line.text, line.number, &event);
      if (!event.ok()) std::abort();
      benchmark::DoNotOptimize(event);
      ++n;
    }
    if (n != static_cast<int64_t>(lines.size())) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(lines.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(total));
  state.counters["lines"] = static_cast<double>(lines.size());
  state.SetLabel(kefu::internal::SimdjsonKernels());
}
BENCHMARK(BM_SampleWeek_ReadAndParseEventInto)
    ->Iterations(1)
    ->Repetitions(5)
    ->Unit(benchmark::kMillisecond);

// The nlohmann-json reference reader on the same lines.
void BM_SampleWeek_Reference(benchmark::State& state) {
  RunSampleWeek(state, [](const std::string& line) {
    auto e = kefu::internal::ParseEventReference(line, 1);
    if (!e.ok()) std::abort();
    benchmark::DoNotOptimize(e);
  });
}
BENCHMARK(BM_SampleWeek_Reference)->Iterations(1)->Repetitions(5)->Unit(benchmark::kMillisecond);

// `line` copied into `*padded` with the SIMDJSON_PADDING readable bytes
// simdjson needs after it, as ParseEvent's reader copies each line.
const char* CopyPadded(const std::string& line, std::string* padded) {
  if (padded->size() < line.size() + simdjson::SIMDJSON_PADDING) {
    padded->resize(line.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(padded->data(), line.data(), line.size());
  return padded->data();
}

// simdjson's stage 1 alone (structural index and UTF-8 check) on the same
// lines, padded the same way: the first part of the DOM parse below.
void BM_SampleWeek_SimdjsonIterateOnly(benchmark::State& state) {
  simdjson::ondemand::parser parser;
  std::string padded;
  RunSampleWeek(state, [&](const std::string& line) {
    auto doc = parser.iterate(CopyPadded(line, &padded), line.size(), padded.size());
    if (doc.error()) std::abort();
    benchmark::DoNotOptimize(doc);
  });
}
BENCHMARK(BM_SampleWeek_SimdjsonIterateOnly)
    ->Iterations(1)
    ->Repetitions(5)
    ->Unit(benchmark::kMillisecond);

// simdjson's DOM parse alone (both stages: what ParseEvent's reader walks)
// on the same lines, padded the same way: the floor under the reader.
void BM_SampleWeek_SimdjsonDomOnly(benchmark::State& state) {
  simdjson::dom::parser parser;
  std::string padded;
  RunSampleWeek(state, [&](const std::string& line) {
    simdjson::dom::element root;
    if (parser.parse(CopyPadded(line, &padded), line.size(), false).get(root)) std::abort();
    benchmark::DoNotOptimize(root);
  });
}
BENCHMARK(BM_SampleWeek_SimdjsonDomOnly)
    ->Iterations(1)
    ->Repetitions(5)
    ->Unit(benchmark::kMillisecond);

void BM_FormatEvent(benchmark::State& state) {
  std::vector<kefu::ShopEvent> events;
  for (const std::string& l : Lines()) events.push_back(*kefu::ParseEvent(l));
  std::string out;
  size_t i = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    kefu::AppendEvent(events[i++ % events.size()], &out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_FormatEvent);

// kefu::ParseTimestamp (absl::ParseTime) on the `at` of a line: what
// ParseEvent would pay per line without its direct reader.
void BM_ParseTimestamp(benchmark::State& state) {
  const std::string t = "2026-11-02T09:15:00+08:00";
  for (auto _ : state) {
    auto ts = kefu::ParseTimestamp(t);
    benchmark::DoNotOptimize(ts);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseTimestamp);

}  // namespace

BENCHMARK_MAIN();
