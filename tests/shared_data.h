/*
** shared_data.h -- for the C tests that read the real-data samples of
** ../shared/data: where they are ($CAW_SHARED_DATA at run time, else the
** folder CMake was given), and what a test does when they are absent:
** exit 77, which ctest reports as skipped, with a one-line reason; under
** CI=true, where the samples must be present, exit 1 instead, so that a
** skip fails the run. Header-only: included by one test file each.
*/
#ifndef CAW_TEST_SHARED_DATA_H
#define CAW_TEST_SHARED_DATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef CAW_SHARED_DATA
#define CAW_SHARED_DATA "../shared/data"
#endif

/* The folder holding the samples. */
static const char *shared_dir(void) {
  const char *env = getenv("CAW_SHARED_DATA");
  return env && *env ? env : CAW_SHARED_DATA;
}

/* The path of the sample name, in one of four rotating buffers (so that a
   few may be in use at once). */
static const char *shared_file(const char *name) {
  static char buf[4][4096];
  static int next;
  char *p = buf[next++ % 4];
  snprintf(p, sizeof buf[0], "%s/%s", shared_dir(), name);
  return p;
}

/* 0 when every sample in the NULL-terminated names exists; otherwise the
   code the test exits with (77: skipped; 1 under CI=true), after a line
   on stdout saying which sample is missing. */
static int shared_data_missing(const char *const *names) {
  const char *ci = getenv("CI");
  struct stat sb;
  for (; *names; names++) {
    const char *path = shared_file(*names);
    if (stat(path, &sb) == 0) continue;
    if (ci && strcmp(ci, "true") == 0) {
      printf("FAIL: CI=true but the shared sample %s is missing (set"
             " CAW_SHARED_DATA)\n", path);
      return 1;
    }
    printf("SKIP: needs the shared sample %s (set CAW_SHARED_DATA)\n", path);
    return 77;
  }
  return 0;
}

#endif
