# Benchmarks of the engine and io layers.
