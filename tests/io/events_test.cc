// The JSON Lines event format (kefu/io/events.h, docs/events.md): every
// example of the docs parses and is canonical, every event type round-trips,
// and every kind of malformed line is refused naming its line and field.
#include "kefu/io/events.h"

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/events_reference_check.h"
#include "kefu/engine/shop.h"
#include "sample/sample.h"
#include "kefu/testing/builders.h"

namespace kefu {
namespace {

using ::kefu::testing::At;

// Every line these tests parse is also parsed by the nlohmann-json reference
// (events_reference_check.h): the same event or the same error.
using testing_events::CheckedParse;
absl::StatusOr<ShopEvent> Parse(std::string_view line, int64_t line_number = 0) {
  return CheckedParse(line, line_number);
}

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Str(absl::string_view s) { return std::string(s.data(), s.size()); }

// What ParseEvent makes of `at`: an RFC 3339 time in the years an event
// may have.
absl::StatusOr<Timestamp> EventTime(std::string_view text) {
  absl::StatusOr<Timestamp> t = ParseTimestamp(text);
  if (!t.ok()) return t;
  if (absl::Status s = CheckEventTime(*t); !s.ok()) return s;
  return t;
}

// "order/placed" for every alternative of every kind, from the C++ types
// (not from the format's own tables).
template <class Variant, size_t... I>
void AddNames(std::string_view kind, std::set<std::string>* out, std::index_sequence<I...>) {
  (out->insert(std::string(kind) + "/" +
               std::string(std::variant_alternative_t<I, Variant>::kName)),
   ...);
}
template <class Variant>
void AddNames(std::string_view kind, std::set<std::string>* out) {
  AddNames<Variant>(kind, out, std::make_index_sequence<std::variant_size_v<Variant>>());
}
std::set<std::string> AllEventTypes() {
  std::set<std::string> all;
  AddNames<OrderEvent>("order", &all);
  AddNames<TicketEvent>("ticket", &all);
  AddNames<ReviewEvent>("review", &all);
  AddNames<ReplyEvent>("reply", &all);
  AddNames<TeamEvent>("team", &all);
  return all;
}

std::string TypeOf(const ShopEvent& e) {
  return std::string(EntityKindName(e.kind())) + "/" + std::string(EventName(e));
}

// A default event of every type of every kind, with its metadata set.
template <size_t K, class Inner, size_t... I>
void AddDefaults(std::vector<ShopEvent>* out, std::index_sequence<I...>) {
  (
      [&] {
        ShopEvent e;
        e.key = "K" + std::to_string(out->size());
        auto& inner = e.event.template emplace<K>();
        auto& ev = inner.template emplace<I>();
        ev.meta.id = "id-" + std::to_string(out->size());
        ev.meta.at = absl::FromUnixSeconds(1793000000 + static_cast<int64_t>(out->size()));
        out->push_back(std::move(e));
      }(),
      ...);
}
std::vector<ShopEvent> DefaultEvents() {
  std::vector<ShopEvent> all;
  AddDefaults<0, OrderEvent>(&all, std::make_index_sequence<std::variant_size_v<OrderEvent>>());
  AddDefaults<1, TicketEvent>(&all, std::make_index_sequence<std::variant_size_v<TicketEvent>>());
  AddDefaults<2, ReviewEvent>(&all, std::make_index_sequence<std::variant_size_v<ReviewEvent>>());
  AddDefaults<3, ReplyEvent>(&all, std::make_index_sequence<std::variant_size_v<ReplyEvent>>());
  AddDefaults<4, TeamEvent>(&all, std::make_index_sequence<std::variant_size_v<TeamEvent>>());
  return all;
}

// The example lines of docs/events.md: every line of every ```jsonl block.
std::vector<std::string> DocExamples() {
  std::ifstream in(std::string(KEFU_SOURCE_DIR) + "/docs/events.md");
  EXPECT_TRUE(in.good()) << "docs/events.md not found";
  std::vector<std::string> lines;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```jsonl") {
      inside = true;
    } else if (inside && line == "```") {
      inside = false;
    } else if (inside && !IsBlankLine(line)) {
      lines.push_back(line);
    }
  }
  return lines;
}

absl::Status ErrorOf(std::string_view line, int64_t line_number = 12) {
  absl::StatusOr<ShopEvent> e = Parse(line, line_number);
  return e.ok() ? absl::OkStatus() : e.status();
}

std::string MessageOf(std::string_view line, int64_t line_number = 12) {
  absl::Status s = ErrorOf(line, line_number);
  EXPECT_FALSE(s.ok()) << line;
  return Str(s.message());
}

// A valid line of `type` with `fields` (a JSON object text, or "" for none).
std::string Line(std::string_view entity, std::string_view type, std::string_view fields) {
  std::string s = "{\"id\":\"e-1\",\"at\":\"2026-11-02T09:15:00+08:00\",\"entity\":\"";
  s += entity;
  s += "\",\"key\":\"K1\",\"type\":\"";
  s += type;
  s += "\"";
  if (!fields.empty()) {
    s += ",\"fields\":";
    s += fields;
  }
  s += "}";
  return s;
}

std::string Placed(std::string_view line_json) {
  return Line("order", "placed",
              std::string("{\"channel\":\"taobao\",\"lines\":[") + std::string(line_json) +
                  "],\"payment\":\"platform\",\"address\":{}}");
}

// ------------------------------------------------------------------- docs

TEST(EventsDocs, EveryExampleParsesIsCanonicalAndEveryTypeIsShown) {
  const std::vector<std::string> examples = DocExamples();
  std::set<std::string> shown;
  for (size_t i = 0; i < examples.size(); ++i) {
    SCOPED_TRACE(examples[i]);
    absl::StatusOr<ShopEvent> e = Parse(examples[i], static_cast<int64_t>(i + 1));
    ASSERT_TRUE(e.ok()) << e.status();
    shown.insert(TypeOf(*e));
    // Canonical form: formatting the parsed event gives the line back.
    EXPECT_EQ(FormatEvent(*e), examples[i]);
    // And parsing that again gives the same event.
    absl::StatusOr<ShopEvent> again = Parse(FormatEvent(*e));
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(FormatEvent(*again), FormatEvent(*e));
  }
  const std::set<std::string> all = AllEventTypes();
  EXPECT_EQ(all.size(), 58u);
  for (const std::string& type : all) {
    EXPECT_TRUE(shown.count(type)) << "docs/events.md has no example of " << type;
  }
  // Every example id is distinct, and times never go back: one story.
  std::set<std::string> ids;
  Timestamp last = absl::InfinitePast();
  for (const std::string& line : examples) {
    absl::StatusOr<ShopEvent> e = Parse(line);
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_TRUE(ids.insert(MetaOf(*e).id).second) << "id used twice: " << MetaOf(*e).id;
    EXPECT_GE(MetaOf(*e).at, last) << "time goes back: " << line;
    last = MetaOf(*e).at;
  }
}

// The defect: 30 of the 48 example lines were refused when replayed in
// order (a payment before its order was placed, check_passed before the
// checks, steps of tickets never registered, times going back...). The
// examples tell one story: fed in document order through the parser to one
// Shop, every line applies, none refused, none a duplicate.
TEST(EventsDocs, EveryExampleAppliesInDocumentOrderToOneShop) {
  const std::vector<std::string> examples = DocExamples();
  ASSERT_FALSE(examples.empty());
  absl::StatusOr<std::unique_ptr<Shop>> shop = Shop::Create();
  ASSERT_TRUE(shop.ok()) << shop.status();
  int failed = 0;
  for (size_t i = 0; i < examples.size(); ++i) {
    absl::StatusOr<ShopEvent> e = Parse(examples[i], static_cast<int64_t>(i + 1));
    ASSERT_TRUE(e.ok()) << e.status();
    absl::StatusOr<Outcome> out = (*shop)->Apply(*e);
    std::string why;
    if (!out.ok()) {
      why = "error: " + Str(out.status().message());
    } else if (out->audit.duplicate) {
      why = "duplicate";
    } else if (out->refused()) {
      for (const Decision& d : out->decisions) {
        if (d.verdict == Verdict::kRefused) why += std::string(d.rule) + ": " + d.Reason() + "; ";
      }
    }
    if (!why.empty()) {
      ++failed;
      ADD_FAILURE() << "example " << i + 1 << " (" << MetaOf(*e).id << ", " << TypeOf(*e)
                    << ") does not apply: " << why << "\n" << examples[i];
    }
  }
  EXPECT_EQ(failed, 0) << "of " << examples.size() << " examples";
}

// ------------------------------------------------------------- round trips

TEST(EventsRoundTrip, EveryTypeWithDefaultFieldsRoundTrips) {
  const std::vector<ShopEvent> all = DefaultEvents();
  ASSERT_EQ(all.size(), 58u);
  for (const ShopEvent& e : all) {
    const std::string line = FormatEvent(e);
    SCOPED_TRACE(line);
    absl::StatusOr<ShopEvent> back = Parse(line);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->key, e.key);
    EXPECT_EQ(back->event.index(), e.event.index());
    EXPECT_EQ(EventName(*back), EventName(e));
    EXPECT_EQ(MetaOf(*back).id, MetaOf(e).id);
    EXPECT_EQ(MetaOf(*back).at, MetaOf(e).at);
    EXPECT_EQ(FormatEvent(*back), line);
  }
}

TEST(EventsRoundTrip, OrderPlacedKeepsEveryMember) {
  OrderPlaced p;
  p.meta = {"e-9", At("2026-11-02T09:15:00.25+08:00"), "小王"};
  p.channel = Channel::kWebsite;
  p.buyer = {"买家\"阿明\"", "139 0000 0000"};
  p.lines.push_back({"A-1", 3, Money::Fen(1234), false});
  p.lines.push_back({"B-2\t(赠品)", 1, Money::Fen(0), true});
  p.postage = Money::Fen(-5);
  p.payment = PaymentMethod::kCashOnDelivery;
  p.paid = true;
  p.address = {"广东省", "深圳市", "", "南山区\\科技园\n2 栋"};
  p.courier = "EMS";
  p.notes = "\x01 控制字符";
  p.exception = ExceptionKind::kAfterSalesReshipment;
  ShopEvent e{"W-1", OrderEvent(p)};
  absl::StatusOr<ShopEvent> back = Parse(FormatEvent(e));
  ASSERT_TRUE(back.ok()) << back.status();
  const auto& q = std::get<OrderPlaced>(std::get<OrderEvent>(back->event));
  EXPECT_EQ(q.meta.id, p.meta.id);
  EXPECT_EQ(q.meta.at, p.meta.at);
  EXPECT_EQ(q.meta.agent, p.meta.agent);
  EXPECT_EQ(q.channel, p.channel);
  EXPECT_EQ(q.buyer.im_name, p.buyer.im_name);
  EXPECT_EQ(q.buyer.phone, p.buyer.phone);
  ASSERT_EQ(q.lines.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(q.lines[i].product, p.lines[i].product);
    EXPECT_EQ(q.lines[i].quantity, p.lines[i].quantity);
    EXPECT_EQ(q.lines[i].unit_price, p.lines[i].unit_price);
    EXPECT_EQ(q.lines[i].cancelled, p.lines[i].cancelled);
  }
  EXPECT_EQ(q.postage, p.postage);
  EXPECT_EQ(q.payment, p.payment);
  EXPECT_EQ(q.paid, p.paid);
  EXPECT_EQ(q.address.Full(), p.address.Full());
  EXPECT_EQ(q.address.detail, p.address.detail);
  EXPECT_EQ(q.courier, p.courier);
  EXPECT_EQ(q.notes, p.notes);
  EXPECT_EQ(q.exception, p.exception);
  EXPECT_EQ(back->key, "W-1");
}

TEST(EventsRoundTrip, OptionalsSetAndUnset) {
  OrderAdjusted a;
  a.meta = {"e-1", At("2026-11-02T09:15:00+08:00"), ""};
  ShopEvent e{"T1", OrderEvent(a)};
  EXPECT_EQ(FormatEvent(e),
            "{\"id\":\"e-1\",\"at\":\"2026-11-02T09:15:00+08:00\",\"entity\":\"order\","
            "\"key\":\"T1\",\"type\":\"order_adjusted\"}");
  a.line = 0;
  a.quantity = 0;
  a.postage = Money::Zero();
  e.event = OrderEvent(a);
  absl::StatusOr<ShopEvent> back = Parse(FormatEvent(e));
  ASSERT_TRUE(back.ok()) << back.status();
  const auto& b = std::get<OrderAdjusted>(std::get<OrderEvent>(back->event));
  EXPECT_EQ(b.line, std::optional<size_t>(0));
  EXPECT_EQ(b.quantity, std::optional<int32_t>(0));
  EXPECT_EQ(b.postage, std::optional<Money>(Money::Zero()));
  EXPECT_FALSE(b.product.has_value());
  EXPECT_FALSE(b.unit_price.has_value());
  EXPECT_FALSE(b.agreed_via.has_value());
}

TEST(EventsRoundTrip, NullMeansNotGivenForOptionalsOnly) {
  absl::StatusOr<ShopEvent> e =
      Parse(Line("order", "paid", "{\"method\":null}"));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(std::get<PaymentReceived>(std::get<OrderEvent>(e->event)).method.has_value());
  EXPECT_EQ(MessageOf(Line("order", "shipped", "{\"manual\":null}")),
            "line 12: fields.manual: expected a boolean, got null");
}

TEST(EventsRoundTrip, KeysInAnyOrderGiveTheSameEvent) {
  // An order placed with every field set (a line cancelled included: the
  // format takes it, the order machine would refuse it).
  const std::string canonical =
      R"({"id":"o-1","at":"2026-11-02T09:15:00+08:00","agent":"小王","entity":"order","key":"T1001","type":"placed","fields":{"channel":"tmall","buyer":{"im_name":"快乐的小猪","phone":"13800138000"},"lines":[{"product":"HT-2201 保温杯 白色","quantity":2,"unit_price":"59.00"},{"product":"HT-2202 杯套","quantity":1,"unit_price":"9.90","cancelled":true}],"postage":"10.00","payment":"platform","paid":true,"address":{"province":"浙江省","city":"杭州市","district":"西湖区","detail":"文三路100号3单元501"},"courier":"韵达","notes":"请发韵达，周末不在家","exception":"added_later"}})";
  const std::string shuffled =
      "{\"fields\":{\"exception\":\"added_later\",\"notes\":\"请发韵达，周末不在家\","
      "\"courier\":\"韵达\",\"address\":{\"detail\":\"文三路100号3单元501\",\"district\":\"西湖区\","
      "\"city\":\"杭州市\",\"province\":\"浙江省\"},\"paid\":true,\"payment\":\"platform\","
      "\"postage\":\"10.00\",\"lines\":[{\"unit_price\":\"59.00\",\"quantity\":2,\"product\":"
      "\"HT-2201 保温杯 白色\"},{\"cancelled\":true,\"unit_price\":\"9.90\",\"quantity\":1,"
      "\"product\":\"HT-2202 杯套\"}],\"buyer\":{\"phone\":\"13800138000\",\"im_name\":"
      "\"快乐的小猪\"},\"channel\":\"tmall\"},\"type\":\"placed\",\"key\":\"T1001\","
      "\"entity\":\"order\",\"agent\":\"小王\",\"at\":\"2026-11-02T01:15:00Z\",\"id\":\"o-1\"}";
  absl::StatusOr<ShopEvent> e = Parse(shuffled);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(FormatEvent(*e), canonical);
  // Errors inside fields that came first still name the field.
  EXPECT_EQ(MessageOf("{\"fields\":{\"reason\":1},\"id\":\"e\",\"at\":\"2026-11-02T09:15:00Z\","
                      "\"entity\":\"order\",\"key\":\"T\",\"type\":\"hold_placed\"}"),
            "line 12: fields.reason: expected a string, got a number");
  EXPECT_EQ(MessageOf("{\"fields\":{},\"id\":\"e\",\"at\":\"2026-11-02T09:15:00Z\","
                      "\"entity\":\"order\",\"key\":\"T\",\"type\":\"hold_placed\"}"),
            "line 12: fields.reason: required field missing");
  EXPECT_EQ(MessageOf("{\"fields\":{\"a\":1,\"a\":2},\"id\":\"e\"}"),
            "line 12: fields: duplicate key \"a\"");
}

TEST(EventsRoundTrip, TextIsEscapedOnlyWhereJsonNeedsIt) {
  ReplyPosted r;
  r.meta = {"p-1", At("2026-11-02T09:15:00+08:00"), "小李"};
  r.text = "亲～ \"引号\" \\ 反斜杠\n换行\t制表\x7f\x1f end";
  ShopEvent e{"buyer", ReplyEvent(r)};
  const std::string line = FormatEvent(e);
  EXPECT_THAT(line, HasSubstr("亲～ \\\"引号\\\" \\\\ 反斜杠\\n换行\\t制表\x7f\\u001f end"));
  absl::StatusOr<ShopEvent> back = Parse(line);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(std::get<ReplyPosted>(std::get<ReplyEvent>(back->event)).text, r.text);
  // \u escapes in the input are decoded, surrogate pairs too.
  absl::StatusOr<ShopEvent> esc =
      Parse(Line("reply", "posted", "{\"text\":\"\\u4eb2\\ud83d\\ude00\"}"));
  ASSERT_TRUE(esc.ok()) << esc.status();
  EXPECT_EQ(std::get<ReplyPosted>(std::get<ReplyEvent>(esc->event)).text, "亲😀");
}

TEST(EventsRoundTrip, IllFormedUtf8IsWrittenAsReplacementCharacter) {
  ReplyPosted r;
  r.meta = {"p-1", At("2026-11-02T09:15:00+08:00"), "小李"};
  r.text = "ok\xff\xe4\xba" "x";  // a stray byte, a truncated 3-byte sequence
  ShopEvent e{"buyer", ReplyEvent(r)};
  const std::string line = FormatEvent(e);
  absl::StatusOr<ShopEvent> back = Parse(line);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(std::get<ReplyPosted>(std::get<ReplyEvent>(back->event)).text,
            "ok\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx");
}

TEST(EventsRoundTrip, TimesWithAnyOffsetAreTheSameInstant) {
  const std::vector<std::string> times = {
      "2026-11-02T09:15:00+08:00", "2026-11-02T01:15:00Z",        "2026-11-01T20:15:00-05:00",
      "2026-11-02T09:15:00.5+08:00", "2026-11-02T09:15:00.123456789+08:00",
      "2024-02-29T23:59:59+00:00", "1999-12-31T23:59:59+14:00", "2026-11-02T09:15:00+05:45",
      "2026-11-02t09:15:00+08:00", "2026-11-02T09:15:00z", "2016-12-31T23:59:60Z"};
  for (const std::string& t : times) {
    SCOPED_TRACE(t);
    absl::StatusOr<Timestamp> want = EventTime(t);
    absl::StatusOr<ShopEvent> e =
        Parse("{\"id\":\"e\",\"at\":\"" + t + "\",\"entity\":\"order\",\"key\":\"T\","
                   "\"type\":\"delivered\"}");
    ASSERT_EQ(e.ok(), want.ok()) << (e.ok() ? "" : Str(e.status().message()));
    if (want.ok()) {
      EXPECT_EQ(MetaOf(*e).at, *want);
    }
  }
}

// The direct reader of `at` and kefu::ParseTimestamp accept the same texts
// and agree on the instant.
TEST(EventsRoundTrip, TimeReaderAgreesWithParseTimestamp) {
  const std::vector<std::string> times = {
      "2026-02-29T10:00:00+08:00", "2026-04-31T10:00:00+08:00", "2026-13-01T10:00:00+08:00",
      "2026-00-10T10:00:00+08:00", "2026-11-02T24:00:00+08:00", "2026-11-02T09:60:00+08:00",
      "2026-11-02T09:15:00",       "2026-11-02T09:15:00+0800",  "2026-11-02T09:15:00+08",
      "2026-11-02T09:15:00.+08:00", "2026-11-02T09:15:00.1234567891+08:00",
      "2026-11-02 09:15:00+08:00", "2026-11-02T09:15:00+24:00", "2026-11-02T09:15:00+08:60",
      "+2026-11-02T09:15:00+08:00", "2026-1-02T09:15:00+08:00",  "2026-11-02T09:15:00Z ",
      "0000-01-01T00:00:00Z",      "9999-12-31T23:59:59Z",      "2026-11-02T09:15:00-00:00",
      "2026-11-02T09:15:00+23:59", "２０２６-11-02T09:15:00Z"};
  for (const std::string& t : times) {
    SCOPED_TRACE(t);
    absl::StatusOr<Timestamp> want = ParseTimestamp(t);
    absl::StatusOr<ShopEvent> e =
        Parse("{\"id\":\"e\",\"at\":\"" + t + "\",\"entity\":\"order\",\"key\":\"T\","
                   "\"type\":\"delivered\"}");
    if (want.ok() && !CheckEventTime(*want).ok()) {  // 0000 and 9999: read, then refused
      ASSERT_FALSE(e.ok());
      EXPECT_THAT(Str(e.status().message()), StartsWith("at: year "));
      continue;
    }
    ASSERT_EQ(e.ok(), want.ok());
    if (want.ok()) {
      EXPECT_EQ(MetaOf(*e).at, *want);
    } else {
      EXPECT_THAT(Str(e.status().message()), StartsWith("at: not an RFC 3339 time"));
    }
  }
  // Every calendar day (and the 29th to 31st of every month) of the years
  // events may have, and of century and leap years around them.
  std::vector<int> years = {0, 1, 1600, 1700, 1900, 1970, 2400, 2500, 9999};
  for (int y = 1999; y <= 2201; ++y) years.push_back(y);
  for (const int year : years) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= 31; ++day) {
        char t[40];
        std::snprintf(t, sizeof(t), "%04d-%02d-%02dT23:59:59.5-03:30", year, month, day);
        absl::StatusOr<Timestamp> want = ParseTimestamp(t);
        absl::StatusOr<ShopEvent> e =
            ParseEvent(std::string("{\"id\":\"e\",\"at\":\"") + t +
                       "\",\"entity\":\"order\",\"key\":\"T\",\"type\":\"delivered\"}");
        if (want.ok() && CheckEventTime(*want).ok()) {
          ASSERT_TRUE(e.ok()) << t;
          ASSERT_EQ(MetaOf(*e).at, *want) << t;
        } else {
          ASSERT_FALSE(e.ok()) << t;
        }
      }
    }
  }
}

TEST(EventsRoundTrip, EverySampleWeekEventRoundTrips) {
  SampleOptions options;
  options.days = 2;
  options.orders_per_day = 200;
  options.seed = 11;
  size_t n = 0;
  std::set<std::string> types;
  ASSERT_TRUE(GenerateSample(options, [&](const ShopEvent& e) {
                const std::string line = FormatEvent(e);
                absl::StatusOr<ShopEvent> back = Parse(line, static_cast<int64_t>(++n));
                ASSERT_TRUE(back.ok()) << back.status() << "\n" << line;
                EXPECT_EQ(FormatEvent(*back), line);
                EXPECT_EQ(back->key, e.key);
                EXPECT_EQ(MetaOf(*back).at, MetaOf(e).at);
                types.insert(TypeOf(e));
              }).ok());
  EXPECT_GT(n, 1000u);
  EXPECT_GT(types.size(), 20u);
}

TEST(EventsParse, KeysMayComeInAnyOrder) {
  const std::string canonical =
      R"({"id":"e1","at":"2026-11-02T09:00:00+08:00","agent":"小王","entity":"order",)"
      R"("key":"T1","type":"check_recorded","fields":{"item":"price"}})";
  const std::string fields_first =
      R"({"fields":{"item":"price"},"type":"check_recorded","key":"T1","entity":"order",)"
      R"("agent":"小王","at":"2026-11-02T09:00:00+08:00","id":"e1"})";
  absl::StatusOr<ShopEvent> a = Parse(canonical, 1);
  absl::StatusOr<ShopEvent> b = Parse(fields_first, 2);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(FormatEvent(*a), canonical);
  EXPECT_EQ(FormatEvent(*b), canonical);
}

// ------------------------------------------------------------------ errors

TEST(EventsErrors, BlankLinesAreNotFoundNotInvalid) {
  for (std::string_view blank : {"", " ", "\t \r", "\r"}) {
    EXPECT_TRUE(IsBlankLine(blank));
    absl::Status s = ErrorOf(blank, 7);
    EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(Str(s.message()), "line 7: blank line");
  }
  EXPECT_FALSE(IsBlankLine(" {}"));
  EXPECT_FALSE(IsBlankLine("\v"));
}

TEST(EventsErrors, InvalidJsonQuotesNlohmann) {
  const std::string valid = Line("order", "delivered", "");
  for (const std::string& bad : {std::string("{"), std::string("not json"), std::string("{\"id\":\"e\","),
                                 valid + " trailing", valid + "}", valid + valid}) {
    absl::Status s = ErrorOf(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(Str(s.message()), StartsWith("line 12: not valid JSON: [json.exception.parse_error"))
        << bad;
  }
  // Inside a value whose key is known, the key is named too.
  EXPECT_THAT(MessageOf("{\"id\":}"), StartsWith("line 12: id: not valid JSON: [json.exception"));
}

TEST(EventsErrors, LineNumberZeroLeavesThePrefixOut) {
  EXPECT_EQ(Str(ErrorOf("[]", 0).message()), "expected a JSON object, got an array");
  EXPECT_EQ(Str(ErrorOf("[]", 3).message()), "line 3: expected a JSON object, got an array");
  EXPECT_EQ(Str(ErrorOf("\"x\"", 3).message()), "line 3: expected a JSON object, got a string");
}

TEST(EventsErrors, IllFormedUtf8NamesTheField) {
  const std::string line = Line("reply", "posted", "{\"text\":\"好\xff\"}");
  absl::Status s = ErrorOf(line, 4);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Str(s.message()), StartsWith("line 4: fields.text: not valid JSON: "));
  EXPECT_THAT(Str(s.message()), HasSubstr("UTF-8"));
  // A lone surrogate escape is refused too.
  EXPECT_THAT(MessageOf(Line("reply", "posted", "{\"text\":\"\\ud800\"}")),
              StartsWith("line 12: fields.text: not valid JSON: "));
  // In a key, in the envelope.
  EXPECT_THAT(MessageOf("{\"id\":\"e\xc3\"}"), StartsWith("line 12: id: not valid JSON: "));
}

TEST(EventsErrors, EnvelopeProblemsNameTheKey) {
  EXPECT_EQ(MessageOf("{\"id\":\"e\",\"entity\":\"order\",\"key\":\"T\",\"type\":\"delivered\"}"),
            "line 12: at: required field missing");
  EXPECT_EQ(MessageOf("{\"at\":\"2026-11-02T09:15:00Z\",\"entity\":\"order\",\"key\":\"T\","
                      "\"type\":\"delivered\"}"),
            "line 12: id: required field missing");
  EXPECT_EQ(MessageOf("{\"id\":\"e\",\"at\":\"2026-11-02T09:15:00Z\",\"key\":\"T\","
                      "\"type\":\"delivered\"}"),
            "line 12: entity: required field missing");
  EXPECT_EQ(MessageOf("{\"id\":\"e\",\"at\":\"2026-11-02T09:15:00Z\",\"entity\":\"order\","
                      "\"type\":\"delivered\"}"),
            "line 12: key: required field missing");
  EXPECT_EQ(MessageOf("{\"id\":\"e\",\"at\":\"2026-11-02T09:15:00Z\",\"entity\":\"order\","
                      "\"key\":\"T\"}"),
            "line 12: type: required field missing");
  EXPECT_EQ(MessageOf("{\"id\":\"\"}"), "line 12: id: must not be empty");
  EXPECT_EQ(MessageOf("{\"key\":\"\"}"), "line 12: key: must not be empty");
  EXPECT_EQ(MessageOf("{\"id\":7}"), "line 12: id: expected a string, got a number");
  EXPECT_EQ(MessageOf("{\"agent\":null}"), "line 12: agent: expected a string, got null");
  EXPECT_EQ(MessageOf("{\"fields\":[]}"), "line 12: fields: expected an object, got an array");
  EXPECT_EQ(MessageOf("{\"fields\":\"x\"}"), "line 12: fields: expected an object, got a string");
  EXPECT_EQ(MessageOf("{\"id\":{}}"), "line 12: id: expected a string, got an object");
  EXPECT_EQ(MessageOf("{\"colour\":\"red\"}"), "line 12: colour: unknown field");
  EXPECT_EQ(MessageOf("{\"id\":\"a\",\"id\":\"b\"}"), "line 12: id: duplicate key");
  EXPECT_EQ(MessageOf(Line("shop", "placed", "")),
            "line 12: entity: unknown entity \"shop\" (one of: order, ticket, review, reply, team)");
  EXPECT_EQ(MessageOf(Line("order", "shipped_twice", "")),
            "line 12: type: unknown order event type \"shipped_twice\"");
  // A ticket type under another kind is unknown there.
  EXPECT_EQ(MessageOf(Line("review", "registered", "")),
            "line 12: type: unknown review event type \"registered\"");
}

TEST(EventsErrors, BadTimesAreRefused) {
  for (std::string_view t :
       {"2026-11-02 09:15", "2026-11-02T09:15:00", "yesterday", "", "2026-02-30T10:00:00+08:00"}) {
    const std::string line = "{\"id\":\"e\",\"at\":\"" + std::string(t) +
                             "\",\"entity\":\"order\",\"key\":\"T\",\"type\":\"delivered\"}";
    EXPECT_THAT(MessageOf(line), StartsWith("line 12: at: not an RFC 3339 time with offset"))
        << t;
  }
}

std::string Delivered(std::string_view at) {
  return "{\"id\":\"e\",\"at\":\"" + std::string(at) +
         "\",\"entity\":\"order\",\"key\":\"T\",\"type\":\"delivered\"}";
}

TEST(EventsErrors, YearsBefore2000OrAfter2199AreRefusedNamingTheLineAndAt) {
  // The years are counted at UTC+08:00 (CheckEventTime, kefu/core/time.h).
  for (std::string_view t :
       {"2000-01-01T00:00:00+08:00", "1999-12-31T16:00:00Z", "2199-12-31T23:59:59.999+08:00",
        "2026-11-02T09:15:00+08:00"}) {
    EXPECT_TRUE(ErrorOf(Delivered(t)).ok()) << t;
  }
  EXPECT_EQ(MessageOf(Delivered("9999-12-31T10:00:00+08:00")),
            "line 12: at: year 9999 is outside the years an event may have, 2000 to 2199 "
            "(at UTC+08:00)");
  EXPECT_EQ(MessageOf(Delivered("1999-12-31T23:59:59+08:00")),
            "line 12: at: year 1999 is outside the years an event may have, 2000 to 2199 "
            "(at UTC+08:00)");
  EXPECT_EQ(MessageOf(Delivered("1999-12-31T15:59:59Z")),
            "line 12: at: year 1999 is outside the years an event may have, 2000 to 2199 "
            "(at UTC+08:00)");
  EXPECT_EQ(MessageOf(Delivered("2200-01-01T00:00:00+08:00")),
            "line 12: at: year 2200 is outside the years an event may have, 2000 to 2199 "
            "(at UTC+08:00)");
  EXPECT_THAT(MessageOf(Delivered("0001-01-01T00:00:00Z")), StartsWith("line 12: at: year 1 "));
  // The same through ParseTimestamp's path (a form the direct reader leaves
  // to it): refused alike.
  EXPECT_THAT(MessageOf(Delivered("9999-12-31t10:00:00+08:00")),
              StartsWith("line 12: at: year 9999 is outside"));
}

TEST(EventsErrors, LeapSecondsAreRefusedNotReadAsTheNextMinute) {
  for (std::string_view t : {"2016-12-31T23:59:60Z", "2026-11-02T23:59:60+08:00",
                             "2016-12-31T23:59:60.5Z", "2016-12-31t23:59:60z"}) {
    EXPECT_EQ(MessageOf(Delivered(t)),
              "line 12: at: a leap second (second 60) is not a time kefu takes: \"" +
                  std::string(t) + "\"")
        << t;
  }
}

TEST(EventsErrors, ANulByteAnywhereMakesTheLineBadNamingItsColumn) {
  // The defect: nlohmann-json's lexer ends the input at a NUL, so two events
  // joined by one parsed as the first and the second was dropped silently.
  const std::string first = Line("order", "delivered", "");
  const std::string joined = first + std::string(1, '\0') + Line("order", "completed", "");
  EXPECT_EQ(MessageOf(joined),
            "line 12: column " + std::to_string(first.size() + 1) +
                ": a NUL byte, which JSON text cannot hold (inside a string, write \\u0000)");
  // At the start, inside a string, after the object: the same, by column.
  EXPECT_THAT(MessageOf(std::string(1, '\0') + first), StartsWith("line 12: column 1: a NUL byte"));
  std::string in_string = Line("reply", "posted", "{\"text\":\"ab\"}");
  const size_t b = in_string.find("ab") + 1;
  in_string[b] = '\0';
  EXPECT_THAT(MessageOf(in_string),
              StartsWith("line 12: column " + std::to_string(b + 1) + ": a NUL byte"));
  EXPECT_THAT(MessageOf(first + std::string(1, '\0')),
              StartsWith("line 12: column " + std::to_string(first.size() + 1) + ": "));
  EXPECT_THAT(MessageOf(std::string(1, '\0'), 0), StartsWith("column 1: a NUL byte"));
  // Escaped, a NUL is text like any other.
  absl::StatusOr<ShopEvent> escaped =
      Parse(Line("reply", "posted", "{\"text\":\"a\\u0000b\"}"));
  ASSERT_TRUE(escaped.ok()) << escaped.status();
  EXPECT_EQ(std::get<ReplyPosted>(std::get<ReplyEvent>(escaped->event)).text,
            std::string("a\0b", 3));
}

TEST(EventsErrors, FieldProblemsNameTheFieldPath) {
  // Wrong JSON types.
  EXPECT_EQ(MessageOf(Placed("{\"product\":\"A\",\"quantity\":\"2\",\"unit_price\":\"1.00\"}")),
            "line 12: fields.lines[0].quantity: expected an integer, got a string");
  EXPECT_EQ(MessageOf(Placed("{\"product\":\"A\",\"quantity\":2,\"unit_price\":\"1.00\"},"
                             "{\"product\":\"B\",\"quantity\":true,\"unit_price\":\"1.00\"}")),
            "line 12: fields.lines[1].quantity: expected an integer, got a boolean");
  EXPECT_EQ(MessageOf(Placed("3")), "line 12: fields.lines[0]: expected an object, got a number");
  EXPECT_EQ(MessageOf(Placed("[]")), "line 12: fields.lines[0]: expected an object, got an array");
  EXPECT_EQ(MessageOf(Line("order", "placed", "{\"lines\":{}}")),
            "line 12: fields.lines: expected an array, got an object");
  EXPECT_EQ(MessageOf(Line("order", "placed", "{\"buyer\":[]}")),
            "line 12: fields.buyer: expected an object, got an array");
  EXPECT_EQ(MessageOf(Line("order", "placed", "{\"buyer\":\"x\"}")),
            "line 12: fields.buyer: expected an object, got a string");
  EXPECT_EQ(MessageOf(Line("order", "placed", "{\"paid\":\"yes\"}")),
            "line 12: fields.paid: expected a boolean, got a string");
  EXPECT_EQ(MessageOf(Line("order", "placed", "{\"notes\":[\"a\"]}")),
            "line 12: fields.notes: expected a string, got an array");
  EXPECT_EQ(MessageOf(Line("order", "placed", "{\"channel\":3}")),
            "line 12: fields.channel: expected a string (one of: taobao, tmall, website, phone), "
            "got a number");
  EXPECT_EQ(MessageOf(Line("order", "refunded", "{\"amount\":12.5}")),
            "line 12: fields.amount: expected an amount as a decimal-yuan string such as "
            "\"12.34\", got a number");
  // Unknown names and fields, at every depth.
  EXPECT_EQ(MessageOf(Line("order", "placed", "{\"channel\":\"jd\"}")),
            "line 12: fields.channel: unknown value \"jd\" (one of: taobao, tmall, website, phone)");
  EXPECT_EQ(MessageOf(Line("order", "placed", "{\"colour\":\"red\"}")),
            "line 12: fields.colour: unknown field");
  EXPECT_EQ(MessageOf(Line("order", "placed", "{\"buyer\":{\"age\":3}}")),
            "line 12: fields.buyer.age: unknown field");
  EXPECT_EQ(MessageOf(Placed("{\"product\":\"A\",\"quantitiy\":2}")),
            "line 12: fields.lines[0].quantitiy: unknown field");
  EXPECT_EQ(MessageOf(Line("order", "delivered", "{\"note\":\"x\"}")),
            "line 12: fields.note: unknown field");
  // Missing required fields.
  EXPECT_EQ(MessageOf(Placed("{\"product\":\"A\",\"quantity\":2}")),
            "line 12: fields.lines[0].unit_price: required field missing");
  EXPECT_EQ(MessageOf(Line("order", "placed", "{\"channel\":\"tmall\",\"payment\":\"platform\","
                                              "\"address\":{}}")),
            "line 12: fields.lines: required field missing");
  EXPECT_EQ(MessageOf(Line("order", "hold_placed", "")),
            "line 12: fields.reason: required field missing");
  EXPECT_EQ(MessageOf(Line("ticket", "registered", "{\"kind\":\"repair\"}")),
            "line 12: fields.order_id: required field missing");
  EXPECT_EQ(MessageOf(Line("reply", "posted", "{}")),
            "line 12: fields.text: required field missing");
  // Duplicates.
  EXPECT_EQ(MessageOf(Line("order", "refunded", "{\"amount\":\"1.00\",\"amount\":\"2.00\"}")),
            "line 12: fields.amount: duplicate key");
  EXPECT_EQ(MessageOf(Placed("{\"product\":\"A\",\"product\":\"B\"}")),
            "line 12: fields.lines[0].product: duplicate key");
  // Bad amounts.
  EXPECT_EQ(MessageOf(Line("order", "refunded", "{\"amount\":\"12.345\"}")),
            "line 12: fields.amount: not an amount in yuan such as \"12.34\": \"12.345\"");
  EXPECT_EQ(MessageOf(Line("order", "refunded", "{\"amount\":\"¥12\"}")),
            "line 12: fields.amount: not an amount in yuan such as \"12.34\": \"¥12\"");
  EXPECT_EQ(MessageOf(Line("order", "refunded", "{\"amount\":\"999999999999999999.00\"}")),
            "line 12: fields.amount: amount out of range: \"999999999999999999.00\"");
}

TEST(EventsErrors, HugeAndFractionalNumbersAreRefusedNotWrapped) {
  const auto qty = [](std::string_view q) {
    return MessageOf(Placed("{\"product\":\"A\",\"quantity\":" + std::string(q) +
                            ",\"unit_price\":\"1.00\"}"));
  };
  EXPECT_EQ(qty("3000000000"), "line 12: fields.lines[0].quantity: integer out of range: 3000000000");
  EXPECT_EQ(qty("-3000000000"),
            "line 12: fields.lines[0].quantity: integer out of range: -3000000000");
  EXPECT_EQ(qty("18446744073709551616"),
            "line 12: fields.lines[0].quantity: integer out of range: 18446744073709551616");
  EXPECT_EQ(qty("123456789012345678901234567890"),
            "line 12: fields.lines[0].quantity: integer out of range: "
            "123456789012345678901234567890");
  EXPECT_EQ(qty("2.5"),
            "line 12: fields.lines[0].quantity: expected an integer, got a number with a "
            "fraction or exponent");
  EXPECT_EQ(qty("2.0"),
            "line 12: fields.lines[0].quantity: expected an integer, got a number with a "
            "fraction or exponent");
  EXPECT_EQ(qty("1e3"),
            "line 12: fields.lines[0].quantity: expected an integer, got a number with a "
            "fraction or exponent");
  EXPECT_THAT(qty("1e999"),  // nlohmann: number overflow
              StartsWith("line 12: fields.lines[0].quantity: not valid JSON: [json.exception"));
  // The extremes that fit are kept.
  absl::StatusOr<ShopEvent> e = Parse(Placed(
      "{\"product\":\"A\",\"quantity\":2147483647,\"unit_price\":\"92233720368547758.07\"},"
      "{\"product\":\"B\",\"quantity\":-2147483648,\"unit_price\":\"-92233720368547758.08\"}"));
  ASSERT_TRUE(e.ok()) << e.status();
  const auto& p = std::get<OrderPlaced>(std::get<OrderEvent>(e->event));
  EXPECT_EQ(p.lines[0].quantity, 2147483647);
  EXPECT_EQ(p.lines[1].quantity, -2147483647 - 1);
  EXPECT_EQ(p.lines[0].unit_price.fen(), INT64_MAX);
  EXPECT_EQ(p.lines[1].unit_price.fen(), INT64_MIN);
  EXPECT_EQ(Parse(FormatEvent(*e)).ok(), true);
  // Line indexes are never negative.
  EXPECT_EQ(MessageOf(Line("order", "cancelled", "{\"line\":-1}")),
            "line 12: fields.line: expected a non-negative integer, got -1");
  absl::StatusOr<ShopEvent> big =
      Parse(Line("order", "cancelled", "{\"line\":18446744073709551615}"));
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_EQ(std::get<Cancelled>(std::get<OrderEvent>(big->event)).line,
            std::optional<size_t>(18446744073709551615u));
}

TEST(EventsErrors, MissingFieldsOnlyWhenTheTypeNeedsSome) {
  for (std::string_view type : {"finance_confirmed", "check_passed", "delivered", "completed",
                                "paid", "shipped", "order_adjusted", "cancelled"}) {
    EXPECT_TRUE(Parse(Line("order", type, "")).ok()) << type;
    EXPECT_TRUE(Parse(Line("order", type, "{}")).ok()) << type;
  }
}

}  // namespace
}  // namespace kefu
