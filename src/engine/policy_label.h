// Internal: which policy revision a Shop writes into the audit records of
// the events applied on this thread.
//
// A Shop labels each event's audit record with the revision of the rules in
// force (ShopOptions::policy_revision). A store that applies its journal
// again on opening reproduces outcomes it stored earlier, perhaps under
// another pack: while a ScopedPolicyLabel is alive, the Shop's applies on
// the calling thread write `revision` instead, so that the rebuilt audit
// trail is the stored one. The decisions themselves are still the rules'
// in force, and the store compares them with the stored ones.
#ifndef KEFU_ENGINE_POLICY_LABEL_H_
#define KEFU_ENGINE_POLICY_LABEL_H_

#include <cstdint>
#include <optional>

namespace kefu::internal {

class ScopedPolicyLabel {
 public:
  explicit ScopedPolicyLabel(uint64_t revision);
  ~ScopedPolicyLabel();
  ScopedPolicyLabel(const ScopedPolicyLabel&) = delete;
  ScopedPolicyLabel& operator=(const ScopedPolicyLabel&) = delete;

  // The revision set on this thread, if any.
  static std::optional<uint64_t> Current();

 private:
  std::optional<uint64_t> previous_;
};

}  // namespace kefu::internal

#endif  // KEFU_ENGINE_POLICY_LABEL_H_
