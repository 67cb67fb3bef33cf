// Internal: the size from which Shop::Load restores a kind's entities on
// several threads (ShopOptions::load_threads), and from which Shop::Save
// writes a kind in two sections (ShopOptions::save_threads). For tests,
// which reach these paths with small shops.
#ifndef KEFU_ENGINE_LOAD_THREADS_H_
#define KEFU_ENGINE_LOAD_THREADS_H_

#include <cstddef>

namespace kefu::internal {

// Sets the least entities of a kind a saved shop must hold for Load to use
// more than one thread (20,000 by default); returns the previous value.
// Thread-safe; a Load already running keeps the value it read.
size_t SetParallelLoadEntities(size_t n);

// Sets the least entities of a kind a shop must hold for Save to write the
// second half of them as a section with its own words (format 3; 4,096 by
// default); returns the previous value. Thread-safe; a Save already running
// keeps the value it read.
size_t SetSaveSectionEntities(size_t n);

}  // namespace kefu::internal

#endif  // KEFU_ENGINE_LOAD_THREADS_H_
