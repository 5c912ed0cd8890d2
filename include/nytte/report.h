/*
 * report.h — the outputs users live in: owners.csv/.xlsx and parcels.csv for Excel,
 * parcels.gpkg (parcels, buildings, measures, default styles) and .shp for QGIS
 * (through io/), a .qml style beside every depth raster and a project.qgs opening them
 * all, a self-contained report.html for the council and the hearing, and
 * manifest.json to reproduce the run. Column names are stable and documented
 * (docs/outputs.md). Text cells that a spreadsheet would run as a formula are
 * neutralised. Owner names appear in the tables and the report (hearing documents),
 * never in logs or the manifest.
 */
#ifndef NYTTE_REPORT_H
#define NYTTE_REPORT_H

#include "nytte/allocate.h"
#include "nytte/config.h"
#include "nytte/finance.h"
#include "nytte/overlay.h"
#include "nytte/types.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What the pipeline learnt about one parcel (all elements together unless noted). */
typedef struct nytte_parcel_metrics {
    double ground_min;        /**< lowest terrain on the plot, m (NaN: no terrain cell) */
    double ground_mean;       /**< mean terrain, m */
    double outside_area;      /**< m² of the parcel outside the terrain */
    double wet_design;        /**< m² flooded at the design event without the measures */
    double depth_design;      /**< deepest water on the plot at the design event without, m */
    bool building_flooded;    /**< a building floods at the design event without */
    int nbuildings;
    double floor_area;        /**< m², sum over buildings */
    double building_area;     /**< m², footprints */
    double value;             /**< building value for damage, kr */
    double ead_without;       /**< kr/yr, sum over buildings */
    double ead_with;          /**< kr/yr with every measure */
    double benefit_pv;        /**< PV of avoided EAD with every measure, kr */
    int risk_zone;            /**< 1 flooded at the most frequent event, 2 at the design event, 0 neither */
} nytte_parcel_metrics;

typedef struct nytte_report_data {
    const nytte_project *project;
    const nytte_inputs *inputs;
    const nytte_parcel_metrics *metrics;   /**< one per parcel */
    const nytte_alloc_result *alloc;
    const nytte_alloc_explainer *explainer; /**< the explanations of alloc (nytte_alloc_explainer_new), for the
                                                 explanation columns; NULL leaves them empty */
    const nytte_loan *loans;               /**< one per alloc->owners[] */
    const char *ead_rule;                  /**< "trapezoid/zero/constant" */

    /* Optional (NULL / 0: the outputs that need them are left out). All borrowed. */
    const nytte_zonal_stats *building_design; /**< building b's depth statistics at the design event
                                                   without the measures: building_design[b * building_stride] */
    size_t building_stride;
    const double *building_ead_without;    /**< per building, kr/yr */
    const double *building_ead_with;       /**< per building, kr/yr with every measure */
    const char *const *rasters;            /**< depth rasters written into the output folder (paths) */
    size_t nrasters;
    const nytte_alloc_comparison *models;  /**< allocation.compare on the same facts (nytte_alloc_compare), or NULL */
    size_t nmodels;
    const double *timing;                  /**< seconds per stage, for the manifest */
    const char *const *timing_names;       /**< names of the stages */
    size_t ntiming;
} nytte_report_data;

/** Dialect of the CSV tables. */
typedef struct nytte_csv_opts {
    char sep;                 /**< ',' (default) or ';' (Danish Excel) */
    char decimal;             /**< '.' (default) or ',' */
} nytte_csv_opts;

#define NYTTE_CSV_OPTS_INIT {',', '.'}

/**
 * Neutralise a text cell for spreadsheets: text starting with '=', '+', '-', '@', tab
 * or carriage return gets a leading apostrophe, so Excel shows it as text and never
 * runs it. Writes into buf (always terminated); returns buf.
 */
char *nytte_report_safe_text(char *buf, size_t size, const char *s);

/**
 * Write every output but the manifest into `dir` (which must exist): owners.csv,
 * owners.xlsx, parcels.csv, parcels.gpkg (layers parcels, buildings, measures and the
 * layer_styles table), parcels.shp + parcels_fields.csv when project->shapefile, a .qml
 * beside each raster in d->rasters, project.qgs and report.html. `csv` NULL: the
 * project's dialect (outputs.csv_dialect). Errors name the file. Single-threaded.
 */
int nytte_report_write(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *csv);

/**
 * Write manifest.json into `dir`: version, the project file verbatim and its SHA-256,
 * SHA-256 of every input file and of every file already in `dir`, CRS, rules, threads,
 * timings and totals. Owner ids appear (in no list), names never. Call it last.
 */
int nytte_report_write_manifest(nytte_ctx *ctx, const nytte_report_data *d, const char *dir);

/** A short description of a model with its parameters, in words, into buf. Returns buf. */
char *nytte_report_model_words(char *buf, size_t size, const nytte_alloc_config *c);

/* ---- SHA-256 (FIPS 180-4) ------------------------------------------------------ */

typedef struct nytte_sha256 {
    uint32_t h[8];
    uint64_t len;          /**< bytes so far */
    unsigned char buf[64];
    size_t nbuf;
} nytte_sha256;

void nytte_sha256_init(nytte_sha256 *c);
void nytte_sha256_update(nytte_sha256 *c, const void *data, size_t n);
/** The digest as 64 lowercase hex digits and a NUL into hex. */
void nytte_sha256_final(nytte_sha256 *c, char hex[65]);
/** SHA-256 of a file; NYTTE_EIO naming the path if it cannot be read. */
int nytte_sha256_file(nytte_ctx *ctx, char hex[65], const char *path);

#ifdef __cplusplus
}
#endif
#endif
