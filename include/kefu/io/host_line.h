// kefu/io/host_line.h: one line a host sends a store, as `kefu serve` reads
// it on standard input and `kefu worker` in the PostgreSQL inbox
// (docs/serve.md): an event (docs/events.md), a tick {"tick":TIME} asking
// what is due, {"done":[ids]} confirming due items, or a work query
// (FB-TRIAGE): {"work":true} for the whole work list, {"work":AGENT} for
// that agent's next item.
#ifndef KEFU_IO_HOST_LINE_H_
#define KEFU_IO_HOST_LINE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kefu/core/export.h"
#include "kefu/core/time.h"
#include "kefu/engine/shop_event.h"

namespace kefu {

struct HostLine {
  enum Kind { kEvent, kTick, kDone, kWork, kBad } kind = kBad;
  int64_t line = 0;
  ShopEvent event;          // kEvent
  Timestamp tick;           // kTick
  std::vector<int64_t> done;  // kDone
  // kWork: the agent whose next item is asked for; empty: the whole list.
  std::string work_agent;
  std::string error;        // kBad: why ("line N: ...")
};

// Reads `text` (line number `line`, for messages): an event when ParseEvent
// takes it, else a tick or done line, else kBad with the event parser's
// error (or the tick's, done's or work's).
KEFU_EXPORT HostLine ParseHostLine(std::string_view text, int64_t line);

}  // namespace kefu

#endif  // KEFU_IO_HOST_LINE_H_
