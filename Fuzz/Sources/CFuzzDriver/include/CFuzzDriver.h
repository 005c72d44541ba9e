#ifndef TRIBELOG_CFUZZDRIVER_H
#define TRIBELOG_CFUZZDRIVER_H
#include <stddef.h>
#include <stdint.h>

// libFuzzer's own entry point (its `main` calls just this), declared by hand because the
// toolchain ships no header for it. A target calls it from its `main`: SwiftPM names an
// executable's entry point after its module and links `main` to that, so libFuzzer's
// `main` cannot be the program's.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));

// What each fuzz target defines (with `@_cdecl`): the test of one input.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
