/*
 * folder.c — the output folder's lifecycle: a run writes into a temporary folder beside
 * the output folder (so the final rename stays on one file system) and that folder
 * becomes the output folder only when everything succeeded; a failed, killed or
 * interrupted run never leaves a half-written output folder, and the previous outputs
 * stay until the new ones are in place (docs/reliability.md, The output folder).
 *
 *   begin   resolve a link to the real folder; refuse what is not a folder; take the
 *           folder's lock (another run into it is refused, naming its process); refuse
 *           an existing folder without --force; remove the temporary folders of killed
 *           runs; make ours, with a marker holding our process id
 *   commit  move the previous outputs aside, ours into place, remove the previous
 *   end     remove ours if it was not committed; release the lock
 *
 * Under mpirun rank 0 makes the folder and holds the lock; every rank learns the name.
 * What a signal handler must undo (nytte_run_interrupted) is kept in a record that the
 * handler reads with async-signal-safe calls only.
 */
#define _GNU_SOURCE /* syscall(SYS_getdents64) for the signal-safe removal */

#include "pipeline/pipeline_int.h"

#include "nytte/dist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/*
 * A run's temporary folder holds a marker with the process id, so that a later run can
 * tell the folder of a run that was killed (its process is gone) from the folder of a
 * run still going, and remove only the former.
 */
#define RUN_MARKER ".nytte-run-pid"

/* ---- what an interrupted run must undo (async-signal-safe) --------------------- */

/*
 * One run at a time per process writes an output folder. The record is written by the
 * run with `live` cleared, then set; the handler reads it only when `live` is set.
 */
static struct {
    volatile sig_atomic_t live;
    char tmp[4200];   /* the temporary folder ("" none) */
    char out[4096];   /* the output folder */
    char old[4200];   /* the previous outputs while they are set aside ("" none) */
    char lock[4300];  /* the lock file ("" none) */
} undo;

static void undo_set(const run_folder *f, const char *old)
{
    undo.live = 0;
    snprintf(undo.tmp, sizeof undo.tmp, "%s", f->own ? f->tmp : "");
    snprintf(undo.out, sizeof undo.out, "%s", f->out);
    snprintf(undo.old, sizeof undo.old, "%s", old ? old : "");
    snprintf(undo.lock, sizeof undo.lock, "%s", f->lock_fd >= 0 ? f->lock : "");
    undo.live = 1;
}

static void undo_clear(void)
{
    undo.live = 0;
}

/* A linux_dirent64 as getdents64 returns it. */
struct dirent64_raw {
    unsigned long long ino;
    long long off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

/*
 * Remove folder `dir` and what it holds, `depth` levels down, with async-signal-safe
 * calls only (open, getdents64, unlinkat, rmdir): no malloc, no stdio. The run's threads
 * may still create a file meanwhile, so a few passes are made.
 */
static void remove_tree_now(int at, const char *dir, int depth)
{
    for (int pass = 0; pass < 4; pass++) {
        int fd = openat(at, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return;
        char buf[4096] __attribute__((aligned(8)));
        long n;
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                struct dirent64_raw *e = (struct dirent64_raw *)(buf + off);
                off += e->reclen;
                if (e->name[0] == '.' && (e->name[1] == '\0' || (e->name[1] == '.' && e->name[2] == '\0')))
                    continue;
                if (unlinkat(fd, e->name, 0) != 0 && depth > 0)
                    remove_tree_now(fd, e->name, depth - 1);
            }
        }
        close(fd);
        if (unlinkat(at, dir, AT_REMOVEDIR) == 0 || errno == ENOENT)
            return;
    }
}

void nytte_run_interrupted(void)
{
    if (!undo.live)
        return;
    undo.live = 0;
    if (undo.old[0]) {
        /* the previous outputs were set aside: back into place, unless ours already are */
        if (rename(undo.old, undo.out) != 0)
            remove_tree_now(AT_FDCWD, undo.old, 2);
    }
    if (undo.tmp[0])
        remove_tree_now(AT_FDCWD, undo.tmp, 2);
    if (undo.lock[0])
        unlink(undo.lock);
}

/* ---- folders -------------------------------------------------------------------- */

void pipeline_remove_tree(const char *dir)
{
    struct stat st;
    /* never follow a link out of the folder being removed */
    if (lstat(dir, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(dir);
        return;
    }
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[8192];
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            pipeline_remove_tree(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* The folder the output folder goes into must exist (nytte makes no parents). */
static int check_parent(nytte_ctx *ctx, const char *out_dir)
{
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", out_dir);
    char *slash = strrchr(parent, '/');
    if (!slash)
        return NYTTE_OK;
    *slash = '\0';
    if (!*parent)
        return NYTTE_OK;
    struct stat st;
    if (stat(parent, &st) == 0)
        return S_ISDIR(st.st_mode) ? NYTTE_OK : nytte_error(ctx, NYTTE_EIO, "%s: is not a folder", parent);
    return nytte_error(ctx, NYTTE_EIO, "%s: the folder for the outputs does not exist", parent);
}

/*
 * The output folder as given, or, when it is a link, the folder it leads to: the run then
 * replaces that folder (and nothing else), and the link keeps leading to the outputs. A
 * link to nothing and anything that is not a folder are refused.
 */
static int resolve_out(nytte_ctx *ctx, run_folder *f, const char *out_dir)
{
    snprintf(f->out, sizeof f->out, "%s", out_dir);
    struct stat st;
    if (lstat(out_dir, &st) != 0)
        return NYTTE_OK; /* a new folder */
    if (S_ISLNK(st.st_mode)) {
        char real[PATH_MAX];
        if (!realpath(out_dir, real)) {
            char to[PATH_MAX];
            ssize_t n = readlink(out_dir, to, sizeof to - 1);
            to[n > 0 ? n : 0] = '\0';
            return nytte_error(ctx, NYTTE_EIO,
                               "%s: a link to %s, which does not exist; make that folder or give another --out",
                               out_dir, to);
        }
        if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode))
            return nytte_error(ctx, NYTTE_EIO, "%s: a link to %s, which is not a folder; give another --out", out_dir,
                               real);
        nytte_log(ctx, NYTTE_LOG_INFO, "%s: a link: the outputs replace %s", out_dir, real);
        snprintf(f->out, sizeof f->out, "%s", real);
        return NYTTE_OK;
    }
    if (!S_ISDIR(st.st_mode))
        return nytte_error(ctx, NYTTE_EIO, "%s: exists and is not a folder; give another --out", out_dir);
    return NYTTE_OK;
}

/* ---- the lock ---------------------------------------------------------------------- */

/* Who holds a lock file: "process 1234, started 2026-12-02 15:47:03", or less if unknown. */
static void lock_holder(int fd, char *buf, size_t n)
{
    char text[64] = "";
    ssize_t got = pread(fd, text, sizeof text - 1, 0);
    text[got > 0 ? got : 0] = '\0';
    long pid = 0;
    long long started = 0;
    if (sscanf(text, "%ld %lld", &pid, &started) != 2 || pid <= 0) {
        snprintf(buf, n, "another nytte run");
        return;
    }
    time_t t = (time_t)started;
    struct tm tmv;
    char when[32] = "";
    if (localtime_r(&t, &tmv))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tmv);
    snprintf(buf, n, "another nytte run (process %ld, started %s)", pid, when);
}

/*
 * The output folder's lock, <out>.lock beside it: an advisory lock (flock) that the system
 * releases when the process ends, however it ends, so a lock file left by a killed run
 * locks nothing. The file says who holds it; it is removed when the run ends.
 */
static int take_lock(nytte_ctx *ctx, run_folder *f)
{
    snprintf(f->lock, sizeof f->lock, "%s.lock", f->out);
    for (int attempt = 0; attempt < 8; attempt++) {
        int fd = open(f->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
            return nytte_error(ctx, NYTTE_EIO, "%s: cannot make the output folder's lock: %s", f->lock,
                               strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int err = errno;
            char who[160];
            lock_holder(fd, who, sizeof who);
            close(fd);
            if (err == EWOULDBLOCK)
                return nytte_error(ctx, NYTTE_EIO,
                                   "%s: %s is writing this output folder; wait for it to end or give another --out",
                                   f->out, who);
            return nytte_error(ctx, NYTTE_EIO, "%s: cannot lock: %s", f->lock, strerror(err));
        }
        /* the file locked must still be the one at the path: a run that ends removes it */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(f->lock, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
            char text[64];
            int len = snprintf(text, sizeof text, "%ld %lld\n", (long)getpid(), (long long)time(NULL));
            if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)len, 0) != len) {
                int rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot write: %s", f->lock, strerror(errno));
                unlink(f->lock);
                close(fd);
                return rc;
            }
            f->lock_fd = fd;
            return NYTTE_OK;
        }
        close(fd);
    }
    return nytte_error(ctx, NYTTE_EIO, "%s: cannot lock: it keeps being replaced", f->lock);
}

static void release_lock(run_folder *f)
{
    if (f->lock_fd < 0)
        return;
    /* removed while still held, so that no other run locks the file on its way out */
    unlink(f->lock);
    close(f->lock_fd);
    f->lock_fd = -1;
}

/* ---- begin, commit, end --------------------------------------------------------------- */

static int write_marker(nytte_ctx *ctx, const char *dir)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", dir, RUN_MARKER);
    FILE *f = fopen(path, "w");
    if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot write: %s", path, strerror(errno));
    return NYTTE_OK;
}

/* Remove the temporary folders beside out_dir whose run's process is gone. */
static void remove_stale_tmp(nytte_ctx *ctx, const char *out_dir)
{
    char parent[4096], prefix[4200];
    snprintf(parent, sizeof parent, "%s", out_dir);
    char *slash = strrchr(parent, '/');
    const char *base = slash ? slash + 1 : parent;
    snprintf(prefix, sizeof prefix, "%s.tmp-", base);
    if (slash)
        *slash = '\0';
    DIR *d = opendir(slash ? (*parent ? parent : "/") : ".");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        char dir[8400], marker[8500];
        snprintf(dir, sizeof dir, "%s/%s", slash ? (*parent ? parent : "") : ".", e->d_name);
        snprintf(marker, sizeof marker, "%s/%s", dir, RUN_MARKER);
        FILE *f = fopen(marker, "r");
        long pid = 0;
        int have = f && fscanf(f, "%ld", &pid) == 1;
        if (f)
            fclose(f);
        if (have && pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
            nytte_log(ctx, NYTTE_LOG_WARN, "%s: removing the temporary folder of an interrupted run (process %ld)",
                      dir, pid);
            pipeline_remove_tree(dir);
        }
    }
    closedir(d);
}

/* Rank 0: the lock, the checks that need it, the temporary folder with its marker. */
static int make_tmp(nytte_ctx *ctx, run_folder *f, bool force)
{
    int rc = take_lock(ctx, f);
    if (rc)
        return rc;
    struct stat st;
    if (stat(f->out, &st) == 0 && !force)
        return nytte_error(ctx, NYTTE_EUSAGE, "%s: the output folder exists; use --force to replace it", f->out);
    remove_stale_tmp(ctx, f->out);
    snprintf(f->tmp, sizeof f->tmp, "%s.tmp-XXXXXX", f->out);
    if (!mkdtemp(f->tmp)) {
        rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot create a temporary folder: %s", f->tmp, strerror(errno));
        f->tmp[0] = '\0';
        return rc;
    }
    f->own = true;
    undo_set(f, NULL);
    /* mkdtemp makes it 0700; the outputs are the user's like any folder they make (the
     * umask decides: colleagues on a shared server read them with the usual 022) */
    mode_t mask = umask(0);
    umask(mask);
    if (chmod(f->tmp, 0777 & ~mask) != 0)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot set its permissions: %s", f->tmp, strerror(errno));
    return write_marker(ctx, f->tmp);
}

int run_folder_begin(nytte_ctx *ctx, run_folder *f, const char *out_dir, bool force, bool shared)
{
    memset(f, 0, sizeof *f);
    f->lock_fd = -1;
    int rc = resolve_out(ctx, f, out_dir);
    struct stat st;
    /* every rank says this one itself (rank 0 says it again under the lock, which another run may have held) */
    if (!rc && stat(f->out, &st) == 0 && !force)
        rc = nytte_error(ctx, NYTTE_EUSAGE, "%s: the output folder exists; use --force to replace it", f->out);
    if (!rc)
        rc = check_parent(ctx, f->out);
    if (!rc && nytte_dist_rank() == 0)
        rc = make_tmp(ctx, f, force);
    if (shared) {
        /* an empty name: rank 0 failed (and says why) */
        int brc = nytte_dist_bcast(ctx, f->tmp, sizeof f->tmp);
        if (!rc && brc)
            rc = brc;
        else if (!rc && !f->tmp[0])
            rc = nytte_error(ctx, NYTTE_EIO, "%s: rank 0 could not create the run's temporary folder", f->out);
    }
    return rc;
}

int run_folder_scratch(nytte_ctx *ctx, run_folder *f)
{
    memset(f, 0, sizeof *f);
    f->lock_fd = -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->tmp, sizeof f->tmp, "%s/nytte-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->tmp)) {
        int rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot create a temporary folder: %s", f->tmp, strerror(errno));
        f->tmp[0] = '\0';
        return rc;
    }
    f->own = true;
    undo_set(f, NULL);
    return NYTTE_OK;
}

int run_folder_commit(nytte_ctx *ctx, run_folder *f)
{
    char marker[4300];
    snprintf(marker, sizeof marker, "%s/%s", f->tmp, RUN_MARKER);
    unlink(marker);
    struct stat st;
    if (stat(f->out, &st) != 0) {
        if (rename(f->tmp, f->out) != 0)
            return nytte_error(ctx, NYTTE_EIO, "%s: cannot move the outputs into place: %s", f->out, strerror(errno));
        f->own = false;
        undo_set(f, NULL);
        return NYTTE_OK;
    }
    /* the previous outputs (--force) aside first, removed once ours are in place */
    char old[4200];
    snprintf(old, sizeof old, "%s.old-XXXXXX", f->out);
    if (!mkdtemp(old) || rmdir(old) != 0)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot move the previous outputs aside: %s", f->out, strerror(errno));
    undo_set(f, old); /* from here an interrupted run puts them back */
    if (rename(f->out, old) != 0) {
        undo_set(f, NULL);
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot move the previous outputs aside: %s", f->out, strerror(errno));
    }
    if (rename(f->tmp, f->out) != 0) {
        int rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot move the outputs into place: %s", f->out, strerror(errno));
        rename(old, f->out);
        undo_set(f, NULL);
        return rc;
    }
    f->own = false;
    undo_set(f, old);
    pipeline_remove_tree(old);
    undo_set(f, NULL);
    return NYTTE_OK;
}

void run_folder_name_error(nytte_ctx *ctx, const run_folder *f, int rc)
{
    if (rc == NYTTE_OK || !f->tmp[0])
        return;
    const char *msg = nytte_ctx_errmsg(ctx);
    const char *at = strstr(msg, f->tmp);
    if (!at)
        return;
    char buf[8400];
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - msg), msg, f->out, at + strlen(f->tmp));
    nytte_error(ctx, rc, "%s", buf);
}

void run_folder_end(run_folder *f)
{
    undo_clear();
    if (f->own)
        pipeline_remove_tree(f->tmp);
    f->own = false;
    release_lock(f);
}
