/*
 * ctx.c — the context: last error, logging, verbosity, threads, progress display.
 */
#include "nytte/nytte.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NYTTE_ERRMSG_MAX 1024

struct nytte_ctx {
    int errcode;
    char errmsg[NYTTE_ERRMSG_MAX];
    bool reported; /* the last error was reported by another process (nytte_ctx_mark_reported) */
    nytte_log_level verbosity;
    nytte_log_fn log_fn;
    void *log_user;
    int threads;
    int progress;           /* display enabled */
    char progress_label[64];
    uint64_t progress_total;
    double progress_last;
    int progress_shown;
    char progress_stage[64]; /* "[4/9] overlay" while a run's stage runs, else empty */
    double progress_t0;      /* when the stage began */
};

const char *nytte_version(void) { return NYTTE_VERSION; }

const char *nytte_strerror(int status)
{
    switch (status) {
    case NYTTE_OK: return "ok";
    case NYTTE_EUSAGE: return "usage error";
    case NYTTE_ECONFIG: return "project file error";
    case NYTTE_EINPUT: return "input data error";
    case NYTTE_EIO: return "i/o error";
    case NYTTE_EGDAL: return "GDAL error";
    case NYTTE_ENOMEM: return "out of memory";
    case NYTTE_ECHECK: return "accounting check failed";
    default: return "internal error";
    }
}

int nytte_ctx_new(nytte_ctx **out)
{
    nytte_ctx *c = calloc(1, sizeof *c);
    *out = c;
    if (!c)
        return NYTTE_ENOMEM;
    c->verbosity = NYTTE_LOG_WARN;
    c->threads = 0;
    c->progress = isatty(STDERR_FILENO);
    return NYTTE_OK;
}

void nytte_ctx_free(nytte_ctx *ctx) { free(ctx); }

const char *nytte_ctx_errmsg(const nytte_ctx *ctx) { return ctx ? ctx->errmsg : ""; }
int nytte_ctx_errcode(const nytte_ctx *ctx) { return ctx ? ctx->errcode : NYTTE_OK; }

void nytte_ctx_clear_error(nytte_ctx *ctx)
{
    if (!ctx)
        return;
    ctx->errcode = NYTTE_OK;
    ctx->errmsg[0] = '\0';
    ctx->reported = false;
}

void nytte_ctx_mark_reported(nytte_ctx *ctx)
{
    if (ctx)
        ctx->reported = true;
}

bool nytte_ctx_reported(const nytte_ctx *ctx) { return ctx && ctx->reported; }

/* Keep messages on one line: newlines and tabs inside GDAL messages become spaces. */
static void one_line(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = '\0';
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
}

int nytte_verror(nytte_ctx *ctx, int code, const char *fmt, va_list ap)
{
    if (!ctx)
        return code;
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    one_line(ctx->errmsg);
    ctx->errcode = code;
    ctx->reported = false;
    return code;
}

int nytte_error(nytte_ctx *ctx, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nytte_verror(ctx, code, fmt, ap);
    va_end(ap);
    return code;
}

int nytte_nomem(nytte_ctx *ctx, const char *what, ...)
{
    char buf[NYTTE_ERRMSG_MAX];
    va_list ap;
    va_start(ap, what);
    vsnprintf(buf, sizeof buf, what, ap);
    va_end(ap);
    return nytte_error(ctx, NYTTE_ENOMEM, "%s: out of memory", buf);
}

void nytte_error_prefix(nytte_ctx *ctx, const char *fmt, ...)
{
    if (!ctx)
        return;
    char old[NYTTE_ERRMSG_MAX];
    memcpy(old, ctx->errmsg, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    size_t used = strlen(ctx->errmsg), left = sizeof ctx->errmsg - 1 - used;
    const char *parts[2] = {": ", old};
    for (int i = 0; i < 2; i++) {
        size_t len = strlen(parts[i]);
        if (len > left)
            len = left;
        memcpy(ctx->errmsg + used, parts[i], len);
        used += len;
        left -= len;
    }
    ctx->errmsg[used] = '\0';
    one_line(ctx->errmsg);
}

void nytte_ctx_set_verbosity(nytte_ctx *ctx, nytte_log_level level) { ctx->verbosity = level; }
nytte_log_level nytte_ctx_verbosity(const nytte_ctx *ctx) { return ctx->verbosity; }

void nytte_ctx_set_logger(nytte_ctx *ctx, nytte_log_fn fn, void *user)
{
    ctx->log_fn = fn;
    ctx->log_user = user;
}

static void clear_progress_line(nytte_ctx *ctx)
{
    if (ctx->progress_shown) {
        fputs("\r\033[K", stderr);
        ctx->progress_shown = 0;
    }
}

void nytte_log(nytte_ctx *ctx, nytte_log_level level, const char *fmt, ...)
{
    if (!ctx || level > ctx->verbosity)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    one_line(msg);
    if (ctx->log_fn) {
        ctx->log_fn(ctx->log_user, level, msg);
        return;
    }
    static const char *const tag[] = {"error", "warning", "info", "debug"};
    clear_progress_line(ctx);
    fprintf(stderr, "nytte: %s: %s\n", tag[level], msg);
}

void nytte_ctx_set_threads(nytte_ctx *ctx, int n) { ctx->threads = n > 0 ? n : 0; }

int nytte_ctx_threads(const nytte_ctx *ctx)
{
    int n = ctx && ctx->threads > 0 ? ctx->threads : omp_get_max_threads();
    return n > 0 ? n : 1;
}

void nytte_ctx_set_progress(nytte_ctx *ctx, int enabled) { ctx->progress = enabled; }

double nytte_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int progress_active(const nytte_ctx *ctx)
{
    return ctx && ctx->progress && ctx->verbosity >= NYTTE_LOG_WARN && !ctx->log_fn;
}

/* The progress line: "[2/9] hazard: 12 of 20 rasters  60.0 %  3.1 s" (the unit is the label's). */
static void progress_show(nytte_ctx *ctx, uint64_t done)
{
    double t = nytte_now();
    char part[160] = "";
    if (ctx->progress_label[0]) {
        double pct = ctx->progress_total ? 100.0 * (double)done / (double)ctx->progress_total : 100.0;
        snprintf(part, sizeof part, "%s%s: %llu of %llu  %5.1f %%", ctx->progress_stage[0] ? " " : "",
                 ctx->progress_label, (unsigned long long)done, (unsigned long long)ctx->progress_total, pct);
    }
    fprintf(stderr, "\r\033[K%s%s  %.1f s", ctx->progress_stage, part, t - ctx->progress_t0);
    fflush(stderr);
    ctx->progress_last = t;
    ctx->progress_shown = 1;
}

void nytte_progress_stage(nytte_ctx *ctx, size_t k, size_t n, const char *name)
{
    if (!ctx)
        return;
    ctx->progress_label[0] = '\0';
    ctx->progress_t0 = nytte_now();
    if (!name) {
        ctx->progress_stage[0] = '\0';
        if (progress_active(ctx))
            clear_progress_line(ctx);
        return;
    }
    snprintf(ctx->progress_stage, sizeof ctx->progress_stage, "[%zu/%zu] %s", k, n, name);
    if (progress_active(ctx))
        progress_show(ctx, 0);
}

void nytte_progress_begin(nytte_ctx *ctx, const char *label, uint64_t total)
{
    if (!ctx)
        return;
    snprintf(ctx->progress_label, sizeof ctx->progress_label, "%s", label);
    ctx->progress_total = total;
    ctx->progress_last = 0;
    if (!ctx->progress_stage[0])
        ctx->progress_t0 = nytte_now();
    nytte_progress_update(ctx, 0);
}

void nytte_progress_update(nytte_ctx *ctx, uint64_t done)
{
    if (!progress_active(ctx))
        return;
    if (done < ctx->progress_total && nytte_now() - ctx->progress_last < 0.1)
        return;
    progress_show(ctx, done);
}

void nytte_progress_end(nytte_ctx *ctx)
{
    if (!ctx)
        return;
    ctx->progress_label[0] = '\0';
    if (!progress_active(ctx))
        return;
    /* inside a run's stage the line goes back to the stage; alone, it goes */
    if (ctx->progress_stage[0])
        progress_show(ctx, 0);
    else
        clear_progress_line(ctx);
    fflush(stderr);
}
