// libFuzzer target: ReadPolicyPack over arbitrary text (issue 19).
//
// A shop edits its pack by hand, so any bytes may arrive. Nothing may
// crash, leak, read out of bounds or trip UBSan; the reading either gives
// errors and no pack, or a pack whose printed form reads back to the same
// pack: the same canonical text and the same revision.
// Seeds: fuzz/corpus_pack/ (the default pack and small packs of each table).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kefu/io/policy_pack.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  kefu::PackReading r = kefu::ReadPolicyPack(text, "fuzz.toml");
  if (r.pack.has_value() != r.errors.empty()) std::abort();
  if (!r.pack) return 0;
  for (const kefu::PackMessage& e : r.errors) {
    if (e.ToString().empty()) std::abort();
  }
  const std::string printed = r.pack->ToToml();
  kefu::PackReading again = kefu::ReadPolicyPack(printed, "printed.toml");
  if (!again.pack) std::abort();
  if (again.pack->ToToml() != printed) std::abort();
  if (again.pack->revision() != r.pack->revision()) std::abort();
  return 0;
}
