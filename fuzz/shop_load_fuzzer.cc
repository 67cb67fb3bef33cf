// libFuzzer target: Shop::Load over arbitrary saved-shop content.
//
// A saved shop ends with a CRC-32 of its bytes, so random bytes stop at the
// checksum. To reach the decoder behind it, each input is taken as the body
// of a saved shop: the fuzzer puts the mark "KEFUSHOP" and the format in
// front and the right checksum behind, then loads it. Nothing may crash,
// leak, read out of bounds or trip UBSan; Load either fails with kDataLoss
// (or kInvalidArgument) and makes no shop, or makes one that saves again,
// and what it saves loads again and saves to the same bytes. Inputs of an
// odd length are loaded on two threads (ShopOptions::load_threads).
// Seeds: fuzz/corpus_state/, bodies of shops saved from sample weeks (see
// fuzz/make_state_corpus.py), and the same saved with sections
// ("sections-*", fuzz/make_section_seeds.cc).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "engine/load_threads.h"
#include "kefu/core/calendar.h"
#include "kefu/text/reply_checker.h"
#include "kefu/engine/shop.h"
#include "saved_shop.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string saved =
      kefu::fuzz::SavedShopOf(std::string_view(reinterpret_cast<const char*>(data), size));
  // The reply checker and calendar are built once: a shop's own state is
  // what is fuzzed, and building them costs more than most loads.
  static const auto checker =
      std::make_shared<const kefu::ReplyChecker>(*kefu::ReplyChecker::Default());
  static const auto calendar =
      std::make_shared<const kefu::BusinessCalendar>(kefu::BusinessCalendar::Default());
  // Entities restored on two threads from the smallest shop on, and every
  // kind of two entities or more saved again in two sections, as a large
  // shop's are: both ways of loading, and the sections' decoder, are fuzzed.
  static const bool threaded =
      (kefu::internal::SetParallelLoadEntities(0), kefu::internal::SetSaveSectionEntities(2), true);
  (void)threaded;
  kefu::ShopOptions options;
  options.shards = 4;
  options.load_threads = size % 2 == 1 ? 2 : 1;
  options.reply_checker = checker;
  options.calendar = calendar;
  absl::StatusOr<std::unique_ptr<kefu::Shop>> shop = kefu::Shop::Load(saved, options);
  if (!shop.ok()) {
    const absl::StatusCode code = shop.status().code();
    if (code != absl::StatusCode::kDataLoss && code != absl::StatusCode::kInvalidArgument) {
      std::abort();
    }
    return 0;
  }
  const std::string again = (*shop)->Save();
  absl::StatusOr<std::unique_ptr<kefu::Shop>> reloaded = kefu::Shop::Load(again, options);
  if (!reloaded.ok() || (*reloaded)->Save() != again) std::abort();
  return 0;
}
