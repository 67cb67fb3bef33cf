/* The C API (kefu/c.h) from C: compiled as C11, not C++. Every function and
 * every error path the C layer has: argument checks, a text that is not an
 * event or a time, a policy pack that cannot be read or is not valid, a
 * store file that is not a store or is open already. Each check names
 * itself when it fails; the program exits 1 then.
 * Argument: a directory to write store files and packs in. */
#include "kefu/c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                     \
    }                                                                 \
  } while (0)

/* kefu_status `got` is `want`; an error message is there exactly then. */
#define CHECK_STATUS(got, want, msg)                                   \
  do {                                                                 \
    kefu_status got_ = (got);                                          \
    if (got_ != (want)) {                                              \
      fprintf(stderr, "%s:%d: status %d, want %d (%s)\n", __FILE__, __LINE__, \
              (int)got_, (int)(want), (msg) ? (msg) : "no message");   \
      ++failures;                                                      \
    }                                                                  \
    CHECK(((want) == KEFU_OK) == ((msg) == NULL));                     \
  } while (0)

static const char kPlaced[] =
    "{\"id\":\"o1\",\"at\":\"2026-11-02T09:00:00+08:00\",\"agent\":\"小王\","
    "\"entity\":\"order\",\"key\":\"T1\",\"type\":\"placed\",\"fields\":{"
    "\"channel\":\"tmall\",\"buyer\":{\"im_name\":\"tb_buyer\",\"phone\":\"13800000000\"},"
    "\"lines\":[{\"product\":\"N86手机壳\",\"quantity\":1,\"unit_price\":\"25.00\"}],"
    "\"postage\":\"10.00\",\"payment\":\"platform\",\"paid\":true,\"address\":{"
    "\"province\":\"广东省\",\"city\":\"深圳市\",\"district\":\"南山区\","
    "\"detail\":\"科技园1号\"},\"courier\":\"SF\"}}";
static const char kPass[] =
    "{\"id\":\"o1-pass\",\"at\":\"2026-11-02T09:06:00+08:00\",\"agent\":\"小王\","
    "\"entity\":\"order\",\"key\":\"T1\",\"type\":\"check_passed\"}";
static const char kUnknown[] =
    "{\"id\":\"x1\",\"at\":\"2026-11-02T10:00:00+08:00\",\"entity\":\"order\","
    "\"key\":\"NOPE\",\"type\":\"paid\"}";
static const char kTicket[] =
    "{\"id\":\"s1\",\"at\":\"2026-11-02T10:00:00+08:00\",\"agent\":\"小李\","
    "\"entity\":\"ticket\",\"key\":\"S1\",\"type\":\"registered\",\"fields\":{"
    "\"order_id\":\"T0\",\"kind\":\"return_refund\",\"category\":\"不喜欢\","
    "\"details\":\"客户不喜欢颜色\",\"lines\":[{\"product\":\"N86手机壳\",\"quantity\":1}],"
    "\"customer_province\":\"广东省\",\"shop_province\":\"广东省\","
    "\"return_postage\":\"shop\",\"repayment\":\"alipay_refund\"}}";

static int contains(const char* s, const char* part) { return s && strstr(s, part) != NULL; }

static void write_file(const char* path, const char* text) {
  FILE* f = fopen(path, "wb");
  if (f == NULL) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(2);
  }
  fputs(text, f);
  fclose(f);
}

static void test_version(void) {
  char want[32];
  snprintf(want, sizeof want, "%d.%d.", KEFU_VERSION_MAJOR, KEFU_VERSION_MINOR);
  CHECK(strncmp(kefu_version(), want, strlen(want)) == 0);
  kefu_free(NULL);
  kefu_shop_close(NULL);
  kefu_policy_free(NULL);
  CHECK(strcmp(kefu_policy_revision(NULL), "") == 0);
}

static void test_policy(const char* dir, kefu_policy** policy) {
  char path[4096];
  char* msg = NULL;
  kefu_policy* p = NULL;
  CHECK_STATUS(kefu_policy_load("x", 1, NULL, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_policy_load(NULL, 0, &p, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  snprintf(path, sizeof path, "%s/absent.toml", dir);
  CHECK_STATUS(kefu_policy_load(path, strlen(path), &p, &msg), KEFU_NOT_FOUND, msg);
  CHECK(p == NULL);
  kefu_free(msg);
  snprintf(path, sizeof path, "%s/bad.toml", dir);
  write_file(path, "[ORD-NO-SUCH-RULE]\nx = 1\n");
  CHECK_STATUS(kefu_policy_load(path, strlen(path), &p, &msg), KEFU_INVALID_ARGUMENT, msg);
  CHECK(contains(msg, "bad.toml"));
  kefu_free(msg);
  /* No errmsg wanted: the code alone. */
  CHECK(kefu_policy_load(path, strlen(path), &p, NULL) == KEFU_INVALID_ARGUMENT);
  snprintf(path, sizeof path, "%s/shop.toml", dir);
  write_file(path, "# the catalogue's defaults\n");
  CHECK_STATUS(kefu_policy_load(path, strlen(path), &p, &msg), KEFU_OK, msg);
  CHECK(p != NULL && strlen(kefu_policy_revision(p)) == 16);
  *policy = p;
}

static void test_open_errors(const char* dir) {
  char path[4096];
  char* msg = NULL;
  kefu_shop* shop = NULL;
  CHECK_STATUS(kefu_shop_open(NULL, 0, NULL, 0, NULL, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_open(NULL, 3, NULL, 0, &shop, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_open(NULL, 0, NULL, 0x100, &shop, &msg), KEFU_INVALID_ARGUMENT, msg);
  CHECK(shop == NULL);
  kefu_free(msg);
  snprintf(path, sizeof path, "%s/not-a-store.db", dir);
  write_file(path, "these bytes are no SQLite database, and certainly no kefu store\n");
  CHECK_STATUS(kefu_shop_open(path, strlen(path), NULL, 0, &shop, &msg), KEFU_INVALID_ARGUMENT,
               msg);
  kefu_free(msg);
  snprintf(path, sizeof path, "%s/no/such/dir/shop.db", dir);
  CHECK_STATUS(kefu_shop_open(path, strlen(path), NULL, 0, &shop, &msg), KEFU_UNAVAILABLE, msg);
  kefu_free(msg);
}

/* An open shop: apply, batch, due, confirm, report, with their errors. */
static void test_shop(kefu_shop* shop) {
  char* msg = NULL;
  char* answer = NULL;
  size_t len = 99;

  CHECK_STATUS(kefu_shop_apply(NULL, kPlaced, strlen(kPlaced), &answer, &len, &msg),
               KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_apply(shop, kPlaced, strlen(kPlaced), NULL, &len, &msg),
               KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_apply(shop, NULL, 5, &answer, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_apply(shop, "{\"id\":\"x2\"", 10, &answer, &len, &msg),
               KEFU_INVALID_ARGUMENT, msg);
  CHECK(contains(msg, "not valid JSON"));
  CHECK(answer == NULL && len == 0);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_apply(shop, " \n", 2, &answer, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
  CHECK(contains(msg, "blank"));
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_apply(shop, NULL, 0, &answer, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);

  CHECK_STATUS(kefu_shop_apply(shop, kPlaced, strlen(kPlaced), &answer, &len, &msg), KEFU_OK, msg);
  CHECK(contains(answer, "\"result\":\"applied\"") && contains(answer, "\"state_after\":\"in_check\""));
  CHECK(answer && len == strlen(answer));
  kefu_free(answer);
  CHECK_STATUS(kefu_shop_apply(shop, kPass, strlen(kPass), &answer, NULL, &msg), KEFU_OK, msg);
  CHECK(contains(answer, "\"result\":\"refused\"") && contains(answer, "ORD-VERIFY"));
  kefu_free(answer);
  CHECK_STATUS(kefu_shop_apply(shop, kPlaced, strlen(kPlaced), &answer, &len, &msg), KEFU_OK, msg);
  CHECK(contains(answer, "\"result\":\"duplicate\""));
  kefu_free(answer);
  CHECK_STATUS(kefu_shop_apply(shop, kUnknown, strlen(kUnknown), &answer, &len, &msg), KEFU_OK,
               msg);
  CHECK(contains(answer, "\"result\":\"rejected\"") && contains(answer, "\"error\":"));
  kefu_free(answer);

  /* A batch: a ticket, a bad line, a blank line, the ticket again. */
  {
    char batch[4096];
    snprintf(batch, sizeof batch, "%s\n{\"id\":\n\n%s\n", kTicket, kTicket);
    CHECK_STATUS(kefu_shop_apply_batch(NULL, batch, strlen(batch), &answer, &len, &msg),
                 KEFU_INVALID_ARGUMENT, msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_apply_batch(shop, batch, strlen(batch), NULL, &len, &msg),
                 KEFU_INVALID_ARGUMENT, msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_apply_batch(shop, NULL, 1, &answer, &len, &msg), KEFU_INVALID_ARGUMENT,
                 msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_apply_batch(shop, batch, strlen(batch), &answer, &len, &msg), KEFU_OK,
                 msg);
    CHECK(contains(answer, "{\"line\":1,\"id\":\"s1\",\"result\":\"applied\""));
    CHECK(contains(answer, "{\"line\":2,\"result\":\"bad\""));
    CHECK(contains(answer, "{\"line\":4,\"id\":\"s1\",\"result\":\"duplicate\""));
    CHECK(!contains(answer, "\"line\":3"));
    kefu_free(answer);
    CHECK_STATUS(kefu_shop_apply_batch(shop, NULL, 0, &answer, &len, &msg), KEFU_OK, msg);
    CHECK(answer && len == 0 && answer[0] == '\0');
    kefu_free(answer);
  }

  /* Due: the order's ORD-UNSHIPPED warning, until confirmed. */
  {
    static const char kNow[] = "2026-11-03T00:00:00+08:00";
    int64_t ids[2] = {1, 424242};
    size_t confirmed = 99;
    CHECK_STATUS(kefu_shop_due(NULL, kNow, strlen(kNow), &answer, &len, &msg),
                 KEFU_INVALID_ARGUMENT, msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_due(shop, kNow, strlen(kNow), NULL, &len, &msg), KEFU_INVALID_ARGUMENT,
                 msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_due(shop, NULL, 2, &answer, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_due(shop, "tomorrow", 8, &answer, &len, &msg), KEFU_INVALID_ARGUMENT,
                 msg);
    CHECK(contains(msg, "now:"));
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_due(shop, kNow, strlen(kNow), &answer, &len, &msg), KEFU_OK, msg);
    CHECK(contains(answer, "\"tick\":\"2026-11-03T00:00:00+08:00\""));
    CHECK(contains(answer, "{\"id\":1,") && contains(answer, "\"rule\":\"ORD-UNSHIPPED\""));
    kefu_free(answer);
    CHECK_STATUS(kefu_shop_confirm(NULL, ids, 2, &confirmed, &msg), KEFU_INVALID_ARGUMENT, msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_confirm(shop, NULL, 2, &confirmed, &msg), KEFU_INVALID_ARGUMENT, msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_confirm(shop, NULL, 0, NULL, &msg), KEFU_OK, msg);
    CHECK_STATUS(kefu_shop_confirm(shop, ids, 2, &confirmed, &msg), KEFU_OK, msg);
    CHECK(confirmed == 1);
    CHECK_STATUS(kefu_shop_confirm(shop, ids, 1, &confirmed, &msg), KEFU_OK, msg);
    CHECK(confirmed == 0);
    CHECK_STATUS(kefu_shop_due(shop, kNow, strlen(kNow), &answer, &len, &msg), KEFU_OK, msg);
    CHECK(!contains(answer, "{\"id\":1,"));
    kefu_free(answer);
  }

  /* The report. */
  CHECK_STATUS(kefu_shop_report(NULL, NULL, 0, &answer, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_report(shop, NULL, 0, NULL, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_report(shop, NULL, 4, &answer, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_report(shop, "soon", 4, &answer, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
  CHECK(contains(msg, "until:"));
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_report(shop, NULL, 0, &answer, &len, &msg), KEFU_OK, msg);
  CHECK(contains(answer, "\"applied\":2") && contains(answer, "\"refused\":1"));
  CHECK(contains(answer, "\"rejected\":1") && contains(answer, "\"bad\":0"));
  kefu_free(answer);
  {
    static const char kUntil[] = "2026-11-06T00:00:00+08:00";
    CHECK_STATUS(kefu_shop_report(shop, kUntil, strlen(kUntil), &answer, &len, &msg), KEFU_OK, msg);
    CHECK(contains(answer, "\"until\":\"2026-11-06T00:00:00+08:00\""));
    CHECK(contains(answer, "\"breaches_total\":1"));
    kefu_free(answer);
  }
}

static void test_check_reply(const kefu_policy* policy) {
  static const char kReply[] = "不知道，这个不能退";
  char* msg = NULL;
  char* findings = NULL;
  size_t len = 0;
  CHECK_STATUS(kefu_check_reply(NULL, kReply, strlen(kReply), NULL, &len, &msg),
               KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_check_reply(NULL, NULL, 3, &findings, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_check_reply(NULL, kReply, strlen(kReply), &findings, &len, &msg), KEFU_OK,
               msg);
  CHECK(contains(findings, "\"rule\":\"PH-APOLOGY\""));
  kefu_free(findings);
  CHECK_STATUS(kefu_check_reply(policy, kReply, strlen(kReply), &findings, &len, &msg), KEFU_OK,
               msg);
  CHECK(contains(findings, "\"rule\":\"PH-APOLOGY\""));
  kefu_free(findings);
  CHECK_STATUS(kefu_check_reply(NULL, NULL, 0, &findings, &len, &msg), KEFU_OK, msg);
  CHECK(findings && strcmp(findings, "{\"findings\":[]}") == 0 && len == 15);
  kefu_free(findings);
}

/* A store file: what the shop answered is there after reopening; a second
 * open of the same file is refused while the first is open. */
static void test_store(const char* dir, const kefu_policy* policy) {
  char path[4096];
  char* msg = NULL;
  char* answer = NULL;
  kefu_shop* shop = NULL;
  kefu_shop* second = NULL;
  static const char kNow[] = "2026-11-03T00:00:00+08:00";
  snprintf(path, sizeof path, "%s/shop.db", dir);
  remove(path);
  CHECK_STATUS(kefu_shop_open(path, strlen(path), policy, KEFU_LANG_EN | KEFU_DURABILITY_NORMAL,
                              &shop, &msg),
               KEFU_OK, msg);
  if (shop == NULL) return;
  CHECK_STATUS(kefu_shop_open(path, strlen(path), policy, 0, &second, &msg),
               KEFU_FAILED_PRECONDITION, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_apply(shop, kPlaced, strlen(kPlaced), &answer, NULL, &msg), KEFU_OK, msg);
  CHECK(contains(answer, "\"seq\":1"));
  kefu_free(answer);
  kefu_shop_close(shop);
  shop = NULL;
  CHECK_STATUS(kefu_shop_open(path, strlen(path), policy, KEFU_LANG_EN, &shop, &msg), KEFU_OK, msg);
  if (shop == NULL) return;
  CHECK_STATUS(kefu_shop_due(shop, kNow, strlen(kNow), &answer, NULL, &msg), KEFU_OK, msg);
  /* In English, as asked. */
  CHECK(contains(answer, "\"rule\":\"ORD-UNSHIPPED\"") && contains(answer, "not shipped"));
  kefu_free(answer);
  CHECK_STATUS(kefu_shop_report(shop, NULL, 0, &answer, NULL, &msg), KEFU_OK, msg);
  CHECK(contains(answer, "shop.db") && contains(answer, "\"applied\":1"));
  kefu_free(answer);
  kefu_shop_close(shop);
}

int main(int argc, char** argv) {
  kefu_policy* policy = NULL;
  kefu_shop* shop = NULL;
  char* msg = NULL;
  if (argc != 2) {
    fprintf(stderr, "usage: c_api_test DIR\n");
    return 2;
  }
  test_version();
  test_policy(argv[1], &policy);
  test_open_errors(argv[1]);
  CHECK_STATUS(kefu_shop_open(NULL, 0, NULL, KEFU_LANG_EN, &shop, &msg), KEFU_OK, msg);
  if (shop != NULL) test_shop(shop);
  kefu_shop_close(shop);
  CHECK_STATUS(kefu_shop_open("", 0, policy, 0, &shop, &msg), KEFU_OK, msg);
  if (shop != NULL) test_shop(shop);
  kefu_shop_close(shop);
  test_check_reply(policy);
  test_store(argv[1], policy);
  kefu_policy_free(policy);
  if (failures != 0) {
    fprintf(stderr, "c_api_test: %d checks failed\n", failures);
    return 1;
  }
  printf("c_api_test: every check passed\n");
  return 0;
}
