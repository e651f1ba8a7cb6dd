/*
 * outfile: see outfile.h.  The temporary file lives in the target's
 * directory so that rename() is atomic; fsync before the rename makes the
 * new content durable before it becomes visible under the requested name.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* realpath() */
#endif
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "../i18n.h"
#include "../util.h"

enum out_mode {
    OUT_TEMP,    /* temporary file renamed over the target at commit */
    OUT_DIRECT,  /* an existing device or FIFO, written in place */
    OUT_STDOUT,  /* "-" */
};

struct outfile {
    enum out_mode mode;
    FILE *fp;
    char *path;    /* as given */
    char *target;  /* what the rename replaces: path, or a symlink's file */
    char *tmp;     /* the temporary file (OUT_TEMP) */
};

static void set_error(char *err, size_t errsize, int *exit_code, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void set_error(char *err, size_t errsize, int *exit_code, int code, const char *fmt, ...)
{
    if (exit_code)
        *exit_code = code;
    if (err && errsize > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errsize, gv_msg(fmt), ap);   /* fmt is marked with N_ */
        va_end(ap);
    }
}

static void outfile_free(struct outfile *o)
{
    free(o->path);
    free(o->target);
    free(o->tmp);
    free(o);
}

/* Mode for a new file: 0666 minus the umask (which can only be read by
 * setting it). */
static mode_t new_file_mode(void)
{
    mode_t mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

struct outfile *outfile_open(const char *path, char *err, size_t errsize, int *exit_code)
{
    if (exit_code)
        *exit_code = 0;
    if (err && errsize > 0)
        err[0] = '\0';
    if (!path)
        path = "";
    struct outfile *o = gv_calloc(1, sizeof *o);
    o->path = gv_strdup(path);
    if (strcmp(path, "-") == 0) {
        o->mode = OUT_STDOUT;
        o->fp = stdout;
        return o;
    }
    if (!*path) {
        set_error(err, errsize, exit_code, EX_CANTCREAT, N_("cannot create \"\": %s"), strerror(ENOENT));
        outfile_free(o);
        return NULL;
    }
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (!exists && errno != ENOENT) {
        set_error(err, errsize, exit_code, EX_CANTCREAT, N_("cannot create %s: %s"), path, strerror(errno));
        outfile_free(o);
        return NULL;
    }
    if (exists && S_ISDIR(st.st_mode)) {
        set_error(err, errsize, exit_code, EX_CANTCREAT, N_("cannot create %s: %s"), path, strerror(EISDIR));
        outfile_free(o);
        return NULL;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        /* a device or a FIFO: renaming over it would replace it */
        o->mode = OUT_DIRECT;
        o->fp = fopen(path, "w");
        if (!o->fp) {
            set_error(err, errsize, exit_code, EX_CANTCREAT, N_("cannot create %s: %s"), path, strerror(errno));
            outfile_free(o);
            return NULL;
        }
        return o;
    }
    struct stat lst;
    if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
        o->target = realpath(path, NULL); /* replace the file, keep the link */
    if (!o->target)
        o->target = gv_strdup(path);
    size_t len = strlen(o->target);
    static const char suffix[] = ".tmp.XXXXXX";
    o->tmp = gv_malloc(len + sizeof suffix);
    memcpy(o->tmp, o->target, len);
    memcpy(o->tmp + len, suffix, sizeof suffix);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        set_error(err, errsize, exit_code, EX_CANTCREAT, N_("cannot create %s: %s"), path, strerror(errno));
        outfile_free(o);
        return NULL;
    }
    (void)fchmod(fd, exists ? (st.st_mode & 07777) : new_file_mode());
    o->mode = OUT_TEMP;
    o->fp = fdopen(fd, "w");
    if (!o->fp) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        set_error(err, errsize, exit_code, EX_CANTCREAT, N_("cannot create %s: %s"), path, strerror(e));
        outfile_free(o);
        return NULL;
    }
    return o;
}

FILE *outfile_fp(struct outfile *o)
{
    return o->fp;
}

const char *outfile_path(const struct outfile *o)
{
    return o->path;
}

/* Flush o->fp and check its error flag.  Returns 0, or an errno value (EIO
 * when an earlier write failed and its errno is gone). */
static int flush_check(FILE *fp)
{
    errno = 0;
    if (fflush(fp) != 0)
        return errno ? errno : EIO;
    if (ferror(fp))
        return EIO;
    return 0;
}

/* Make the rename durable: fsync the directory holding `file` (best effort). */
static void sync_dir(const char *file)
{
    const char *slash = strrchr(file, '/');
    char *dir = slash ? gv_strndup(file, slash == file ? 1 : (size_t)(slash - file)) : gv_strdup(".");
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

int outfile_commit(struct outfile *o, char *err, size_t errsize, int *exit_code)
{
    if (exit_code)
        *exit_code = 0;
    if (err && errsize > 0)
        err[0] = '\0';
    int e;
    switch (o->mode) {
    case OUT_STDOUT:
        e = flush_check(stdout);
        if (e)
            set_error(err, errsize, exit_code, EX_IOERR, N_("cannot write to standard output: %s"), strerror(e));
        outfile_free(o);
        return e ? EX_IOERR : 0;
    case OUT_DIRECT:
        e = flush_check(o->fp);
        if (fclose(o->fp) != 0 && !e)
            e = errno ? errno : EIO;
        if (e)
            set_error(err, errsize, exit_code, EX_IOERR, N_("cannot write %s: %s"), o->path, strerror(e));
        outfile_free(o);
        return e ? EX_IOERR : 0;
    case OUT_TEMP:
        break;
    }
    e = flush_check(o->fp);
    if (!e && fsync(fileno(o->fp)) != 0 && errno != EINVAL)
        e = errno;
    errno = 0;
    if (fclose(o->fp) != 0 && !e)
        e = errno ? errno : EIO;
    o->fp = NULL;
    if (e) {
        unlink(o->tmp);
        set_error(err, errsize, exit_code, EX_IOERR, N_("cannot write %s: %s"), o->path, strerror(e));
        outfile_free(o);
        return EX_IOERR;
    }
    if (rename(o->tmp, o->target) != 0) {
        e = errno;
        unlink(o->tmp);
        set_error(err, errsize, exit_code, EX_IOERR, N_("cannot replace %s: %s"), o->path, strerror(e));
        outfile_free(o);
        return EX_IOERR;
    }
    sync_dir(o->target);
    outfile_free(o);
    return 0;
}

void outfile_abort(struct outfile *o)
{
    if (!o)
        return;
    switch (o->mode) {
    case OUT_STDOUT:
        (void)fflush(stdout);
        break;
    case OUT_DIRECT:
        fclose(o->fp);
        break;
    case OUT_TEMP:
        if (o->fp)
            fclose(o->fp);
        unlink(o->tmp);
        break;
    }
    outfile_free(o);
}
