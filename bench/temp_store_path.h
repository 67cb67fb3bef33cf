// A path for a benchmark's SQLite store: $TMPDIR (or /tmp), named by the
// program, its pid and `name`, with any file of that name left by an
// earlier run (and its -wal, -shm and -lock companions) removed.
#ifndef KEFU_BENCH_TEMP_STORE_PATH_H_
#define KEFU_BENCH_TEMP_STORE_PATH_H_

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace kefu::bench {

// Deletes the store at `path` and its -wal, -shm and -lock companions.
inline void RemoveStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-lock"}) std::remove((path + suffix).c_str());
}

inline std::string TempStorePath(const std::string& program, const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  const std::string path = std::string(tmp ? tmp : "/tmp") + "/" + program + "-" +
                           std::to_string(getpid()) + "-" + name;
  RemoveStore(path);
  return path;
}

}  // namespace kefu::bench

#endif  // KEFU_BENCH_TEMP_STORE_PATH_H_
