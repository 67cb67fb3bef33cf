# Benchmarks of the engine and io layers.
kefu_add_benchmark(deadline_queue_bench ${CMAKE_CURRENT_LIST_DIR}/deadline_queue_bench.cc)
# The entity maps' key against std::string keys (issue 21).
kefu_add_benchmark(entity_key_bench ${CMAKE_CURRENT_LIST_DIR}/entity_key_bench.cc)
kefu_add_benchmark(replay_bench ${CMAKE_CURRENT_LIST_DIR}/replay_bench.cc LIBS kefu_sample)
kefu_add_benchmark(events_bench ${CMAKE_CURRENT_LIST_DIR}/events_bench.cc LIBS nlohmann_json::nlohmann_json
  simdjson::simdjson kefu_sample)
kefu_add_benchmark(shop_save_bench ${CMAKE_CURRENT_LIST_DIR}/shop_save_bench.cc LIBS kefu_sample)
# The SQLite store: durable apply and recovery (issue 18).
kefu_add_benchmark(store_bench ${CMAKE_CURRENT_LIST_DIR}/store_bench.cc LIBS kefu_sample)
# The team ledger: targets and response times (issue 20).
kefu_add_benchmark(team_ledger_bench ${CMAKE_CURRENT_LIST_DIR}/team_ledger_bench.cc)
# The C API against the C++ Shop (issue 22): the passes (capi_passes.h)
# in capi_bench, and in a shared library bench/bindings_bench.py loads to
# run them in turns with Python's passes, in one process.
add_library(kefu_capi_passes STATIC ${CMAKE_CURRENT_LIST_DIR}/capi_passes.cc)
target_link_libraries(kefu_capi_passes PUBLIC kefu::kefu kefu_sample)
target_include_directories(kefu_capi_passes PUBLIC ${CMAKE_CURRENT_LIST_DIR}
                           PRIVATE ${PROJECT_SOURCE_DIR}/src)
set_target_properties(kefu_capi_passes PROPERTIES POSITION_INDEPENDENT_CODE ON)
kefu_set_warnings(kefu_capi_passes)
kefu_add_benchmark(capi_bench ${CMAKE_CURRENT_LIST_DIR}/capi_bench.cc LIBS kefu_capi_passes)
add_library(kefu_bench_passes MODULE ${CMAKE_CURRENT_LIST_DIR}/capi_passes.cc)
target_link_libraries(kefu_bench_passes PRIVATE kefu::kefu kefu_sample)
target_include_directories(kefu_bench_passes PRIVATE ${PROJECT_SOURCE_DIR}/src)
set_target_properties(kefu_bench_passes PROPERTIES CXX_VISIBILITY_PRESET hidden)
kefu_set_warnings(kefu_bench_passes)
if(TARGET kefu_python AND KEFU_BUILD_TOOLS)
  add_custom_target(bindings_bench
    COMMAND ${KEFU_PYTHON_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/bindings_bench.py
            --kefu $<TARGET_FILE:kefu_tool> --passes $<TARGET_FILE:kefu_bench_passes>
            --python-path ${KEFU_PYTHON_DIR}
    DEPENDS kefu_python kefu_bench_passes kefu_tool
    USES_TERMINAL
    COMMENT "C++, C API and Python: the cost of one event (bench/bindings_bench.py)")
endif()
# The PostgreSQL store and workers against the SQLite store (issue 24); it
# starts its own server (tests/store/pg_fixture.sh) unless KEFU_BENCH_PG_URI
# names one.
find_package(PostgreSQL REQUIRED)
kefu_add_benchmark(pg_bench ${CMAKE_CURRENT_LIST_DIR}/pg_bench.cc LIBS kefu_sample PostgreSQL::PostgreSQL)
target_compile_definitions(pg_bench PRIVATE KEFU_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
