/* The C API (kefu/c.h) from C: compiled as C11, not C++. Every function and
 * every error path the C layer has: argument checks, a text that is not an
 * event or a time, a policy pack that cannot be read or is not valid, a
 * store file that is not a store or is open already. Each check names
 * itself when it fails; the program exits 1 then.
 * Arguments: a directory to write store files and packs in; then, for the
 * run on PostgreSQL (tests/capi/c_api_pg.sh), the URIs of two empty
 * databases: the shop's tests and the store's run there too. */
#include "kefu/c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

  /* The work list: the order's ORD-UNSHIPPED deadline, and 小王's next item. */
  {
    static const char kAgent[] = "小王";
    CHECK_STATUS(kefu_shop_work(NULL, NULL, 0, &answer, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_work(shop, NULL, 0, NULL, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_work(shop, NULL, 3, &answer, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_work(shop, NULL, 0, &answer, &len, &msg), KEFU_OK, msg);
    {
      static const char kHead[] = "{\"work\":[{\"priority\":";
      CHECK(strncmp(answer, kHead, strlen(kHead)) == 0);
    }
    CHECK(contains(answer, "\"rule\":\"ORD-UNSHIPPED\"") && len == strlen(answer));
    kefu_free(answer);
    CHECK_STATUS(kefu_shop_work(shop, kAgent, strlen(kAgent), &answer, &len, &msg), KEFU_OK, msg);
    {
      static const char kHead[] = "{\"agent\":\"小王\",\"work\":[{";
      CHECK(strncmp(answer, kHead, strlen(kHead)) == 0);
    }
    kefu_free(answer);
    CHECK_STATUS(kefu_shop_work(shop, "nobody", 6, &answer, &len, &msg), KEFU_OK, msg);
    CHECK(strcmp(answer, "{\"agent\":\"nobody\",\"work\":[]}") == 0);
    kefu_free(answer);
  }

  /* The team entity (issue 20): a shift started, a swap refused without
   * approval (SH-HANDOVER), the shift again a duplicate. */
  {
    static const char kShift[] =
        "{\"id\":\"s-1\",\"at\":\"2026-11-21T08:48:00+08:00\",\"agent\":\"小王\","
        "\"entity\":\"team\",\"key\":\"小王\",\"type\":\"shift_started\","
        "\"fields\":{\"shift\":\"early\",\"channels\":\"旺旺,商城\"}}";
    static const char kSwap[] =
        "{\"id\":\"s-2\",\"at\":\"2026-11-21T10:00:00+08:00\",\"agent\":\"小王\","
        "\"entity\":\"team\",\"key\":\"小王\",\"type\":\"shift_swapped\","
        "\"fields\":{\"day\":\"2026-11-23\",\"shift\":\"early\",\"with\":\"小李\"}}";
    CHECK_STATUS(kefu_shop_apply(shop, kShift, strlen(kShift), &answer, &len, &msg), KEFU_OK, msg);
    CHECK(contains(answer, "\"result\":\"applied\"") &&
          contains(answer, "\"state_after\":\"on_shift\""));
    kefu_free(answer);
    CHECK_STATUS(kefu_shop_apply(shop, kSwap, strlen(kSwap), &answer, &len, &msg), KEFU_OK, msg);
    CHECK(contains(answer, "\"result\":\"refused\"") && contains(answer, "SH-HANDOVER"));
    kefu_free(answer);
    CHECK_STATUS(kefu_shop_apply(shop, kShift, strlen(kShift), &answer, &len, &msg), KEFU_OK, msg);
    CHECK(contains(answer, "\"result\":\"duplicate\""));
    kefu_free(answer);
  }

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
  /* The order and the ticket applied, and the team's shift; the order
   * check and the team's unapproved swap refused. */
  CHECK(contains(answer, "\"applied\":3") && contains(answer, "\"refused\":2"));
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

/* A store (a file, or a postgresql:// URI): what the shop answered is
 * there after reopening; a second open of the same store is refused while
 * the first is open. */
static void test_store(const char* db, const kefu_policy* policy) {
  char* msg = NULL;
  char* answer = NULL;
  kefu_shop* shop = NULL;
  kefu_shop* second = NULL;
  static const char kNow[] = "2026-11-03T00:00:00+08:00";
  if (strncmp(db, "postgresql://", 13) != 0) remove(db);
  CHECK_STATUS(kefu_shop_open(db, strlen(db), policy, KEFU_LANG_EN | KEFU_DURABILITY_NORMAL,
                              &shop, &msg),
               KEFU_OK, msg);
  if (shop == NULL) return;
  CHECK_STATUS(kefu_shop_open(db, strlen(db), policy, 0, &second, &msg),
               KEFU_FAILED_PRECONDITION, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_apply(shop, kPlaced, strlen(kPlaced), &answer, NULL, &msg), KEFU_OK, msg);
  CHECK(contains(answer, "\"seq\":1"));
  kefu_free(answer);
  kefu_shop_close(shop);
  shop = NULL;
  CHECK_STATUS(kefu_shop_open(db, strlen(db), policy, KEFU_LANG_EN, &shop, &msg), KEFU_OK, msg);
  if (shop == NULL) return;
  CHECK_STATUS(kefu_shop_apply(shop, kPlaced, strlen(kPlaced), &answer, NULL, &msg), KEFU_OK, msg);
  /* Remembered (a duplicate has a journal position of its own). */
  CHECK(contains(answer, "\"result\":\"duplicate\"") && contains(answer, "\"seq\":2"));
  kefu_free(answer);
  CHECK_STATUS(kefu_shop_due(shop, kNow, strlen(kNow), &answer, NULL, &msg), KEFU_OK, msg);
  /* In English, as asked. */
  CHECK(contains(answer, "\"rule\":\"ORD-UNSHIPPED\"") && contains(answer, "not shipped"));
  kefu_free(answer);
  CHECK_STATUS(kefu_shop_report(shop, NULL, 0, &answer, NULL, &msg), KEFU_OK, msg);
  CHECK(contains(answer, db) && contains(answer, "\"applied\":1"));
  kefu_free(answer);
  kefu_shop_close(shop);
}

/* A visitor that writes the document back as JSON text, escaping as kefu
 * does: what it writes must be the answer's own text. It stops after
 * `stop_after` calls when that is not 0. */
struct rebuild {
  char text[16384];
  size_t len;
  int need_comma; /* a value came before, at this level */
  int calls;
  int stop_after;
};

static int rb_call(struct rebuild* r) {
  ++r->calls;
  return r->stop_after != 0 && r->calls >= r->stop_after;
}

static void rb_put(struct rebuild* r, const char* s, size_t n) {
  if (r->len + n + 1 > sizeof r->text) n = sizeof r->text - r->len - 1;
  memcpy(r->text + r->len, s, n);
  r->len += n;
  r->text[r->len] = '\0';
}

static void rb_sep(struct rebuild* r) {
  if (r->need_comma) rb_put(r, ",", 1);
}

static void rb_string(struct rebuild* r, const char* s, size_t n) {
  size_t i;
  rb_put(r, "\"", 1);
  for (i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)s[i];
    char esc[8];
    if (c == '"' || c == '\\') {
      esc[0] = '\\';
      esc[1] = (char)c;
      rb_put(r, esc, 2);
    } else if (c < 0x20) {
      const char* named = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r"
                        : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
      if (named != NULL) {
        rb_put(r, named, 2);
      } else {
        snprintf(esc, sizeof esc, "\\u%04x", c);
        rb_put(r, esc, 6);
      }
    } else {
      rb_put(r, (const char*)&s[i], 1);
    }
  }
  rb_put(r, "\"", 1);
}

static int rb_begin_object(void* ctx) {
  struct rebuild* r = ctx;
  rb_sep(r);
  rb_put(r, "{", 1);
  r->need_comma = 0;
  return rb_call(r);
}
static int rb_end_object(void* ctx) {
  struct rebuild* r = ctx;
  rb_put(r, "}", 1);
  r->need_comma = 1;
  return rb_call(r);
}
static int rb_begin_array(void* ctx) {
  struct rebuild* r = ctx;
  rb_sep(r);
  rb_put(r, "[", 1);
  r->need_comma = 0;
  return rb_call(r);
}
static int rb_end_array(void* ctx) {
  struct rebuild* r = ctx;
  rb_put(r, "]", 1);
  r->need_comma = 1;
  return rb_call(r);
}
static int rb_key(void* ctx, const char* k, size_t n) {
  struct rebuild* r = ctx;
  rb_sep(r);
  rb_string(r, k, n);
  rb_put(r, ":", 1);
  r->need_comma = 0;
  return rb_call(r);
}
static int rb_str(void* ctx, const char* s, size_t n) {
  struct rebuild* r = ctx;
  rb_sep(r);
  rb_string(r, s, n);
  r->need_comma = 1;
  return rb_call(r);
}
static int rb_int(void* ctx, int64_t v) {
  struct rebuild* r = ctx;
  char buf[32];
  rb_sep(r);
  snprintf(buf, sizeof buf, "%lld", (long long)v);
  rb_put(r, buf, strlen(buf));
  r->need_comma = 1;
  return rb_call(r);
}

static const kefu_visitor kRebuild = {rb_begin_object, rb_end_object, rb_begin_array,
                                      rb_end_array,    rb_key,        rb_str,
                                      rb_int};

/* The answer's document, rebuilt as text. */
static const char* rebuilt(const kefu_answer* answer, struct rebuild* r) {
  char* msg = NULL;
  memset(r, 0, sizeof *r);
  CHECK_STATUS(kefu_answer_visit(answer, &kRebuild, r, &msg), KEFU_OK, msg);
  return r->text;
}

/* kefu_answer: the same text as kefu_shop_apply / _batch (compared on a
 * twin shop taking the same events), a document that is that text, and
 * every error. */
static void test_answer(void) {
  static struct rebuild r;
  char* msg = NULL;
  char* want = NULL;
  const char* json = NULL;
  size_t len = 99;
  kefu_shop* shop = NULL;
  kefu_shop* twin = NULL;
  kefu_answer* answer = NULL;
  const char* events[4];
  size_t i;
  events[0] = kPlaced;
  events[1] = kPass;
  events[2] = kUnknown;
  events[3] = kPlaced;

  CHECK_STATUS(kefu_answer_new(NULL, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  kefu_answer_free(NULL);
  CHECK_STATUS(kefu_answer_new(&answer, &msg), KEFU_OK, msg);
  CHECK_STATUS(kefu_shop_open(NULL, 0, NULL, 0, &shop, &msg), KEFU_OK, msg);
  CHECK_STATUS(kefu_shop_open(NULL, 0, NULL, 0, &twin, &msg), KEFU_OK, msg);
  if (answer == NULL || shop == NULL || twin == NULL) return;

  /* Holding nothing yet. */
  CHECK_STATUS(kefu_answer_json(answer, &json, &len, &msg), KEFU_FAILED_PRECONDITION, msg);
  CHECK(json == NULL && len == 0);
  kefu_free(msg);
  CHECK_STATUS(kefu_answer_visit(answer, &kRebuild, &r, &msg), KEFU_FAILED_PRECONDITION, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_answer_json(NULL, &json, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_answer_json(answer, NULL, &len, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_answer_visit(NULL, &kRebuild, &r, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_answer_visit(answer, NULL, &r, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);

  /* Apply's errors. */
  CHECK_STATUS(kefu_shop_apply_into(NULL, kPlaced, strlen(kPlaced), answer, &msg),
               KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_apply_into(shop, kPlaced, strlen(kPlaced), NULL, &msg),
               KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_apply_into(shop, NULL, 4, answer, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_shop_apply_into(shop, " ", 1, answer, &msg), KEFU_INVALID_ARGUMENT, msg);
  CHECK(contains(msg, "blank"));
  kefu_free(msg);

  /* Each event: the text kefu_shop_apply gives the twin, twice (the text
   * is kept), and a document that is that text. */
  for (i = 0; i < 4; ++i) {
    size_t want_len = 0;
    CHECK_STATUS(kefu_shop_apply_into(shop, events[i], strlen(events[i]), answer, &msg), KEFU_OK,
                 msg);
    CHECK_STATUS(kefu_shop_apply(twin, events[i], strlen(events[i]), &want, &want_len, &msg),
                 KEFU_OK, msg);
    CHECK_STATUS(kefu_answer_json(answer, &json, &len, &msg), KEFU_OK, msg);
    CHECK(json != NULL && want != NULL && len == want_len && strcmp(json, want) == 0);
    CHECK_STATUS(kefu_answer_json(answer, &json, NULL, &msg), KEFU_OK, msg);
    CHECK(json != NULL && want != NULL && strcmp(json, want) == 0);
    CHECK(want != NULL && strcmp(rebuilt(answer, &r), want) == 0);
    kefu_free(want);
  }
  /* An error empties the answer. */
  CHECK_STATUS(kefu_shop_apply_into(shop, "{", 1, answer, &msg), KEFU_INVALID_ARGUMENT, msg);
  kefu_free(msg);
  CHECK_STATUS(kefu_answer_json(answer, &json, &len, &msg), KEFU_FAILED_PRECONDITION, msg);
  kefu_free(msg);

  /* A batch: JSON Lines as kefu_shop_apply_batch, an array as document. */
  {
    char batch[4096];
    char want_array[16384];
    size_t w = 0;
    const char* line;
    snprintf(batch, sizeof batch, "%s\n{\"id\":\n\n%s\n", kTicket, kTicket);
    CHECK_STATUS(kefu_shop_apply_batch_into(NULL, batch, strlen(batch), answer, &msg),
                 KEFU_INVALID_ARGUMENT, msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_apply_batch_into(shop, batch, strlen(batch), NULL, &msg),
                 KEFU_INVALID_ARGUMENT, msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_apply_batch_into(shop, NULL, 3, answer, &msg), KEFU_INVALID_ARGUMENT,
                 msg);
    kefu_free(msg);
    CHECK_STATUS(kefu_shop_apply_batch_into(shop, batch, strlen(batch), answer, &msg), KEFU_OK,
                 msg);
    CHECK_STATUS(kefu_shop_apply_batch(twin, batch, strlen(batch), &want, NULL, &msg), KEFU_OK,
                 msg);
    CHECK_STATUS(kefu_answer_json(answer, &json, &len, &msg), KEFU_OK, msg);
    CHECK(json != NULL && want != NULL && strcmp(json, want) == 0 && len == strlen(want));
    /* The lines joined as an array. */
    want_array[w++] = '[';
    for (line = want; line != NULL && *line != '\0';) {
      const char* nl = strchr(line, '\n');
      size_t n = nl != NULL ? (size_t)(nl - line) : strlen(line);
      if (w > 1) want_array[w++] = ',';
      if (w + n + 2 < sizeof want_array) memcpy(want_array + w, line, n), w += n;
      line = nl != NULL ? nl + 1 : line + n;
    }
    want_array[w++] = ']';
    want_array[w] = '\0';
    CHECK(strcmp(rebuilt(answer, &r), want_array) == 0);
    kefu_free(want);
    /* An empty batch: no lines, an empty array. */
    CHECK_STATUS(kefu_shop_apply_batch_into(shop, NULL, 0, answer, &msg), KEFU_OK, msg);
    CHECK_STATUS(kefu_answer_json(answer, &json, &len, &msg), KEFU_OK, msg);
    CHECK(json != NULL && len == 0 && json[0] == '\0');
    CHECK(strcmp(rebuilt(answer, &r), "[]") == 0);
  }

  /* A visitor with a callback missing, and one that stops. */
  CHECK_STATUS(kefu_shop_apply_into(shop, kTicket, strlen(kTicket), answer, &msg), KEFU_OK, msg);
  {
    kefu_visitor partial = kRebuild;
    partial.integer = NULL;
    CHECK_STATUS(kefu_answer_visit(answer, &partial, &r, &msg), KEFU_INVALID_ARGUMENT, msg);
    kefu_free(msg);
    memset(&r, 0, sizeof r);
    r.stop_after = 3;
    CHECK_STATUS(kefu_answer_visit(answer, &kRebuild, &r, &msg), KEFU_ABORTED, msg);
    CHECK(r.calls == 3);
    kefu_free(msg);
    CHECK(kefu_answer_visit(answer, &kRebuild, &r, NULL) == KEFU_ABORTED);
  }
  kefu_shop_close(shop);
  kefu_shop_close(twin);
  /* The answer outlives the shop. */
  CHECK_STATUS(kefu_answer_json(answer, &json, &len, &msg), KEFU_OK, msg);
  CHECK(contains(json, "\"id\":\"s1\""));
  kefu_answer_free(answer);
}

/* Huge pages for the heap: taken where the system has them (glibc on
 * Linux, a kernel with transparent huge pages, no sanitizer), refused
 * elsewhere; a store opened afterwards works the same (test_store again). */
static void test_huge_page_heap(void) {
  int expected = 0;
#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
  struct stat st;
  expected = stat("/sys/kernel/mm/transparent_hugepage", &st) == 0 ? 1 : 0;
#endif
  CHECK(kefu_prepare_huge_page_heap((size_t)64 << 20) == expected);
}

int main(int argc, char** argv) {
  kefu_policy* policy = NULL;
  kefu_shop* shop = NULL;
  char* msg = NULL;
  char path[4096];
  if (argc != 2 && argc != 4) {
    fprintf(stderr, "usage: c_api_test DIR [SHOP_URI STORE_URI]\n");
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
  test_answer();
  test_check_reply(policy);
  snprintf(path, sizeof path, "%s/shop.db", argv[1]);
  test_store(path, policy);
  if (argc == 4) {
    /* The same on PostgreSQL: the shop "default" of each database. */
    shop = NULL;
    CHECK_STATUS(kefu_shop_open(argv[2], strlen(argv[2]), NULL, KEFU_LANG_EN, &shop, &msg),
                 KEFU_OK, msg);
    if (shop != NULL) test_shop(shop);
    kefu_shop_close(shop);
    test_store(argv[3], policy);
  }
  test_huge_page_heap();
  snprintf(path, sizeof path, "%s/shop-huge-pages.db", argv[1]);
  test_store(path, policy);
  kefu_policy_free(policy);
  if (failures != 0) {
    fprintf(stderr, "c_api_test: %d checks failed\n", failures);
    return 1;
  }
  printf("c_api_test: every check passed%s\n", argc == 4 ? ", on PostgreSQL too" : "");
  return 0;
}
