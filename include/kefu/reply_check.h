// kefu/reply_check.h: convenience header for the reply checker: phrase lists
// and their matcher, the shipped packs, personal-data detection, the meeting
// auto-reply and the ReplyChecker that combines them.
// Thread safety: see each included header.
#ifndef KEFU_REPLY_CHECK_H_
#define KEFU_REPLY_CHECK_H_

#include "kefu/text/meeting.h"
#include "kefu/text/packs.h"
#include "kefu/text/phrase_matcher.h"
#include "kefu/text/privacy.h"
#include "kefu/text/reply_checker.h"

#endif  // KEFU_REPLY_CHECK_H_
