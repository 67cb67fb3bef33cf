// kefu/policies/courier_reach.h: the host's answers to "does this courier
// deliver to this address?" and "does it collect cash on delivery there?",
// consulted by ORD-COD-REACH and ORD-PREPAY.
//
// kefu never looks this up itself: the host implements CourierReach (from
// its courier's coverage list or API cache) and passes it in the order
// environment. CourierCoverage is a small in-memory implementation for
// tests and hosts with a short list of blind spots.
//
// Where nothing tells the engine that a courier collects cash (no
// CourierReach, or CollectsCash answering nullopt), a cash-on-delivery order
// is held in the order check until an agent checks the courier:
// ORD-COD-REACH, seed 002 "注意货到付款的订单和地址明显不到的订单核查更改快递".
//
// Thread safety: implementations must allow concurrent calls.
// CourierCoverage is safe to share once built; Block() must not race with
// the queries.
#ifndef KEFU_POLICIES_COURIER_REACH_H_
#define KEFU_POLICIES_COURIER_REACH_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "kefu/core/export.h"
#include "kefu/policies/order_terms.h"
#include "kefu/policies/province.h"

namespace kefu {

class KEFU_EXPORT CourierReach {
 public:
  virtual ~CourierReach();
  // True when `courier` delivers to `address`. Must be deterministic for the
  // same arguments and never block for long (both queries).
  virtual bool Delivers(std::string_view courier, const Address& address) const = 0;
  // Whether `courier` collects cash on delivery at `address`: true or false
  // when the host knows, nullopt when it does not (the order is then held
  // for an agent's check).
  virtual std::optional<bool> CollectsCash(std::string_view courier,
                                           const Address& address) const = 0;
  // Whether `courier` is an express courier (快递) rather than the post or
  // freight: ORD-PREPAY asks for payment in advance only when an express
  // courier cannot reach the address. nullopt (the default) when the host
  // does not say; the order is then treated as express, as the seed does.
  virtual std::optional<bool> IsExpress(std::string_view courier) const;
};

// Every courier delivers everywhere and collects cash everywhere.
class KEFU_EXPORT ReachEverywhere final : public CourierReach {
 public:
  bool Delivers(std::string_view, const Address&) const override { return true; }
  std::optional<bool> CollectsCash(std::string_view, const Address&) const override {
    return true;
  }
};

// Delivers and collects cash everywhere except the blocked areas: the host's
// list of blind spots is taken as complete. Provinces are compared as
// provinces (kefu/policies/province.h): a blind spot in "内蒙古" covers an
// address in "内蒙古自治区".
class KEFU_EXPORT CourierCoverage final : public CourierReach {
 public:
  // `courier` does not reach `province` (and `city`, when not empty); with
  // `cod_only`, it reaches it but does not collect cash on delivery there.
  // kInvalidArgument, nothing added, when ParseProvince refuses `province`.
  absl::Status Block(std::string courier, std::string_view province, std::string city = "",
                     bool cod_only = false);
  // Names a courier the shop uses, express or not (IsExpress answers it).
  // A courier not named is express as far as IsExpress knows (nullopt).
  void Declare(std::string courier, bool express);
  // With `only_declared`, a courier never Declare()d reaches nowhere: an
  // order naming an unknown (or misspelt) courier is held for its courier
  // to be changed. Default false: an unnamed courier reaches everywhere.
  void set_only_declared(bool only_declared) { only_declared_ = only_declared; }

  bool Delivers(std::string_view courier, const Address& address) const override;
  std::optional<bool> CollectsCash(std::string_view courier,
                                   const Address& address) const override;
  std::optional<bool> IsExpress(std::string_view courier) const override;

 private:
  struct Blind {
    std::string courier;
    Province province;
    std::string city;
    bool cod_only;
  };
  // The blind spot `b` covers `address`.
  static bool Covers(const Blind& b, std::string_view courier, const Address& address);
  struct Declared {
    std::string courier;
    bool express;
  };
  const Declared* Find(std::string_view courier) const;
  std::vector<Blind> blind_;
  std::vector<Declared> declared_;
  bool only_declared_ = false;
};

}  // namespace kefu

#endif  // KEFU_POLICIES_COURIER_REACH_H_
