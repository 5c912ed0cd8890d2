/*
 * usecodes.c — BBR's building-use codes (byg021BygningensAnvendelse) and nytte's use
 * groups: the table nytte ships (docs/bbr-use-codes.md, with its sources and reasons),
 * and a project's own CSV (code,use) whose rows extend it or replace its rows
 * (inputs.buildings.use_codes). A code that neither knows is an error, never a guess.
 */
#include "io/io_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define R NYTTE_USE_RESIDENTIAL
#define S NYTTE_USE_SUMMERHOUSE
#define B NYTTE_USE_BUSINESS
#define P NYTTE_USE_PUBLIC
#define O NYTTE_USE_OTHER

/*
 * BBR's code list "BygAnvendelse" (Bygnings- og Boligregistret), by code; "(UDFASES)" marks
 * the older codes BBR is phasing out, which registered buildings still carry. The use
 * group of each, and why, is in docs/bbr-use-codes.md; test_usecodes checks that the two agree.
 */
static const io_use_code bbr_codes[] = {
    {"110", R, "Stuehus til landbrugsejendom"},
    {"120", R, "Fritliggende enfamiliehus"},
    {"121", R, "Sammenbygget enfamiliehus"},
    {"122", R, "Fritliggende enfamiliehus i tæt-lav bebyggelse"},
    {"130", R, "(UDFASES) Række-, kæde-, eller dobbelthus (lodret adskillelse mellem enhederne)"},
    {"131", R, "Række-, kæde- og klyngehus"},
    {"132", R, "Dobbelthus"},
    {"140", R, "Etagebolig-bygning, flerfamiliehus eller to-familiehus"},
    {"150", R, "Kollegium"},
    {"160", R, "Boligbygning til døgninstitution"},
    {"185", R, "Anneks i tilknytning til helårsbolig"},
    {"190", R, "Anden bygning til helårsbeboelse"},
    {"210", B, "(UDFASES) Bygning til erhvervsmæssig produktion vedrørende landbrug, gartneri, råstofudvinding o. lign."},
    {"211", B, "Stald til svin"},
    {"212", B, "Stald til kvæg, får mv."},
    {"213", B, "Stald til fjerkræ"},
    {"214", B, "Minkhal"},
    {"215", B, "Væksthus"},
    {"216", B, "Lade til foder, afgrøder mv."},
    {"217", B, "Maskinhus, garage mv."},
    {"218", B, "Lade til halm, hø mv."},
    {"219", B, "Anden bygning til landbrug mv."},
    {"220", B, "(UDFASES) Bygning til erhvervsmæssig produktion vedrørende industri, håndværk m.v."},
    {"221", B, "Bygning til industri med integreret produktionsapparat"},
    {"222", B, "Bygning til industri uden integreret produktionsapparat"},
    {"223", B, "Værksted"},
    {"229", B, "Anden bygning til produktion"},
    {"230", B, "(UDFASES) El-, gas-, vand- eller varmeværk, forbrændingsanstalt m.v."},
    {"231", B, "Bygning til energiproduktion"},
    {"232", B, "Bygning til energidistribution"},
    {"233", B, "Bygning til vandforsyning"},
    {"234", B, "Bygning til håndtering af affald og spildevand"},
    {"239", B, "Anden bygning til energiproduktion og forsyning"},
    {"290", B, "(UDFASES) Anden bygning til landbrug, industri etc."},
    {"310", B, "(UDFASES) Transport- og garageanlæg"},
    {"311", B, "Bygning til jernbane- og busdrift"},
    {"312", B, "Bygning til luftfart"},
    {"313", B, "Bygning til parkering- og transportanlæg"},
    {"314", O, "Bygning til parkering af flere end to køretøjer i tilknytning til boliger"},
    {"315", B, "Havneanlæg"},
    {"319", B, "Andet transportanlæg"},
    {"320", B, "(UDFASES) Bygning til kontor, handel, lager, herunder offentlig administration"},
    {"321", B, "Bygning til kontor"},
    {"322", B, "Bygning til detailhandel"},
    {"323", B, "Bygning til lager"},
    {"324", B, "Butikscenter"},
    {"325", B, "Tankstation"},
    {"329", B, "Anden bygning til kontor, handel og lager"},
    {"330", B, "(UDFASES) Bygning til hotel, restaurant, vaskeri, frisør og anden servicevirksomhed"},
    {"331", B, "Hotel, kro eller konferencecenter med overnatning"},
    {"332", B, "Bed & breakfast mv."},
    {"333", B, "Restaurant, café og konferencecenter uden overnatning"},
    {"334", B, "Privat servicevirksomhed som frisør, vaskeri, netcafé mv."},
    {"339", B, "Anden bygning til serviceerhverv"},
    {"390", B, "(UDFASES) Anden bygning til transport, handel etc."},
    {"410", P, "(UDFASES) Bygning til biograf, teater, erhvervsmæssig udstilling, bibliotek, museum, kirke o. lign."},
    {"411", P, "Biograf, teater, koncertsted mv."},
    {"412", P, "Museum"},
    {"413", P, "Bibliotek"},
    {"414", P, "Kirke eller anden bygning til trosudøvelse for statsanerkendte trossamfund"},
    {"415", P, "Forsamlingshus"},
    {"416", B, "Forlystelsespark"},
    {"419", P, "Anden bygning til kulturelle formål"},
    {"420", P, "(UDFASES) Bygning til undervisning og forskning"},
    {"421", P, "Grundskole"},
    {"422", P, "Universitet"},
    {"429", P, "Anden bygning til undervisning og forskning"},
    {"430", P, "(UDFASES) Bygning til hospital, sygehjem, fødeklinik o. lign."},
    {"431", P, "Hospital og sygehus"},
    {"432", P, "Hospice, behandlingshjem mv."},
    {"433", P, "Sundhedscenter, lægehus, fødeklinik mv."},
    {"439", P, "Anden bygning til sundhedsformål"},
    {"440", P, "(UDFASES) Bygning til daginstitution"},
    {"441", P, "Daginstitution"},
    {"442", P, "Servicefunktion på døgninstitution"},
    {"443", P, "Kaserne"},
    {"444", P, "Fængsel, arresthus mv."},
    {"449", P, "Anden bygning til institutionsformål"},
    {"451", P, "Beskyttelsesrum"},
    {"490", P, "(UDFASES) Bygning til anden institution, herunder kaserne, fængsel o. lign."},
    {"510", S, "Sommerhus"},
    {"520", B, "(UDFASES) Bygning til feriekoloni, vandrehjem o. lign. bortset fra sommerhus"},
    {"521", B, "Feriecenter, center til campingplads mv."},
    {"522", B, "Bygning med ferielejligheder til erhvervsmæssig udlejning"},
    {"523", S, "Bygning med ferielejligheder til eget brug"},
    {"529", S, "Anden bygning til ferieformål"},
    {"530", P, "(UDFASES) Bygning i forbindelse med idrætsudøvelse"},
    {"531", P, "Klubhus i forbindelse med fritid og idræt"},
    {"532", P, "Svømmehal"},
    {"533", P, "Idrætshal"},
    {"534", P, "Tribune i forbindelse med stadion"},
    {"535", B, "Bygning til træning og opstaldning af heste"},
    {"539", P, "Anden bygning til idrætsformål"},
    {"540", S, "Kolonihavehus"},
    {"585", S, "Anneks i tilknytning til fritids- og sommerhus"},
    {"590", O, "Anden bygning til fritidsformål"},
    {"910", O, "Garage"},
    {"920", O, "Carport"},
    {"930", O, "Udhus"},
    {"940", O, "Drivhus"},
    {"950", O, "Fritliggende overdækning"},
    {"960", O, "Fritliggende udestue"},
    {"970", O, "Tiloversbleven landbrugsbygning"},
    {"990", O, "Faldefærdig bygning"},
    {"999", O, "Ukendt bygning"},
};

#undef R
#undef S
#undef B
#undef P
#undef O

#define NCODES (sizeof bbr_codes / sizeof bbr_codes[0])

const io_use_code *io_bbr_use_codes(size_t *n)
{
    *n = NCODES;
    return bbr_codes;
}

static int cmp_row(const void *a, const void *b)
{
    return strcmp(((const io_use_row *)a)->code, ((const io_use_row *)b)->code);
}

void io_use_table_clear(io_use_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->rows[i].code);
    free(t->rows);
    memset(t, 0, sizeof *t);
}

/* Add the project's rows (fields code, use) to t, each replacing the shipped row of its code. */
static int add_csv(nytte_ctx *ctx, io_use_table *t, const char *path)
{
    static const char *const fields[] = {"code", "use"};
    nytte_vlayer l;
    int rc = nytte_vlayer_read(ctx, &l, path, NULL, NULL, fields, 2, NULL);
    if (rc)
        return rc;
    io_use_row *rows = realloc(t->rows, (t->n + l.nfeatures + 1) * sizeof *rows);
    if (!rows) {
        rc = nytte_nomem(ctx, "%s: use codes", path);
        goto cleanup;
    }
    t->rows = rows;
    size_t first = t->n;
    for (size_t i = 0; i < l.nfeatures; i++) {
        nytte_vfeature *f = &l.features[i];
        char at[64];
        io_feature_place(at, sizeof at, &l, f->fid);
        const char *code = f->values[0], *use = f->values[1];
        int u = use ? nytte_use_parse(use) : -1;
        if (!code || !*code) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: %s: code is empty", path, at);
            goto cleanup;
        }
        if (u < 0) {
            rc = nytte_error(ctx, NYTTE_EINPUT,
                             "%s: %s: code %s: use '%s' is not one of residential, summerhouse, business, public, other",
                             path, at, code, use ? use : "");
            goto cleanup;
        }
        for (size_t j = first; j < t->n; j++)
            if (!strcmp(t->rows[j].code, code)) {
                rc = nytte_error(ctx, NYTTE_EINPUT, "%s: %s: code %s is given twice", path, at, code);
                goto cleanup;
            }
        t->rows[t->n++] = (io_use_row){f->values[0], u};
        f->values[0] = NULL;
    }
cleanup:
    nytte_vlayer_clear(&l);
    return rc;
}

int io_use_table_load(nytte_ctx *ctx, io_use_table *t, const char *csv)
{
    memset(t, 0, sizeof *t);
    int rc = NYTTE_OK;
    if (!(t->rows = calloc(NCODES, sizeof *t->rows)))
        return nytte_nomem(ctx, "the BBR use codes");
    /* the project's rows first, then the shipped ones whose code they do not give */
    if (csv && (rc = add_csv(ctx, t, csv)))
        goto cleanup;
    size_t nown = t->n;
    io_use_row *rows = realloc(t->rows, (t->n + NCODES) * sizeof *rows);
    if (!rows) {
        rc = nytte_nomem(ctx, "the BBR use codes");
        goto cleanup;
    }
    t->rows = rows;
    for (size_t k = 0; k < NCODES; k++) {
        bool own = false;
        for (size_t j = 0; j < nown && !own; j++)
            own = !strcmp(t->rows[j].code, bbr_codes[k].code);
        if (own)
            continue;
        if (!(t->rows[t->n].code = strdup(bbr_codes[k].code))) {
            rc = nytte_nomem(ctx, "the BBR use codes");
            goto cleanup;
        }
        t->rows[t->n++].use = (int)bbr_codes[k].use;
    }
    qsort(t->rows, t->n, sizeof *t->rows, cmp_row);
cleanup:
    if (rc)
        io_use_table_clear(t);
    return rc;
}

int io_use_table_find(const io_use_table *t, const char *code)
{
    /* a code read from a number field may come as "120", from a text field as " 120" */
    while (*code == ' ')
        code++;
    size_t n = strlen(code);
    while (n > 0 && code[n - 1] == ' ')
        n--;
    char key[32];
    if (n == 0 || n >= sizeof key)
        return -1;
    memcpy(key, code, n);
    key[n] = '\0';
    io_use_row probe = {key, 0};
    const io_use_row *r = t->n ? bsearch(&probe, t->rows, t->n, sizeof *t->rows, cmp_row) : NULL;
    return r ? r->use : -1;
}
