/*
 * schema.c — the keys of a project file as data, one block per mapping: the loader takes
 * from here the keys each mapping accepts (and lists them, in this order, when a key is
 * unknown), which hazard types a key of a hazard or a measure applies to, and which keys
 * are required. docs/project-file.md describes the same keys; nytte_project_keys gives
 * the table to whoever checks that.
 */
#include "config/config_int.h"

#include <stdio.h>
#include <string.h>

#define ANY NYTTE_HAZARD_ANY
#define COAST NYTTE_HAZARD_BIT(NYTTE_HAZARD_COASTAL)
#define GIVEN NYTTE_HAZARD_BIT(NYTTE_HAZARD_FLOOD_RASTER)
#define BLUE NYTTE_HAZARD_BIT(NYTTE_HAZARD_BLUESPOT)
#define GW NYTTE_HAZARD_BIT(NYTTE_HAZARD_GROUNDWATER)
#define CATCH NYTTE_HAZARD_BIT(NYTTE_HAZARD_CATCHMENT)
#define DEPTHS (COAST | GIVEN | BLUE | GW) /* the hazards that give depths (or exposure) */

/* The mappings that share one shape: a vector layer (with geometries: and the CRS its
 * coordinates are in, for a file that does not say or says wrong), and a deduction. */
#define LAYER_KEYS(sec) {sec ".path", ANY, ANY}, {sec ".layer", ANY, 0}, {sec ".where", ANY, 0}
#define GEOM_LAYER_KEYS(sec) LAYER_KEYS(sec), {sec ".crs", ANY, 0}
#define DEDUCTION_KEYS(sec)                                                                                      \
    {sec ".name", ANY, ANY}, {sec ".kind", ANY, 0}, {sec ".amount", ANY, 0}, {sec ".percent", ANY, 0}

static const nytte_config_key keys[] = {
    /* the root */
    {"nytte", ANY, ANY},
    {"name", ANY, ANY},
    {"crs", ANY, 0},
    {"inputs", ANY, ANY},
    {"hazards", ANY, ANY},
    {"measures", ANY, ANY},
    {"allocation", ANY, ANY},
    {"damage", ANY, 0},
    {"finance", ANY, 0},
    {"uncertainty", ANY, 0},
    {"horizons", COAST, 0},
    {"outputs", ANY, 0},

    /* inputs */
    {"inputs.terrain", ANY, ANY},
    {"inputs.terrain_margin", ANY, 0},
    {"inputs.vertical_datum", ANY, 0},
    {"inputs.parcels", ANY, ANY},
    {"inputs.buildings", ANY, 0},
    {"inputs.owners", ANY, 0},

    /* inputs.parcels: the layer and its fields */
    GEOM_LAYER_KEYS("inputs.parcels"),
    {"inputs.parcels.id", ANY, ANY},
    {"inputs.parcels.value", ANY, 0},
    {"inputs.parcels.landuse", ANY, 0},
    {"inputs.parcels.paved_area", ANY, 0},
    {"inputs.parcels.property", ANY, 0},

    /* inputs.buildings */
    GEOM_LAYER_KEYS("inputs.buildings"),
    {"inputs.buildings.id", ANY, ANY},
    {"inputs.buildings.parcel", ANY, 0},
    {"inputs.buildings.use", ANY, 0},
    {"inputs.buildings.floor_area", ANY, 0},
    {"inputs.buildings.floor_height", ANY, 0},
    {"inputs.buildings.value", ANY, 0},
    {"inputs.buildings.default_use", ANY, 0},
    {"inputs.buildings.use_codes", ANY, 0},
    {"inputs.buildings.bbr", ANY, 0},

    /* inputs.buildings.bbr: a BBR table joined to the buildings */
    LAYER_KEYS("inputs.buildings.bbr"),
    {"inputs.buildings.bbr.key", ANY, ANY},
    {"inputs.buildings.bbr.link", ANY, 0},
    {"inputs.buildings.bbr.use", ANY, 0},
    {"inputs.buildings.bbr.floor_area", ANY, 0},

    /* inputs.owners */
    LAYER_KEYS("inputs.owners"),
    {"inputs.owners.parcel", ANY, 0},
    {"inputs.owners.property", ANY, 0},
    {"inputs.owners.owner", ANY, ANY},
    {"inputs.owners.name", ANY, 0},
    {"inputs.owners.share", ANY, 0},

    /* hazards[]: a key given to a hazard it does not apply to is an error (a groundwater
     * hazard has no sea), with two exceptions kept as they have always been: a coastal
     * hazard accepts rasters and with_measure without using them, and a flood_raster
     * hazard reads offset and wave_allowance although it reports that they do not apply */
    {"hazards[].id", ANY, ANY},
    {"hazards[].type", ANY, ANY},
    {"hazards[].sea", COAST, COAST},
    {"hazards[].return_periods", DEPTHS, DEPTHS},
    {"hazards[].levels", COAST, COAST},
    {"hazards[].rasters", COAST | GIVEN | GW, GIVEN | GW},
    {"hazards[].with_measure", COAST | GIVEN, 0},
    {"hazards[].offset", COAST, 0},
    {"hazards[].wave_allowance", COAST, 0},
    {"hazards[].sea_level_rise", COAST, 0},
    {"hazards[].protected_area", CATCH, CATCH},
    {"hazards[].runoff", CATCH, 0},
    {"hazards[].threshold", GW, GW},
    {"hazards[].rain", BLUE, 0},

    /* hazards[].sea, .protected_area: a layer (or a plain path) */
    GEOM_LAYER_KEYS("hazards[].sea"),
    GEOM_LAYER_KEYS("hazards[].protected_area"),

    /* hazards[].with_measure: one list of rasters per measure id (and all) */
    {"hazards[].with_measure.<measure id>", ANY, 0},

    /* hazards[].runoff */
    {"hazards[].runoff.roof", ANY, 0},
    {"hazards[].runoff.paved", ANY, 0},
    {"hazards[].runoff.fallback", ANY, 0},
    {"hazards[].runoff.landuse", ANY, 0},
    {"hazards[].runoff.landuse.<land use>", ANY, 0},

    /* measures[]: crest and burn belong to a barrier, lowering and reach to a drain (the
     * hazard that gives the depths decides which the measure is) */
    {"measures[].id", ANY, ANY},
    {"measures[].name", ANY, 0},
    {"measures[].geometry", ANY, ANY},
    {"measures[].crest", COAST | GIVEN | BLUE, 0},
    {"measures[].burn", COAST | BLUE, 0},
    {"measures[].lowering", GW, 0},
    {"measures[].reach", GW, 0},
    {"measures[].capex", ANY, ANY},
    {"measures[].om_per_year", ANY, 0},
    {"measures[].lifetime", ANY, 0},
    {"measures[].deductions", ANY, 0},

    /* measures[].geometry, measures[].deductions[] */
    GEOM_LAYER_KEYS("measures[].geometry"),
    DEDUCTION_KEYS("measures[].deductions[]"),

    /* allocation */
    {"allocation.model", ANY, ANY},
    {"allocation.design_event", ANY, 0},
    {"allocation.design_level", ANY, 0},
    {"allocation.om", ANY, 0},
    {"allocation.deductions", ANY, 0},
    {"allocation.exempt_unbuilt", ANY, 0},
    {"allocation.exempt_land_only", ANY, 0},
    {"allocation.min_benefit", ANY, 0},
    {"allocation.min_payment", ANY, 0},
    {"allocation.max_payment", ANY, 0},
    {"allocation.benefit_cap", ANY, 0},
    {"allocation.compensate_harmed", ANY, 0},
    {"allocation.zones", ANY, 0},
    {"allocation.parts", ANY, 0},
    {"allocation.value_levy", ANY, 0},
    {"allocation.area", ANY, 0},
    {"allocation.hybrid", ANY, 0},
    {"allocation.compare", ANY, 0},
    {"allocation.contributor_fraction", ANY, 0},
    {"allocation.contributor_hazard", ANY, 0},

    /* allocation.benefit_cap (a mode, or this mapping) */
    {"allocation.benefit_cap.mode", ANY, ANY},
    {"allocation.benefit_cap.multiple", ANY, 0},
    {"allocation.benefit_cap.residual_payer", ANY, 0},

    /* allocation.deductions[] */
    DEDUCTION_KEYS("allocation.deductions[]"),

    /* allocation.zones */
    {"allocation.zones.upper", ANY, ANY},
    {"allocation.zones.factor", ANY, ANY},
    {"allocation.zones.use_factor", ANY, 0},
    {"allocation.zones.min_area", ANY, 0},
    {"allocation.zones.use_factor.<use>", ANY, 0},

    /* allocation.parts */
    {"allocation.parts.base", ANY, 0},
    {"allocation.parts.per_plot", ANY, 0},
    {"allocation.parts.per_house", ANY, 0},
    {"allocation.parts.plot_flooded", ANY, 0},
    {"allocation.parts.building_flooded", ANY, 0},
    {"allocation.parts.access_road", ANY, 0},
    {"allocation.parts.kote", ANY, 0},
    {"allocation.parts.below_plot", ANY, 0},
    {"allocation.parts.below_house", ANY, 0},

    /* allocation.value_levy, allocation.area, allocation.hybrid[] */
    {"allocation.value_levy.permille", ANY, ANY},
    {"allocation.area.building", ANY, 0},
    {"allocation.area.plot", ANY, 0},
    {"allocation.hybrid[].model", ANY, ANY},
    {"allocation.hybrid[].fraction", ANY, ANY},

    /* damage */
    {"damage.depth", ANY, 0},
    {"damage.ead", ANY, 0},
    {"damage.discount_rate", ANY, 0},
    {"damage.horizon", ANY, 0},
    {"damage.unit_value", ANY, 0},
    {"damage.contents_factor", ANY, 0},
    {"damage.curves", ANY, 0},
    {"damage.unit_value.<use>", ANY, 0},
    {"damage.contents_factor.<use>", ANY, 0},
    {"damage.curves.<use>", ANY, 0},

    /* damage.curves.<use> */
    {"damage.curves.<use>.depth", ANY, ANY},
    {"damage.curves.<use>.structure", ANY, ANY},
    {"damage.curves.<use>.contents", ANY, 0},

    /* finance */
    {"finance.loan", ANY, 0},
    {"finance.years", ANY, 0},
    {"finance.rate", ANY, 0},
    {"finance.payments_per_year", ANY, 0},

    /* uncertainty: an input is named as the loader lists them (damage_curve, building_value, floor_height,
     * level_shift, sea_level_rise; the last two need a coastal hazard); each is a distribution, whose
     * family takes its own parameters, the loader says which (docs/uncertainty.md) */
    {"uncertainty.draws", ANY, ANY},
    {"uncertainty.seed", ANY, 0},
    {"uncertainty.<input>", ANY, 0},
    {"uncertainty.<input>.distribution", ANY, ANY},
    {"uncertainty.<input>.mean", ANY, 0},
    {"uncertainty.<input>.sd", ANY, 0},
    {"uncertainty.<input>.median", ANY, 0},
    {"uncertainty.<input>.sigma", ANY, 0},
    {"uncertainty.<input>.min", ANY, 0},
    {"uncertainty.<input>.mode", ANY, 0},
    {"uncertainty.<input>.max", ANY, 0},
    {"uncertainty.<input>.values", ANY, 0},
    {"uncertainty.<input>.weights", ANY, 0},
    {"uncertainty.<input>.correlation", ANY, 0},

    /* horizons[] */
    {"horizons[].year", ANY, ANY},
    {"horizons[].sea_level_rise", ANY, ANY},

    /* outputs */
    {"outputs.folder", ANY, 0},
    {"outputs.csv_dialect", ANY, 0},
    {"outputs.shapefile", ANY, 0},
};

#define NKEYS (sizeof keys / sizeof keys[0])

const nytte_config_key *nytte_project_keys(size_t *n)
{
    if (n)
        *n = NKEYS;
    return keys;
}

/* The key's name if path is a key of the mapping at section sec ("" is the root), else NULL. */
static const char *child_name(const char *path, const char *sec, size_t len)
{
    if (strncmp(path, sec, len) != 0)
        return NULL;
    const char *rest = path + len;
    if (len > 0) {
        if (*rest != '.')
            return NULL;
        rest++;
    }
    return strpbrk(rest, ".[") ? NULL : rest;
}

const nytte_config_key *cfg_key_next(const char *sec, const nytte_config_key *prev, const char **name)
{
    size_t len = strlen(sec);
    for (const nytte_config_key *k = prev ? prev + 1 : keys; k < keys + NKEYS; k++) {
        const char *rest = child_name(k->path, sec, len);
        if (rest) {
            if (name)
                *name = rest;
            return k;
        }
    }
    return NULL;
}

const nytte_config_key *cfg_key_find(const char *sec, const char *name)
{
    const nytte_config_key *any = NULL;
    const char *n;
    for (const nytte_config_key *k = NULL; (k = cfg_key_next(sec, k, &n));) {
        if (strcmp(n, name) == 0)
            return k;
        if (n[0] == '<' && !any)
            any = k;
    }
    return any;
}

void cfg_check_keys(const cfg_map *m)
{
    for (size_t i = 0; i < m->node->n; i++) {
        const ynode *k = m->node->items[2 * i];
        if (cfg_key_find(m->section, k->text))
            continue;
        char list[400] = "";
        size_t used = 0;
        const char *name;
        for (const nytte_config_key *r = NULL; used < sizeof list - 40 && (r = cfg_key_next(m->section, r, &name));)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", name);
        cfg_problem(m->L, k, NYTTE_ECONFIG, m->kp, "unknown key '%s' (expected one of: %s)", k->text, list);
    }
}
