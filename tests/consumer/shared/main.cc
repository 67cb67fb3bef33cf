// Links a shared libkefu and calls what a shared build once did not export
// (Figure::Render, CallbackRule::Validate, MeetingPolicy::Validate, the
// calendar's default hours), then applies an event through the Shop.
#include <cstdio>
#include <memory>
#include <string>

#include "kefu/core/calendar.h"
#include "kefu/core/outcome.h"
#include "kefu/core/version.h"
#include "kefu/engine/shop.h"
#include "kefu/io/events.h"
#include "kefu/kefu.h"
#include "kefu/text/callback.h"
#include "kefu/text/meeting.h"

int main() {
  if (kefu::Figure{"amount", kefu::Money::Yuan(12)}.Render(kefu::Language::kEn).empty()) return 1;
  if (!kefu::CallbackRule{}.Validate().ok()) return 2;
  if (!kefu::MeetingPolicy{}.Validate().ok()) return 3;
  if (!kefu::BusinessCalendar::Options::DefaultHours()[0].has_value() &&
      !kefu::BusinessCalendar::Options::DefaultHours()[1].has_value()) {
    return 4;
  }
  auto shop = kefu::Shop::Create();
  if (!shop.ok()) return 5;
  auto e = kefu::ParseEvent(
      R"({"id":"r1","at":"2026-11-02T16:10:00+08:00","agent":"小王","entity":"reply",)"
      R"("key":"tb_buyer","type":"posted","fields":{"text":"您好，已为您发货"}})");
  if (!e.ok() || !(*shop)->Apply(*e).ok()) return 6;
  std::printf("shared consumer: kefu %s OK\n", std::string(kefu::Version()).c_str());
  return 0;
}
