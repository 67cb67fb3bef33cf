/* A host built with pkg-config alone (cc main.c $(pkg-config --cflags --libs
 * kefu)): opens a shop in memory, applies one reply. */
#include <stdio.h>
#include <string.h>

#include "kefu/c.h"

int main(void) {
  static const char kReply[] =
      "{\"id\":\"r1\",\"at\":\"2026-11-02T16:10:00+08:00\",\"agent\":\"小王\","
      "\"entity\":\"reply\",\"key\":\"tb_buyer\",\"type\":\"posted\","
      "\"fields\":{\"text\":\"您好，已为您发货\"}}";
  kefu_shop* shop = NULL;
  char* answer = NULL;
  char* msg = NULL;
  if (kefu_shop_open(NULL, 0, NULL, 0, &shop, &msg) != KEFU_OK) return 1;
  if (kefu_shop_apply(shop, kReply, strlen(kReply), &answer, NULL, &msg) != KEFU_OK) return 2;
  if (strstr(answer, "\"result\":\"applied\"") == NULL) return 3;
  kefu_free(answer);
  kefu_shop_close(shop);
  printf("pkg-config consumer: kefu %s OK\n", kefu_version());
  return 0;
}
