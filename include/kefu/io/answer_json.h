// kefu/io/answer_json.h: the JSON kefu writes for a host: `kefu serve`'s
// answers (docs/serve.md), the report of `kefu report --json` and `kefu
// replay --json`, and a reply check's findings. The kefu program and the
// C API (kefu/c.h) both write through these functions, so a host gets the
// same document whichever way it talks to kefu.
//
// Every function returns one JSON text, UTF-8, without a trailing newline;
// ill-formed UTF-8 in a text (a reply as an agent wrote it) is written as
// U+FFFD. Keys come in a fixed order. `line` is the input line an answer
// is for: written first as "line" when given, left out when not (the HTTP
// server and the C API, which have no lines).
//
// Thread safety: pure functions.
#ifndef KEFU_IO_ANSWER_JSON_H_
#define KEFU_IO_ANSWER_JSON_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "kefu/core/export.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
#include "kefu/engine/shop_event.h"
#include "kefu/engine/store.h"
#include "kefu/io/replay.h"
#include "kefu/text/reply_checker.h"

namespace kefu {

// The answer to an event:
//   {"line":N,"id":ID,"result":R,"seq":S,"entity":KIND,"key":KEY,
//    "state_before":...,"state_after":...,"decisions":[...],"actions":[...],
//    "deadlines":[...]}
// R is StoredResultName(result); a rejected event has "error" (the
// engine's message) instead of the outcome's keys. Reasons and
// descriptions are in `lang`; figures are an object by name (money as a
// decimal string, times in RFC 3339, terms by key).
KEFU_EXPORT std::string EventAnswerJson(const ShopEvent& event, const StoredResult& result,
                                        Language lang,
                                        std::optional<int64_t> line = std::nullopt);

// EventAnswerJson's text appended to *out (a buffer a host reuses).
KEFU_EXPORT void AppendEventAnswerJson(std::string* out, const ShopEvent& event,
                                       const StoredResult& result, Language lang,
                                       std::optional<int64_t> line = std::nullopt);

// A line that is not an event: {"line":N,"result":"bad","error":MESSAGE}.
KEFU_EXPORT std::string BadLineJson(std::optional<int64_t> line, std::string_view error);
KEFU_EXPORT void AppendBadLineJson(std::string* out, std::optional<int64_t> line,
                                   std::string_view error);

// The same answers as documents, value by value, for a host that builds
// its own objects instead of reading the JSON text (the C API's
// kefu_answer_visit, the Python module's dicts): the calls come in the
// order of the text's values, so a sink that builds what it is given
// builds what a JSON reader would from EventAnswerJson's text. Strings are
// well-formed UTF-8: an ill-formed sequence comes as the U+FFFD
// replacement the text has. A sink's method may throw: the exception
// reaches the caller of Visit*, and nothing leaks.
class KEFU_EXPORT AnswerSink {
 public:
  virtual ~AnswerSink();
  virtual void BeginObject() = 0;
  virtual void EndObject() = 0;
  virtual void BeginArray() = 0;
  virtual void EndArray() = 0;
  // An object's key; its value comes next.
  virtual void Key(std::string_view key) = 0;
  virtual void String(std::string_view value) = 0;
  virtual void Int(int64_t value) = 0;
};

KEFU_EXPORT void VisitEventAnswer(const ShopEvent& event, const StoredResult& result,
                                  Language lang, std::optional<int64_t> line, AnswerSink& sink);
KEFU_EXPORT void VisitBadLine(std::optional<int64_t> line, std::string_view error,
                              AnswerSink& sink);

// One due item with the id its store gave it: {"id":ID,"at":...,"kind":
// "warning|breach|action","entity_kind":...,"entity":...,"rule":...,
// "event_id":...,"agent":...,"due":...,"description":...,"figures":{...}}.
KEFU_EXPORT std::string DueItemJson(const StoredDueItem& item, Language lang);

// The answer to a tick: {"line":N,"tick":TIME,"due":[items as DueItemJson]}.
KEFU_EXPORT std::string TickAnswerJson(std::optional<int64_t> line, Timestamp tick,
                                       absl::Span<const StoredDueItem> due, Language lang);

// The answer to a confirmation: {"line":N,"confirmed":K}.
KEFU_EXPORT std::string ConfirmAnswerJson(std::optional<int64_t> line, size_t confirmed);

// One work item (FB-TRIAGE, WorkItem of kefu/engine/shop.h):
// {"priority":P,"entity_kind":...,"entity":...,"rule":...,"kind":
// "deadline|action","due":TIME,"agent":...,"customer":...,
// "customer_level":...,"category":...,"agent_level":...}.
// The answer to a work query: {"line":N,"work":[items]} for the whole work
// list; with `agent`, {"line":N,"agent":AGENT,"work":[...]} holding the
// agent's next item (Shop::NextWorkItem), or nothing.
KEFU_EXPORT std::string WorkAnswerJson(std::optional<int64_t> line,
                                       std::optional<std::string_view> agent,
                                       absl::Span<const WorkItem> items);
// A work query answered from `shop`: the whole work list (Shop::WorkList)
// when `agent` is empty, else the agent's next item (Shop::NextWorkItem).
// What kefu serve, GET /work and kefu_shop_work (kefu/c.h) answer.
KEFU_EXPORT std::string ShopWorkAnswerJson(const Shop& shop, std::optional<int64_t> line,
                                           std::string_view agent);

// A replay report (kefu/io/replay.h) as one document: "file" names where
// the events came from. `indent` < 0: on one line; else pretty-printed with
// that many spaces a level.
KEFU_EXPORT std::string ReportJson(std::string_view file, const ReplayReport& report,
                                   Language lang, int indent = -1);

// One finding of the reply checker: {"line":N,"rule":...,"severity":...,
// "start":BYTE,"end":BYTE,"text":...,"suggestion":...} (bytes of the reply).
KEFU_EXPORT std::string FindingJson(const Finding& finding,
                                    std::optional<int64_t> line = std::nullopt);

// Every finding of one reply: {"findings":[findings as FindingJson]}.
KEFU_EXPORT std::string FindingsJson(absl::Span<const Finding> findings);

}  // namespace kefu

#endif  // KEFU_IO_ANSWER_JSON_H_
