/*
** mem.c -- counted malloc and free for C libraries working on a script's
** behalf (cJSON's hooks, set by json.c): the count and a limit that
** runtime.c installs for --max-memory. Knows nothing of Lua.
*/
#include <malloc.h>
#include <stdlib.h>

#include "caw/mem.h"

static long long c_mem_used; /* bytes handed out, all threads (atomic) */
static int (*mem_refuse)(void *, size_t);
static void *mem_arg;

void *caw_mem_alloc(size_t n) {
  void *p;
  if (mem_refuse && mem_refuse(mem_arg, n)) return NULL;
  if ((p = malloc(n)))
    __atomic_add_fetch(&c_mem_used, (long long)malloc_usable_size(p),
                       __ATOMIC_RELAXED);
  return p;
}

void caw_mem_free(void *p) {
  if (!p) return;
  __atomic_sub_fetch(&c_mem_used, (long long)malloc_usable_size(p),
                     __ATOMIC_RELAXED);
  free(p);
}

size_t caw_mem_used(void) {
  long long c = __atomic_load_n(&c_mem_used, __ATOMIC_RELAXED);
  return (size_t)(c > 0 ? c : 0);
}

void caw_mem_limit(int (*refuse)(void *arg, size_t n), void *arg) {
  mem_refuse = refuse;
  mem_arg = arg;
}

int caw_mem_unlimit(void *arg) {
  if (!mem_refuse || mem_arg != arg) return 0;
  mem_refuse = NULL;
  mem_arg = NULL;
  return 1;
}
