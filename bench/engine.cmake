# Benchmarks of the engine and io layers.
kefu_add_benchmark(events_bench ${CMAKE_CURRENT_LIST_DIR}/events_bench.cc LIBS nlohmann_json::nlohmann_json)
