/*
 * pipeline_int.h — the state of one run shared by the stage drivers of engine/pipeline/.
 */
#ifndef NYTTE_PIPELINE_INT_H
#define NYTTE_PIPELINE_INT_H

#include "nytte/allocate.h"
#include "nytte/config.h"
#include "nytte/damage.h"
#include "nytte/finance.h"
#include "nytte/overlay.h"
#include "nytte/report.h"
#include "nytte/types.h"

enum { STAGE_INPUTS, STAGE_HAZARD, STAGE_OVERLAY, STAGE_DAMAGE, STAGE_ALLOCATE, STAGE_REPORT, STAGE_COUNT };

typedef struct run_state {
    nytte_ctx *ctx;
    const nytte_project *p;
    char *wkt;                    /* working CRS */
    nytte_inputs in;
    nytte_raster dem;             /* the terrain; with `tile`, only its grid, CRS and nodata (v is NULL) */
    char tmpdir[4200];            /* the run's folder; under mpirun one folder shared by every rank */
    bool writer;                  /* this process writes the run's files (rank 0 of a shared folder) and
                                     computes the stages after the overlay */
    bool shared;                  /* the ranks share one run (nytte_run under mpirun with several): the
                                     overlay's statistics go to the writer alone */
    int tile;                     /* > 0: the hazard over tiles of this many cells */

    /* hazard: scenarios × levels of depth rasters */
    size_t nscen;                 /* 0 = without, 1..nmeasures = with each element, +1 = with all (if > 1) */
    char **scen;                  /* scenario names */
    size_t nev;                   /* events (return periods) of the hazard */
    size_t nlev;                  /* nev, + 1 when the design level is not one of the events */
    size_t design_k;              /* level index of the design event */
    double *levels;               /* nlev water levels, m */
    size_t nepoch;                /* 1, or 2 with a sea-level-rise path (today, end of the horizon) */
    char **paths;                 /* [(epoch * nscen + scen) * nlev + k] depth raster files */

    /* overlay */
    size_t nrasters;              /* nscen * nlev */
    nytte_zonal_stats *pstats;    /* parcels × rasters */
    nytte_zonal_stats *bstats;    /* buildings × rasters */
    nytte_zonal_stats *tstats;    /* parcels × terrain */

    /* damage */
    double *ead;                  /* [scen * nbuildings + b], today */
    double *ead_end;              /* the same at the end of the horizon (sea-level rise), or NULL */
    nytte_parcel_metrics *metrics;
    nytte_project_pv *element_pv;  /* per element: PV of avoided damage and of costs, BCR */
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
    nytte_loan *loans;

    double timing[STAGE_COUNT];
} run_state;

void run_state_free(run_state *s);

/** The layer CRS must be the working CRS (rasters are not reprojected). */
int pipeline_check_crs(nytte_ctx *ctx, const char *path, const char *crs_wkt, const char *working_wkt);
/** Write a raster of the run at path, when this process is the run's writer (s->writer). */
int pipeline_write_raster(const run_state *s, const nytte_raster *r, const char *path);
/** Remove a folder we created, with the files in it. */
void pipeline_remove_tree(const char *dir);

/**
 * The terrain's cells in s->dem: read whole now when the run so far read it by windows
 * (the catchment's flow directions need the whole terrain; under mpirun on the writer alone).
 */
int pipeline_terrain_cells(run_state *s);

int pipeline_hazard(run_state *s);
int pipeline_overlay(run_state *s);
int pipeline_damage(run_state *s);
int pipeline_catchment(run_state *s);
int pipeline_allocate(run_state *s);
int pipeline_finance(run_state *s);

#endif
