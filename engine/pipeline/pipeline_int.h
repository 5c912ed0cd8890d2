/*
 * pipeline_int.h — what the files of engine/pipeline/ share: the state of one run, the
 * output folder's lifecycle (folder.c) and one driver per stage (stage_*.c), each in the
 * same shape: `int pipeline_<stage>(run_state *s)` turns the results of the stages
 * before it into the plain inputs of one module, calls the module, and keeps its results
 * in s. run.c holds the order of the stages, as one table.
 */
#ifndef NYTTE_PIPELINE_INT_H
#define NYTTE_PIPELINE_INT_H

#include "nytte/allocate.h"
#include "nytte/config.h"
#include "nytte/damage.h"
#include "nytte/dist.h"
#include "nytte/finance.h"
#include "nytte/hazard.h"
#include "nytte/io.h"
#include "nytte/overlay.h"
#include "nytte/pipeline.h"
#include "nytte/report.h"
#include "nytte/types.h"
#include "nytte/uncertain.h"

/* The stage timings the manifest reports (the catchment counts as hazard, finance as allocate; the
 * uncertainty stage's only when it ran). */
enum { STAGE_INPUTS, STAGE_HAZARD, STAGE_OVERLAY, STAGE_DAMAGE, STAGE_ALLOCATE, STAGE_REPORT, STAGE_UNCERTAINTY,
       STAGE_COUNT };

/* ---- the output folder (folder.c) ------------------------------------------------ */

/*
 * A run writes into a temporary folder beside its output folder, which becomes the output
 * folder only when everything succeeded: begin makes it (and takes the output folder's
 * lock), commit moves it into place (the previous outputs, with --force, aside first and
 * removed after), end removes it unless committed and releases the lock. Under mpirun
 * every rank shares rank 0's folder. A signal handler undoes a run in progress with
 * nytte_run_interrupted (pipeline.h).
 */
typedef struct run_folder {
    char out[4096];           /* the output folder (a link resolved to the folder it leads to) */
    char tmp[4200];           /* the run's folder ("" before begin); under mpirun rank 0's */
    char lock[4300];          /* <out>.lock */
    int lock_fd;              /* held lock (rank 0), or -1 */
    bool own;                 /* this process made tmp and removes it unless committed */
} run_folder;

/*
 * Start a run into `out_dir`: resolve a link, refuse an existing folder unless force,
 * check the parent, take the lock (another run into the same folder is refused, naming
 * its process), remove the temporary folders of runs whose process is gone, make the
 * temporary folder with its marker (rank 0), and give its name to every rank (shared).
 */
int run_folder_begin(nytte_ctx *ctx, run_folder *f, const char *out_dir, bool force, bool shared);
/* A folder of its own under $TMPDIR for a run that writes no outputs (nytte_compute). */
int run_folder_scratch(nytte_ctx *ctx, run_folder *f);
/* Move the finished folder into place. */
int run_folder_commit(nytte_ctx *ctx, run_folder *f);
/* A failed run's message names the output folder, not the temporary one. */
void run_folder_name_error(nytte_ctx *ctx, const run_folder *f, int rc);
/* Remove the temporary folder unless it was committed (or is another rank's); release the lock. */
void run_folder_end(run_folder *f);
/* Remove a folder we created, with the files in it. */
void pipeline_remove_tree(const char *dir);

/* ---- the state of a run ---------------------------------------------------------- */

typedef struct run_state {
    nytte_ctx *ctx;
    const nytte_project *p;
    run_folder folder;            /* the run's folder: folder.tmp receives every file */
    char *wkt;                    /* working CRS */
    nytte_inputs in;
    nytte_raster dem;             /* the terrain; with `tile`, only its grid, CRS and nodata (v is NULL) */
    const char *terrain;          /* the raster the terrain is read from: the project's file, or the mosaic of
                                     its tiles near the study area (mosaic.c); messages name p->terrain */
    char *mosaic;                 /* that mosaic (a GDAL memory file), removed with the run; NULL: one raster */
    bool writer;                  /* this process writes the run's files (rank 0 of a shared folder) and
                                     computes the stages after the overlay */
    bool report_follows;          /* nytte_run: the report stage follows the computation (progress counts it) */
    bool shared;                  /* the ranks share one run (nytte_run under mpirun with several): the
                                     overlay's statistics go to the writer alone */
    int tile;                     /* > 0: the hazard over tiles of this many cells */

    /* hazard: epochs × scenarios × levels of depth rasters */
    size_t nscen;                 /* 0 = without, 1..nmeasures = with each element, +1 = with all (if > 1) */
    char **scen;                  /* scenario names */
    size_t nev;                   /* events (return periods) of the hazard */
    size_t nlev;                  /* nev, + 1 when the design level is not one of the events */
    size_t design_k;              /* level index of the design event */
    double *levels;               /* nlev water levels, m (NaN: the hazard gives depths, not levels) */
    size_t nepoch;                /* 1, or 2 with a sea-level-rise path (today, end of the horizon) */
    char **paths;                 /* [(epoch * nscen + scen) * nlev + k] depth raster files */

    /* overlay */
    size_t nrasters;              /* nepoch * nscen * nlev */
    nytte_zonal_stats *pstats;    /* parcels × rasters */
    nytte_zonal_stats *bstats;    /* buildings × rasters */
    nytte_zonal_stats *tstats;    /* parcels × terrain */

    /* damage */
    double *ead;                  /* [scen * nbuildings + b], today */
    double *ead_end;              /* the same at the end of the horizon (sea-level rise), or NULL */
    nytte_parcel_metrics *metrics;
    nytte_project_pv *element_pv; /* per element: PV of avoided damage and of costs, BCR */
    double *element_ead;          /* per element: [2e] EAD without, [2e+1] with it, kr/yr */
    char ead_rule[64];

    /* catchment: contributor facts (NULL without a contributor hazard) */
    double *contributor;          /* per parcel: effective runoff area in the catchment, m² */
    double *area_in, *roof_in;    /* per parcel: m² inside the catchment, of it roofs */

    /* allocation and finance */
    nytte_alloc_parcel *facts;    /* [e * nparcels + i] */
    nytte_alloc_element *elements;
    nytte_alloc_holding *holdings;
    nytte_alloc_input ain;
    nytte_alloc_result *alloc;
    nytte_alloc_comparison *models; /* allocation.compare on the same facts, the chosen model first */
    size_t nmodels;
    nytte_loan *loans;
    char **findings;              /* the safeguards' findings, one line each (stage_safeguards.c) */
    size_t nfindings;
    nytte_unc_result *unc;        /* the draws and horizons (stage_uncertainty.c), or NULL */

    double timing[STAGE_COUNT];
} run_state;

void run_state_free(run_state *s);

/* The stages from the project to the money (run.c), in the order of its table. */
int pipeline_compute(run_state *s);

/* ---- helpers of the stage drivers --------------------------------------------------- */

/** The layer CRS must be the working CRS (rasters are not reprojected). */
int pipeline_check_crs(nytte_ctx *ctx, const char *path, const char *crs_wkt, const char *working_wkt);
/** Write a raster of the run at path, when this process is the run's writer (s->writer). */
int pipeline_write_raster(const run_state *s, const nytte_raster *r, const char *path);
/**
 * The same for n rasters at once, on the context's threads (one raster per thread: every
 * file's bytes are those of a serial write); the first failure in the order of the
 * rasters is the error. Writing the depth rasters was most of a default run on one core.
 */
int pipeline_write_rasters(const run_state *s, const nytte_raster *const *r, const char *const *paths, size_t n);
/** Read every feature of a layer (at least one) into l, in the working CRS; errors start with `what`. */
int pipeline_read_geoms(nytte_ctx *ctx, nytte_vlayer *l, const nytte_layer_cfg *c, const char *wkt, const char *what);
/**
 * s->terrain: the project's raster, or, for a terrain of many tiles, the mosaic of the tiles
 * within inputs.terrain_margin of the study area (mosaic.c); parcels where no tile is
 * warned about; the tiles used kept in s->in.terrain_files.
 */
int pipeline_terrain_source(run_state *s);
/**
 * After a failure (rc) to read the terrain: for a mosaic, the message names the first tile
 * that cannot be read alone, or the project's tiles instead of the mosaic's memory file.
 * Returns rc.
 */
int pipeline_terrain_error(run_state *s, int rc);
/**
 * The terrain's cells in s->dem: read whole now when the run so far read it by windows
 * (the catchment's flow directions need the whole terrain; under mpirun on the writer alone).
 */
int pipeline_terrain_cells(run_state *s);

/**
 * Present value of building b's avoided damage thanks to scenario `with`: today's avoided
 * EAD over the horizon, or, with a sea-level-rise path, a yearly benefit moving linearly
 * from today's to the end of the horizon's (docs/models.md, nytte_pv_ramp). Negative
 * when the measure makes the damage worse (harm): kept as it is, a parcel's benefit is
 * the sum over its buildings, and only the allocation weighs a negative benefit as 0
 * (stage_damage.c; docs/models.md, Harmed parcels).
 */
double pipeline_benefit_pv(const run_state *s, size_t b, size_t with);
/** Building b's EAD avoided today thanks to scenario `with`, kr/yr (negative: harm; 0 unknown). */
double pipeline_avoided_ead(const run_state *s, size_t b, size_t with);

/* ---- the stages (stage_*.c) ---------------------------------------------------------- */

int pipeline_inputs(run_state *s);    /* stage_inputs.c: working CRS, parcels, buildings, owners, terrain */
int pipeline_hazard(run_state *s);    /* stage_hazard.c: the depth rasters of every scenario and event */
int pipeline_overlay(run_state *s);   /* stage_overlay.c: zonal statistics of parcels and buildings */
int pipeline_damage(run_state *s);    /* stage_damage.c: EAD per building and scenario, parcel metrics */
int pipeline_catchment(run_state *s); /* stage_catchment.c: who sends the water (contributor facts) */
int pipeline_allocate(run_state *s);  /* stage_allocate.c: the facts per element, the allocation */
int pipeline_safeguards(run_state *s);
/* results.c: owner o's explanation (nytte_alloc_explain_owner) and how the amount is paid. */
int pipeline_owner_text(nytte_ctx *ctx, char **text, const run_state *s, size_t o); /* stage_safeguards.c: findings on benefit, harm and economics */
int pipeline_compare(run_state *s);   /* stage_allocate.c: every model of allocation.compare on the same facts */
int pipeline_finance(run_state *s);   /* stage_allocate.c: each owner's loan */
int pipeline_uncertainty(run_state *s); /* stage_uncertainty.c: the draws and climate horizons (when asked for) */
int pipeline_report(run_state *s);    /* stage_report.c: tables, layers, report, manifest */

/* ---- the hazard drivers (stage_hazard.c and one file each) ------------------------- */

typedef struct measure_layers {
    nytte_vlayer *l;              /* one layer per measure */
    size_t n;                     /* measures */
    size_t total;                 /* features over all measures */
} measure_layers;

/* Events of the hazard: nev, nlev, levels (with offset and wave allowance; NaN without
 * water levels), the design level appended when given, design_k; the scenario names. */
int hazard_events(run_state *s, const nytte_hazard_cfg *h);
/* Every measure's geometry, in the working CRS. */
int hazard_read_measures(run_state *s, measure_layers *ml);
void hazard_measures_free(measure_layers *ml);
/* The path of raster (epoch, scenario, k) in the run folder, kept in s->paths; its name
 * depth_<hazard>_<scenario>[_slr]_T<rp>.tif (or _design.tif). */
int hazard_scenario_path(run_state *s, const nytte_hazard_cfg *h, size_t ep, size_t sc, size_t k);
/* Write raster r as (epoch 0, scenario sc, event k) and keep its path. */
int hazard_write_scenario(run_state *s, const nytte_hazard_cfg *h, size_t sc, size_t k, const nytte_raster *r);
/* The barriers of scenario sc into bars and modes (room for every feature); their count. */
size_t hazard_scenario_barriers(const run_state *s, size_t sc, const measure_layers *ml, nytte_barrier *bars,
                                nytte_burn_mode *modes);
/* An error about scenario sc's barriers names the element's file (with_all: no one file). */
void hazard_prefix_measure(const run_state *s, size_t sc);
/* The terrain of scenario sc: the DEM, or the DEM with the scenario's barriers burned in. */
int hazard_scenario_terrain(run_state *s, size_t sc, const measure_layers *ml, nytte_barrier *bars,
                            nytte_burn_mode *modes, nytte_raster *burned, const nytte_raster **terrain);

/* Options of a tiled hazard of the run: its tiles in <run folder>/.tiles (into `tiles`, n
 * bytes), over every rank under mpirun. */
nytte_dist_bathtub_opts hazard_tiled_opts(const run_state *s, int connectivity, const nytte_burn_mode *modes,
                                          char *tiles, size_t n);
/* What a tiled hazard did, at -v: this rank's tiles and seconds, the spill graph (rank 0). */
void hazard_log_tiled(const run_state *s, const nytte_minimax_stats *st);

int hazard_coastal(run_state *s, const nytte_hazard_cfg *h);     /* stage_coastal.c */
int hazard_given(run_state *s, const nytte_hazard_cfg *h);       /* stage_hazard.c */
int hazard_groundwater(run_state *s, const nytte_hazard_cfg *h); /* stage_groundwater.c */
int hazard_bluespot(run_state *s, const nytte_hazard_cfg *h);    /* stage_bluespot.c */

#endif
