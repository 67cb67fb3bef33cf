# Tests of the io layer (kefu/io/). One kefu_add_test() per file.
