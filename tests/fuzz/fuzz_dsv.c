/*
** fuzz_dsv.c -- libFuzzer harness for the delimited-file reader (dsv.c):
** the first byte of an input chooses the options (separator, quoting,
** header, UTF-8 check, buffer size, limits), the rest is the file.
** targets.c reads every row twice, with two buffer sizes, and checks that
** both reads agree.
*/
#include <stddef.h>
#include <stdint.h>

#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  caw_fuzz_dsv(data, size);
  return 0;
}
