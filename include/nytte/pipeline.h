/*
 * pipeline.h — nytte_run(): the stages in order over one project. The only place
 * that knows the order: config -> inputs -> hazard -> overlay -> damage -> allocate ->
 * finance -> report. Outputs are written into a temporary folder beside the output
 * folder and renamed into place only when everything succeeded.
 */
#ifndef NYTTE_PIPELINE_H
#define NYTTE_PIPELINE_H

#include "nytte/config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nytte_run_opts {
    bool force;               /**< replace an existing output folder */
    const char *out_dir;      /**< NULL: the project's outputs.folder */
} nytte_run_opts;

#define NYTTE_RUN_OPTS_INIT {false, NULL}

typedef struct nytte_run_summary {
    char out_dir[4096];       /**< where the outputs are */
    size_t nparcels, nbuildings, nowners;
    size_t nflooded;          /**< parcels flooded at the design event without the measures */
    size_t npayers;           /**< owners paying more than 0 */
    int64_t pool_ore;         /**< what the owners share, over all elements */
    int64_t charged_ore;      /**< the sum of the owners' amounts (equals pool_ore) */
    double seconds;
} nytte_run_summary;

/**
 * Run a loaded project. Returns NYTTE_OK, or an error with a one-line message; on
 * error no output folder is created or changed. An existing output folder is an error
 * (NYTTE_EUSAGE) unless opts->force.
 */
int nytte_run(nytte_ctx *ctx, const nytte_project *p, const nytte_run_opts *opts, nytte_run_summary *out);

#ifdef __cplusplus
}
#endif
#endif
