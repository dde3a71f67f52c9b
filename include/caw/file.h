/*
** file.h -- how caw replaces a file: the new content goes to a temporary
** file made exclusively, under an unpredictable name, in the target's own
** directory, and is renamed into place only when complete. Only a
** regular file (or nothing) is ever replaced. Leaf module: used by
** luafile.c (caw.write, caw.output) and store.c (a new database).
*/
#ifndef CAW_FILE_H
#define CAW_FILE_H

#include <stddef.h>

#include "caw/caw.h"

/*
** May caw replace target? CAW_OK when nothing is there or a regular
** file is; CAW_EIO with a message naming target when it is anything
** else (a symbolic link, a directory, a device node, a FIFO).
*/
caw_status caw_file_check_target(const char *target, char *err,
                                 size_t errlen);

/*
** Create a new empty temporary file beside target ("DIR/.NAME.XXXXXX",
** O_EXCL, never through a symbolic link) after caw_file_check_target.
** On success *fd is open for writing and *tmp (malloc'd, the caller
** frees it) names the file, whose mode is 0666 less the umask. On failure
** returns CAW_EIO or CAW_ENOMEM with a message and makes nothing.
*/
caw_status caw_file_temp(const char *target, int *fd, char **tmp, char *err,
                         size_t errlen);

/*
** Move the complete temporary file tmp to target. replace = 0: only when
** target does not exist (CAW_EIO "already exists" otherwise); replace = 1:
** also over a regular file. On failure tmp is removed.
*/
caw_status caw_file_commit(const char *tmp, const char *target, int replace,
                           char *err, size_t errlen);

/* 1 when a and b name the same existing file (device and inode), else 0. */
int caw_file_same(const char *a, const char *b);

#endif
