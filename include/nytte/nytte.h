/*
 * nytte.h — the core of the public C API: status codes, the context that carries
 * the last error, logging, progress and the thread count. Every other public header
 * includes this one.
 *
 * Conventions (see docs/architecture.md): functions return int status, NYTTE_OK (0)
 * or a negative NYTTE_E* code, with a one-line message in the context naming the
 * file, layer, feature id or config line concerned. Output parameters come first;
 * `**out` means the caller owns the result and frees it with the matching _free.
 *
 * The error rule, everywhere in the library:
 *
 *  1. The function that finds the problem writes the message, with what it knows
 *     (nytte_error, or nytte_nomem when memory runs out), and returns the code.
 *  2. A caller passes a failure up unchanged: `if ((rc = f(...))) goto cleanup;`. It may
 *     add what it knows and the callee did not (the file, the measure, the owner) with
 *     nytte_error_prefix, and never writes a second message over the first.
 *  3. A function that owns something has one exit: status in `rc`, `goto cleanup`, the
 *     cleanup frees what was made (every _free and _clear accepts NULL and empty) and
 *     returns rc. The first failure wins; statuses are never combined (`rc |= ...` mixes
 *     codes into a meaningless one).
 *  4. A helper without a context (arithmetic, parsing a token) returns a status or a
 *     sentinel and its caller, which knows the file and line, writes the message.
 *  5. A parallel loop keeps a status per iteration and reports the failure of the lowest
 *     index after the loop, so that the message does not depend on the thread count.
 *  6. Nothing in the library prints or exits: the front end (engine/cli/) prints the
 *     context's message and maps the code to an exit status.
 */
#ifndef NYTTE_NYTTE_H
#define NYTTE_NYTTE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version string, e.g. "0.1.0". */
const char *nytte_version(void);

/** Status codes. Negative on error. */
enum {
    NYTTE_OK = 0,
    NYTTE_EUSAGE = -1,    /**< wrong call or command line */
    NYTTE_ECONFIG = -2,   /**< the project file is invalid (syntax, schema, values, paths) */
    NYTTE_EINPUT = -3,    /**< an input data set is invalid (geometry, attributes, values) */
    NYTTE_EIO = -4,       /**< reading or writing a file failed */
    NYTTE_EGDAL = -5,     /**< GDAL/OGR/PROJ/GEOS reported an error */
    NYTTE_ENOMEM = -6,    /**< out of memory */
    NYTTE_ECHECK = -7,    /**< a run-time accounting check failed (a bug or a contradiction) */
    NYTTE_EINTERNAL = -8  /**< should not happen */
};

/** Short name of a status code ("config error", ...). Never NULL. */
const char *nytte_strerror(int status);

/** Log levels; a message is printed when its level <= the context's verbosity. */
typedef enum {
    NYTTE_LOG_ERROR = 0,
    NYTTE_LOG_WARN = 1,
    NYTTE_LOG_INFO = 2,
    NYTTE_LOG_DEBUG = 3
} nytte_log_level;

typedef struct nytte_ctx nytte_ctx;

/** Log sink: receives every message at or below the verbosity. */
typedef void (*nytte_log_fn)(void *user, nytte_log_level level, const char *msg);

/**
 * Create a context. Verbosity NYTTE_LOG_WARN, threads = OpenMP default, logging to
 * stderr. Returns NYTTE_OK or NYTTE_ENOMEM. Free with nytte_ctx_free.
 * A context is used by one thread at a time; parallel regions inside the library
 * collect errors per thread and report the first by lowest index.
 */
int nytte_ctx_new(nytte_ctx **out);
void nytte_ctx_free(nytte_ctx *ctx);

/** The last error message ("" if none). Borrowed; valid until the next call that fails. */
const char *nytte_ctx_errmsg(const nytte_ctx *ctx);
/** The last error status (NYTTE_OK if none). */
int nytte_ctx_errcode(const nytte_ctx *ctx);
/** Forget the last error. */
void nytte_ctx_clear_error(nytte_ctx *ctx);
/**
 * Mark the last error as reported by another process of a distributed run (rank 0 said
 * the same, or this one only echoes that another process failed): a front end prints
 * nothing for it; the status stays. A new error clears the mark.
 */
void nytte_ctx_mark_reported(nytte_ctx *ctx);
/** true when the last error was marked by nytte_ctx_mark_reported. */
bool nytte_ctx_reported(const nytte_ctx *ctx);

/**
 * Record an error and return `code`, so that `return nytte_error(ctx, NYTTE_EINPUT,
 * "%s: parcel %s: ...", ...)` is the idiom. The message is one line; a trailing
 * newline is removed. ctx may be NULL (message dropped).
 */
int nytte_error(nytte_ctx *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int nytte_verror(nytte_ctx *ctx, int code, const char *fmt, va_list ap);

/**
 * Out of memory: record "WHAT: out of memory" and return NYTTE_ENOMEM, so that
 * `return nytte_nomem(ctx, "overlay");` is the idiom. `what` (a printf format, not
 * NULL) names the work that needed the memory as a user reads it ("overlay",
 * "parcels.gpkg: 120000 parcels").
 */
int nytte_nomem(nytte_ctx *ctx, const char *what, ...) __attribute__((format(printf, 2, 3)));

/** Prefix the current error message with "prefix: " (adds what the caller knows). */
void nytte_error_prefix(nytte_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void nytte_ctx_set_verbosity(nytte_ctx *ctx, nytte_log_level level);
nytte_log_level nytte_ctx_verbosity(const nytte_ctx *ctx);
/** Replace the log sink (NULL restores stderr). */
void nytte_ctx_set_logger(nytte_ctx *ctx, nytte_log_fn fn, void *user);

/** Log one line. Never log owner names (personal data): log ids. */
void nytte_log(nytte_ctx *ctx, nytte_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Threads for parallel stages; n <= 0 means the OpenMP default. */
void nytte_ctx_set_threads(nytte_ctx *ctx, int n);
/** The thread count parallel stages use (>= 1). */
int nytte_ctx_threads(const nytte_ctx *ctx);

/** Progress display: on (when stderr is a terminal and verbosity >= WARN) or off. */
void nytte_ctx_set_progress(nytte_ctx *ctx, int enabled);
/**
 * A run's stage k of n begins (name NULL: the run is over): the line shows
 * "[k/n] name" and the seconds since, and holds any progress of the stage:
 * "[2/9] hazard: rasters 12 of 20  60.0 %  3.1 s".
 */
void nytte_progress_stage(nytte_ctx *ctx, size_t k, size_t n, const char *name);
/** Start a part with `total` units (label: what they are); display updates at most every 0.1 s. */
void nytte_progress_begin(nytte_ctx *ctx, const char *label, uint64_t total);
/** Report `done` units finished in total so far (call from the master thread). */
void nytte_progress_update(nytte_ctx *ctx, uint64_t done);
void nytte_progress_end(nytte_ctx *ctx);

/** Monotonic seconds, for stage timings. */
double nytte_now(void);

#ifdef __cplusplus
}
#endif
#endif
