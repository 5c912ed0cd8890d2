/*
 * config.h — the project file: YAML -> a validated nytte_project. Every problem is
 * reported with file:line:col and what was expected; the loader checks everything up
 * front (types, ranges, orders, referenced files) so that a run never fails late on
 * something the file could have told. Schema: docs/project-file.md.
 */
#ifndef NYTTE_CONFIG_H
#define NYTTE_CONFIG_H

#include "nytte/allocate.h"
#include "nytte/catchment.h"
#include "nytte/damage.h"
#include "nytte/finance.h"
#include "nytte/hazard.h"
#include "nytte/nytte.h"
#include "nytte/uncertain.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A vector layer reference: a file, an optional layer name and attribute filter. */
typedef struct nytte_layer_cfg {
    char *path;      /**< resolved against the project folder */
    char *layer;     /**< NULL = first layer */
    char *where;     /**< OGR attribute filter or NULL */
    char *crs;       /**< the CRS of its coordinates ("EPSG:25832") when the file has none or a wrong one; NULL: the file's */
    int line, col;   /**< where it was given, for messages */
} nytte_layer_cfg;

/**
 * The field or fields that make a key: one field, or several whose values are joined by
 * NYTTE_KEY_JOIN in the order given (landsejerlavskode, matrikelnummer -> "60851-4a").
 */
typedef struct nytte_key_fields {
    char **names;    /**< n field names, or NULL when not given */
    size_t n;
} nytte_key_fields;

/** Between the values of a key made of several fields. */
#define NYTTE_KEY_JOIN "-"
/** At most this many fields make one key. */
#define NYTTE_KEY_FIELDS_MAX 8

typedef struct nytte_parcels_cfg {
    nytte_layer_cfg src;
    nytte_key_fields id; /**< id field(s) (required) */
    char *value;     /**< public property value field or NULL */
    char *landuse;   /**< land-use field or NULL */
    char *paved_area; /**< paved-area field (m²) or NULL */
    char *property;  /**< the field of each parcel's property number (SFE) or NULL */
} nytte_parcels_cfg;

/**
 * A BBR table joined to the buildings: its `key` field holds a building's BBR id, the
 * buildings layer's `link` field the same id (compared without letter case); `use` BBR
 * use codes, `floor_area` m².
 */
typedef struct nytte_bbr_cfg {
    bool given;
    nytte_layer_cfg src;
    char *key, *link;       /**< required key; link defaults to key */
    char *use, *floor_area; /**< optional fields (NULL) */
} nytte_bbr_cfg;

typedef struct nytte_buildings_cfg {
    bool given;
    nytte_layer_cfg src;
    char *id;                      /**< required field */
    nytte_key_fields parcel;       /**< NULL: each building goes to the parcel holding the largest part of it */
    char *use;                     /**< use groups (BBR codes with use_codes); NULL: bbr.use or default_use */
    char *floor_area;              /**< NULL: bbr.floor_area, else the footprint's area */
    char *floor_height, *value;    /**< optional fields (NULL) */
    int default_use;               /**< the nytte_use of a building without one, or -1 */
    char *use_codes;               /**< the table BBR use codes are mapped by: "bbr" (nytte's), a CSV (code,use)
                                        whose rows extend or replace it, or NULL (no codes are read) */
    bool use_is_code;              /**< use_codes was given: the use field holds BBR use codes, not use groups
                                        (a BBR table's use field always holds codes, read through "bbr" if
                                        no table is named) */
    nytte_bbr_cfg bbr;
    int line, col;                 /**< the inputs.buildings mapping */
} nytte_buildings_cfg;

typedef struct nytte_owners_cfg {
    bool given;      /**< false: every parcel is its own owner (owner id = parcel id) */
    nytte_layer_cfg src;
    nytte_key_fields parcel; /**< the parcel id field(s), or NULL with property */
    char *property;  /**< instead of parcel: the property number; the row owns its share of every parcel of it */
    char *owner;     /**< required field */
    char *name, *share;    /**< optional fields */
} nytte_owners_cfg;

typedef enum {
    NYTTE_HAZARD_COASTAL = 0,
    NYTTE_HAZARD_FLOOD_RASTER = 1,
    NYTTE_HAZARD_BLUESPOT = 2,
    NYTTE_HAZARD_GROUNDWATER = 3,
    NYTTE_HAZARD_CATCHMENT = 4
} nytte_hazard_type;

typedef struct nytte_hazard_cfg {
    char *id;
    nytte_hazard_type type;
    nytte_layer_cfg sea;       /**< coastal: sea polygons or points */
    size_t nevents;
    double *return_periods;    /**< years, strictly increasing */
    double *levels;            /**< coastal: still-water levels, m, non-decreasing */
    char **rasters;            /**< flood_raster: one depth raster per return period, without the measures;
                                    groundwater: one depth-to-groundwater raster per return period */
    char ***with_rasters;      /**< flood_raster: per measure (index as measures[]), NULL-terminated lists */
    char **with_all;           /**< flood_raster: with every measure (needed with several measures) */
    nytte_layer_cfg protected_area; /**< catchment: the area protected from water arriving from upstream */
    nytte_runoff_table runoff; /**< catchment: runoff coefficients (land-use names owned by runoff_names) */
    char **runoff_names;
    size_t nrunoff_names;
    double offset;             /**< sea-level rise for the horizon, m */
    double wave_allowance;     /**< m, added to every level */
    double sea_level_rise;     /**< coastal: rise by the end of the horizon, m (0 = none); EAD moves linearly */
    double threshold;          /**< groundwater: exposed where the table is less than this below terrain, m (> 0) */
    double *rain;              /**< bluespot: rain per event, mm (nevents), or NULL: every bluespot full */
    int line, col;
} nytte_hazard_cfg;

typedef struct nytte_deduction_cfg {
    char *name;
    nytte_alloc_deduction_kind kind;
    int64_t amount;            /**< øre; used when percent < 0 */
    double percent;            /**< share of what remains, 0..100; -1 when an amount is given */
} nytte_deduction_cfg;

typedef struct nytte_measure_cfg {
    char *id;
    char *name;
    nytte_layer_cfg geometry;  /**< barrier lines or polygons */
    double crest;              /**< crest / closing height, m (NaN if not given); bluespot: the height burned in */
    nytte_burn_mode burn;      /**< coastal, bluespot: raise (default), lower or set the terrain to the crest */
    double lowering;           /**< groundwater drain: lowering of the table, m (NaN if not given) */
    double reach;              /**< groundwater line/point drain: radius of influence, m (NaN if not given) */
    int64_t capex;             /**< øre */
    int64_t om_per_year;       /**< øre per year */
    int lifetime;              /**< years */
    nytte_deduction_cfg *deductions;  /**< in the order applied */
    size_t ndeductions;
    int line, col;
} nytte_measure_cfg;

typedef struct nytte_project {
    char *path;                /**< the project file as given */
    char *dir;                 /**< its folder; relative paths resolve here */
    char *name;
    char *crs;                 /**< working CRS as given (e.g. "EPSG:25832") */
    char *terrain;             /**< one raster: its file; many tiles: how the project names them, for
                                    messages (the folder, the glob, or "FIRST and N more tiles" for a list of several) */
    char **terrain_tiles;      /**< many tiles (a folder, a glob or a list): every file, a folder's and a glob's
                                    in name order, a list's as listed; NULL for one raster */
    size_t nterrain_tiles;
    nytte_grid *terrain_grids; /**< each tile's grid; the tiles were checked to form one mosaic */
    double terrain_margin;     /**< m: a run reads the tiles within this distance of its study area */
    char *vertical_datum;
    nytte_parcels_cfg parcels;
    nytte_buildings_cfg buildings;
    nytte_owners_cfg owners;
    nytte_hazard_cfg *hazards;
    size_t nhazards;
    nytte_measure_cfg *measures;
    size_t nmeasures;

    /* allocation: the model and its parameters, docs/models.md */
    nytte_alloc_config alloc;
    nytte_alloc_om_mode om_mode;
    size_t primary_hazard;     /**< the coastal, flood_raster, groundwater or bluespot hazard that gives depths
                                    (or exposure) and damage */
    long contributor_hazard;   /**< index of the catchment hazard giving contributor facts, or -1 */
    double design_event;       /**< return period of the design event (years); NaN if design_level */
    double design_level;       /**< design water level (m); NaN if design_event */
    char *residual_payer;      /**< allocation.benefit_cap.residual_payer (alloc.rules borrows it) */
    nytte_alloc_config *compare;  /**< models for `nytte compare` (the chosen model first) */
    size_t ncompare;
    /** where allocation.min_payment and max_payment were given (line 0: not given), for the
        messages of the run about them (infeasible payment caps) */
    struct {
        int line, col;
    } min_payment_at, max_payment_at;

    /* damage and benefit */
    nytte_damage_model damage;
    nytte_ead_rule ead;
    double discount_rate;
    int horizon;               /**< years of benefit */

    /* finance */
    nytte_loan_terms loan;

    /* uncertainty and climate horizons (docs/uncertainty.md) */
    bool has_uncertainty;      /**< the section `uncertainty` is given: draws are evaluated */
    nytte_unc_config uncertainty; /**< draws, seed and a distribution per input (kind NONE: not sampled) */
    nytte_unc_horizon horizons[NYTTE_UNC_MAX_HORIZONS]; /**< `horizons`, in time order */
    size_t nhorizons;

    char *out_dir;             /**< resolved output folder */
    bool csv_excel_da;         /**< outputs.csv_dialect: excel_da (';' and decimal comma) */
    bool shapefile;            /**< outputs.shapefile: also write parcels.shp */

    char **warnings;           /**< things worth saying that are not errors */
    size_t nwarnings;
} nytte_project;

/** Problems found while loading: each a full "file:line:col: what" line. */
typedef struct nytte_diag {
    char **lines;
    int *codes;                /**< NYTTE_ECONFIG (the file is wrong) or NYTTE_EIO (a referenced file) */
    size_t n;
} nytte_diag;

void nytte_diag_clear(nytte_diag *d);

/** The bit of a hazard type in the masks of nytte_config_key. */
#define NYTTE_HAZARD_BIT(t) (1u << (unsigned)(t))
/** Every hazard type. */
#define NYTTE_HAZARD_ANY 0x1fu

/**
 * One key of the project file, as the loader knows it: the loader takes the names it
 * accepts in each mapping, which hazard types a key applies to and whether it is required
 * from this table and from nowhere else (docs/project-file.md describes the same keys).
 */
typedef struct nytte_config_key {
    const char *path;      /**< "name", "inputs.parcels.id", "hazards[].levels", "damage.curves.<use>.depth":
                                "[]" stands for every item of a list, "<...>" for a name the file chooses
                                (a use group, a land use, a measure id) */
    unsigned hazard_types; /**< the hazard types it applies to, as NYTTE_HAZARD_BIT bits: a key of hazards[]
                                the types of that hazard, a key of measures[] or horizons the types of the
                                hazard that gives the depths (the sea-level inputs of uncertainty.<input>
                                are checked by their loader); a key given where it does not apply is an
                                error.
                                NYTTE_HAZARD_ANY for every other key */
    unsigned required;     /**< when its mapping is given, the key must be too: NYTTE_HAZARD_ANY always, 0 never,
                                other bits (keys of hazards[]) for hazards of those types */
} nytte_config_key;

/**
 * The whole schema of a project file, read-only: every key the loader accepts, each
 * mapping's keys in the order "unknown key" messages list them. *n gets the count. The
 * table is static: nothing to free, safe from any thread.
 */
const nytte_config_key *nytte_project_keys(size_t *n);

/**
 * Load and validate a project file. On success *out is a new project (free with
 * nytte_project_free). On failure returns NYTTE_ECONFIG (or NYTTE_EIO when only
 * referenced files are missing), sets the context message to the first problem, and,
 * when diag is not NULL, lists every problem found.
 */
int nytte_project_load(nytte_ctx *ctx, nytte_project **out, const char *path, nytte_diag *diag);

/** An input file of a project and what it is for ("terrain", "parcels", "sea", ...). */
typedef struct nytte_project_input {
    const char *path;   /**< as resolved against the project folder (borrowed from the project) */
    const char *role;   /**< what it is for here (static); a file named twice is listed twice */
} nytte_project_input;

/**
 * Every input file the project names, each time it is named, in a fixed order: terrain, parcels,
 * buildings, owners, then per hazard its sea, rasters (with each measure, with all) and
 * protected area, then the measures' geometries. *out is malloc'ed (the caller frees it);
 * the paths are borrowed from p. NYTTE_OK or NYTTE_ENOMEM (ctx may be NULL).
 */
int nytte_project_inputs(nytte_ctx *ctx, nytte_project_input **out, size_t *n, const nytte_project *p);

/**
 * The file on disk behind a path a project names, into buf: the path itself, or for a GDAL
 * virtual path the archive ("/vsizip/d/data.zip/x/p.gml" -> "d/data.zip": the longest leading
 * part that is a regular file). false when a virtual path has no such file (a chained or a
 * network path). Thread-safe.
 */
bool nytte_path_on_disk(char *buf, size_t size, const char *path);

/** Whether path (an input of p; for a virtual path its archive) lies outside the project's folder
 * (links and ".." resolved). */
bool nytte_project_path_outside(const nytte_project *p, const char *path);

/**
 * Whether out_dir may be the output folder of p. A run replaces its output folder whole,
 * so it may not be the root, a system folder, the home folder, the project's folder or one
 * holding it, or a folder holding one of the project's inputs (links and ".." resolved).
 * NYTTE_OK, or NYTTE_EUSAGE: "<what>: <out_dir> is the root folder: ...". The loader checks
 * outputs.folder itself; nytte_run checks an --out given instead.
 */
int nytte_project_check_out_dir(nytte_ctx *ctx, const nytte_project *p, const char *out_dir, const char *what);
void nytte_project_free(nytte_project *p);

#ifdef __cplusplus
}
#endif
#endif
