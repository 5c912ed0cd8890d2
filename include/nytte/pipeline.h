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
    /**
     * Coastal hazard over square tiles of this many cells (docs/scale-out.md): the terrain
     * is read by windows, never whole, and the depth rasters are the same bits as the
     * whole-raster bathtub's. 0: the whole terrain in memory, or tiles of
     * NYTTE_RUN_DEFAULT_TILE when run by mpirun with several processes.
     */
    int tile;
} nytte_run_opts;

#define NYTTE_RUN_OPTS_INIT {false, NULL, 0}
/** The tile size of a coastal hazard under mpirun with several processes, unless opts.tile says. */
#define NYTTE_RUN_DEFAULT_TILE 1024

typedef struct nytte_run_summary {
    char out_dir[4096];       /**< where the outputs are */
    size_t nparcels, nbuildings, nowners;
    size_t nflooded;          /**< parcels flooded at the design event without the measures */
    size_t npayers;           /**< owners paying more than 0 */
    int64_t pool_ore;         /**< what the owners share, over all elements */
    int64_t charged_ore;      /**< the sum of the owners' amounts: pool_ore − residual_ore */
    int64_t residual_ore;     /**< what the benefit cap left to the residual payer */
    size_t nfindings;         /**< safeguard findings (warnings in report.html and manifest.json) */
    double seconds;
    /** Economics per element (the first 16): PV of avoided damage vs PV of its costs. */
    size_t nelements;
    struct {
        char id[64];
        double ead_without, ead_with;  /**< kr/yr, summed over buildings */
        double pv_benefits, pv_costs, bcr;
    } elements[16];
} nytte_run_summary;

/**
 * Run a loaded project. Returns NYTTE_OK, or an error with a one-line message; on
 * error no output folder is created or changed. An existing output folder is an error
 * (NYTTE_EUSAGE) unless opts->force.
 */
int nytte_run(nytte_ctx *ctx, const nytte_project *p, const nytte_run_opts *opts, nytte_run_summary *out);

/**
 * For a front end's handler of SIGINT, SIGTERM and SIGHUP: undo the run in progress in
 * this process so that the output folder is as it was before it: remove its temporary
 * folder and its lock, and put the previous outputs back if they were being replaced.
 * Async-signal-safe; call it from the handler, then end the process (re-raise the signal).
 * Does nothing when no run is in progress.
 */
void nytte_run_interrupted(void);

/* ---- in-memory runs: for `nytte explain` and `nytte compare` ---------------- */

/** The results of a run kept in memory (no outputs written). */
typedef struct nytte_results nytte_results;

/**
 * Run the stages of a project without writing outputs (hazard rasters go to a
 * temporary folder under $TMPDIR, removed before returning). `p` must outlive *out.
 */
int nytte_compute(nytte_ctx *ctx, nytte_results **out, const nytte_project *p);
void nytte_results_free(nytte_results *r);

/** The explanation of one owner's amount as text, with how it is paid (caller frees). NYTTE_EUSAGE if unknown. */
int nytte_results_explain(nytte_ctx *ctx, char **text, const nytte_results *r, const char *owner_id);

/**
 * Owner o of the run (id order): its id, its name (NULL if none; personal data) and its
 * parcels' ids joined by "; " into parcels (size bytes, cut if longer). Returns the
 * number of owners (o past it: nothing is set), for finding an owner by id, parcel or name.
 */
size_t nytte_results_owners(const nytte_results *r, size_t o, const char **id, const char **name, char *parcels,
                            size_t size);

/**
 * Run every model of the project's allocation.compare list (the chosen model first)
 * on the same overlay, pools and owners (nytte_alloc_compare). *out holds *n rows, free
 * with nytte_alloc_comparison_free. A model that cannot run on these facts is in its row
 * all the same, with its status and reason (rc, error: `element dike: ...`) and no
 * amounts; the call fails only when memory runs out.
 */
int nytte_results_compare(nytte_ctx *ctx, nytte_alloc_comparison **out, size_t *n, const nytte_results *r);

/** The run's allocation under the chosen model (its owners, in id order, are the comparison's). */
const nytte_alloc_result *nytte_results_allocation(const nytte_results *r);

#ifdef __cplusplus
}
#endif
#endif
