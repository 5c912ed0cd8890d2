/*
 * inputs.c — the inputs section: the terrain (one raster or many tiles: terrain.c) and the
 * vector layers of parcels, buildings and owners with the names of their fields.
 */
#include "config/config_int.h"

void cfg_load_inputs(loader *L, const ynode *in, nytte_project *p)
{
    cfg_map im = cfg_map_at(L, in, "inputs", "inputs");
    cfg_check_keys(&im);
    cfg_load_terrain(&im, p);
    cfg_get_str(&im, "vertical_datum", &p->vertical_datum);

    const ynode *v = cfg_get(&im, "parcels");
    if (v && cfg_need_map(L, v, "inputs.parcels")) {
        cfg_map m = cfg_map_at(L, v, "inputs.parcels", "inputs.parcels");
        cfg_get_layer(&m, &p->parcels.src);
        cfg_get_str(&m, "id", &p->parcels.id);
        cfg_get_str(&m, "value", &p->parcels.value);
        cfg_get_str(&m, "landuse", &p->parcels.landuse);
        cfg_get_str(&m, "paved_area", &p->parcels.paved_area);
    }
    v = cfg_get(&im, "buildings");
    if (v && cfg_need_map(L, v, "inputs.buildings")) {
        cfg_map m = cfg_map_at(L, v, "inputs.buildings", "inputs.buildings");
        p->buildings.given = true;
        cfg_get_layer(&m, &p->buildings.src);
        cfg_get_str(&m, "id", &p->buildings.id);
        cfg_get_str(&m, "parcel", &p->buildings.parcel);
        cfg_get_str(&m, "use", &p->buildings.use);
        cfg_get_str(&m, "floor_area", &p->buildings.floor_area);
        cfg_get_str(&m, "floor_height", &p->buildings.floor_height);
        cfg_get_str(&m, "value", &p->buildings.value);
    }
    v = cfg_get(&im, "owners");
    if (v && cfg_need_map(L, v, "inputs.owners")) {
        cfg_map m = cfg_map_at(L, v, "inputs.owners", "inputs.owners");
        p->owners.given = true;
        cfg_get_layer(&m, &p->owners.src);
        cfg_get_str(&m, "parcel", &p->owners.parcel);
        cfg_get_str(&m, "owner", &p->owners.owner);
        cfg_get_str(&m, "name", &p->owners.name);
        cfg_get_str(&m, "share", &p->owners.share);
    }
}
