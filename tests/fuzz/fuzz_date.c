/*
** fuzz_date.c -- libFuzzer harness for the EDTF parser (date.c): every
** input is a date string; targets.c checks the bounds, the formatting of
** each bound and that a bound's ISO form parses back to itself.
*/
#include <stddef.h>
#include <stdint.h>

#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  caw_fuzz_date(data, size);
  return 0;
}
