// The sample shop week: plans every entity's script up front as compact
// steps (time, entity, operation), sorts the steps by time and only then
// builds each ShopEvent, so memory stays at a few dozen bytes per event.
//
// Everything random comes from one xoshiro256** stream seeded with
// splitmix64, drawn in a fixed order, with integer range helpers: no std::
// distribution (they differ between standard libraries), no floating point,
// no clock. Times are seconds since options.start; the shop's zone is a
// fixed +08:00, so a local day is 86,400 seconds.
#include "sample/sample.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/ticket.h"

namespace kefu {
namespace {

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
constexpr int kMaxDays = 366;
constexpr int kMaxOrdersPerDay = 10'000'000;

// ------------------------------------------------------------------ PRNG

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman and Vigna), written from the published algorithm.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t sm = seed;
    for (uint64_t& w : s_) w = SplitMix64(sm);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n), n > 0, by rejection: the same on every platform.
  uint64_t Below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    uint64_t r;
    do {
      r = Next();
    } while (r < threshold);
    return r % n;
  }
  // Uniform in [lo, hi], lo <= hi.
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // True with probability num / den.
  bool Chance(uint64_t num, uint64_t den) { return Below(den) < num; }
  // An index drawn with the given integer weights.
  template <size_t N>
  size_t Pick(const std::array<int, N>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    int r = static_cast<int>(Below(static_cast<uint64_t>(total)));
    for (size_t i = 0; i < N; ++i) {
      if (r < weights[i]) return i;
      r -= weights[i];
    }
    return N - 1;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// ------------------------------------------------------------------ data

struct Product {
  const char* name;
  int64_t price_fen;
};
// The last three have repeated quality tickets (AS-DEFECT).
constexpr Product kProducts[] = {
    {"手机壳", 1990},        {"数据线", 1500},       {"化妆镜", 2500},
    {"收纳盒", 2200},        {"棉拖鞋", 1800},       {"毛绒玩具", 2800},
    {"保温杯", 5900},        {"纯棉T恤", 4900},      {"羊毛围巾", 8900},
    {"陶瓷茶具套装", 16800}, {"儿童水壶", 4500},     {"瑜伽垫", 6900},
    {"蓝牙音箱", 14900},     {"护眼台灯", 7900},     {"晴雨伞", 3500},
    {"床上四件套", 23900},   {"无线蓝牙耳机", 12900}, {"电动牙刷", 19900},
    {"充电宝", 9900},
};
constexpr int kProductCount = sizeof(kProducts) / sizeof(kProducts[0]);
constexpr int kProblemProducts = 3;  // the last three

struct Region {
  const char* province;
  const char* city;
  const char* districts[3];
};
constexpr Region kRegions[] = {
    {"浙江省", "杭州市", {"西湖区", "余杭区", "滨江区"}},
    {"江苏省", "南京市", {"鼓楼区", "玄武区", "江宁区"}},
    {"上海市", "上海市", {"浦东新区", "徐汇区", "闵行区"}},
    {"广东省", "广州市", {"天河区", "海珠区", "白云区"}},
    {"北京市", "北京市", {"朝阳区", "海淀区", "丰台区"}},
    {"四川省", "成都市", {"武侯区", "锦江区", "高新区"}},
    {"湖北省", "武汉市", {"洪山区", "江汉区", "武昌区"}},
    {"山东省", "济南市", {"历下区", "槐荫区", "市中区"}},
    {"福建省", "厦门市", {"思明区", "湖里区", "集美区"}},
    {"河南省", "郑州市", {"金水区", "二七区", "中原区"}},
    {"湖南省", "长沙市", {"岳麓区", "芙蓉区", "天心区"}},
    {"安徽省", "合肥市", {"蜀山区", "包河区", "庐阳区"}},
};
constexpr int kRegionCount = sizeof(kRegions) / sizeof(kRegions[0]);
constexpr int kShopRegion = 0;  // the shop ships from Hangzhou
constexpr const char* kRoads[] = {"文一西路", "人民路", "解放路", "中山路",
                                  "建设路",   "学院路", "长江路", "和平路"};

constexpr const char* kAgents[] = {"小王", "小李", "小张", "小陈"};
constexpr int kAgentCount = 4;
constexpr const char* kSupervisor = "周主管";
constexpr const char* kFinance = "finance";

constexpr const char* kBuyerStems[] = {"快乐小鱼", "tb_",    "阳光男孩", "爱吃草莓的猫",
                                       "小熊",     "sunny_", "蓝天白云", "jason",
                                       "月亮湾",   "喵小姐", "老李",     "木子"};
constexpr const char* kPhonePrefixes[] = {"138", "139", "137", "186", "158", "150"};

constexpr const char* kCouriers[] = {"圆通", "中通", "顺丰", "EMS"};
constexpr const char* kTrackPrefixes[] = {"YT", "ZT", "SF", "EMS"};
constexpr int kCodCourier = 3;  // EMS collects cash everywhere

constexpr const char* kShopNames[] = {"淘宝店", "天猫旗舰店", "官网商城", "电话订购"};

// Clean, polite replies (no PH finding with the seed pack).
constexpr const char* kCleanReplies[] = {
    "您好，欢迎光临本店，请问有什么可以帮您？",
    "亲，这款现在有货，今天下午五点前付款当天发出。",
    "您好，已经为您备注好了，我们会尽快安排发货。",
    "非常抱歉让您久等了，您的包裹已经在路上，预计两到三天送达。",
    "感谢您的支持，收到商品后有任何问题请随时联系我们。",
    "您好，这款支持一年质保，请您放心购买。",
    "亲，江浙沪地区一般第二天就能收到。",
    "好的，已经为您修改收货地址，请您核对一下。",
    "非常抱歉给您添麻烦了，我们马上为您安排换货。",
    "您好，退货地址已经发给您了，寄回时请附上纸条写明订单号。",
    "非常抱歉，这个价格已经是活动价，无法再低了，我们可以送您一个小礼品。",
    "您的退款已经提交财务，一到三个工作日内到账。",
    "亲，您拍下后我们会仔细检查再发货，请您放心。",
    "您好，这边已经为您登记售后，质检后第一时间给您处理。",
    "感谢您的耐心等待，新的商品今天已经寄出。",
    "您好，请问您方便修改一下评价吗？我们一定会把问题处理好。",
    "非常抱歉这次购物体验让您失望了，我们为您补偿部分货款可以吗？",
    "好的，已经为您改成顺丰快递。",
    "您好，运费险已经生效，退货运费会自动理赔。",
    "亲，现在下单还赠送一个收纳袋。",
    "您好，这款有黑色和白色两种颜色，请问您需要哪一种？",
    "非常抱歉，这款暂时缺货，明天到货后第一时间为您发出。",
    "您好，货到付款的订单我们已经改用邮政发货，请您留意查收。",
    "非常抱歉，您所在的地区快递暂时无法到达，我们为您改发邮政可以吗？",
    "好的，您的发票已经开好，会随包裹一起寄出。",
};
// Replies that break a PH rule (不行, 不好意思, 你, 哦, 恩, a refusal without
// 非常抱歉, ignorance, a phone number).
constexpr const char* kBadReplies[] = {
    "这个价格不行哦，已经很便宜了。",
    "不好意思，今天发不了货。",
    "你好，你的快递明天到。",
    "恩，收到了，马上给你处理。",
    "这个我不知道，要问一下仓库。",
    "无法改价，请按拍下的价格付款。",
    "有问题可以直接打我电话13857146620。",
    "哦，那您等一下。",
    "不能便宜了，亲。",
    "偏远地区到不了，您换个地址吧。",
    "不好意思让您久等了。",
    "您好，这个问题我找不到人问，您明天再来吧。",
};
// An answer put off without a definite time (PH-CALLBACK).
constexpr const char* kVagueDeferral = "这个我帮您问一下，稍后回复您。";
// Replies that put the answer off to a definite time (PH-CALLBACK): the shop
// tracks each until an answer follows in the same conversation; the
// minutes promised, and the answer that usually follows.
constexpr const char* kPromiseReplies[] = {
    "您好，这个问题我帮您核实一下，30分钟内给您答复。",
    "亲，我去问一下仓库，1个小时内回复您。",
    "您好，正在确认发货时间，两个小时之内给您答复。",
};
constexpr int kPromiseMinutes[] = {30, 60, 120};
constexpr const char* kAnswerReplies[] = {
    "您好，已经核实过了，这款支持七天无理由退货。",
    "亲，仓库确认有货，今天就能发出。",
    "您好，发货时间已经确认，明天上午发出。",
};
constexpr int kPromiseCount = sizeof(kPromiseReplies) / sizeof(kPromiseReplies[0]);
// Wrong answers a supervisor finds (PH-CALLBACK: the agent calls back).
constexpr const char* kWrongAnswers[][2] = {
    {"这款不支持七天无理由退货", "支持七天无理由退货"},
    {"偏远地区不包邮", "这次活动全国包邮"},
    {"发票要另外收税点", "发票免费开具，随包裹寄出"},
};
constexpr int kWrongCount = sizeof(kWrongAnswers) / sizeof(kWrongAnswers[0]);
constexpr int kCleanCount = sizeof(kCleanReplies) / sizeof(kCleanReplies[0]);
constexpr int kBadCount = sizeof(kBadReplies) / sizeof(kBadReplies[0]);

constexpr const char* kComplaints[] = {
    "质量一般，用了两天就坏了", "物流太慢了，等了一个星期", "颜色和图片有色差",
    "客服回复太慢",             "包装破损，盒子压扁了",     "做工粗糙，有线头",
    "尺寸偏小，和描述有出入",
};
constexpr int kComplaintCount = sizeof(kComplaints) / sizeof(kComplaints[0]);

// What buyers write before an agent answers (buyer_messaged).
constexpr const char* kBuyerAsks[] = {
    "在吗？", "这个还有货吗", "什么时候发货呀", "能便宜点吗", "包邮吗？",
    "我的快递到哪了", "这个杯子能用洗碗机吗", "可以开发票吗",
};
constexpr int kBuyerAskCount = sizeof(kBuyerAsks) / sizeof(kBuyerAsks[0]);

// ------------------------------------------------------------- the plan

enum Kind : uint8_t { kOrderKind, kTicketKind, kReviewKind, kReplyKind, kBuyerKind, kTeamKind };

// Order operations.
enum OrderOp : uint8_t {
  kPlaced, kPaid, kFinanceConfirmed, kCheck, kCheckPassed, kHoldPlaced, kHoldReleased,
  kOutOfStock, kContacted, kCourierChanged, kAdjustPostage, kAdjustProduct, kSupplement,
  kShipped, kDelivered, kCompleted, kCancelled, kRefunded, kInvoice, kCourierConfirmed,
};
// Ticket operations.
enum TicketOp : uint8_t {
  kTRegistered, kTReturnAgreed, kTReturnShipped, kTParcelReceived, kTPackaging, kTTested,
  kTResale, kTSupplierRequested, kTSupplierReceived, kTEvidence, kTRefundSent, kTRefundPaid,
  kTCash, kTReshipped, kTHandedOff, kTClosed, kTRejected,
};
// Review operations.
enum ReviewOp : uint8_t {
  kRReceived, kRAssigned, kRContact, kRRevisionAgreed, kRRevisionObserved, kRRemedyOffered,
  kRRemedyAccepted, kRRemedyDeclined, kRDayEnded, kRClosed,
};

struct Step {
  int64_t t;        // seconds since options.start
  uint32_t entity;  // index into the plans of its kind
  uint16_t arg;     // operation argument
  uint8_t kind;     // Kind
  uint8_t op;
  uint16_t n;       // the entity's event number (event id suffix)
};

struct OrderPlan {
  uint32_t serial = 0;
  uint32_t buyer = 0;
  uint32_t addr = 0;     // road, number, building and room, packed
  int16_t day = 0;       // day of placement
  uint8_t channel = 0;   // Channel
  uint8_t payment = 0;   // PaymentMethod
  uint8_t nlines = 1;
  uint8_t product[2] = {0, 0};
  uint8_t qty[2] = {1, 1};
  uint8_t other_product = 0;  // the style offered instead (ORD-OOS-NOTIFY)
  uint8_t region = 0;
  uint8_t room_variant = 0;   // 1: the room's last digit differs (a look-alike address)
  uint8_t courier = 0;
  uint8_t agent = 0;
  bool paid_at_placement = false;
  bool postage_lowered = false;  // a kAdjustPostage step is planned
  int32_t postage = 0;  // fen, as placed
  uint16_t n = 0;
};

enum TicketScenario : uint8_t {
  kReturnCustomerPays, kExchangeInProvinceCapped, kExchangeOutOfProvinceBelowCap,
  kFreightCollect, kLateReturn, kQualityRefundOnly, kPreferExchange, kRepairSupplier,
  kLonePostageRefund, kHandoffRefundOnly, kQualityExchange, kTicketScenarioCount,
};

struct TicketPlan {
  std::string key;
  std::string order_id;
  uint32_t buyer = 0;
  uint32_t serial = 0;
  uint8_t scenario = 0;
  uint8_t product = 0;
  uint8_t qty = 1;
  uint8_t region = 0;  // the customer's
  uint8_t shop = 0;
  uint8_t owner = 0;
  // Who registers it: the owner, or the agent taking over a shift from the
  // owner (SH-HANDOVER: the problem stays with the agent handing over).
  uint8_t registrar = 0;
  uint8_t unpacker = 0;
  uint8_t handoff_to = 0;
  bool plant = false;  // plant this scenario's refusal
  uint16_t n = 0;
  int64_t registered_at = -1;
};

struct ReviewPlan {
  std::string key;
  std::string order_id;
  uint32_t buyer = 0;
  uint8_t product = 0;
  uint8_t rating = 0;  // ReviewRating
  uint8_t complaint = 0;
  uint8_t agent = 0;
  bool difficult = false;
  uint16_t n = 0;
};

// One team event (EntityKind::kTeam), planned whole: a few dozen a day.
struct TeamPlan {
  enum Type : uint8_t {
    kShiftStart, kShiftEnd, kSeatLeave, kSeatBack, kSwap, kScore, kExam, kReport,
  };
  Type type = kShiftStart;
  uint8_t agent = 0;       // the agent the event is about (the key)
  uint8_t other = 0;       // seat left: handed to; swap: with
  int8_t shift = 0;        // 0 early, 1 middle, 2 late
  uint8_t channels = 0;    // index into kChannelSets
  bool flag = false;       // seat left: handed over; swap: approved; score: by an agent
  int16_t day = 0;         // swap: the day swapped
  uint8_t part = 0;        // ScorePart
  uint8_t value = 0;       // score, exam score, report kind
  uint8_t text = 0;        // report summary / exam stage
};

constexpr const char* kShiftNames[] = {"early", "middle", "late"};
// Local start and end of the shifts (SH-SHIFTS' defaults), in minutes.
constexpr int64_t kShiftStartMin[] = {9 * 60, 11 * 60 + 30, 16 * 60};
constexpr int64_t kShiftEndMin[] = {18 * 60 + 30, 21 * 60, 24 * 60};
constexpr const char* kChannelSets[] = {"旺旺,商城", "53客服", "旺旺,商城,53客服"};
constexpr const char* kExamStages[] = {"新品知识", "售后流程"};
constexpr const char* kReportSummaries[] = {
    "竞店同款连衣裙降价10元，已截图", "多位客户反映中码偏小，建议详情页加尺码提示",
    "详情页把“满99包邮”写成了“全场包邮”", "客户要求开具增值税专用发票，超出权限"};
constexpr ReportKind kReportKinds[] = {ReportKind::kCompetition, ReportKind::kCustomerFeedback,
                                       ReportKind::kOwnMistake, ReportKind::kBeyondRemit};
// The parts a supervisor judges, with the lowest score given to each.
constexpr ScorePart kJudgedParts[] = {ScorePart::kOrderEffort,  ScorePart::kOrderRetention,
                                      ScorePart::kAttitude,     ScorePart::kSalesSkill,
                                      ScorePart::kNewProductKnowledge,
                                      ScorePart::kNewProductPitch};

struct ReplyPlan {
  enum Style : uint8_t { kClean, kBad, kPromise, kAnswer, kVague, kWrongAnswer };
  uint32_t buyer = 0;
  uint8_t agent = 0;  // who wrote; for kWrongAnswer who answered wrongly
  Style style = kClean;
  uint8_t text = 0;  // index into the style's texts
};

// Contact arguments of a review contact step, packed in Step::arg.
uint16_t ContactArg(ReviewChannel channel, ReviewContactResult result, bool override_limit) {
  return static_cast<uint16_t>(static_cast<int>(channel) | (static_cast<int>(result) << 2) |
                               (override_limit ? 1 << 4 : 0));
}
// Order contact arguments.
uint16_t OrderContactArg(ContactChannel channel, ContactResult result) {
  return static_cast<uint16_t>(static_cast<int>(channel) | (static_cast<int>(result) << 2));
}

std::string Pad(uint64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

class Generator {
 public:
  explicit Generator(const SampleOptions& options)
      : o_(options),
        rng_(options.seed),
        callback_rng_(options.seed ^ 0x43414c4c4241434bULL),  // "CALLBACK"
        buyer_rng_(options.seed ^ 0x4255594552415348ULL),     // "BUYERASH"
        team_rng_(options.seed ^ 0x5445414d53484946ULL),      // "TEAMSHIF"
        end_(int64_t{options.days} * kDay) {
    const absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
    const absl::CivilDay first = absl::ToCivilDay(options.start, zone);
    // Dates from a week before the start (the backlog's orders) to the end.
    for (int d = -kBacklogDays; d <= options.days; ++d) {
      const absl::CivilDay day = first + d;
      char buf[16];
      std::snprintf(buf, sizeof(buf), "%04d%02d%02d", static_cast<int>(day.year() % 10000),
                    day.month(), day.day());
      dates_.push_back(buf);
    }
  }

  void Plan() {
    const size_t n = static_cast<size_t>(o_.orders_per_day);
    orders_.reserve(n * static_cast<size_t>(o_.days) * 103 / 100);
    steps_.reserve(n * static_cast<size_t>(o_.days) * 14);
    replies_.reserve(n * static_cast<size_t>(o_.days));
    for (int day = 0; day < o_.days; ++day) {
      for (size_t i = 0; i < n; ++i) PlanOrder(day);
      // After-sales and reviews of last week's orders (the backlog) taper off
      // over the first days.
      if (day < kBacklogDays) {
        const uint64_t weight = static_cast<uint64_t>(kBacklogDays - day);
        const uint64_t tickets = n * 6 * weight / (100 * kBacklogDays) + (day < 3 ? 1 : 0);
        const uint64_t reviews = n * 3 * weight / (100 * kBacklogDays) + (day < 3 ? 1 : 0);
        for (uint64_t k = 0; k < tickets; ++k) {
          PlanBacklogTicket(day);
        }
        for (uint64_t k = 0; k < reviews; ++k) {
          PlanBacklogReview(day);
        }
      }
    }
    PlanTeam();
    HandTicketsOver();
    std::stable_sort(steps_.begin(), steps_.end(),
                     [](const Step& a, const Step& b) { return a.t < b.t; });
  }

  void Emit(absl::FunctionRef<void(const ShopEvent&)> sink) {
    ShopEvent ev;
    for (const Step& s : steps_) {
      switch (s.kind) {
        case kOrderKind: MakeOrderEvent(s, ev); break;
        case kTicketKind: MakeTicketEvent(s, ev); break;
        case kReviewKind: MakeReviewEvent(s, ev); break;
        case kBuyerKind: MakeBuyerMessage(s, ev); break;
        case kTeamKind: MakeTeamEvent(s, ev); break;
        default: MakeReply(s, ev); break;
      }
      sink(ev);
    }
  }

 private:
  static constexpr int kBacklogDays = 5;

  // --------------------------------------------------------------- time
  static int64_t Tod(int64_t t) { return ((t % kDay) + kDay) % kDay; }
  static int64_t DayStart(int64_t t) { return t - Tod(t); }
  static int64_t EndOfDay(int64_t t) { return DayStart(t) + kDay; }
  int64_t Later(int64_t t, int64_t lo, int64_t hi) { return t + rng_.Range(lo, hi); }
  // `t`, or the next moment agents are at work (09:00-21:00).
  int64_t Work(int64_t t) {
    const int64_t tod = Tod(t);
    if (tod < 9 * kHour) return DayStart(t) + 9 * kHour + rng_.Range(0, 90 * kMinute);
    if (tod >= 21 * kHour) return DayStart(t) + kDay + 9 * kHour + rng_.Range(0, 90 * kMinute);
    return t;
  }
  // The evening shipping run after `t` (orders checked after 16:30 go the
  // next day).
  int64_t ShipRun(int64_t t) {
    const int64_t day = Tod(t) < 16 * kHour + 30 * kMinute ? DayStart(t) : DayStart(t) + kDay;
    return std::max(t + kMinute, day + 17 * kHour + rng_.Range(0, 120 * kMinute));
  }
  // Finance checks the account 10:00-17:00.
  int64_t FinanceTime(int64_t t) {
    const int64_t tod = Tod(t);
    if (tod < 10 * kHour) return DayStart(t) + 10 * kHour + rng_.Range(0, 3 * kHour);
    if (tod >= 16 * kHour) return DayStart(t) + kDay + 10 * kHour + rng_.Range(0, 3 * kHour);
    return t + rng_.Range(20 * kMinute, 60 * kMinute);
  }
  // A time in [from, until) of day start `day` local hours.
  int64_t At(int64_t day_start, int64_t from_h, int64_t until_h) {
    return day_start + rng_.Range(from_h * kHour, until_h * kHour - 1);
  }

  // --------------------------------------------------------------- steps
  template <class Plan>
  bool Add(Kind kind, uint32_t entity, Plan& plan, int64_t t, uint8_t op, uint16_t arg = 0) {
    if (t < 0 || t >= end_) return false;
    steps_.push_back(Step{t, entity, arg, static_cast<uint8_t>(kind), op, plan.n++});
    return true;
  }
  bool AddOrder(uint32_t id, int64_t t, OrderOp op, uint16_t arg = 0) {
    return Add(kOrderKind, id, orders_[id], t, op, arg);
  }
  bool AddTicket(uint32_t id, int64_t t, TicketOp op, uint16_t arg = 0) {
    return Add(kTicketKind, id, tickets_[id], t, op, arg);
  }
  bool AddReview(uint32_t id, int64_t t, ReviewOp op, uint16_t arg = 0) {
    return Add(kReviewKind, id, reviews_[id], t, op, arg);
  }
  void AddReply(int64_t t, uint32_t buyer, uint8_t agent) {
    if (t < 0 || t >= end_) return;
    ReplyPlan r;
    r.buyer = buyer;
    r.agent = agent;
    r.style = rng_.Chance(1, 5) ? ReplyPlan::kBad : ReplyPlan::kClean;
    r.text = static_cast<uint8_t>(rng_.Below(r.style == ReplyPlan::kBad ? kBadCount : kCleanCount));
    // PH-CALLBACK's replies draw from their own stream, so that adding them
    // left the rest of the week as it was.
    const uint64_t roll = callback_rng_.Below(100);
    AskFirst(t, buyer);
    if (roll < 4) {
      // A promise to answer by a definite time; four in five are kept.
      r.style = ReplyPlan::kPromise;
      r.text = static_cast<uint8_t>(callback_rng_.Below(kPromiseCount));
      PushReply(t, r);
      if (callback_rng_.Chance(4, 5)) {
        const int64_t answer =
            t + callback_rng_.Range(5 * kMinute, kPromiseMinutes[r.text] * kMinute - kMinute);
        r.style = ReplyPlan::kAnswer;
        if (answer < end_) PushReply(answer, r);
      }
      return;
    }
    if (roll == 4) {
      r.style = ReplyPlan::kVague;
      PushReply(t, r);
      return;
    }
    PushReply(t, r);
    if (roll == 5 && r.style == ReplyPlan::kClean) {
      // Found later to have been a wrong answer.
      r.style = ReplyPlan::kWrongAnswer;
      r.text = static_cast<uint8_t>(callback_rng_.Below(kWrongCount));
      const int64_t found = t + callback_rng_.Range(10 * kMinute, 2 * kHour);
      if (found < end_) PushReply(found, r);
    }
  }

  // The buyer's message the reply at `t` answers: most within the
  // platforms' 3 minutes, one in twelve later (up to 12 minutes), so that
  // some agents' days fall below the 90% target. From their
  // own stream and with their own ids ("ASK..."), so that adding them left
  // the rest of the week as it was.
  void AskFirst(int64_t t, uint32_t buyer) {
    const int64_t waited = buyer_rng_.Chance(1, 12) ? buyer_rng_.Range(3 * kMinute + 1, 12 * kMinute)
                                                   : buyer_rng_.Range(5, 170);
    const uint8_t text = static_cast<uint8_t>(buyer_rng_.Below(kBuyerAskCount));
    if (t - waited < 0) return;
    buyer_messages_.push_back({buyer, text});
    steps_.push_back(Step{t - waited, static_cast<uint32_t>(buyer_messages_.size() - 1), 0,
                          kBuyerKind, 0, 0});
  }

  void PushReply(int64_t t, const ReplyPlan& r) {
    replies_.push_back(r);
    steps_.push_back(
        Step{t, static_cast<uint32_t>(replies_.size() - 1), 0, kReplyKind, 0, 0});
  }

  uint8_t RandomAgent() { return static_cast<uint8_t>(rng_.Below(kAgentCount)); }

  // --------------------------------------------------------------- team
  // The team's week, from its own stream (team_rng_) and with its own ids
  // ("TEAM..."), so that adding it left the rest of the week as it was.
  // Every day two agents work the early shift (one on 旺旺 and 商城, one on
  // 53客服), one the middle shift and one the late shift Tuesday to Friday
  // (the middle shift on the other days: 21:00-24:00 goes unstaffed then,
  // SH-COVERAGE's gaps). They arrive 10-15 minutes early, one shift in ten
  // late; half the shifts have a break, one in five without a handover.
  // On the second day an agent swaps the third day's early shift with the
  // middle agent, approved by the supervisor; on the fifth an agent asks
  // to swap without approval (refused by SH-HANDOVER). Reports upward on
  // the first, third, fifth and sixth days; two exams on the fourth; on the
  // last evening the supervisor scores each agent's judged parts for the
  // month, and an agent tries to score a colleague (refused by FB-ROLES).
  // A ticket registered by an agent taking over a shift is the outgoing
  // agent's (HandTicketsOver).
  void PlanTeam() {
    const int days = o_.days;
    const absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
    const absl::CivilDay first = absl::ToCivilDay(o_.start, zone);
    // Who works which shift on each day, before and after the swap.
    std::vector<std::array<uint8_t, 4>> roster(static_cast<size_t>(days));
    for (int d = 0; d < days; ++d) {
      for (int k = 0; k < 4; ++k) roster[d][k] = static_cast<uint8_t>((d + k) % kAgentCount);
    }
    const bool swap = days >= 3;
    if (swap) {
      std::swap(roster[2][0], roster[2][2]);
      TeamPlan p;
      p.type = TeamPlan::kSwap;
      p.agent = roster[2][2];  // the early agent before the swap
      p.other = roster[2][0];
      p.shift = 0;
      p.day = 2;
      p.flag = true;
      AddTeam(kDay + 15 * kHour + team_rng_.Range(0, 30 * kMinute), p);
    }
    for (int d = 0; d < days; ++d) {
      const int64_t start = int64_t{d} * kDay;
      const absl::Weekday wd = absl::GetWeekday(first + d);
      const bool late_runs = wd == absl::Weekday::tuesday || wd == absl::Weekday::wednesday ||
                             wd == absl::Weekday::thursday || wd == absl::Weekday::friday;
      for (int k = 0; k < 4; ++k) {
        const uint8_t agent = roster[d][k];
        const int shift = k < 2 ? 0 : (k == 2 || !late_runs ? 1 : 2);
        const uint8_t channels = k == 0 ? 0 : (k == 1 ? 1 : 2);
        const int64_t begin = start + kShiftStartMin[shift] * kMinute;
        const int64_t end = start + kShiftEndMin[shift] * kMinute;
        TeamPlan p;
        p.agent = agent;
        p.shift = static_cast<int8_t>(shift);
        p.channels = channels;
        const int64_t arrive = team_rng_.Chance(1, 10)
                                   ? begin + team_rng_.Range(kMinute, 20 * kMinute)
                                   : begin - team_rng_.Range(10 * kMinute, 15 * kMinute);
        p.type = TeamPlan::kShiftStart;
        AddTeam(arrive, p);
        // SH-HANDOVER: the middle shift takes over from the early agent on
        // 旺旺 and 商城 (sharing more channels than the one on 53客服), the
        // late shift from the middle agent, between arriving and the start.
        if (shift > 0 && arrive < begin && arrive >= 0 && arrive < end_) {
          handovers_.push_back(Handover{arrive, begin, agent, roster[d][shift == 1 ? 0 : 2]});
        }
        if (team_rng_.Chance(1, 2)) {
          // A break in the shift's middle: lunch or dinner.
          const int64_t leave = begin + (end - begin) / 2 + team_rng_.Range(-kHour, kHour);
          const int64_t back = leave + team_rng_.Range(15 * kMinute, 40 * kMinute);
          TeamPlan b = p;
          b.type = TeamPlan::kSeatLeave;
          b.flag = !team_rng_.Chance(1, 5);
          b.other = roster[d][(k + 2) % 4];  // a colleague on another shift
          AddTeam(leave, b);
          b.type = TeamPlan::kSeatBack;
          AddTeam(back, b);
        }
        p.type = TeamPlan::kShiftEnd;
        AddTeam(end + team_rng_.Range(0, 10 * kMinute), p);
      }
      if (d == 4 && days >= 6) {
        // Asked without the supervisor's approval: refused, nothing changes.
        TeamPlan p;
        p.type = TeamPlan::kSwap;
        p.agent = roster[5][0];
        p.other = roster[5][3];
        p.shift = 0;
        p.day = 5;
        p.flag = false;
        AddTeam(start + 13 * kHour + team_rng_.Range(0, kHour), p);
      }
      static constexpr int kReportDays[] = {0, 2, 4, 5};
      for (int i = 0; i < 4; ++i) {
        if (kReportDays[i] != d) continue;
        TeamPlan p;
        p.type = TeamPlan::kReport;
        p.agent = static_cast<uint8_t>(i % kAgentCount);
        p.value = static_cast<uint8_t>(i);
        p.text = static_cast<uint8_t>(i);
        AddTeam(start + 11 * kHour + team_rng_.Range(0, 4 * kHour), p);
      }
      if (d == std::min(3, days - 1)) {
        for (int i = 0; i < 2; ++i) {
          TeamPlan p;
          p.type = TeamPlan::kExam;
          p.agent = static_cast<uint8_t>(3 - i);  // 小陈 and 小张
          p.text = static_cast<uint8_t>(i);
          p.value = static_cast<uint8_t>(i == 0 ? team_rng_.Range(75, 95) : team_rng_.Range(45, 59));
          AddTeam(start + 16 * kHour + 30 * kMinute + i * 5 * kMinute, p);
        }
      }
      if (d == days - 1) {
        // The supervisor's monthly scoring, 21:30 on the last day.
        int64_t t = start + 21 * kHour + 30 * kMinute;
        for (uint8_t a = 0; a < kAgentCount; ++a) {
          for (const ScorePart part : kJudgedParts) {
            const int weight = ScoreCardPolicy().Weight(part);
            TeamPlan p;
            p.type = TeamPlan::kScore;
            p.agent = a;
            p.part = static_cast<uint8_t>(part);
            p.value = static_cast<uint8_t>(team_rng_.Range(weight * 6 / 10, weight));
            AddTeam(t, p);
            t += kMinute;
          }
        }
        TeamPlan p;  // an agent cannot change a colleague's score
        p.type = TeamPlan::kScore;
        p.agent = 1;
        p.part = static_cast<uint8_t>(ScorePart::kAttitude);
        p.value = 20;
        p.flag = true;
        AddTeam(t, p);
      }
    }
  }

  // A ticket registered by an agent while taking over a shift (strictly
  // after the arrival: a registration at the same time comes first) is the
  // agent handing over's, as the shop will judge (SH-HANDOVER): they act on
  // it, and a handoff goes to someone else than them.
  void HandTicketsOver() {
    for (TicketPlan& p : tickets_) {
      for (const Handover& h : handovers_) {
        if (h.incoming != p.registrar || p.registered_at <= h.from || p.registered_at >= h.to) {
          continue;
        }
        p.owner = h.outgoing;
        if (p.handoff_to == p.owner) p.handoff_to = p.registrar;
        break;
      }
    }
  }

  void AddTeam(int64_t t, const TeamPlan& p) {
    if (t < 0 || t >= end_) return;
    team_.push_back(p);
    steps_.push_back(Step{t, static_cast<uint32_t>(team_.size() - 1), 0, kTeamKind, 0, 0});
  }

  void MakeTeamEvent(const Step& s, ShopEvent& ev) const {
    const TeamPlan& p = team_[s.entity];
    ev.key = kAgents[p.agent];
    EventMeta meta;
    meta.id = absl::StrCat("TEAM", Pad(s.entity + 1, 6));
    meta.at = o_.start + absl::Seconds(s.t);
    meta.agent = kAgents[p.agent];
    switch (p.type) {
      case TeamPlan::kShiftStart:
        ev.event = TeamEvent(ShiftStarted{std::move(meta), kShiftNames[p.shift],
                                          kChannelSets[p.channels]});
        return;
      case TeamPlan::kShiftEnd:
        ev.event = TeamEvent(ShiftEnded{std::move(meta)});
        return;
      case TeamPlan::kSeatLeave:
        ev.event = TeamEvent(
            SeatLeft{std::move(meta), p.flag, p.flag ? kAgents[p.other] : std::string()});
        return;
      case TeamPlan::kSeatBack:
        ev.event = TeamEvent(SeatReturned{std::move(meta)});
        return;
      case TeamPlan::kSwap: {
        ShiftSwapped e;
        e.meta = std::move(meta);
        e.day = dates_[static_cast<size_t>(kBacklogDays + p.day)];
        e.day = absl::StrCat(e.day.substr(0, 4), "-", e.day.substr(4, 2), "-", e.day.substr(6, 2));
        e.shift = kShiftNames[p.shift];
        e.with = kAgents[p.other];
        if (p.flag) {
          e.approved_by = kSupervisor;
          e.approver_role = StaffRole::kSupervisor;
        }
        ev.event = TeamEvent(std::move(e));
        return;
      }
      case TeamPlan::kScore: {
        SupervisorScored e;
        e.meta = std::move(meta);
        e.meta.agent = p.flag ? kAgents[(p.agent + 1) % kAgentCount] : kSupervisor;
        e.part = static_cast<ScorePart>(p.part);
        e.score = p.value;
        e.role = p.flag ? StaffRole::kAgent : StaffRole::kSupervisor;
        ev.event = TeamEvent(std::move(e));
        return;
      }
      case TeamPlan::kExam:
        meta.agent = kSupervisor;  // the supervisor records the result
        ev.event = TeamEvent(ExamTaken{std::move(meta), p.value, kExamStages[p.text]});
        return;
      case TeamPlan::kReport:
        ev.event = TeamEvent(
            ReportedUpward{std::move(meta), kReportKinds[p.value], kReportSummaries[p.text]});
        return;
    }
  }

  // --------------------------------------------------------------- orders
  enum OrderSpecial {
    kNone, kVerifyEarly, kHoldForCustomer, kOosTomorrow, kOosOtherStyle, kOosCancel,
    kBuyerCancels, kNeverPaid, kSupplementPaid, kDuplicateSource, kSpecialCount,
  };

  uint32_t NewOrder(int day, int64_t placed) {
    OrderPlan p;
    p.serial = next_order_++;
    p.buyer = next_buyer_++;
    p.day = static_cast<int16_t>(DayStart(placed) / kDay);
    (void)day;
    p.agent = RandomAgent();
    p.region = static_cast<uint8_t>(rng_.Below(kRegionCount));
    p.addr = static_cast<uint32_t>(rng_.Below(1u << 30));
    p.courier = static_cast<uint8_t>(rng_.Below(3));
    p.nlines = rng_.Chance(1, 4) ? 2 : 1;
    p.product[0] = static_cast<uint8_t>(rng_.Below(kProductCount));
    p.product[1] = static_cast<uint8_t>((p.product[0] + 1 + rng_.Below(kProductCount - 1)) %
                                        kProductCount);
    p.qty[0] = static_cast<uint8_t>(rng_.Chance(1, 5) ? rng_.Range(2, 3) : 1);
    p.qty[1] = 1;
    p.other_product = static_cast<uint8_t>(
        (p.product[0] + 1 + rng_.Below(kProductCount - 1)) % kProductCount);
    p.postage = rng_.Chance(1, 2) ? 0 : static_cast<int32_t>(rng_.Range(5, 15) * 100);
    orders_.push_back(p);
    return static_cast<uint32_t>(orders_.size() - 1);
  }

  int64_t PlacementTime(int day) {
    const int64_t start = int64_t{day} * kDay;
    if (rng_.Chance(1, 10)) return start + rng_.Range(0, 8 * kHour - 1);
    return start + rng_.Range(8 * kHour, 23 * kHour + 30 * kMinute);
  }

  // Pre-sale chat: replies just before the order, while agents are online.
  void PresaleReplies(int64_t placed, uint32_t buyer, uint8_t agent) {
    if (!rng_.Chance(1, 2)) return;
    const int count = static_cast<int>(rng_.Range(1, 2));
    int64_t t = placed - rng_.Range(10 * kMinute, 40 * kMinute);
    for (int i = 0; i < count; ++i) {
      t += rng_.Range(kMinute, 4 * kMinute);
      if (Tod(t) >= 9 * kHour && t < placed) AddReply(t, buyer, agent);
    }
  }

  void PlanOrder(int day) {
    const int64_t placed = PlacementTime(day);
    const uint32_t id = NewOrder(day, placed);
    OrderPlan& p = orders_[id];
    // Channel and payment.
    static constexpr std::array<int, 3> kChannelWeights = {50, 35, 15};
    const size_t channel = rng_.Pick(kChannelWeights);
    p.channel = static_cast<uint8_t>(channel == 0   ? Channel::kTaobao
                                     : channel == 1 ? Channel::kTmall
                                                    : Channel::kWebsite);
    if (p.channel == static_cast<uint8_t>(Channel::kWebsite)) {
      static constexpr std::array<int, 4> kWebPay = {40, 25, 20, 15};
      const size_t pay = rng_.Pick(kWebPay);
      p.payment = static_cast<uint8_t>(pay == 0   ? PaymentMethod::kCashOnDelivery
                                       : pay == 1 ? PaymentMethod::kBankTransfer
                                       : pay == 2 ? PaymentMethod::kAlipayTransfer
                                                  : PaymentMethod::kOnlineBanking);
      p.paid_at_placement = p.payment != static_cast<uint8_t>(PaymentMethod::kCashOnDelivery) &&
                            rng_.Chance(2, 5);
    } else {
      p.payment = static_cast<uint8_t>(PaymentMethod::kPlatform);
      p.paid_at_placement = !rng_.Chance(1, 10);
    }
    // At most one special path per order.
    static constexpr std::array<int, kSpecialCount> kSpecialWeights = {
        820, 30, 20, 15, 10, 12, 20, 0, 25, 15};
    OrderSpecial special = static_cast<OrderSpecial>(rng_.Pick(kSpecialWeights));
    const bool platform = p.payment == static_cast<uint8_t>(PaymentMethod::kPlatform);
    if (platform && !p.paid_at_placement && rng_.Chance(1, 8)) special = kNeverPaid;
    if (special == kDuplicateSource && !(platform && p.paid_at_placement)) special = kNone;
    PresaleReplies(placed, p.buyer, p.agent);
    RunOrder(id, placed, special);
  }

  // The order's whole script from placement on.
  void RunOrder(uint32_t id, int64_t placed, OrderSpecial special) {
    if (!AddOrder(id, placed, kPlaced)) return;
    const PaymentMethod pay = static_cast<PaymentMethod>(orders_[id].payment);
    const Channel channel = static_cast<Channel>(orders_[id].channel);
    const bool finance = pay == PaymentMethod::kBankTransfer ||
                         pay == PaymentMethod::kAlipayTransfer ||
                         pay == PaymentMethod::kOnlineBanking;
    const bool cod = pay == PaymentMethod::kCashOnDelivery;
    bool paid = orders_[id].paid_at_placement;
    int64_t t = placed;
    // Payment (ORD-FIX on unpaid Taobao orders, ORD-FIN-CHECK for transfers).
    if (pay == PaymentMethod::kPlatform && !paid) {
      if (special == kNeverPaid) {
        AddOrder(id, Later(t, 20 * kHour, 30 * kHour), kCancelled, 0);
        return;
      }
      if (channel == Channel::kTaobao && rng_.Chance(1, 4)) {
        t = Work(Later(t, 3 * kMinute, 20 * kMinute));
        AddReply(t, orders_[id].buyer, orders_[id].agent);
        t += rng_.Range(kMinute, 5 * kMinute);
        orders_[id].postage_lowered = true;
        if (!AddOrder(id, t, kAdjustPostage)) return;
      }
      t = Later(t, 5 * kMinute, 90 * kMinute);
      if (!AddOrder(id, t, kPaid)) return;
      paid = true;
    }
    if (finance) {
      if (!paid) {
        t = Later(t, 10 * kMinute, 6 * kHour);
        if (!AddOrder(id, t, kPaid)) return;
        paid = true;
      }
      t = FinanceTime(t);
      if (!AddOrder(id, t, kFinanceConfirmed)) return;
    }
    // The order check (审单, F2): the six checks, special paths, check passed.
    t = Work(Later(t, 5 * kMinute, 60 * kMinute));
    if (special == kBuyerCancels) {
      const int checks = static_cast<int>(rng_.Range(1, 4));
      for (int i = 0; i < checks; ++i) {
        t += rng_.Range(20, 120);
        if (!AddOrder(id, t, kCheck, static_cast<uint16_t>(i))) return;
      }
      t = Later(t, 5 * kMinute, 60 * kMinute);
      AddReply(t, orders_[id].buyer, orders_[id].agent);
      t += rng_.Range(kMinute, 5 * kMinute);
      if (!AddOrder(id, t, kCancelled, 1)) return;
      if (paid) AddOrder(id, Later(t, 5 * kMinute, 30 * kMinute), kRefunded, 0);
      return;
    }
    // ORD-COD-REACH: the agent checks a cash-on-delivery order's courier,
    // and changes it a third of the time.
    if (cod) {
      t += rng_.Range(30, 300);
      if (!AddOrder(id, t, rng_.Chance(1, 3) ? kCourierChanged : kCourierConfirmed)) return;
    }
    for (int i = 0; i < kVerificationItemCount; ++i) {
      t += rng_.Range(20, 120);
      if (special == kVerifyEarly && i == kVerificationItemCount - 1) {
        // ORD-VERIFY refuses: the address is still unchecked.
        if (!AddOrder(id, t, kCheckPassed)) return;
        t += rng_.Range(60, 600);
      }
      if (!AddOrder(id, t, kCheck, static_cast<uint16_t>(i))) return;
    }
    if (special == kHoldForCustomer) {
      t += rng_.Range(60, 600);
      if (!AddOrder(id, t, kHoldPlaced)) return;
      t = Work(Later(t, kHour, 5 * kHour));
      AddReply(t, orders_[id].buyer, orders_[id].agent);
      t += rng_.Range(kMinute, 5 * kMinute);
      if (!AddOrder(id, t, kContacted,
                    OrderContactArg(ContactChannel::kIm, ContactResult::kReached))) {
        return;
      }
      t = Later(t, 5 * kMinute, 30 * kMinute);
      if (!AddOrder(id, t, kHoldReleased, 0)) return;
    }
    if (special == kSupplementPaid) {
      t += rng_.Range(60, 600);
      const bool plant = rng_.Chance(1, 3);
      if (plant) {  // ORD-POSTAGE-SUPP refuses without the ERP cost
        if (!AddOrder(id, t, kSupplement, 0)) return;
        t += rng_.Range(60, 600);
      }
      if (!AddOrder(id, t, kSupplement, 1)) return;
    }
    t += rng_.Range(30, 300);
    if (!AddOrder(id, t, kCheckPassed)) return;
    if (special == kDuplicateSource) {
      // The same buyer orders the same items again, to an address one
      // character apart, before this one ships.
      const int64_t again = Later(t, 20 * kMinute, 3 * kHour);
      if (again < end_) {
        const uint32_t dup = NewOrder(orders_[id].day, again);
        OrderPlan& b = orders_[dup];
        const OrderPlan& a = orders_[id];
        b.buyer = a.buyer;
        b.region = a.region;
        b.addr = a.addr;
        b.room_variant = 1;
        b.nlines = a.nlines;
        b.product[0] = a.product[0];
        b.product[1] = a.product[1];
        b.qty[0] = a.qty[0];
        b.qty[1] = a.qty[1];
        b.channel = a.channel;
        b.payment = a.payment;
        b.paid_at_placement = true;
        b.postage = a.postage;
        RunDuplicate(dup, again);
      }
    }
    // Shipping.
    int64_t ship = ShipRun(t);
    if (special == kOosTomorrow || special == kOosOtherStyle || special == kOosCancel) {
      const int64_t found = std::max(t + kMinute, ship - rng_.Range(30 * kMinute, 90 * kMinute));
      int64_t last = found;
      if (!OutOfStock(id, found, special, paid, &last)) return;
      ship = ShipRun(last);
    }
    ShipAndDeliver(id, ship, special == kSupplementPaid);
  }

  // ORD-OOS-NOTIFY. Returns false when the order ends here (cancelled or
  // past the end); *t is the last event's time.
  bool OutOfStock(uint32_t id, int64_t t, OrderSpecial special, bool paid, int64_t* out) {
    const Channel channel = static_cast<Channel>(orders_[id].channel);
    const uint32_t buyer = orders_[id].buyer;
    const uint8_t agent = orders_[id].agent;
    if (special == kOosTomorrow) {
      if (!AddOrder(id, t, kOutOfStock, static_cast<uint16_t>(StockArrival::kTomorrow))) {
        return false;
      }
      t = Later(t, 5 * kMinute, 40 * kMinute);
      AddReply(t, buyer, agent);
      t += rng_.Range(kMinute, 3 * kMinute);
      if (!AddOrder(id, t, kContacted,
                    OrderContactArg(ContactChannel::kIm, ContactResult::kReached))) {
        return false;
      }
      t = At(DayStart(t) + kDay, 10, 12);  // the stock arrived
      if (!AddOrder(id, t, kHoldReleased, 0)) return false;
      t += rng_.Range(5 * kMinute, 30 * kMinute);
      if (!AddOrder(id, t, kCheckPassed)) return false;
      *out = t;
      return true;
    }
    if (!AddOrder(id, t, kOutOfStock, static_cast<uint16_t>(StockArrival::kUncertain))) {
      return false;
    }
    t = Later(t, 5 * kMinute, 30 * kMinute);
    if (rng_.Chance(1, 2)) {  // the call does not get through: red basket
      if (!AddOrder(id, t, kContacted,
                    OrderContactArg(ContactChannel::kPhone, ContactResult::kUnreachable))) {
        return false;
      }
      t = Work(Later(t, 2 * kHour, 16 * kHour));  // the next shift takes it first
    }
    if (special == kOosCancel && channel == Channel::kTmall && paid && rng_.Chance(1, 2)) {
      // ORD-MALL-COMP refuses a refund before another style was offered.
      if (!AddOrder(id, t, kRefunded, 1)) return false;
      t += rng_.Range(2 * kMinute, 20 * kMinute);
    }
    if (special == kOosOtherStyle) {
      if (!AddOrder(id, t, kContacted,
                    OrderContactArg(ContactChannel::kPhone, ContactResult::kAcceptedOtherStyle))) {
        return false;
      }
      t += rng_.Range(2 * kMinute, 10 * kMinute);
      if (!AddOrder(id, t, kHoldReleased, 0)) return false;
      t += rng_.Range(kMinute, 5 * kMinute);
      if (!AddOrder(id, t, kAdjustProduct)) return false;
      t += rng_.Range(30, 300);
      if (!AddOrder(id, t, kCheck, static_cast<uint16_t>(VerificationItem::kProduct))) {
        return false;
      }
      t += rng_.Range(30, 300);
      if (!AddOrder(id, t, kCheckPassed)) return false;
      *out = t;
      return true;
    }
    // Declines another style: cancelled and, when paid, refunded.
    if (!AddOrder(id, t, kContacted,
                  OrderContactArg(ContactChannel::kPhone, ContactResult::kDeclinedOtherStyle))) {
      return false;
    }
    t += rng_.Range(2 * kMinute, 15 * kMinute);
    if (!AddOrder(id, t, kCancelled, 2)) return false;
    if (paid) AddOrder(id, Later(t, 5 * kMinute, 60 * kMinute), kRefunded, 2);
    return false;
  }

  // The look-alike order: held by ORD-DUP-SHIP, then cancelled or released.
  void RunDuplicate(uint32_t id, int64_t placed) {
    if (!AddOrder(id, placed, kPlaced)) return;
    int64_t t = Work(Later(placed, 5 * kMinute, 40 * kMinute));
    for (int i = 0; i < kVerificationItemCount; ++i) {
      t += rng_.Range(20, 120);
      if (!AddOrder(id, t, kCheck, static_cast<uint16_t>(i))) return;
    }
    t += rng_.Range(30, 300);
    if (!AddOrder(id, t, kCheckPassed)) return;  // held: likely duplicate
    t = Later(t, 10 * kMinute, 60 * kMinute);
    AddReply(t, orders_[id].buyer, orders_[id].agent);
    t += rng_.Range(kMinute, 10 * kMinute);
    if (rng_.Chance(1, 2)) {
      if (!AddOrder(id, t, kCancelled, 3)) return;
      AddOrder(id, Later(t, 5 * kMinute, 30 * kMinute), kRefunded, 0);
      return;
    }
    if (rng_.Chance(2, 5)) {  // released without the decision: refused
      if (!AddOrder(id, t, kHoldReleased, 0)) return;
      t += rng_.Range(kMinute, 10 * kMinute);
    }
    if (!AddOrder(id, t, kHoldReleased, 1)) return;
    t += rng_.Range(kMinute, 10 * kMinute);
    if (!AddOrder(id, t, kCheckPassed)) return;
    ShipAndDeliver(id, ShipRun(t), false);
  }

  void ShipAndDeliver(uint32_t id, int64_t ship, bool exception) {
    if (exception && rng_.Chance(1, 2)) {
      // ORD-EXCEPTION refuses the automatic mark; marked by hand next.
      if (!AddOrder(id, ship, kShipped, 0)) return;
      ship += rng_.Range(kMinute, 10 * kMinute);
    }
    if (!AddOrder(id, ship, kShipped, exception ? 1 : 0)) return;
    const OrderPlan& p = orders_[id];
    const bool website = p.channel == static_cast<uint8_t>(Channel::kWebsite);
    if (website && rng_.Chance(1, 8)) {
      int64_t t = Work(Later(ship, 2 * kHour, 20 * kHour));
      if (rng_.Chance(2, 5)) {  // ORD-INVOICE refuses the content
        if (!AddOrder(id, t, kInvoice, 0)) return;
        t += rng_.Range(5 * kMinute, 30 * kMinute);
      }
      if (!AddOrder(id, t, kInvoice, 1)) return;
    }
    const int64_t delivered = At(DayStart(ship) + rng_.Range(2, 4) * kDay, 9, 20);
    if (!AddOrder(id, delivered, kDelivered)) return;
    const int64_t done = At(DayStart(delivered) + rng_.Range(1, 4) * kDay, 8, 23);
    // After-sales and reviews of this order.
    if (rng_.Chance(6, 100)) {
      PlanTicket(OrderKey(orders_[id]), orders_[id].buyer, orders_[id].product[0],
                 orders_[id].qty[0], orders_[id].region,
                 static_cast<uint8_t>(orders_[id].channel),
                 Work(Later(delivered, 2 * kHour, 2 * kDay)));
    } else if (rng_.Chance(4, 100)) {
      PlanReview(OrderKey(orders_[id]), orders_[id].buyer, orders_[id].product[0],
                 Later(delivered, 4 * kHour, 2 * kDay));
    }
    AddOrder(id, done, kCompleted);
  }

  // ------------------------------------------------------------- tickets
  void PlanBacklogTicket(int day) {
    const uint32_t buyer = next_buyer_++;
    const int back = static_cast<int>(rng_.Range(2, kBacklogDays));
    const std::string order_id = absl::StrCat("TB", Date(day - back), Pad(900000 + backlog_++, 6));
    PlanTicket(order_id, buyer, static_cast<uint8_t>(rng_.Below(kProductCount)),
               static_cast<uint8_t>(rng_.Chance(1, 5) ? 2 : 1),
               static_cast<uint8_t>(rng_.Below(kRegionCount)), 0,
               At(int64_t{day} * kDay, 9, 19));
  }

  void PlanTicket(std::string order_id, uint32_t buyer, uint8_t product, uint8_t qty,
                  uint8_t region, uint8_t shop, int64_t t) {
    if (t >= end_) return;
    static constexpr std::array<int, kTicketScenarioCount> kWeights = {18, 12, 12, 8, 8, 10,
                                                                       8,  6,  4,  6, 8};
    TicketPlan p;
    p.serial = next_ticket_++;
    p.key = absl::StrCat("SH", Date(static_cast<int>(DayStart(t) / kDay)), Pad(p.serial, 5));
    p.order_id = std::move(order_id);
    p.buyer = buyer;
    p.scenario = static_cast<uint8_t>(rng_.Pick(kWeights));
    const bool quality = p.scenario == kQualityRefundOnly || p.scenario == kRepairSupplier ||
                         p.scenario == kQualityExchange;
    p.product = quality ? static_cast<uint8_t>(kProductCount - 1 - rng_.Below(kProblemProducts))
                        : product;
    p.qty = quality ? 1 : qty;
    // The capped in-province claim needs a customer in the shop's province;
    // the out-of-province ones one outside it.
    if (p.scenario == kExchangeInProvinceCapped) {
      region = kShopRegion;
    } else if (region == kShopRegion && (p.scenario == kExchangeOutOfProvinceBelowCap ||
                                         p.scenario == kQualityExchange ||
                                         p.scenario == kFreightCollect)) {
      region = static_cast<uint8_t>(1 + rng_.Below(kRegionCount - 1));
    }
    p.region = region;
    p.shop = shop;
    p.owner = RandomAgent();
    p.registrar = p.owner;
    p.unpacker = RandomAgent();
    p.handoff_to = static_cast<uint8_t>((p.owner + 1 + rng_.Below(kAgentCount - 1)) % kAgentCount);
    p.plant = rng_.Chance(1, 2);
    tickets_.push_back(std::move(p));
    const uint32_t id = static_cast<uint32_t>(tickets_.size() - 1);
    AddReply(t - rng_.Range(2 * kMinute, 10 * kMinute), buyer, tickets_[id].owner);
    RunTicket(id, t);
  }

  // The return leg: agreed, shipped (late or not, freight-collect or not),
  // received and checked. Returns false when the ticket ends before.
  bool ReturnLeg(uint32_t id, int64_t* tp, bool late, Packaging packaging) {
    int64_t t = Later(*tp, 5 * kMinute, 30 * kMinute);
    if (!AddTicket(id, t, kTReturnAgreed)) return false;
    t = late ? At(DayStart(t) + 3 * kDay, 9, 18) : Later(t, 3 * kHour, 30 * kHour);
    if (!AddTicket(id, t, kTReturnShipped, 0)) return false;
    t = At(DayStart(t) + rng_.Range(2, 3) * kDay, 9, 17);
    if (!AddTicket(id, t, kTParcelReceived)) return false;
    t += rng_.Range(10 * kMinute, 60 * kMinute);
    if (!AddTicket(id, t, kTPackaging, static_cast<uint16_t>(packaging))) return false;
    *tp = t;
    return true;
  }

  bool RefundAndClose(uint32_t id, int64_t t, uint16_t refund_arg) {
    t += rng_.Range(5 * kMinute, 40 * kMinute);
    if (!AddTicket(id, t, kTRefundSent, refund_arg)) return false;
    t = FinanceTime(t);
    if (!AddTicket(id, t, kTRefundPaid)) return false;
    t = Work(Later(t, 10 * kMinute, 3 * kHour));
    return AddTicket(id, t, kTClosed);
  }

  bool ReshipAndClose(uint32_t id, int64_t t) {
    t += rng_.Range(10 * kMinute, 2 * kHour);
    if (!AddTicket(id, t, kTReshipped)) return false;
    t = At(DayStart(t) + rng_.Range(2, 3) * kDay, 9, 20);  // the customer has it
    return AddTicket(id, t, kTClosed);
  }

  // Refund arguments: bit 0 quality fault, bit 1 exchange declined, bit 2
  // partial amount.
  void RunTicket(uint32_t id, int64_t t) {
    if (!AddTicket(id, t, kTRegistered)) return;
    tickets_[id].registered_at = t;
    const TicketPlan& p = tickets_[id];
    const bool plant = p.plant;
    switch (static_cast<TicketScenario>(p.scenario)) {
      case kReturnCustomerPays:
        if (!ReturnLeg(id, &t, false, Packaging::kIntact)) return;
        t += rng_.Range(5 * kMinute, 30 * kMinute);
        if (!AddTicket(id, t, kTResale, 1)) return;
        RefundAndClose(id, t, 0);
        return;
      case kExchangeInProvinceCapped:
        if (!ReturnLeg(id, &t, false, Packaging::kIntact)) return;
        t += rng_.Range(5 * kMinute, 30 * kMinute);
        if (!AddTicket(id, t, kTResale, 1)) return;
        if (plant) {  // AS-RECEIVE: the cash is not in the parcel yet
          t += rng_.Range(10 * kMinute, 60 * kMinute);
          if (!AddTicket(id, t, kTReshipped)) return;
        }
        t += rng_.Range(2 * kMinute, 10 * kMinute);
        if (!AddTicket(id, t, kTCash)) return;
        ReshipAndClose(id, t);
        return;
      case kExchangeOutOfProvinceBelowCap:
        if (!ReturnLeg(id, &t, false, Packaging::kIntact)) return;
        t += rng_.Range(5 * kMinute, 30 * kMinute);
        if (!AddTicket(id, t, kTResale, 1)) return;
        ReshipAndClose(id, t);
        return;
      case kFreightCollect: {
        t = Later(t, 5 * kMinute, 30 * kMinute);
        if (!AddTicket(id, t, kTReturnAgreed)) return;
        t = Later(t, 3 * kHour, 20 * kHour);
        if (!AddTicket(id, t, kTReturnShipped, 1)) return;  // refused: freight collect
        if (plant) {
          t = Work(Later(t, 30 * kMinute, 3 * kHour));
          AddTicket(id, t, kTRejected);
          return;
        }
        t = Later(t, 12 * kHour, 30 * kHour);  // sent again, prepaid
        if (!AddTicket(id, t, kTReturnShipped, 0)) return;
        t = At(DayStart(t) + rng_.Range(2, 3) * kDay, 9, 17);
        if (!AddTicket(id, t, kTParcelReceived)) return;
        t += rng_.Range(10 * kMinute, 60 * kMinute);
        if (!AddTicket(id, t, kTPackaging, 0)) return;
        t += rng_.Range(5 * kMinute, 30 * kMinute);
        if (!AddTicket(id, t, kTResale, 1)) return;
        RefundAndClose(id, t, 0);
        return;
      }
      case kLateReturn:
        if (!ReturnLeg(id, &t, true, Packaging::kIntact)) return;
        t += rng_.Range(5 * kMinute, 30 * kMinute);
        if (!AddTicket(id, t, kTResale, 1)) return;
        RefundAndClose(id, t, 0);
        return;
      case kQualityRefundOnly:
        if (plant) {  // AS-EVIDENCE: no photos yet
          t += rng_.Range(10 * kMinute, 60 * kMinute);
          if (!AddTicket(id, t, kTRefundSent, 1 | 4)) return;
        }
        t = Work(Later(t, 30 * kMinute, 6 * kHour));
        if (!AddTicket(id, t, kTEvidence)) return;
        RefundAndClose(id, t, 1 | 4);
        return;
      case kPreferExchange:
        if (!ReturnLeg(id, &t, false, Packaging::kDamaged)) return;
        t += rng_.Range(5 * kMinute, 30 * kMinute);
        if (!AddTicket(id, t, kTResale, 2)) return;  // damaged, supplier won't take it
        t += rng_.Range(10 * kMinute, 60 * kMinute);
        if (!AddTicket(id, t, kTRefundSent, 0)) return;  // refused: exchange first
        t = Work(Later(t, 30 * kMinute, 4 * kHour));
        AddReply(t, p.buyer, p.unpacker);
        RefundAndClose(id, t, 2);
        return;
      case kRepairSupplier:
        if (!ReturnLeg(id, &t, false, Packaging::kIntact)) return;
        if (plant) {  // AS-REGISTER: a fault without its QC stamp
          t += rng_.Range(10 * kMinute, 60 * kMinute);
          if (!AddTicket(id, t, kTTested, 0)) return;
        }
        t += rng_.Range(10 * kMinute, 60 * kMinute);
        if (!AddTicket(id, t, kTTested, 1)) return;
        t += rng_.Range(10 * kMinute, 60 * kMinute);
        if (!AddTicket(id, t, kTSupplierRequested)) return;
        t = At(DayStart(t) + rng_.Range(1, 2) * kDay, 9, 17);
        if (!AddTicket(id, t, kTSupplierReceived)) return;
        ReshipAndClose(id, t);
        return;
      case kLonePostageRefund:
        return;  // AS-REGISTER refuses: the postage is refunded directly
      case kHandoffRefundOnly:
        t = Work(Later(t, kHour, 4 * kHour));
        if (!AddTicket(id, t, kTHandedOff)) return;
        t = Work(Later(t, 30 * kMinute, 3 * kHour));
        RefundAndClose(id, t, 4);
        return;
      case kQualityExchange:
        if (!ReturnLeg(id, &t, false, plant ? Packaging::kMissing : Packaging::kIntact)) return;
        t += rng_.Range(10 * kMinute, 60 * kMinute);
        if (!AddTicket(id, t, kTTested, 1)) return;
        ReshipAndClose(id, t);
        return;
      default:
        return;
    }
  }

  // ------------------------------------------------------------- reviews
  void PlanBacklogReview(int day) {
    const uint32_t buyer = next_buyer_++;
    const int back = static_cast<int>(rng_.Range(3, kBacklogDays));
    const std::string order_id = absl::StrCat("TM", Date(day - back), Pad(900000 + backlog_++, 6));
    PlanReview(order_id, buyer, static_cast<uint8_t>(rng_.Below(kProductCount)),
               At(int64_t{day} * kDay, 7, 20));
  }

  enum ReviewScenario {
    kChatAgrees, kPhoneAgrees, kRemedyAccepted, kRefusesSchedule, kNegativeOverLimit,
    kNeutralCallLimit, kRemedyDeclined, kReviewScenarioCount,
  };

  // Tracks RV-CONTACT-LIMIT as the machine counts it.
  struct ContactCount {
    ReviewRating rating;
    int counted = 0;
    bool Counts(ReviewChannel c) const {
      return rating == ReviewRating::kNegative || c == ReviewChannel::kPhone;
    }
    bool Allows(ReviewChannel c) const { return !Counts(c) || counted < Limit(); }
    int Limit() const { return rating == ReviewRating::kNegative ? 3 : 2; }
    void Record(ReviewChannel c) {
      if (Counts(c)) ++counted;
    }
  };

  bool Contact(uint32_t id, int64_t t, ContactCount& cc, ReviewChannel channel,
               ReviewContactResult result, bool override_limit = false) {
    if (!AddReview(id, t, kRContact, ContactArg(channel, result, override_limit))) return false;
    if (cc.Allows(channel) || override_limit) cc.Record(channel);
    if (channel == ReviewChannel::kChat) {
      AddReply(t + rng_.Range(10, 60), reviews_[id].buyer, reviews_[id].agent);
    }
    return true;
  }

  // RV-PROMISE: the buyer agreed at `t`; revised the same day, or the host's
  // day_ended tick finds it not revised and an SMS reminder goes out.
  void PromiseThenRevise(uint32_t id, int64_t t, ContactCount& cc) {
    const int64_t eod = EndOfDay(t);
    if (rng_.Chance(1, 2) && eod - t > 40 * kMinute) {
      AddReview(id, t + rng_.Range(30 * kMinute, std::min<int64_t>(5 * kHour, eod - t - 1)),
                kRRevisionObserved);
      return;
    }
    if (!AddReview(id, eod, kRDayEnded)) return;
    int64_t next = eod + 10 * kHour + rng_.Range(0, 40 * kMinute);
    if (cc.Allows(ReviewChannel::kSms)) {
      if (!Contact(id, next, cc, ReviewChannel::kSms, ReviewContactResult::kTalked)) return;
    }
    if (rng_.Chance(2, 3)) AddReview(id, At(DayStart(next), 13, 22), kRRevisionObserved);
  }

  void PlanReview(std::string order_id, uint32_t buyer, uint8_t product, int64_t t) {
    if (t >= end_) return;
    ReviewPlan p;
    const uint32_t serial = next_review_++;
    p.key = absl::StrCat("PJ", Date(static_cast<int>(DayStart(t) / kDay)), Pad(serial, 5));
    p.order_id = std::move(order_id);
    p.buyer = buyer;
    p.product = product;
    p.rating = static_cast<uint8_t>(rng_.Chance(2, 5) ? ReviewRating::kNeutral
                                                      : ReviewRating::kNegative);
    p.complaint = static_cast<uint8_t>(rng_.Below(kComplaintCount));
    p.difficult = rng_.Chance(1, 20);
    // RV-DAILY: the agent on duty that day takes the day's reviews.
    p.agent = static_cast<uint8_t>((DayStart(Work(t)) / kDay) % kAgentCount);
    reviews_.push_back(std::move(p));
    const uint32_t id = static_cast<uint32_t>(reviews_.size() - 1);
    static constexpr std::array<int, kReviewScenarioCount> kWeights = {25, 20, 15, 15, 10, 8, 7};
    ReviewScenario scenario = static_cast<ReviewScenario>(rng_.Pick(kWeights));
    const ReviewRating rating = static_cast<ReviewRating>(reviews_[id].rating);
    if (scenario == kNegativeOverLimit && rating != ReviewRating::kNegative) {
      scenario = kNeutralCallLimit;
    } else if (scenario == kNeutralCallLimit && rating != ReviewRating::kNeutral) {
      scenario = kNegativeOverLimit;
    }
    ContactCount cc{rating};
    if (!AddReview(id, t, kRReceived)) return;
    t = Work(Later(t, 10 * kMinute, 2 * kHour));
    if (!AddReview(id, t, kRAssigned)) return;
    t = Later(t, 5 * kMinute, 60 * kMinute);
    switch (scenario) {
      case kChatAgrees:
        if (!Contact(id, t, cc, ReviewChannel::kChat, ReviewContactResult::kAgreedToRevise)) return;
        PromiseThenRevise(id, t, cc);
        return;
      case kPhoneAgrees:
        if (!Contact(id, t, cc, ReviewChannel::kPhone, ReviewContactResult::kAgreedToRevise)) {
          return;
        }
        PromiseThenRevise(id, t, cc);
        return;
      case kRemedyAccepted:
      case kRemedyDeclined: {
        if (!Contact(id, t, cc, ReviewChannel::kChat, ReviewContactResult::kTalked)) return;
        const bool high = kProducts[reviews_[id].product].price_fen >= 3000 ||
                          reviews_[id].difficult;
        t += rng_.Range(2 * kMinute, 10 * kMinute);
        if (rng_.Chance(1, 3)) {  // RV-REMEDY refuses the wrong remedy first
          if (!AddReview(id, t, kRRemedyOffered, high ? 0 : 2)) return;
          t += rng_.Range(kMinute, 5 * kMinute);
        }
        // 0 partial refund, 1 gift, 2 return, 3 exchange.
        const uint16_t remedy = high ? 3 : static_cast<uint16_t>(rng_.Chance(2, 3) ? 0 : 1);
        if (!AddReview(id, t, kRRemedyOffered, remedy)) return;
        t = Later(t, 10 * kMinute, 3 * kHour);
        if (scenario == kRemedyAccepted) {
          if (!AddReview(id, t, kRRemedyAccepted)) return;
          PromiseThenRevise(id, t, cc);
          return;
        }
        if (!AddReview(id, t, kRRemedyDeclined)) return;
        // RV-SCHEDULE: the day-1 call is due now; the buyer comes round.
        t = Work(Later(t, 20 * kMinute, 2 * kHour));
        if (!Contact(id, t, cc, ReviewChannel::kPhone, ReviewContactResult::kAgreedToRevise)) {
          return;
        }
        PromiseThenRevise(id, t, cc);
        return;
      }
      case kRefusesSchedule: {
        // Refuses on the call (day 1), SMS on day 2 and day 3, then the
        // host's tick closes it unresolved.
        if (!Contact(id, t, cc, ReviewChannel::kPhone, ReviewContactResult::kRefused)) return;
        int64_t last = t;
        for (int day = 2; day <= 3; ++day) {
          if (!cc.Allows(ReviewChannel::kSms)) break;
          last = DayStart(t) + (day - 1) * kDay + 10 * kHour + rng_.Range(0, 30 * kMinute);
          if (!Contact(id, last, cc, ReviewChannel::kSms, ReviewContactResult::kTalked)) return;
        }
        AddReview(id, EndOfDay(last), kRDayEnded);
        return;
      }
      case kNegativeOverLimit: {
        if (!Contact(id, t, cc, ReviewChannel::kPhone, ReviewContactResult::kUnreachable)) return;
        t = Work(Later(t, 2 * kHour, 5 * kHour));
        if (!Contact(id, t, cc, ReviewChannel::kPhone, ReviewContactResult::kUnreachable)) return;
        t = At(DayStart(t) + kDay, 10, 16);
        if (!Contact(id, t, cc, ReviewChannel::kChat, ReviewContactResult::kTalked)) return;
        t += rng_.Range(30 * kMinute, 2 * kHour);
        // A fourth contact: RV-CONTACT-LIMIT refuses.
        if (!Contact(id, t, cc, ReviewChannel::kPhone, ReviewContactResult::kTalked)) return;
        t += rng_.Range(10 * kMinute, 60 * kMinute);
        if (rng_.Chance(1, 2)) {
          AddReview(id, t, kRClosed);
          return;
        }
        if (!Contact(id, t, cc, ReviewChannel::kPhone, ReviewContactResult::kAgreedToRevise,
                     /*override_limit=*/true)) {
          return;
        }
        PromiseThenRevise(id, t, cc);
        return;
      }
      case kNeutralCallLimit: {
        if (!Contact(id, t, cc, ReviewChannel::kPhone, ReviewContactResult::kUnreachable)) return;
        t = At(DayStart(t) + kDay, 10, 16);
        if (!Contact(id, t, cc, ReviewChannel::kPhone, ReviewContactResult::kUnreachable)) return;
        t += rng_.Range(2 * kHour, 4 * kHour);
        // A third call: RV-CONTACT-LIMIT refuses; an SMS (not counted) instead.
        if (!Contact(id, t, cc, ReviewChannel::kPhone, ReviewContactResult::kTalked)) return;
        t += rng_.Range(5 * kMinute, 20 * kMinute);
        if (!Contact(id, t, cc, ReviewChannel::kSms, ReviewContactResult::kTalked)) return;
        t = Work(Later(t, kHour, 6 * kHour));
        if (!AddReview(id, t, kRRevisionAgreed)) return;
        PromiseThenRevise(id, t, cc);
        return;
      }
      default:
        return;
    }
  }

  // ------------------------------------------------------------- events
  std::string Date(int day) const {
    return dates_[static_cast<size_t>(std::clamp(day + kBacklogDays, 0,
                                                 static_cast<int>(dates_.size()) - 1))];
  }
  std::string OrderKey(const OrderPlan& p) const {
    static constexpr const char* kPrefix[] = {"TB", "TM", "WS", "PH"};
    return absl::StrCat(kPrefix[p.channel], Date(p.day), Pad(p.serial, 6));
  }
  static std::string BuyerIm(uint32_t b) {
    return absl::StrCat(kBuyerStems[b % (sizeof(kBuyerStems) / sizeof(kBuyerStems[0]))], b + 1);
  }
  static std::string BuyerPhone(uint32_t b) {
    return absl::StrCat(kPhonePrefixes[b % 6], Pad(10000000 + b / 6 % 90000000, 8));
  }
  static Address MakeAddress(const OrderPlan& p) {
    const Region& r = kRegions[p.region];
    uint32_t a = p.addr;
    Address out;
    out.province = r.province;
    out.city = r.city;
    out.district = r.districts[a % 3];
    a /= 3;
    const char* road = kRoads[a % 8];
    a /= 8;
    const uint32_t number = 1 + a % 899;
    a /= 899;
    const uint32_t building = 1 + a % 20;
    a /= 20;
    const uint32_t floor = 1 + a % 18;
    a /= 18;
    uint32_t unit = 1 + a % 6;
    if (p.room_variant != 0) unit = unit % 6 + 1;  // one character apart
    out.detail = absl::StrCat(road, number, "号", building, "幢", floor * 100 + unit, "室");
    return out;
  }
  // The postage after ORD-FIX lowered it by 5 yuan.
  static int32_t LoweredPostage(const OrderPlan& p) {
    return std::max<int32_t>(0, p.postage - 500);
  }

  static Money Goods(const OrderPlan& p) {
    int64_t fen = 0;
    for (int i = 0; i < p.nlines; ++i) fen += kProducts[p.product[i]].price_fen * p.qty[i];
    return Money::Fen(fen);
  }

  static EventMeta Meta(const std::string& key, uint16_t n, int64_t t, Timestamp start,
                        std::string agent) {
    EventMeta m;
    m.id = absl::StrCat(key, ".", n);
    m.at = start + absl::Seconds(t);
    m.agent = std::move(agent);
    return m;
  }

  void MakeOrderEvent(const Step& s, ShopEvent& ev) const {
    const OrderPlan& p = orders_[s.entity];
    ev.key = OrderKey(p);
    const std::string agent = kAgents[p.agent];
    auto meta = [&](std::string who) { return Meta(ev.key, s.n, s.t, o_.start, std::move(who)); };
    switch (static_cast<OrderOp>(s.op)) {
      case kPlaced: {
        OrderPlaced e;
        e.meta = meta("");
        e.channel = static_cast<Channel>(p.channel);
        e.buyer = Buyer{BuyerIm(p.buyer), BuyerPhone(p.buyer)};
        for (int i = 0; i < p.nlines; ++i) {
          e.lines.push_back(OrderLine{kProducts[p.product[i]].name, p.qty[i],
                                      Money::Fen(kProducts[p.product[i]].price_fen), false});
        }
        e.postage = Money::Fen(p.postage);
        e.payment = static_cast<PaymentMethod>(p.payment);
        e.paid = p.paid_at_placement;
        e.address = MakeAddress(p);
        const bool cod = e.payment == PaymentMethod::kCashOnDelivery;
        e.courier = kCouriers[cod ? kCodCourier : p.courier];
        if (cod) e.notes = "货到付款";
        ev.event = OrderEvent(std::move(e));
        return;
      }
      case kPaid: {
        PaymentReceived e;
        e.meta = meta("");
        ev.event = OrderEvent(std::move(e));
        return;
      }
      case kFinanceConfirmed:
        ev.event = OrderEvent(FinanceConfirmed{meta(kFinance)});
        return;
      case kCheck:
        ev.event = OrderEvent(CheckRecorded{meta(agent), static_cast<VerificationItem>(s.arg)});
        return;
      case kCheckPassed:
        ev.event = OrderEvent(CheckPassed{meta(agent)});
        return;
      case kHoldPlaced:
        ev.event = OrderEvent(HoldPlaced{meta(agent), "等客户确认颜色"});
        return;
      case kHoldReleased: {
        HoldReleased e;
        e.meta = meta(agent);
        e.confirmed_not_duplicate = s.arg == 1;
        e.note = s.arg == 1 ? "已与买家确认，两个订单都要" : "";
        ev.event = OrderEvent(std::move(e));
        return;
      }
      case kOutOfStock:
        ev.event = OrderEvent(OutOfStockReported{meta(agent), kProducts[p.product[0]].name,
                                                 static_cast<StockArrival>(s.arg)});
        return;
      case kContacted:
        ev.event = OrderEvent(CustomerContacted{meta(agent),
                                                static_cast<ContactChannel>(s.arg & 3),
                                                static_cast<ContactResult>(s.arg >> 2)});
        return;
      case kCourierChanged:
        ev.event = OrderEvent(CourierChanged{meta(agent), "邮政EMS"});
        return;
      case kCourierConfirmed:
        ev.event = OrderEvent(CourierConfirmed{meta(agent), "代收货款已核实"});
        return;
      case kAdjustPostage: {
        OrderAdjusted e;
        e.meta = meta(agent);
        e.postage = Money::Fen(LoweredPostage(p));
        e.agreed_via = ContactChannel::kIm;
        ev.event = OrderEvent(std::move(e));
        return;
      }
      case kAdjustProduct: {
        OrderAdjusted e;
        e.meta = meta(agent);
        e.line = 0;
        e.product = kProducts[p.other_product].name;  // same price (ORD-FIX)
        e.agreed_via = ContactChannel::kPhone;
        ev.event = OrderEvent(std::move(e));
        return;
      }
      case kSupplement: {
        PostageSupplemented e;
        e.meta = meta(agent);
        e.amount = Money::Fen(1000);
        if (s.arg == 1) e.erp_cost = Money::Fen(800);
        ev.event = OrderEvent(std::move(e));
        return;
      }
      case kShipped: {
        MarkedShipped e;
        e.meta = meta(agent);
        e.manual = s.arg == 1;
        const bool cod = p.payment == static_cast<uint8_t>(PaymentMethod::kCashOnDelivery);
        e.tracking_number = absl::StrCat(kTrackPrefixes[cod ? kCodCourier : p.courier],
                                         Pad(uint64_t{p.serial} * 7 + 1000000000ULL, 10));
        ev.event = OrderEvent(std::move(e));
        return;
      }
      case kDelivered:
        ev.event = OrderEvent(Delivered{meta("")});
        return;
      case kCompleted:
        ev.event = OrderEvent(Completed{meta("")});
        return;
      case kCancelled: {
        static constexpr const char* kReasons[] = {"超时未付款，交易关闭", "买家申请取消",
                                                   "缺货，买家不要其他款式",
                                                   "重复下单，已与买家确认"};
        Cancelled e;
        e.meta = meta(s.arg == 0 ? "" : agent);
        e.reason = kReasons[s.arg];
        ev.event = OrderEvent(std::move(e));
        return;
      }
      case kRefunded: {
        Refunded e;
        e.meta = meta(agent);
        // What the buyer paid, never more (the machine refuses more): the
        // goods and the postage, lowered when the plan lowers it.
        e.amount =
            Money::Fen(Goods(p).fen() + (p.postage_lowered ? LoweredPostage(p) : p.postage));
        e.reason = s.arg == 0 ? RefundReason::kOther : RefundReason::kOutOfStock;
        ev.event = OrderEvent(std::move(e));
        return;
      }
      case kInvoice: {
        InvoiceRequested e;
        e.meta = meta(agent);
        e.title = "杭州明远贸易有限公司";
        e.content = s.arg == 1 ? "配件" : "办公用品";
        ev.event = OrderEvent(std::move(e));
        return;
      }
    }
  }

  void MakeTicketEvent(const Step& s, ShopEvent& ev) const {
    const TicketPlan& p = tickets_[s.entity];
    ev.key = p.key;
    const auto scenario = static_cast<TicketScenario>(p.scenario);
    const std::string owner = kAgents[p.owner];
    const std::string registrar = kAgents[p.registrar];
    const std::string unpacker = kAgents[p.unpacker];
    // Who acts: the registering agent until the parcel is unpacked, the
    // unpacker after that (AS-OWNER), the new owner after a handoff.
    std::string actor = owner;
    switch (static_cast<TicketOp>(s.op)) {
      case kTPackaging: case kTTested: case kTResale: case kTSupplierRequested:
      case kTSupplierReceived: case kTCash: case kTReshipped:
        actor = unpacker;
        break;
      case kTRefundSent: case kTClosed: case kTEvidence:
        if (scenario == kHandoffRefundOnly) {
          actor = kAgents[p.handoff_to];
        } else if (scenario != kQualityRefundOnly) {
          actor = unpacker;  // after the return was unpacked
        }
        break;
      default:
        break;
    }
    auto meta = [&](std::string who) { return Meta(ev.key, s.n, s.t, o_.start, std::move(who)); };
    const int64_t price = kProducts[p.product].price_fen * p.qty;
    switch (static_cast<TicketOp>(s.op)) {
      case kTRegistered: {
        TicketRegistered e;
        e.meta = meta(registrar);
        e.order_id = p.order_id;
        e.kind = KindOf(scenario);
        e.category = CategoryOf(scenario);
        e.details = DetailsOf(scenario);
        e.lines.push_back(TicketLine{kProducts[p.product].name, p.qty});
        e.customer_province = kRegions[p.region].province;
        e.shop_province = kRegions[kShopRegion].province;
        e.shop = kShopNames[p.shop];
        e.buyer_im = BuyerIm(p.buyer);
        e.alipay_account = BuyerPhone(p.buyer);
        e.quality_claim = scenario == kQualityRefundOnly || scenario == kRepairSupplier ||
                          scenario == kQualityExchange;
        switch (scenario) {
          case kExchangeInProvinceCapped:
            e.return_postage = PostagePayer::kShop;
            e.reship_postage = PostagePayer::kShop;
            e.repayment = Repayment::kCashInParcel;
            e.repayment_amount = Money::Fen(800);
            break;
          case kExchangeOutOfProvinceBelowCap:
          case kQualityExchange:
          case kFreightCollect:
            e.return_postage = PostagePayer::kShop;
            e.reship_postage = PostagePayer::kShop;
            e.repayment = Repayment::kAlipayRefund;
            e.repayment_amount = Money::Fen(1000);
            break;
          case kRepairSupplier:
            e.return_postage = PostagePayer::kCustomer;
            e.reship_postage = PostagePayer::kShop;
            break;
          default:
            e.return_postage = PostagePayer::kCustomer;
            e.reship_postage = PostagePayer::kCustomer;
            break;
        }
        ev.event = TicketEvent(std::move(e));
        return;
      }
      case kTReturnAgreed:
        ev.event = TicketEvent(ReturnAgreed{meta(owner)});
        return;
      case kTReturnShipped: {
        ReturnShipped e;
        e.meta = meta("");  // the customer
        e.freight_collect = s.arg == 1;
        int64_t claimed = 1000;
        switch (scenario) {
          case kExchangeInProvinceCapped: claimed = 1200; break;        // above 8 yuan
          case kExchangeOutOfProvinceBelowCap: claimed = 700; break;    // below 10 yuan
          case kQualityExchange: claimed = 1500; break;                 // above 10 yuan
          case kFreightCollect: claimed = 1800; break;                  // above 10 yuan
          default: claimed = 800 + (p.serial % 5) * 100; break;
        }
        e.declared_postage = Money::Fen(claimed);
        e.tracking_number = absl::StrCat("YT", Pad(uint64_t{p.serial} * 13 + 3000000000ULL, 10));
        ev.event = TicketEvent(std::move(e));
        return;
      }
      case kTParcelReceived: {
        ParcelReceived e;
        e.meta = meta(unpacker);
        ev.event = TicketEvent(std::move(e));
        return;
      }
      case kTPackaging:
        ev.event = TicketEvent(PackagingChecked{meta(actor), static_cast<Packaging>(s.arg), true});
        return;
      case kTTested:
        ev.event = TicketEvent(
            ItemTested{meta(actor), true, s.arg == 1 ? absl::StrCat("QC", Pad(p.serial, 4)) : ""});
        return;
      case kTResale:
        ev.event = TicketEvent(ResaleDecided{meta(actor), s.arg == 1, s.arg == 1});
        return;
      case kTSupplierRequested:
        ev.event = TicketEvent(SupplierExchangeRequested{meta(actor)});
        return;
      case kTSupplierReceived:
        ev.event = TicketEvent(SupplierExchangeReceived{meta(actor)});
        return;
      case kTEvidence:
        ev.event = TicketEvent(EvidenceRecorded{meta(actor), true, false});
        return;
      case kTRefundSent: {
        RefundSentToFinance e;
        e.meta = meta(actor);
        e.amount = Money::Fen((s.arg & 4) != 0 ? std::max<int64_t>(100, price * 3 / 10 / 100 * 100)
                                               : price);
        e.quality_fault = (s.arg & 1) != 0;
        e.exchange_declined = (s.arg & 2) != 0;
        ev.event = TicketEvent(std::move(e));
        return;
      }
      case kTRefundPaid:
        ev.event = TicketEvent(RefundPaid{meta(kFinance)});
        return;
      case kTCash:
        ev.event = TicketEvent(CashPutInParcel{meta(actor), Money::Fen(800)});
        return;
      case kTReshipped:
        ev.event = TicketEvent(Reshipped{
            meta(actor), absl::StrCat("SF", Pad(uint64_t{p.serial} * 17 + 5000000000ULL, 10))});
        return;
      case kTHandedOff:
        ev.event = TicketEvent(HandedOff{meta(owner), kAgents[p.handoff_to], "客户要求换人跟进"});
        return;
      case kTClosed:
        ev.event = TicketEvent(TicketClosed{meta(actor), "已处理完毕"});
        return;
      case kTRejected:
        ev.event = TicketEvent(TicketRejected{meta(actor), "到付件拒收，客户未改为寄付"});
        return;
    }
  }

  static TicketKind KindOf(TicketScenario s) {
    switch (s) {
      case kExchangeInProvinceCapped:
      case kExchangeOutOfProvinceBelowCap:
      case kQualityExchange:
        return TicketKind::kExchange;
      case kRepairSupplier:
        return TicketKind::kRepair;
      case kQualityRefundOnly:
      case kHandoffRefundOnly:
        return TicketKind::kRefundOnly;
      case kLonePostageRefund:
        return TicketKind::kPostageRefund;
      default:
        return TicketKind::kReturnRefund;
    }
  }
  static const char* CategoryOf(TicketScenario s) {
    switch (s) {
      case kExchangeInProvinceCapped:
      case kExchangeOutOfProvinceBelowCap:
        return "换货";
      case kQualityExchange:
      case kQualityRefundOnly:
        return "质量问题";
      case kRepairSupplier:
        return "返修";
      case kLonePostageRefund:
        return "退邮费";
      case kHandoffRefundOnly:
        return "少发漏发";
      default:
        return "退货退款";
    }
  }
  static const char* DetailsOf(TicketScenario s) {
    switch (s) {
      case kExchangeInProvinceCapped: return "尺码偏小，换大一号，来回邮费本店承担";
      case kExchangeOutOfProvinceBelowCap: return "颜色发错，换成黑色，寄回邮费本店报销";
      case kQualityExchange: return "收到后无法开机，换新";
      case kQualityRefundOnly: return "使用三天出现故障，客户要求部分退款";
      case kRepairSupplier: return "充电接口松动，寄回返修";
      case kLonePostageRefund: return "客户要求退还多付的邮费";
      case kHandoffRefundOnly: return "少发一个配件，退差价";
      case kFreightCollect: return "七天无理由退货，运费本店承担";
      case kLateReturn: return "七天无理由退货";
      case kPreferExchange: return "客户要求退货退款";
      default: return "七天无理由退货，邮费客户承担";
    }
  }

  void MakeReviewEvent(const Step& s, ShopEvent& ev) const {
    const ReviewPlan& p = reviews_[s.entity];
    ev.key = p.key;
    const std::string agent = kAgents[p.agent];
    auto meta = [&](std::string who) { return Meta(ev.key, s.n, s.t, o_.start, std::move(who)); };
    switch (static_cast<ReviewOp>(s.op)) {
      case kRReceived: {
        ReviewReceived e;
        e.meta = meta("");
        e.order_id = p.order_id;
        e.product = kProducts[p.product].name;
        e.rating = static_cast<ReviewRating>(p.rating);
        e.complaint = kComplaints[p.complaint];
        e.item_price = Money::Fen(kProducts[p.product].price_fen);
        e.buyer = BuyerIm(p.buyer);
        e.buyer_phone = BuyerPhone(p.buyer);
        e.buyer_difficult = p.difficult;
        ev.event = ReviewEvent(std::move(e));
        return;
      }
      case kRAssigned:
        ev.event = ReviewEvent(ReviewAssigned{meta(kSupervisor), agent});
        return;
      case kRContact: {
        ContactAttempted e;
        const bool override_limit = (s.arg >> 4) & 1;
        e.meta = meta(override_limit ? kSupervisor : agent);
        e.channel = static_cast<ReviewChannel>(s.arg & 3);
        e.result = static_cast<ReviewContactResult>((s.arg >> 2) & 3);
        if (e.channel != ReviewChannel::kSms) {
          e.presence = e.channel == ReviewChannel::kChat ? BuyerPresence::kOnline
                                                         : BuyerPresence::kOffline;
        }
        if (override_limit) {
          e.override_limit = true;
          e.role = StaffRole::kSupervisor;
        }
        ev.event = ReviewEvent(std::move(e));
        return;
      }
      case kRRevisionAgreed:
        ev.event = ReviewEvent(RevisionAgreed{meta(agent)});
        return;
      case kRRevisionObserved:
        ev.event = ReviewEvent(RevisionObserved{meta(""), ReviewRating::kPositive});
        return;
      case kRRemedyOffered: {
        RemedyOffered e;
        e.meta = meta(agent);
        e.remedy = static_cast<Remedy>(s.arg);
        if (e.remedy == Remedy::kPartialRefund) {
          e.amount = Money::Fen(std::max<int64_t>(100, kProducts[p.product].price_fen / 3 / 100 * 100));
        }
        ev.event = ReviewEvent(std::move(e));
        return;
      }
      case kRRemedyAccepted:
        ev.event = ReviewEvent(RemedyAccepted{meta(agent)});
        return;
      case kRRemedyDeclined:
        ev.event = ReviewEvent(RemedyDeclined{meta(agent)});
        return;
      case kRDayEnded:
        ev.event = ReviewEvent(DayEnded{meta("")});
        return;
      case kRClosed:
        ev.event = ReviewEvent(ReviewClosed{meta(agent), "已达联系上限，停止联系"});
        return;
    }
  }

  void MakeReply(const Step& s, ShopEvent& ev) const {
    const ReplyPlan& r = replies_[s.entity];
    ev.key = BuyerIm(r.buyer);
    EventMeta meta;
    meta.id = absl::StrCat("MSG", Pad(s.entity + 1, 7));
    meta.at = o_.start + absl::Seconds(s.t);
    meta.agent = kAgents[r.agent];
    if (r.style == ReplyPlan::kWrongAnswer) {
      WrongAnswerFound w;
      w.meta = std::move(meta);
      w.meta.agent = kSupervisor;
      w.wrong = kWrongAnswers[r.text][0];
      w.correct = kWrongAnswers[r.text][1];
      w.answered_by = kAgents[r.agent];
      ev.event = ReplyEvent(std::move(w));
      return;
    }
    ReplyPosted e;
    e.meta = std::move(meta);
    switch (r.style) {
      case ReplyPlan::kBad: e.text = kBadReplies[r.text]; break;
      case ReplyPlan::kPromise: e.text = kPromiseReplies[r.text]; break;
      case ReplyPlan::kAnswer: e.text = kAnswerReplies[r.text]; break;
      case ReplyPlan::kVague: e.text = kVagueDeferral; break;
      default: e.text = kCleanReplies[r.text]; break;
    }
    ev.event = ReplyEvent(std::move(e));
  }

  void MakeBuyerMessage(const Step& s, ShopEvent& ev) const {
    const BuyerAsk& a = buyer_messages_[s.entity];
    ev.key = BuyerIm(a.buyer);
    BuyerMessaged e;
    e.meta.id = absl::StrCat("ASK", Pad(s.entity + 1, 7));
    e.meta.at = o_.start + absl::Seconds(s.t);
    e.text = kBuyerAsks[a.text];
    ev.event = ReplyEvent(std::move(e));
  }

  struct BuyerAsk {
    uint32_t buyer = 0;
    uint8_t text = 0;
  };

  const SampleOptions& o_;
  Rng rng_;
  Rng callback_rng_;
  Rng buyer_rng_;
  Rng team_rng_;
  std::vector<BuyerAsk> buyer_messages_;
  std::vector<TeamPlan> team_;
  // The team's handovers, from an arrival to its shift's start.
  struct Handover {
    int64_t from;
    int64_t to;
    uint8_t incoming;
    uint8_t outgoing;
  };
  std::vector<Handover> handovers_;
  const int64_t end_;
  std::vector<std::string> dates_;
  std::vector<OrderPlan> orders_;
  std::vector<TicketPlan> tickets_;
  std::vector<ReviewPlan> reviews_;
  std::vector<ReplyPlan> replies_;
  std::vector<Step> steps_;
  uint32_t next_order_ = 1;
  uint32_t next_buyer_ = 1;
  uint32_t next_ticket_ = 1;
  uint32_t next_review_ = 1;
  uint32_t backlog_ = 1;
};

}  // namespace

absl::Status GenerateSample(const SampleOptions& options,
                            absl::FunctionRef<void(const ShopEvent&)> sink) {
  if (options.days <= 0 || options.days > kMaxDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("sample: days must be in 1..", kMaxDays, ", not ", options.days));
  }
  if (options.orders_per_day <= 0 || options.orders_per_day > kMaxOrdersPerDay) {
    return absl::InvalidArgumentError(absl::StrCat("sample: orders per day must be in 1..",
                                                   kMaxOrdersPerDay, ", not ",
                                                   options.orders_per_day));
  }
  if (options.start == absl::InfinitePast() || options.start == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("sample: the start time must be finite");
  }
  Generator g(options);
  g.Plan();
  g.Emit(sink);
  return absl::OkStatus();
}

}  // namespace kefu
