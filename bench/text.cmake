# Reply checker benchmarks (issue 6). Hyperscan, when found, is the baseline
# next to a std::string_view::find loop, in the same binary.
find_path(KEFU_BENCH_HYPERSCAN_INCLUDE_DIR hs/hs.h)
find_library(KEFU_BENCH_HYPERSCAN_LIBRARY hs)
kefu_add_benchmark(text_bench ${CMAKE_CURRENT_LIST_DIR}/text_bench.cc)
if(KEFU_BENCH_HYPERSCAN_INCLUDE_DIR AND KEFU_BENCH_HYPERSCAN_LIBRARY)
  target_include_directories(text_bench PRIVATE ${KEFU_BENCH_HYPERSCAN_INCLUDE_DIR})
  target_link_libraries(text_bench PRIVATE ${KEFU_BENCH_HYPERSCAN_LIBRARY})
  target_compile_definitions(text_bench PRIVATE KEFU_HAVE_HYPERSCAN=1)
endif()
