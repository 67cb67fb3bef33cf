// A host's line to a store (kefu/io/host_line.h).
#include "kefu/io/host_line.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "kefu/io/events.h"
#include "nlohmann/json.hpp"

namespace kefu {

HostLine ParseHostLine(std::string_view text, int64_t line) {
  HostLine r;
  r.line = line;
  absl::StatusOr<ShopEvent> event = ParseEvent(text, line);
  if (event.ok()) {
    r.kind = HostLine::kEvent;
    r.event = *std::move(event);
    return r;
  }
  r.error = std::string(event.status().message());
  // Not an event: maybe {"tick": TIME}, {"done": [ids]} or {"work": ...}.
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!j.is_object() || j.size() != 1) return r;
  if (auto t = j.find("tick"); t != j.end()) {
    if (!t->is_string()) {
      r.error = absl::StrCat("line ", line, ": tick: expected a time (RFC 3339)");
      return r;
    }
    absl::StatusOr<Timestamp> at = ParseTimestamp(t->get<std::string>());
    if (!at.ok()) {
      r.error = absl::StrCat("line ", line, ": tick: ", at.status().message());
      return r;
    }
    r.kind = HostLine::kTick;
    r.tick = *at;
  } else if (auto d = j.find("done"); d != j.end()) {
    if (!d->is_array()) {
      r.error = absl::StrCat("line ", line, ": done: expected an array of due item ids");
      return r;
    }
    for (const nlohmann::json& id : *d) {
      if (!id.is_number_integer()) {
        r.error = absl::StrCat("line ", line, ": done: expected an array of due item ids");
        return r;
      }
      r.done.push_back(id.get<int64_t>());
    }
    r.kind = HostLine::kDone;
  } else if (auto w = j.find("work"); w != j.end()) {
    if (w->is_boolean() && w->get<bool>()) {
      r.work_agent.clear();
    } else if (w->is_string() && !w->get<std::string>().empty()) {
      r.work_agent = w->get<std::string>();
    } else {
      r.error = absl::StrCat("line ", line,
                             ": work: expected true (the whole work list) or an agent's name");
      return r;
    }
    r.kind = HostLine::kWork;
  }
  return r;
}

}  // namespace kefu
