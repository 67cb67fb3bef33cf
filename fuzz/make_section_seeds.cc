// Writes seeds with sections for shop_load_fuzzer: each seed of
// fuzz/corpus_state/ given on the command line is loaded and saved again
// with every kind of two entities or more written as two sections (format
// 3's second halves, engine/load_threads.h), as a large shop's are, and
// written beside it as "sections-<name>". The seeds kefu replay --state-out
// makes are too small to hold sections (4,096 entities of a kind by
// default), so without these the fuzzer would hardly reach their decoder.
//   build/fuzz/make_section_seeds fuzz/corpus_state/small-12 fuzz/corpus_state/sample-1
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include "engine/load_threads.h"
#include "kefu/engine/shop.h"
#include "saved_shop.h"

int main(int argc, char** argv) {
  kefu::internal::SetSaveSectionEntities(2);
  for (int i = 1; i < argc; ++i) {
    const std::string path = argv[i];
    std::ifstream in(path, std::ios::binary);
    const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string saved = kefu::fuzz::SavedShopOf(body);  // as the fuzzer makes it
    absl::StatusOr<std::unique_ptr<kefu::Shop>> shop = kefu::Shop::Load(saved, kefu::ShopOptions());
    if (!shop.ok()) {
      std::cerr << path << ": " << shop.status() << "\n";
      return 1;
    }
    const std::string again = (*shop)->Save();
    const size_t slash = path.find_last_of('/');
    const std::string out_path = (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) +
                                 "sections-" + path.substr(slash + 1);
    std::ofstream out(out_path, std::ios::binary);
    const std::string_view again_body = kefu::fuzz::BodyOf(again);
    out << again_body;
    if (!out) {
      std::cerr << out_path << ": cannot write\n";
      return 1;
    }
    std::cout << out_path << ": " << again_body.size() << " bytes\n";
  }
  return 0;
}
