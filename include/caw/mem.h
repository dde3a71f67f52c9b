/*
** mem.h -- malloc and free for C libraries working on a script's behalf
** (cJSON's hooks, set by json.c), counted so that --max-memory covers
** them. runtime.c sets the limit; knows nothing of Lua.
*/
#ifndef CAW_MEM_H
#define CAW_MEM_H

#include <stddef.h>

/*
** malloc and free whose bytes are counted (caw_mem_used); caw_mem_alloc
** gives NULL when the limit's check refuses n more bytes. Safe from any
** thread.
*/
void *caw_mem_alloc(size_t n);
void caw_mem_free(void *p);

/* Bytes caw_mem_alloc hands out now (all threads). */
size_t caw_mem_used(void);

/*
** Install the limit: before each allocation refuse(arg, n) is asked, and
** a true answer makes caw_mem_alloc give NULL. The caller keeps arg
** alive until caw_mem_unlimit(arg).
*/
void caw_mem_limit(int (*refuse)(void *arg, size_t n), void *arg);
/* Remove the limit installed with arg; 0 (and nothing done) when the limit
   in force is another's. */
int caw_mem_unlimit(void *arg);

#endif
