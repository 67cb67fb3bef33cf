# Warning flags shared by the library, its tests, examples and benchmarks.
function(kefu_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
      -Wshadow -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion)
    if(KEFU_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
