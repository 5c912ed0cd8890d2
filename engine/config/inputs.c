/*
 * inputs.c — the inputs section: the terrain (one raster or many tiles: terrain.c) and the
 * vector layers of parcels, buildings and owners with the names of their fields. A key may
 * be made of several fields (the Matrikelkort's landsejerlavskode + matrikelnummer); the
 * buildings may come as published (no parcel, use or floor area: docs/project-file.md,
 * Buildings as published), with a BBR table joined to them; the owners may be given per
 * property instead of per parcel.
 */
#include "config/config_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void load_parcels(loader *L, const ynode *v, nytte_project *p)
{
    cfg_map m = cfg_map_at(L, v, "inputs.parcels", "inputs.parcels");
    cfg_get_layer(&m, &p->parcels.src);
    cfg_get_key_fields(&m, "id", &p->parcels.id);
    cfg_get_str(&m, "value", &p->parcels.value);
    cfg_get_str(&m, "landuse", &p->parcels.landuse);
    cfg_get_str(&m, "paved_area", &p->parcels.paved_area);
    cfg_get_str(&m, "property", &p->parcels.property);
}

/* inputs.buildings.bbr: a table of BBR's buildings, joined on the building's BBR id. */
static void load_bbr(const cfg_map *bm, nytte_bbr_cfg *b)
{
    const ynode *v = cfg_get(bm, "bbr");
    if (!v || !cfg_need_map(bm->L, v, "inputs.buildings.bbr"))
        return;
    cfg_map m = cfg_map_at(bm->L, v, "inputs.buildings.bbr", "inputs.buildings.bbr");
    b->given = true;
    cfg_get_layer(&m, &b->src);
    cfg_get_str(&m, "key", &b->key);
    if (cfg_get_str(&m, "link", &b->link) == CFG_ABSENT && b->key && !(b->link = strdup(b->key)))
        cfg_nomem(bm->L, v, "inputs.buildings.bbr.link");
    cfg_get_str(&m, "use", &b->use);
    cfg_get_str(&m, "floor_area", &b->floor_area);
    if (!b->use && !b->floor_area)
        cfg_problem(bm->L, v, NYTTE_ECONFIG, "inputs.buildings.bbr",
                    "give use (BBR's use codes, e.g. byg021BygningensAnvendelse) or floor_area, or both: the table "
                    "gives the buildings nothing else");
}

/* use_codes: `bbr`, or a CSV (code,use) that extends or replaces rows of nytte's BBR table. */
static void load_use_codes(const cfg_map *m, nytte_buildings_cfg *b)
{
    const ynode *v = ytree_get(m->node, "use_codes");
    char *given = NULL;
    if (cfg_get_str(m, "use_codes", &given) != NYTTE_OK)
        return;
    b->use_is_code = true;
    if (!strcmp(given, "bbr")) {
        b->use_codes = given;
        return;
    }
    free(given);
    if (cfg_get_path(m, "use_codes", 1, &b->use_codes) == NYTTE_OK) {
        size_t n = strlen(b->use_codes);
        if (n < 4 || strcasecmp(b->use_codes + n - 4, ".csv") != 0)
            cfg_problem(m->L, v, NYTTE_ECONFIG, "inputs.buildings.use_codes",
                        "expected bbr (nytte's table of BBR use codes) or a CSV file of code,use: %s", b->use_codes);
    }
}

static void load_buildings(loader *L, const ynode *v, nytte_project *p)
{
    nytte_buildings_cfg *b = &p->buildings;
    cfg_map m = cfg_map_at(L, v, "inputs.buildings", "inputs.buildings");
    b->given = true;
    b->line = v->line;
    b->col = v->col;
    b->default_use = -1;
    cfg_get_layer(&m, &b->src);
    cfg_get_str(&m, "id", &b->id);
    cfg_get_key_fields(&m, "parcel", &b->parcel);
    cfg_get_str(&m, "use", &b->use);
    cfg_get_str(&m, "floor_area", &b->floor_area);
    cfg_get_str(&m, "floor_height", &b->floor_height);
    cfg_get_str(&m, "value", &b->value);
    char *def = NULL;
    if (cfg_get_str(&m, "default_use", &def) == NYTTE_OK &&
        (b->default_use = nytte_use_parse(def)) < 0)
        cfg_problem(L, ytree_get(v, "default_use"), NYTTE_ECONFIG, "inputs.buildings.default_use",
                    "'%s' is not a use group (residential, summerhouse, business, public or other)", def);
    free(def);
    load_use_codes(&m, b);
    load_bbr(&m, &b->bbr);
    /* a BBR field holds BBR's codes: they are read through the table unless another is named */
    if (b->bbr.use && !b->use_codes && !(b->use_codes = strdup("bbr")))
        cfg_nomem(L, v, "inputs.buildings.use_codes");
    if (!ytree_get(v, "use") && !ytree_get(v, "default_use") && !(b->bbr.given && b->bbr.use))
        cfg_problem(L, v, NYTTE_ECONFIG, "inputs.buildings",
                    "no use: give use (a field of use groups, or of BBR use codes with use_codes: bbr), bbr.use, or "
                    "default_use (the use group of every building without one)");
}

static void load_owners(loader *L, const ynode *v, nytte_project *p)
{
    nytte_owners_cfg *o = &p->owners;
    cfg_map m = cfg_map_at(L, v, "inputs.owners", "inputs.owners");
    o->given = true;
    cfg_get_layer(&m, &o->src);
    cfg_get_key_fields(&m, "parcel", &o->parcel);
    cfg_get_str(&m, "property", &o->property);
    cfg_get_str(&m, "owner", &o->owner);
    cfg_get_str(&m, "name", &o->name);
    cfg_get_str(&m, "share", &o->share);
    const ynode *parcel = ytree_get(v, "parcel"), *property = ytree_get(v, "property");
    if (parcel && property)
        cfg_problem(L, property, NYTTE_ECONFIG, "inputs.owners.property",
                    "give parcel or property, not both: a row is one owner's share of a parcel, or of every parcel "
                    "of a property");
    else if (!parcel && !property)
        cfg_problem(L, v, NYTTE_ECONFIG, "inputs.owners",
                    "missing parcel (the parcel id field) or property (the property number field)");
    else if (property && !p->parcels.property)
        cfg_problem(L, property, NYTTE_ECONFIG, "inputs.owners.property",
                    "owners by property need each parcel's property: give inputs.parcels.property (the Matrikelkort's "
                    "sfe_Ejendomsnummer)");
}

void cfg_load_inputs(loader *L, const ynode *in, nytte_project *p)
{
    cfg_map im = cfg_map_at(L, in, "inputs", "inputs");
    cfg_check_keys(&im);
    cfg_load_terrain(&im, p);
    cfg_get_str(&im, "vertical_datum", &p->vertical_datum);

    const ynode *v = cfg_get(&im, "parcels");
    if (v && cfg_need_map(L, v, "inputs.parcels"))
        load_parcels(L, v, p);
    v = cfg_get(&im, "buildings");
    if (v && cfg_need_map(L, v, "inputs.buildings"))
        load_buildings(L, v, p);
    v = cfg_get(&im, "owners");
    if (v && cfg_need_map(L, v, "inputs.owners"))
        load_owners(L, v, p);
}

void cfg_inputs_clear(nytte_project *p)
{
    cfg_layer_clear(&p->parcels.src);
    cfg_key_fields_clear(&p->parcels.id);
    cfg_layer_clear(&p->buildings.src);
    cfg_key_fields_clear(&p->buildings.parcel);
    cfg_layer_clear(&p->buildings.bbr.src);
    cfg_layer_clear(&p->owners.src);
    cfg_key_fields_clear(&p->owners.parcel);
    char *strs[] = {p->parcels.value, p->parcels.landuse, p->parcels.paved_area, p->parcels.property,
                    p->buildings.id, p->buildings.use, p->buildings.floor_area, p->buildings.floor_height,
                    p->buildings.value, p->buildings.use_codes, p->buildings.bbr.key, p->buildings.bbr.link,
                    p->buildings.bbr.use, p->buildings.bbr.floor_area, p->owners.property, p->owners.owner,
                    p->owners.name, p->owners.share};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(strs[i]);
}
