# Machines benchmarks.
# Orders (issue 3): full Order::Apply on realistic lifecycles, and raw
# Boost.MSM dispatch against the same transitions as a plain switch.
kefu_add_benchmark(order_bench ${CMAKE_CURRENT_LIST_DIR}/order_bench.cc LIBS Boost::headers)
# After-sales tickets (issue 4): full Ticket::Apply lifecycles, raw MSM vs switch.
kefu_add_benchmark(ticket_bench ${CMAKE_CURRENT_LIST_DIR}/ticket_bench.cc LIBS Boost::headers)
# Reviews (issue 5): full Review::Apply lifecycles, raw MSM vs switch.
kefu_add_benchmark(review_bench ${CMAKE_CURRENT_LIST_DIR}/review_bench.cc LIBS Boost::headers)
