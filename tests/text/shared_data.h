// The data the phrase differential tests read, shipped with the project in
// tests/text/data (KEFU_TEXT_TEST_DATA_DIR, see its README for sources and
// licences): the first 8,000 lines of the OpenSubtitles sample and OpenCC's
// STPhrases.
#ifndef KEFU_TESTS_TEXT_SHARED_DATA_H_
#define KEFU_TESTS_TEXT_SHARED_DATA_H_

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define KEFU_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KEFU_UNDER_ASAN 1
#endif
#endif

namespace kefu {
namespace test {

// The file's bytes, or "" when it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The first `limit` non-empty lines of `text`, without their '\n'.
inline std::vector<std::string> Lines(const std::string& text, size_t limit) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < text.size() && out.size() < limit) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    if (nl > at) out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

struct SharedData {
  std::string corpus;                // the sample's first lines, as in the file
  std::vector<std::string> phrases;  // every STPhrases phrase, in file order
};

// Reads the data once per process, keeping the corpus's first
// `corpus_lines` lines (the first call's argument counts). nullptr when
// either file is missing or empty: the caller fails (the files are part of
// the project).
inline const SharedData* LoadSharedData(size_t corpus_lines) {
  static const SharedData* data = [corpus_lines] {
    auto* d = new SharedData;
    const std::string dir = KEFU_TEXT_TEST_DATA_DIR;
    d->corpus = ReadFile(dir + "/opensubtitles-zh-8000.txt");
    size_t cut = 0;
    for (size_t i = 0; i < corpus_lines && cut != std::string::npos; ++i) {
      cut = d->corpus.find('\n', i == 0 ? 0 : cut + 1);
    }
    if (cut != std::string::npos) d->corpus.resize(cut + 1);
    d->phrases = Lines(ReadFile(dir + "/opencc-stphrases-simplified.txt"), size_t{1} << 30);
    return d;
  }();
  return data->corpus.empty() || data->phrases.empty() ? nullptr : data;
}

}  // namespace test
}  // namespace kefu

#endif  // KEFU_TESTS_TEXT_SHARED_DATA_H_
