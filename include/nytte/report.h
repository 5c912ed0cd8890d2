/*
 * report.h — the outputs users live in: owners.csv/.xlsx and parcels.csv for Excel,
 * parcels.gpkg (parcels, buildings, measures, default styles) and .shp for QGIS
 * (through io/), a .qml style beside every depth raster and a project.qgs opening them
 * all, a self-contained report.html for the council and the hearing, and
 * manifest.json to reproduce the run. Column names are stable and documented
 * (docs/outputs.md). Text cells that a spreadsheet would run as a formula are
 * neutralised. Owner names appear in the tables and the report (hearing documents),
 * never in logs or the manifest. And back: a finished run's folder read (nytte_outdir_read)
 * and two runs compared (nytte_outdir_diff_new, for nytte diff).
 */
#ifndef NYTTE_REPORT_H
#define NYTTE_REPORT_H

#include "nytte/allocate.h"
#include "nytte/config.h"
#include "nytte/damage.h"
#include "nytte/finance.h"
#include "nytte/overlay.h"
#include "nytte/types.h"
#include "nytte/uncertain.h"

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
    const nytte_project_pv *element_pv;    /**< per element: PV of benefits and costs, benefit-cost ratio */
    const char *const *findings;           /**< the safeguards' findings, one line each (report's first screen, manifest) */
    const char *const *explanations;       /**< per alloc->owners[]: `nytte explain`'s text (explanations.txt), or NULL */
    size_t nfindings;
    const double *timing;                  /**< seconds per stage, for the manifest */
    const char *const *timing_names;       /**< names of the stages */
    size_t ntiming;
    const nytte_unc_result *uncertainty;   /**< the draws and climate horizons (docs/uncertainty.md), or NULL */
} nytte_report_data;

/** Dialect of the CSV tables. */
typedef struct nytte_csv_opts {
    char sep;                 /**< ',' (default) or ';' (Danish Excel) */
    char decimal;             /**< '.' (default) or ',' */
    bool bom;                 /**< start with a UTF-8 byte-order mark (Danish Excel reads æøå right only then) */
} nytte_csv_opts;

#define NYTTE_CSV_OPTS_INIT {',', '.', false}

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

/**
 * The per-owner table of a model comparison (`nytte compare --csv FILE`): one row per
 * owner of `base` (id order), with the amount under each model that ran
 * (`<model>_kr`) and, for every model but the first, its difference to the first
 * (`<model>_minus_<first>_kr`). A path ending in .xlsx writes a spreadsheet, else CSV in
 * the dialect `o` (NULL: standard). Written to "<path>.part" and renamed into place.
 */
int nytte_report_compare_table(nytte_ctx *ctx, const char *path, const nytte_alloc_result *base,
                               const nytte_alloc_comparison *c, size_t n, const nytte_csv_opts *o);

/* ---- a finished run read back ------------------------------------------------ */

/*
 * A finished run's output folder (what nytte_report_write and nytte_report_write_manifest
 * wrote, docs/outputs.md) read back: manifest.json, and owners.csv and parcels.csv when
 * asked for, in either CSV dialect, amounts as exact integer øre. For the commands that
 * work on finished runs (nytte diff) rather than on a project.
 */

/** A file the manifest lists: an input (`inputs[]`) or an output (`outputs[]`). */
typedef struct nytte_outdir_file {
    char *path;            /**< as the manifest gives it */
    char *name;            /**< inputs: the path relative to the project's folder ("terrain.tif") when the
                                file lies inside it, else the path; outputs: the path */
    char *roles;           /**< inputs: "parcels, buildings"; outputs: NULL */
    char *sha256;          /**< 64 lowercase hex digits */
    int64_t bytes;         /**< -1 if not given */
    bool outside_project;
} nytte_outdir_file;

/** A scalar of manifest.json by its path: "loan.rate", "totals.elements[basin].pool_ore". */
typedef struct nytte_outdir_entry {
    char *key;
    char *value;           /**< the JSON value's text: a string unquoted, a number as written, a list of
                                scalars joined by ", " */
} nytte_outdir_entry;

/** One row of owners.csv. Text as the run meant it (a neutralising apostrophe taken off). */
typedef struct nytte_outdir_owner {
    char *id;
    char *name;            /**< personal data: never log it */
    char *parcels;         /**< the ids joined by "; " */
    int64_t amount_ore;    /**< amount_kr, exact */
    int64_t yearly_om_ore; /**< yearly_om_kr, exact */
    size_t line;           /**< its line in owners.csv (the header is line 1) */
} nytte_outdir_owner;

/** One row of parcels.csv. */
typedef struct nytte_outdir_parcel {
    char *id;
    char *owners;          /**< owner ids joined by "; " */
    int64_t amount_ore;    /**< amount_ore */
    int64_t in_area;       /**< 1 inside the benefit area of at least one element */
    size_t line;
} nytte_outdir_parcel;

typedef struct nytte_outdir {
    char *dir;
    char *version;            /**< nytte_version */
    char *created_utc;        /**< "" if not given */
    char *project_path, *project_name, *project_sha256;
    char *project_text;       /**< the project file verbatim */
    char *model;              /**< allocation_model ("" if not given) */
    nytte_csv_opts csv;       /**< the dialect its tables were written in (csv_dialect) */
    nytte_outdir_file *inputs;
    size_t ninputs;
    nytte_outdir_file *outputs;
    size_t noutputs;
    nytte_outdir_entry *entries; /**< every other scalar of the manifest, in the manifest's order: the
                                      settings, rules, timings and totals */
    size_t nentries;
    nytte_outdir_owner *owners;  /**< NYTTE_OUTDIR_OWNERS: sorted by id (strcmp) */
    size_t nowners;
    nytte_outdir_parcel *parcels; /**< NYTTE_OUTDIR_PARCELS: sorted by id (strcmp) */
    size_t nparcels;
    const char *modified[2];  /**< tables read whose SHA-256 is not the manifest's (edited after the run):
                                   "owners.csv", "parcels.csv" */
    size_t nmodified;
} nytte_outdir;

/**
 * Owner `owner_id`'s explanation as the run wrote it into dir/explanations.txt: the text
 * `nytte explain PROJECT OWNER` prints for that run (*text malloc'ed). NYTTE_EUSAGE when
 * the owner is not in it, NYTTE_EINPUT naming the file when it is missing or damaged.
 */
int nytte_outdir_explanation(nytte_ctx *ctx, char **text, const char *dir, const char *owner_id);

/** What nytte_outdir_read reads besides the manifest. */
enum { NYTTE_OUTDIR_OWNERS = 1, NYTTE_OUTDIR_PARCELS = 2 };

/**
 * Read the finished run in folder `dir`: manifest.json, and with NYTTE_OUTDIR_OWNERS
 * owners.csv, with NYTTE_OUTDIR_PARCELS parcels.csv, in the dialect the manifest names.
 * A folder that is not a finished nytte run is NYTTE_EINPUT (NYTTE_EIO: unreadable) with
 * a one-line message naming the file and, for a table, the line and column: "out/owners.csv:
 * line 7: amount_kr: not an amount in kroner with two decimals: '12.3.4'"; a duplicate id,
 * a row with more or fewer fields than the header, a missing column, another dialect are
 * refused the same way. A table that reads well but whose SHA-256 is not the manifest's
 * is read and named in `modified`. *out is the caller's (nytte_outdir_free). Thread-safe
 * for distinct contexts.
 */
int nytte_outdir_read(nytte_ctx *ctx, nytte_outdir **out, const char *dir, unsigned what);
void nytte_outdir_free(nytte_outdir *d);

/** The value of manifest entry `key` ("loan.rate"), or NULL. Borrowed. */
const char *nytte_outdir_value(const nytte_outdir *d, const char *key);
/** The owner with this id, or NULL (binary search). Borrowed. */
const nytte_outdir_owner *nytte_outdir_owner_find(const nytte_outdir *d, const char *id);
/** The parcel with this id, or NULL. Borrowed. */
const nytte_outdir_parcel *nytte_outdir_parcel_find(const nytte_outdir *d, const char *id);

/* ---- two finished runs compared (nytte diff) ---------------------------------- */

typedef enum {
    NYTTE_DIFF_CHANGED = 0, /**< in both, amount or yearly O&M differ */
    NYTTE_DIFF_ONLY_A = 1,  /**< in run A only */
    NYTTE_DIFF_ONLY_B = 2   /**< in run B only */
} nytte_diff_kind;

/** An owner whose amount differs between the runs. Pointers borrowed from the runs. */
typedef struct nytte_diff_owner {
    nytte_diff_kind kind;
    const nytte_outdir_owner *a, *b; /**< NULL where not in that run */
    int64_t diff_ore;                /**< b's amount − a's (an owner missing from one counts 0 there) */
    int64_t yearly_diff_ore;         /**< the same for the yearly O&M */
} nytte_diff_owner;

/** A value that differs: a manifest entry, or an input file. a or b NULL where missing. */
typedef struct nytte_diff_value {
    const char *key;                 /**< the entry's key or the input's name */
    const char *a, *b;               /**< the values; for an input its SHA-256 */
    const nytte_outdir_file *fa, *fb; /**< inputs only */
    bool rule;                       /**< settings: one that can change an amount (not csv_dialect, compare) */
} nytte_diff_value;

typedef struct nytte_outdir_diff {
    const nytte_outdir *a, *b;       /**< borrowed */
    nytte_diff_owner *owners;        /**< every owner whose amount differs, by id */
    size_t nowners, nchanged, nonly_a, nonly_b;
    size_t nsame;                    /**< owners in both with the same amounts */
    int64_t total_a_ore, total_b_ore; /**< Σ amount_ore over every owner of each run */
    bool version_changed;            /**< nytte_version */
    bool project_changed;            /**< the project file's SHA-256 */
    nytte_diff_value *settings;      /**< model, rules, loan, CRS, dialect that differ (every entry but
                                          totals, timings, threads and the creation time) */
    size_t nsettings;
    size_t nrules;                   /**< settings with `rule`: those that can change an amount */
    nytte_diff_value *inputs;        /**< inputs whose SHA-256 differs or that are in one run only */
    size_t ninputs;
    nytte_diff_value *totals;        /**< totals.* entries that differ */
    size_t ntotals;
    size_t nparcels_changed;         /**< with both runs' parcels: parcels whose amount differs or that are
                                          in one run only; 0 without */
} nytte_outdir_diff;

/**
 * Compare two finished runs read with at least NYTTE_OUTDIR_OWNERS: every owner whose
 * amount (or yearly O&M) differs, or who is in one run only, by id; the settings, inputs
 * (by SHA-256, matched by their name in the project folder, else by role) and totals that
 * differ. Output files are not compared by checksum: the GeoPackage differs from run to run.
 * *out borrows a and b, which must outlive it (nytte_outdir_diff_free).
 */
int nytte_outdir_diff_new(nytte_ctx *ctx, nytte_outdir_diff **out, const nytte_outdir *a, const nytte_outdir *b);
void nytte_outdir_diff_free(nytte_outdir_diff *d);

/** nytte_outdir_diff_text: the summary only, no lists of owners. */
enum { NYTTE_DIFF_BRIEF = 1 };

/**
 * The comparison as text for a reader deciding on a new hearing: first whether any
 * owner's amount changed and whether the program, model and rules, project file or
 * inputs did; then what differs (the project file's lines too), the totals, and the
 * owners (id, amount in A and B, difference; those in one run only). Owner ids only,
 * never names. *text is the caller's (free).
 */
int nytte_outdir_diff_text(nytte_ctx *ctx, char **text, const nytte_outdir_diff *d, unsigned flags);

/**
 * Write every owner of d->owners as CSV at `path` (dialect o; NULL: run B's) with the
 * columns owner_id, change (changed, only_a, only_b), amount_a_kr, amount_b_kr,
 * difference_kr, yearly_om_a_kr, yearly_om_b_kr, yearly_om_difference_kr, parcels_a,
 * parcels_b (docs/outputs.md). Written beside and renamed into place: a failure leaves
 * no file. Errors name the path.
 */
int nytte_outdir_diff_csv(nytte_ctx *ctx, const nytte_outdir_diff *d, const char *path, const nytte_csv_opts *o);

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
