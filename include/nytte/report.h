/*
 * report.h — the outputs users live in: owners.csv and parcels.csv for Excel,
 * parcels.gpkg for QGIS (through io/), with stable, documented column names
 * (docs/outputs.md). Text cells that a spreadsheet would run as a formula are
 * neutralised.
 */
#ifndef NYTTE_REPORT_H
#define NYTTE_REPORT_H

#include "nytte/allocate.h"
#include "nytte/config.h"
#include "nytte/finance.h"
#include "nytte/types.h"

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
    const nytte_loan *loans;               /**< one per alloc->owners[] */
    const char *ead_rule;                  /**< "trapezoid/zero/constant" */
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

/** Write owners.csv, parcels.csv and parcels.gpkg into `dir` (which must exist). */
int nytte_report_write(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *csv);

#ifdef __cplusplus
}
#endif
#endif
