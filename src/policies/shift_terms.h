// shift_terms.h: a shift template's name as a figure (SH-SHIFTS): the
// seed's three shifts ("early", "middle", "late") as terms, so that a
// message renders them in its own language (早班 / early shift); any other
// name (a pack's own template) as the text it is. Private.
#ifndef KEFU_POLICIES_SHIFT_TERMS_H_
#define KEFU_POLICIES_SHIFT_TERMS_H_

#include <string_view>

#include "kefu/core/outcome.h"

namespace kefu::internal {

Figure::Value ShiftNameValue(std::string_view name);

}  // namespace kefu::internal

#endif  // KEFU_POLICIES_SHIFT_TERMS_H_
