// kefu's C API (kefu/c.h) over the C++ library: a shop is a store (the
// SQLite store on a file, the in-memory store otherwise), text in is parsed
// with the io layer, JSON out is written by kefu/io/answer_json.h, the same
// functions `kefu serve` writes with. Every entry point runs in Guard(): no
// exception leaves it.
#include "kefu/c.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "capi/memory_store.h"
#include "kefu/core/heap.h"
#include "kefu/core/time.h"
#include "kefu/core/version.h"
#include "kefu/io/answer_json.h"
#include "kefu/io/events.h"
#include "kefu/io/policy_pack.h"
#include "kefu/store/open.h"
#include "kefu/text/reply_checker.h"

struct kefu_policy {
  kefu::PolicyPack pack;
};

struct kefu_shop {
  // The in-memory store, the SQLite store or PostgreSQL (kefu/store/open.h).
  std::unique_ptr<kefu::ReportingStore> store;
  kefu::Language lang = kefu::Language::kZh;
  std::string db;  // the report's "file"
};

struct kefu_answer {
  // The lines answered, in order: an event (its index in `events` and
  // `results`) or a line that is not one. A single event: one item, no line.
  struct Item {
    int64_t line;   // 0: none (a single event)
    size_t event;   // npos: a bad line
    std::string error;
  };
  bool filled = false;
  bool batch = false;
  kefu::Language lang = kefu::Language::kZh;
  std::vector<Item> items;
  std::vector<kefu::ShopEvent> events;
  std::vector<kefu::StoredResult> results;
  // The JSON text, written on the first kefu_answer_json.
  bool json_written = false;
  std::string json;

  void Clear() {
    filled = batch = json_written = false;
    items.clear();
    events.clear();
    results.clear();
    json.clear();
  }
};

namespace {

using kefu::Language;

constexpr unsigned kKnownFlags = KEFU_LANG_EN | KEFU_DURABILITY_NORMAL;

// A copy of `s` in a buffer kefu_free() releases, NUL-terminated.
char* Dup(std::string_view s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p == nullptr) throw std::bad_alloc();
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

kefu_status Fail(kefu_status code, std::string_view message, char** errmsg) {
  if (errmsg != nullptr) *errmsg = Dup(message);
  return code;
}

kefu_status Fail(const absl::Status& s, char** errmsg) {
  return Fail(static_cast<kefu_status>(static_cast<int>(s.code())),
              std::string_view(s.message().data(), s.message().size()), errmsg);
}

// Runs `body` with *errmsg cleared first; an exception becomes a status.
template <class F>
kefu_status Guard(char** errmsg, F&& body) {
  if (errmsg != nullptr) *errmsg = nullptr;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    try {
      return Fail(KEFU_RESOURCE_EXHAUSTED, "out of memory", errmsg);
    } catch (...) {
      return KEFU_RESOURCE_EXHAUSTED;
    }
  } catch (const std::exception& e) {
    try {
      return Fail(KEFU_INTERNAL, e.what(), errmsg);
    } catch (...) {
      return KEFU_INTERNAL;
    }
  } catch (...) {
    try {
      return Fail(KEFU_INTERNAL, "unknown exception", errmsg);
    } catch (...) {
      return KEFU_INTERNAL;
    }
  }
}

// Output arguments start cleared, so that an error leaves them NULL / 0.
void Clear(char** out, size_t* len) {
  if (out != nullptr) *out = nullptr;
  if (len != nullptr) *len = 0;
}

kefu_status Give(const std::string& s, char** out, size_t* len) {
  *out = Dup(s);
  if (len != nullptr) *len = s.size();
  return KEFU_OK;
}

// A text argument: NULL is the empty text only with length 0.
bool Text(const char* p, size_t n, std::string_view* out) {
  if (p == nullptr && n != 0) return false;
  *out = p == nullptr ? std::string_view() : std::string_view(p, n);
  return true;
}

kefu_status BadArgument(const char* what, char** errmsg) {
  return Fail(KEFU_INVALID_ARGUMENT, what, errmsg);
}

// The shipped checker, compiled once (its phrase lists take a while).
const absl::StatusOr<std::shared_ptr<const kefu::ReplyChecker>>& DefaultChecker() {
  static const auto* const checker = [] {
    absl::StatusOr<kefu::ReplyChecker> c = kefu::ReplyChecker::Default();
    using Result = absl::StatusOr<std::shared_ptr<const kefu::ReplyChecker>>;
    if (!c.ok()) return new Result(c.status());
    return new Result(std::make_shared<const kefu::ReplyChecker>(*std::move(c)));
  }();
  return *checker;
}


// The answer's text: one event's answer, or a batch's JSON Lines.
void WriteJson(const kefu_answer& a, std::string* out) {
  for (const kefu_answer::Item& item : a.items) {
    const std::optional<int64_t> line =
        item.line == 0 ? std::nullopt : std::optional<int64_t>(item.line);
    if (item.event == std::string::npos) {
      kefu::AppendBadLineJson(out, line, item.error);
    } else {
      kefu::AppendEventAnswerJson(out, a.events[item.event], a.results[item.event], a.lang, line);
    }
    if (a.batch) *out += '\n';
  }
}

// A buffer of this thread's, emptied, its capacity kept: an answer is
// written there before it is copied into the caller's buffer.
std::string& ThreadBuffer() {
  thread_local std::string buffer;
  buffer.clear();
  return buffer;
}

// Parses and applies one event: *e and *r set, or an error.
kefu_status ApplyOne(kefu_shop* shop, const char* event, size_t event_len, const char* fn,
                     std::optional<kefu::ShopEvent>* e, std::optional<kefu::StoredResult>* r,
                     char** errmsg) {
  std::string_view text;
  if (!Text(event, event_len, &text)) {
    return Fail(KEFU_INVALID_ARGUMENT, std::string(fn) + ": event is NULL", errmsg);
  }
  absl::StatusOr<kefu::ShopEvent> parsed = kefu::ParseEvent(text);
  if (!parsed.ok()) {
    // A blank text is no event either (ParseEvent's kNotFound is for
    // files, where blank lines are skipped).
    return Fail(KEFU_INVALID_ARGUMENT,
                kefu::IsBlankLine(text) ? std::string_view("no event: the text is blank")
                                        : std::string_view(parsed.status().message().data(),
                                                           parsed.status().message().size()),
                errmsg);
  }
  e->emplace(*std::move(parsed));
  absl::StatusOr<kefu::StoredResult> applied = shop->store->Apply(**e);
  if (!applied.ok()) return Fail(applied.status(), errmsg);
  r->emplace(*std::move(applied));
  return KEFU_OK;
}

// Parses JSON Lines and applies their events in one commit, into *a.
kefu_status ApplyBatch(kefu_shop* shop, const char* events, size_t events_len, const char* fn,
                       kefu_answer* a, char** errmsg) {
  std::string_view text;
  if (!Text(events, events_len, &text)) {
    return Fail(KEFU_INVALID_ARGUMENT, std::string(fn) + ": events is NULL", errmsg);
  }
  int64_t number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++number;
    if (kefu::IsBlankLine(line)) continue;
    absl::StatusOr<kefu::ShopEvent> e = kefu::ParseEvent(line, number);
    if (e.ok()) {
      a->items.push_back({number, a->events.size(), {}});
      a->events.push_back(*std::move(e));
    } else {
      a->items.push_back({number, std::string::npos, std::string(e.status().message())});
    }
  }
  absl::StatusOr<std::vector<kefu::StoredResult>> results = shop->store->ApplyBatch(a->events);
  if (!results.ok()) return Fail(results.status(), errmsg);
  a->results = *std::move(results);
  a->lang = shop->lang;
  a->batch = true;
  a->filled = true;
  return KEFU_OK;
}

// The visitor behind kefu::AnswerSink; after a callback stops, nothing
// more is called.
class VisitorSink final : public kefu::AnswerSink {
 public:
  VisitorSink(const kefu_visitor& v, void* ctx) : v_(v), ctx_(ctx) {}
  bool stopped() const { return stopped_; }

  void BeginObject() override { Go(stopped_ || v_.begin_object(ctx_) != 0); }
  void EndObject() override { Go(stopped_ || v_.end_object(ctx_) != 0); }
  void BeginArray() override { Go(stopped_ || v_.begin_array(ctx_) != 0); }
  void EndArray() override { Go(stopped_ || v_.end_array(ctx_) != 0); }
  void Key(std::string_view k) override { Go(stopped_ || v_.key(ctx_, k.data(), k.size()) != 0); }
  void String(std::string_view s) override {
    Go(stopped_ || v_.string(ctx_, s.data(), s.size()) != 0);
  }
  void Int(int64_t n) override { Go(stopped_ || v_.integer(ctx_, n) != 0); }

 private:
  void Go(bool stop) { stopped_ = stop; }
  const kefu_visitor& v_;
  void* ctx_;
  bool stopped_ = false;
};

}  // namespace

extern "C" {

const char* kefu_version(void) {
  // kefu::Version()'s text, from the macros this library was built with.
#define KEFU_C_STR2_(x) #x
#define KEFU_C_STR_(x) KEFU_C_STR2_(x)
  return KEFU_C_STR_(KEFU_VERSION_MAJOR) "." KEFU_C_STR_(KEFU_VERSION_MINOR) "." KEFU_C_STR_(
      KEFU_VERSION_PATCH);
#undef KEFU_C_STR_
#undef KEFU_C_STR2_
}

void kefu_free(void* p) { std::free(p); }

int kefu_prepare_huge_page_heap(size_t bytes) { return kefu::PrepareHugePageHeap(bytes) ? 1 : 0; }

kefu_status kefu_policy_load(const char* path, size_t path_len, kefu_policy** policy,
                             char** errmsg) {
  if (policy != nullptr) *policy = nullptr;
  return Guard(errmsg, [&]() -> kefu_status {
    std::string_view p;
    if (policy == nullptr) return BadArgument("kefu_policy_load: policy is NULL", errmsg);
    if (!Text(path, path_len, &p) || p.empty()) {
      return BadArgument("kefu_policy_load: no path", errmsg);
    }
    absl::StatusOr<kefu::PolicyPack> pack = kefu::LoadPolicyPack(std::string(p));
    if (!pack.ok()) return Fail(pack.status(), errmsg);
    *policy = new kefu_policy{*std::move(pack)};
    return KEFU_OK;
  });
}

const char* kefu_policy_revision(const kefu_policy* policy) {
  return policy == nullptr ? "" : policy->pack.revision().c_str();
}

void kefu_policy_free(kefu_policy* policy) { delete policy; }

kefu_status kefu_shop_open(const char* db, size_t db_len, const kefu_policy* policy,
                           unsigned flags, kefu_shop** shop, char** errmsg) {
  if (shop != nullptr) *shop = nullptr;
  return Guard(errmsg, [&]() -> kefu_status {
    std::string_view file;
    if (shop == nullptr) return BadArgument("kefu_shop_open: shop is NULL", errmsg);
    if (!Text(db, db_len, &file)) return BadArgument("kefu_shop_open: db is NULL", errmsg);
    if ((flags & ~kKnownFlags) != 0) return BadArgument("kefu_shop_open: unknown flags", errmsg);
    kefu::ShopOptions options = policy != nullptr ? policy->pack.shop_options()
                                                  : kefu::ShopOptions();
    // One shard, as kefu serve: due items of equal time come in one order.
    options.shards = 1;
    auto s = std::make_unique<kefu_shop>();
    s->lang = (flags & KEFU_LANG_EN) != 0 ? Language::kEn : Language::kZh;
    if (file.empty()) {
      absl::StatusOr<std::unique_ptr<kefu::internal::MemoryStore>> m =
          kefu::internal::MemoryStore::Open(std::move(options));
      if (!m.ok()) return Fail(m.status(), errmsg);
      s->store = *std::move(m);
      s->db = ":memory:";
    } else {
      kefu::StoreOptions o;
      o.shop = std::move(options);
      o.durability = (flags & KEFU_DURABILITY_NORMAL) != 0 ? kefu::Durability::kNormal
                                                           : kefu::Durability::kFull;
      s->db = std::string(file);
      absl::StatusOr<std::unique_ptr<kefu::ReportingStore>> st = kefu::OpenStore(s->db, o);
      if (!st.ok()) return Fail(st.status(), errmsg);
      s->store = *std::move(st);
    }
    *shop = s.release();
    return KEFU_OK;
  });
}

void kefu_shop_close(kefu_shop* shop) { delete shop; }

kefu_status kefu_shop_apply(kefu_shop* shop, const char* event, size_t event_len, char** answer,
                            size_t* answer_len, char** errmsg) {
  Clear(answer, answer_len);
  return Guard(errmsg, [&]() -> kefu_status {
    if (shop == nullptr || answer == nullptr) {
      return BadArgument("kefu_shop_apply: shop or answer is NULL", errmsg);
    }
    std::optional<kefu::ShopEvent> e;
    std::optional<kefu::StoredResult> r;
    if (kefu_status s = ApplyOne(shop, event, event_len, "kefu_shop_apply", &e, &r, errmsg);
        s != KEFU_OK) {
      return s;
    }
    std::string& out = ThreadBuffer();
    kefu::AppendEventAnswerJson(&out, *e, *r, shop->lang);
    return Give(out, answer, answer_len);
  });
}

kefu_status kefu_shop_apply_batch(kefu_shop* shop, const char* events, size_t events_len,
                                  char** answers, size_t* answers_len, char** errmsg) {
  Clear(answers, answers_len);
  return Guard(errmsg, [&]() -> kefu_status {
    if (shop == nullptr || answers == nullptr) {
      return BadArgument("kefu_shop_apply_batch: shop or answers is NULL", errmsg);
    }
    kefu_answer a;
    if (kefu_status s = ApplyBatch(shop, events, events_len, "kefu_shop_apply_batch", &a, errmsg);
        s != KEFU_OK) {
      return s;
    }
    std::string& out = ThreadBuffer();
    WriteJson(a, &out);
    return Give(out, answers, answers_len);
  });
}

kefu_status kefu_answer_new(kefu_answer** answer, char** errmsg) {
  if (answer != nullptr) *answer = nullptr;
  return Guard(errmsg, [&]() -> kefu_status {
    if (answer == nullptr) return BadArgument("kefu_answer_new: answer is NULL", errmsg);
    *answer = new kefu_answer();
    return KEFU_OK;
  });
}

void kefu_answer_free(kefu_answer* answer) { delete answer; }

kefu_status kefu_shop_apply_into(kefu_shop* shop, const char* event, size_t event_len,
                                 kefu_answer* answer, char** errmsg) {
  if (answer != nullptr) answer->Clear();
  return Guard(errmsg, [&]() -> kefu_status {
    if (shop == nullptr || answer == nullptr) {
      return BadArgument("kefu_shop_apply_into: shop or answer is NULL", errmsg);
    }
    std::optional<kefu::ShopEvent> e;
    std::optional<kefu::StoredResult> r;
    if (kefu_status s = ApplyOne(shop, event, event_len, "kefu_shop_apply_into", &e, &r, errmsg);
        s != KEFU_OK) {
      return s;
    }
    answer->lang = shop->lang;
    answer->events.push_back(*std::move(e));
    answer->results.push_back(*std::move(r));
    answer->items.push_back({0, 0, {}});
    answer->filled = true;
    return KEFU_OK;
  });
}

kefu_status kefu_shop_apply_batch_into(kefu_shop* shop, const char* events, size_t events_len,
                                       kefu_answer* answer, char** errmsg) {
  if (answer != nullptr) answer->Clear();
  return Guard(errmsg, [&]() -> kefu_status {
    if (shop == nullptr || answer == nullptr) {
      return BadArgument("kefu_shop_apply_batch_into: shop or answer is NULL", errmsg);
    }
    const kefu_status s =
        ApplyBatch(shop, events, events_len, "kefu_shop_apply_batch_into", answer, errmsg);
    if (s != KEFU_OK) answer->Clear();
    return s;
  });
}

kefu_status kefu_answer_json(kefu_answer* answer, const char** json, size_t* json_len,
                             char** errmsg) {
  if (json != nullptr) *json = nullptr;
  if (json_len != nullptr) *json_len = 0;
  return Guard(errmsg, [&]() -> kefu_status {
    if (answer == nullptr || json == nullptr) {
      return BadArgument("kefu_answer_json: answer or json is NULL", errmsg);
    }
    if (!answer->filled) {
      return Fail(KEFU_FAILED_PRECONDITION, "kefu_answer_json: the answer holds nothing", errmsg);
    }
    if (!answer->json_written) {
      answer->json.clear();
      WriteJson(*answer, &answer->json);
      answer->json_written = true;
    }
    *json = answer->json.c_str();
    if (json_len != nullptr) *json_len = answer->json.size();
    return KEFU_OK;
  });
}

kefu_status kefu_answer_visit(const kefu_answer* answer, const kefu_visitor* visitor, void* ctx,
                              char** errmsg) {
  return Guard(errmsg, [&]() -> kefu_status {
    if (answer == nullptr || visitor == nullptr) {
      return BadArgument("kefu_answer_visit: answer or visitor is NULL", errmsg);
    }
    if (visitor->begin_object == nullptr || visitor->end_object == nullptr ||
        visitor->begin_array == nullptr || visitor->end_array == nullptr ||
        visitor->key == nullptr || visitor->string == nullptr || visitor->integer == nullptr) {
      return BadArgument("kefu_answer_visit: a callback of the visitor is NULL", errmsg);
    }
    if (!answer->filled) {
      return Fail(KEFU_FAILED_PRECONDITION, "kefu_answer_visit: the answer holds nothing", errmsg);
    }
    VisitorSink sink(*visitor, ctx);
    if (answer->batch) sink.BeginArray();
    for (const kefu_answer::Item& item : answer->items) {
      const std::optional<int64_t> line =
          item.line == 0 ? std::nullopt : std::optional<int64_t>(item.line);
      if (item.event == std::string::npos) {
        kefu::VisitBadLine(line, item.error, sink);
      } else {
        kefu::VisitEventAnswer(answer->events[item.event], answer->results[item.event],
                               answer->lang, line, sink);
      }
    }
    if (answer->batch) sink.EndArray();
    if (sink.stopped()) {
      return Fail(KEFU_ABORTED, "kefu_answer_visit: the visitor stopped", errmsg);
    }
    return KEFU_OK;
  });
}

kefu_status kefu_shop_due(kefu_shop* shop, const char* now, size_t now_len, char** answer,
                          size_t* answer_len, char** errmsg) {
  Clear(answer, answer_len);
  return Guard(errmsg, [&]() -> kefu_status {
    std::string_view text;
    if (shop == nullptr || answer == nullptr) {
      return BadArgument("kefu_shop_due: shop or answer is NULL", errmsg);
    }
    if (!Text(now, now_len, &text)) return BadArgument("kefu_shop_due: now is NULL", errmsg);
    absl::StatusOr<kefu::Timestamp> t = kefu::ParseTimestamp(text);
    if (!t.ok()) {
      return Fail(KEFU_INVALID_ARGUMENT, std::string("now: ") + std::string(t.status().message()),
                  errmsg);
    }
    absl::StatusOr<std::vector<kefu::StoredDueItem>> due = shop->store->Due(*t);
    if (!due.ok()) return Fail(due.status(), errmsg);
    return Give(kefu::TickAnswerJson(std::nullopt, *t, *due, shop->lang), answer, answer_len);
  });
}

kefu_status kefu_shop_confirm(kefu_shop* shop, const int64_t* ids, size_t n_ids,
                              size_t* confirmed, char** errmsg) {
  if (confirmed != nullptr) *confirmed = 0;
  return Guard(errmsg, [&]() -> kefu_status {
    if (shop == nullptr) return BadArgument("kefu_shop_confirm: shop is NULL", errmsg);
    if (ids == nullptr && n_ids != 0) return BadArgument("kefu_shop_confirm: ids is NULL", errmsg);
    absl::StatusOr<size_t> n =
        shop->store->Confirm(absl::Span<const int64_t>(ids, ids == nullptr ? 0 : n_ids));
    if (!n.ok()) return Fail(n.status(), errmsg);
    if (confirmed != nullptr) *confirmed = *n;
    return KEFU_OK;
  });
}

kefu_status kefu_shop_work(kefu_shop* shop, const char* agent, size_t agent_len, char** answer,
                           size_t* answer_len, char** errmsg) {
  Clear(answer, answer_len);
  return Guard(errmsg, [&]() -> kefu_status {
    std::string_view name;
    if (shop == nullptr || answer == nullptr) {
      return BadArgument("kefu_shop_work: shop or answer is NULL", errmsg);
    }
    if (!Text(agent, agent_len, &name)) return BadArgument("kefu_shop_work: agent is NULL", errmsg);
    return Give(kefu::ShopWorkAnswerJson(shop->store->shop(), std::nullopt, name), answer,
                answer_len);
  });
}

kefu_status kefu_shop_report(kefu_shop* shop, const char* until, size_t until_len, char** report,
                             size_t* report_len, char** errmsg) {
  Clear(report, report_len);
  return Guard(errmsg, [&]() -> kefu_status {
    std::string_view text;
    if (shop == nullptr || report == nullptr) {
      return BadArgument("kefu_shop_report: shop or report is NULL", errmsg);
    }
    if (!Text(until, until_len, &text)) return BadArgument("kefu_shop_report: until is NULL", errmsg);
    std::optional<kefu::Timestamp> at;
    if (!text.empty()) {
      absl::StatusOr<kefu::Timestamp> t = kefu::ParseTimestamp(text);
      if (!t.ok()) {
        return Fail(KEFU_INVALID_ARGUMENT,
                    std::string("until: ") + std::string(t.status().message()), errmsg);
      }
      at = *t;
    }
    absl::StatusOr<kefu::ReplayReport> r = shop->store->Report(at);
    if (!r.ok()) return Fail(r.status(), errmsg);
    return Give(kefu::ReportJson(shop->db, *r, shop->lang), report, report_len);
  });
}

kefu_status kefu_check_reply(const kefu_policy* policy, const char* text, size_t text_len,
                             char** findings, size_t* findings_len, char** errmsg) {
  Clear(findings, findings_len);
  return Guard(errmsg, [&]() -> kefu_status {
    std::string_view reply;
    if (findings == nullptr) return BadArgument("kefu_check_reply: findings is NULL", errmsg);
    if (!Text(text, text_len, &reply)) return BadArgument("kefu_check_reply: text is NULL", errmsg);
    std::shared_ptr<const kefu::ReplyChecker> checker;
    if (policy != nullptr) checker = policy->pack.reply_checker();
    if (checker == nullptr) {
      const absl::StatusOr<std::shared_ptr<const kefu::ReplyChecker>>& d = DefaultChecker();
      if (!d.ok()) return Fail(d.status(), errmsg);
      checker = *d;
    }
    return Give(kefu::FindingsJson(checker->Check(reply)), findings, findings_len);
  });
}

}  // extern "C"
