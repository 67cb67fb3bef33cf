# Benchmarks of the engine and io layers.
kefu_add_benchmark(deadline_queue_bench ${CMAKE_CURRENT_LIST_DIR}/deadline_queue_bench.cc)
kefu_add_benchmark(replay_bench ${CMAKE_CURRENT_LIST_DIR}/replay_bench.cc LIBS kefu_sample)
kefu_add_benchmark(events_bench ${CMAKE_CURRENT_LIST_DIR}/events_bench.cc LIBS nlohmann_json::nlohmann_json
  simdjson::simdjson kefu_sample)
kefu_add_benchmark(shop_save_bench ${CMAKE_CURRENT_LIST_DIR}/shop_save_bench.cc LIBS kefu_sample)
# The SQLite store: durable apply and recovery (issue 18).
kefu_add_benchmark(store_bench ${CMAKE_CURRENT_LIST_DIR}/store_bench.cc LIBS kefu_sample)
# The team ledger: targets and response times (issue 20).
kefu_add_benchmark(team_ledger_bench ${CMAKE_CURRENT_LIST_DIR}/team_ledger_bench.cc)
# The C API against the C++ Shop (issue 22); bench/bindings_bench.py adds
# Python's figures in the same run.
kefu_add_benchmark(capi_bench ${CMAKE_CURRENT_LIST_DIR}/capi_bench.cc LIBS kefu_sample)
if(TARGET kefu_python AND KEFU_BUILD_TOOLS)
  add_custom_target(bindings_bench
    COMMAND ${KEFU_PYTHON_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/bindings_bench.py
            --kefu $<TARGET_FILE:kefu_tool> --capi-bench $<TARGET_FILE:capi_bench>
            --python-path ${KEFU_PYTHON_DIR}
    DEPENDS kefu_python capi_bench kefu_tool
    USES_TERMINAL
    COMMENT "C++, C API and Python: the cost of one event (bench/bindings_bench.py)")
endif()
