# Tests of the engine layer (kefu/engine/). One kefu_add_test() per file.
