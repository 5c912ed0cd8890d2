/*
 * folder.c — the output folder's lifecycle: a run writes into a temporary folder beside
 * the output folder (so the final rename stays on one file system) and that folder
 * becomes the output folder only when everything succeeded; a failed or killed run never
 * leaves a half-written output folder, and the previous outputs stay until the new ones
 * are in place (docs/reliability.md).
 *
 *   begin   refuse an existing folder without --force; remove the temporary folders of
 *           killed runs; make ours, with a marker holding our process id
 *   commit  move the previous outputs aside, ours into place, remove the previous
 *   abort   remove ours (a failed run)
 *
 * Under mpirun rank 0 makes the folder and every rank learns its name.
 */
#include "pipeline/pipeline_int.h"

#include "nytte/dist.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * A run's temporary folder holds a marker with the process id, so that a later run can
 * tell the folder of a run that was killed (its process is gone) from the folder of a
 * run still going, and remove only the former.
 */
#define RUN_MARKER ".nytte-run-pid"

void pipeline_remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[8192];
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            if (unlink(path) != 0)
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

/* Rank 0: the temporary folder beside the output folder, with its marker. */
static int make_tmp(nytte_ctx *ctx, run_folder *f)
{
    remove_stale_tmp(ctx, f->out);
    snprintf(f->tmp, sizeof f->tmp, "%s.tmp-XXXXXX", f->out);
    if (!mkdtemp(f->tmp)) {
        int rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot create a temporary folder: %s", f->tmp, strerror(errno));
        f->tmp[0] = '\0';
        return rc;
    }
    int rc = write_marker(ctx, f->tmp);
    if (rc) {
        pipeline_remove_tree(f->tmp);
        f->tmp[0] = '\0';
        return rc;
    }
    f->own = true;
    return NYTTE_OK;
}

int run_folder_begin(nytte_ctx *ctx, run_folder *f, const char *out_dir, bool force, bool shared)
{
    struct stat st;
    memset(f, 0, sizeof *f);
    snprintf(f->out, sizeof f->out, "%s", out_dir);
    if (stat(out_dir, &st) == 0 && !force)
        return nytte_error(ctx, NYTTE_EUSAGE, "%s: the output folder exists; use --force to replace it", out_dir);
    int rc = check_parent(ctx, out_dir);
    if (rc)
        return rc;
    if (nytte_dist_rank() == 0)
        rc = make_tmp(ctx, f);
    if (shared) {
        /* an empty name: rank 0 failed (and says why) */
        int brc = nytte_dist_bcast(ctx, f->tmp, sizeof f->tmp);
        if (!rc && brc)
            rc = brc;
        else if (!rc && !f->tmp[0])
            rc = nytte_error(ctx, NYTTE_EIO, "%s: rank 0 could not create the run's temporary folder", out_dir);
    }
    return rc;
}

int run_folder_scratch(nytte_ctx *ctx, run_folder *f)
{
    memset(f, 0, sizeof *f);
    const char *tmp = getenv("TMPDIR");
    snprintf(f->tmp, sizeof f->tmp, "%s/nytte-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->tmp)) {
        int rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot create a temporary folder: %s", f->tmp, strerror(errno));
        f->tmp[0] = '\0';
        return rc;
    }
    f->own = true;
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
        return NYTTE_OK;
    }
    /* the previous outputs (--force) aside first, removed once ours are in place */
    char old[4200];
    snprintf(old, sizeof old, "%s.old-XXXXXX", f->out);
    if (!mkdtemp(old) || rmdir(old) != 0 || rename(f->out, old) != 0)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot move the previous outputs aside: %s", f->out, strerror(errno));
    if (rename(f->tmp, f->out) != 0) {
        int rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot move the outputs into place: %s", f->out, strerror(errno));
        rename(old, f->out);
        return rc;
    }
    f->own = false;
    pipeline_remove_tree(old);
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

void run_folder_abort(run_folder *f)
{
    if (f->own)
        pipeline_remove_tree(f->tmp);
    f->own = false;
}
