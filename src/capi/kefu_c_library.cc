// libkefu_c.so (src/capi/sources.cmake): libkefu linked whole into one
// shared object that exports kefu/c.h alone. This file only gives the
// target a source of its own; the code is libkefu's.
