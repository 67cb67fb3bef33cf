<?php
// kefu from PHP through FFI (php-cli, PHP >= 7.4): opens a shop in memory,
// applies an order and an after-sales ticket, prints each decision and
// checks what it printed. Run: php -d ffi.enable=1 shop.php /path/to/libkefu_c.so
// (a static build's libkefu_c.so, or a shared build's libkefu.so).
// docs/bindings.md walks through it.

// The part of kefu/c.h this script uses (FFI reads declarations, not
// headers with macros).
$kefu = FFI::cdef(<<<'C'
typedef struct kefu_shop kefu_shop;
typedef struct kefu_policy kefu_policy;
const char* kefu_version(void);
void kefu_free(void* p);
int kefu_shop_open(const char* db, size_t db_len, const kefu_policy* policy, unsigned flags,
                   kefu_shop** shop, char** errmsg);
void kefu_shop_close(kefu_shop* shop);
int kefu_shop_apply(kefu_shop* shop, const char* event, size_t event_len, char** answer,
                    size_t* answer_len, char** errmsg);
C, $argv[1]);
const KEFU_LANG_EN = 1;

// A kefu answer (or error message) as a PHP string, the buffer freed.
function take($kefu, $p, $n = null) {
  $s = $n === null ? FFI::string($p) : FFI::string($p, $n);
  $kefu->kefu_free($p);
  return $s;
}

function apply($kefu, $shop, array $event) {
  $json = json_encode($event, JSON_UNESCAPED_UNICODE);
  $answer = $kefu->new("char*");
  $len = $kefu->new("size_t");
  $err = $kefu->new("char*");
  $rc = $kefu->kefu_shop_apply($shop, $json, strlen($json), FFI::addr($answer), FFI::addr($len),
                               FFI::addr($err));
  if ($rc != 0) {
    fwrite(STDERR, "kefu_shop_apply: " . take($kefu, $err) . "\n");
    exit(1);
  }
  return json_decode(take($kefu, $answer, $len->cdata), true);
}

$shop = $kefu->new("kefu_shop*");
$err = $kefu->new("char*");
if ($kefu->kefu_shop_open(null, 0, null, KEFU_LANG_EN, FFI::addr($shop), FFI::addr($err)) != 0) {
  fwrite(STDERR, "kefu_shop_open: " . take($kefu, $err) . "\n");
  exit(1);
}
echo "kefu ", $kefu->kefu_version(), " from PHP ", PHP_VERSION, "\n";  // const char*: a PHP string

$order = apply($kefu, $shop, [
  "id" => "o1", "at" => "2026-11-02T09:00:00+08:00", "agent" => "小王",
  "entity" => "order", "key" => "T1", "type" => "placed",
  "fields" => [
    "channel" => "tmall", "buyer" => ["im_name" => "tb_buyer", "phone" => "13800000000"],
    "lines" => [["product" => "N86手机壳", "quantity" => 1, "unit_price" => "25.00"]],
    "postage" => "10.00", "payment" => "platform", "paid" => true,
    "address" => ["province" => "广东省", "city" => "深圳市", "district" => "南山区",
                  "detail" => "科技园1号"],
    "courier" => "SF"]]);
$pass = apply($kefu, $shop, [
  "id" => "o1-pass", "at" => "2026-11-02T09:06:00+08:00", "agent" => "小王",
  "entity" => "order", "key" => "T1", "type" => "check_passed"]);
$ticket = apply($kefu, $shop, [
  "id" => "s1", "at" => "2026-11-02T10:00:00+08:00", "agent" => "小李",
  "entity" => "ticket", "key" => "S1", "type" => "registered",
  "fields" => [
    "order_id" => "T0", "kind" => "return_refund", "category" => "不喜欢",
    "details" => "客户不喜欢颜色", "lines" => [["product" => "N86手机壳", "quantity" => 1]],
    "customer_province" => "广东省", "shop_province" => "广东省",
    "return_postage" => "shop", "repayment" => "alipay_refund"]]);

foreach ([$order, $pass, $ticket] as $a) {
  printf("%s %s %s: %s -> %s\n", $a["entity"], $a["key"], $a["id"], $a["state_before"],
         $a["state_after"]);
  foreach ($a["decisions"] as $d) {
    printf("  %s %s: %s\n", $d["rule"], $d["verdict"], $d["reason"]);
  }
  foreach ($a["deadlines"] as $d) {
    printf("  deadline %s %s %s\n", $d["rule"], $d["op"], $d["due"]);
  }
}
$kefu->kefu_shop_close($shop);

// The example checks itself (ctest runs it).
$ok = $order["result"] === "applied" && $pass["result"] === "refused"
    && $pass["decisions"][0]["rule"] === "ORD-VERIFY" && $ticket["result"] === "applied";
if (!$ok) {
  fwrite(STDERR, "unexpected answers\n");
  exit(1);
}
