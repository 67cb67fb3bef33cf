#include "kefu/policies/product_tests.h"

namespace kefu {

ProductTestQuery::~ProductTestQuery() = default;
DefectLedger::~DefectLedger() = default;

}  // namespace kefu
