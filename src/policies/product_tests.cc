#include "kefu/policies/product_tests.h"

namespace kefu {

ProductTestQuery::~ProductTestQuery() = default;

}  // namespace kefu
