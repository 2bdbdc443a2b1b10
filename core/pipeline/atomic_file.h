/* core/pipeline/atomic_file.h — replacing a small file so that a crash
 * leaves either the old contents or the new, never a mix or nothing. */
#ifndef SLUICE_CORE_ATOMIC_FILE_H
#define SLUICE_CORE_ATOMIC_FILE_H

#include <stddef.h>

/* Replaces DIR/NAME with `len` bytes of `data`: writes DIR/NAME.tmp,
 * fsyncs it, renames it over DIR/NAME and fsyncs DIR, so that the rename
 * itself survives a crash.  0, or -1 with one line in err naming the path
 * and the reason (ENOSPC, EIO, ...).  On any failure before the rename,
 * DIR/NAME is untouched and the temp file removed; only the directory
 * fsync comes after it (the new contents are then in place, but a crash
 * might still bring the old ones back).  Callers serialize
 * replacements of one file (the temp name is fixed, so a crash leaves at
 * most one stale temp file, overwritten by the next replacement). */
int atomic_file_replace(const char *dir, const char *name, const void *data, size_t len, char *err,
                        size_t errsize);

/* fsyncs directory `dir`, so that a rename or unlink in it survives a
 * crash.  0, or -1 with one line in err. */
int atomic_file_sync_dir(const char *dir, char *err, size_t errsize);

#endif
