/*
 * outfile: output files that never end up half-written.
 *
 * outfile_open() creates a temporary file next to the target
 * ("<path>.tmp.XXXXXX", same directory, so the final rename stays on one
 * file system); the caller writes through outfile_fp(); outfile_commit()
 * flushes, fsyncs, checks for write errors and renames the temporary file
 * over the target in one atomic step.  outfile_abort() removes the
 * temporary file.  Whatever fails, the requested name holds either its old
 * content or the complete new one, never a truncated file.
 *
 * Special cases:
 *  - "-" means standard output (no temporary file; commit flushes it and
 *    reports write errors, abort cannot take back what was written);
 *  - a target that exists and is not a regular file or a directory (a
 *    character device such as /dev/null or /dev/stdout, a FIFO) is opened
 *    and written directly: renaming over it would replace the device;
 *  - a symbolic link to a regular file: the file it points to is replaced,
 *    the link stays;
 *  - a new file gets mode 0666 minus the umask; a replaced file keeps its
 *    mode.
 *
 * Errors come as one line in err ("cannot create out/x.json: No such file
 * or directory") and a sysexits code in *exit_code: EX_CANTCREAT (73) when
 * the file cannot be created (missing directory, permission denied, the
 * path is a directory...), EX_IOERR (74) when writing, flushing, syncing
 * or renaming fails.  err and exit_code may be NULL.
 */
#ifndef GV_OUTFILE_H
#define GV_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

struct outfile;

/* Open `path` for writing (see above).  Returns NULL on failure, with the
 * message in err and EX_CANTCREAT in *exit_code. */
struct outfile *outfile_open(const char *path, char *err, size_t errsize, int *exit_code);

/* The stream to write to (valid until commit or abort). */
FILE *outfile_fp(struct outfile *o);

/* The path as given to outfile_open(). */
const char *outfile_path(const struct outfile *o);

/* Finish: flush, fsync, check for write errors, rename over the target,
 * free `o`.  Returns 0, or the sysexits code (also stored in *exit_code)
 * with a message in err; on failure the temporary file is removed and the
 * target is left as it was.  `o` is freed either way. */
int outfile_commit(struct outfile *o, char *err, size_t errsize, int *exit_code);

/* Give up: close and remove the temporary file, free `o`.  NULL is fine. */
void outfile_abort(struct outfile *o);

#endif
