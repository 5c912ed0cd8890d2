/*
 * explain_check.c — redo the arithmetic of nytte's explanations from the printed numbers
 * alone and require the printed amounts to the øre (docs/models.md, Explanation; run by
 * tests/explain.sh).
 *
 *   explain_check table OWNERS.CSV PARCELS.CSV     every owner's and parcel's explanation column
 *   explain_check text FILE OWNERS.CSV OWNER_ID    the text of `nytte explain PROJECT OWNER_ID`
 *   explain_check sample OWNERS.CSV                owners worth explaining (largest, smallest, co-owner, ...)
 *
 * A statement is "label: arithmetic = result" (or "label: value"). Every equation is
 * evaluated (× / + − ( ), ⌊x kr⌋ cuts x down to the øre, units kr, øre, %, ‰) and compared
 * with its result: exactly (to 1e-9 kr) unless the result is marked "…" (cut after its last
 * digit) or "(rounded to the øre)". The label's first words say what the result is
 * ("amount", "pays", "your part", "you pay", "total", their "yearly" twins, "… weight"), and
 * the checks link them: what a parcel pays is ⌊its amount⌋ plus the øre of largest remainder,
 * an owner's part starts from what the parcel pays, the parts add up to the owner's amount in
 * owners.csv, the parcels' amounts to amount_kr in parcels.csv, and per element the øre that
 * cutting leaves over go to the largest cut-off fractions, the amounts add up to the pool,
 * the printed sums of weights are the sums of the printed weights and the amount held at
 * caps is the sum of the capped amounts. Exit 0 when all hold, 1 otherwise, 2 on bad usage.
 * Plain C, no nytte library: the point is to read only what is printed.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef long double num;

static int nfail, nstatements;
static const char *where = "";

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (nfail < 40) {
        printf("FAIL %s: ", where);
        vprintf(fmt, ap);
        printf("\n");
    }
    va_end(ap);
    nfail++;
}

/* ---- files and CSV -------------------------------------------------------------- */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "explain_check: cannot read %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n)
        exit(2);
    s[n] = '\0';
    fclose(f);
    return s;
}

typedef struct {
    char ***rows;   /* rows[r][c] */
    size_t nrows, ncols;
    char decimal;
} table;

/* RFC 4180, separator ',' or ';' (the Danish dialect, with a decimal comma). */
static table csv_read(const char *path)
{
    char *s = slurp(path);
    table t = {0};
    char sep = ',';
    size_t nc = 0, ns = 0;
    for (const char *c = s; *c && *c != '\n'; c++)
        nc += *c == ',', ns += *c == ';';
    if (ns > nc)
        sep = ';';
    t.decimal = sep == ';' ? ',' : '.';
    size_t cap = 0, fcap = 0, nf = 0;
    char **fields = NULL;
    const char *c = s;
    while (*c) {
        /* one field */
        size_t len = 0, bcap = 64;
        char *f = malloc(bcap);
        bool q = *c == '"';
        if (q)
            c++;
        for (;;) {
            if (!*c)
                break;
            if (q && *c == '"' && c[1] == '"') {
                c += 2;
                f[len++] = '"';
            } else if (q && *c == '"') {
                c++;
                q = false;
                continue;
            } else if (!q && (*c == sep || *c == '\n' || *c == '\r')) {
                break;
            } else {
                f[len++] = *c++;
            }
            if (len + 1 >= bcap)
                f = realloc(f, bcap *= 2);
        }
        f[len] = '\0';
        if (nf == fcap)
            fields = realloc(fields, (fcap = fcap ? fcap * 2 : 32) * sizeof *fields);
        fields[nf++] = f;
        if (*c == sep) {
            c++;
            continue;
        }
        if (*c == '\r')
            c++;
        if (*c == '\n')
            c++;
        if (t.nrows == cap)
            t.rows = realloc(t.rows, (cap = cap ? cap * 2 : 256) * sizeof *t.rows);
        if (t.nrows == 0)
            t.ncols = nf;
        if (nf != t.ncols) {
            fprintf(stderr, "explain_check: %s: row %zu has %zu fields, not %zu\n", path, t.nrows + 1, nf, t.ncols);
            exit(2);
        }
        t.rows[t.nrows++] = fields;
        fields = NULL;
        nf = fcap = 0;
    }
    free(s);
    return t;
}

static void table_free(table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++)
            free(t->rows[r][c]);
        free(t->rows[r]);
    }
    free(t->rows);
    *t = (table){0};
}

static size_t col(const table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcmp(t->rows[0][i], name))
            return i;
    fprintf(stderr, "explain_check: no column %s\n", name);
    exit(2);
}

/* A money text ("1234.56" or "1234,56") as øre, exactly. */
static int64_t ore_of(const char *s)
{
    int64_t whole = 0, frac = 0;
    int nd = 0;
    bool neg = *s == '-';
    if (neg)
        s++;
    for (; isdigit((unsigned char)*s); s++)
        whole = whole * 10 + (*s - '0');
    if (*s == '.' || *s == ',')
        for (s++; isdigit((unsigned char)*s) && nd < 2; s++, nd++)
            frac = frac * 10 + (*s - '0');
    while (nd++ < 2)
        frac *= 10;
    return (neg ? -1 : 1) * (whole * 100 + frac);
}

/* ---- statements ------------------------------------------------------------------ */

/* A number as printed: its value, its digits, its decimals. */
typedef struct {
    num v;
    char text[64];
    int decimals;
} printed;

static bool parse_printed(const char **pp, printed *out)
{
    const char *p = *pp, *s = p;
    if (*p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    out->decimals = 0;
    if (*p == '.' && isdigit((unsigned char)p[1]))
        for (p++; isdigit((unsigned char)*p); p++)
            out->decimals++;
    size_t n = (size_t)(p - s);
    if (n >= sizeof out->text)
        return false;
    memcpy(out->text, s, n);
    out->text[n] = '\0';
    out->v = strtold(out->text, NULL);
    *pp = p;
    return true;
}

/* x (in kr, as printed) cut down to the øre, exactly from its digits. */
static num floor_ore(const printed *x)
{
    return (num)ore_of(x->text) / 100.0L;
}

static bool lit(const char **pp, const char *t)
{
    size_t n = strlen(t);
    if (strncmp(*pp, t, n))
        return false;
    *pp += n;
    return true;
}

/* A unit after a number (" kr", " øre", " %", " ‰", " m²"): its factor to kr (1 for the others). */
static num unit(const char **pp, bool *money)
{
    if (lit(pp, " kr"))
        return *money = true, 1.0L;
    if (lit(pp, " øre"))
        return *money = true, 0.01L;
    if (lit(pp, " %"))
        return 0.01L;
    if (lit(pp, " ‰"))
        return 0.001L;
    if (lit(pp, " m²"))
        return 1.0L;
    return 1.0L;
}

typedef struct {
    const char *p;
    bool ok, money;
    int nnum;
    printed nums[8];  /* the numbers of the expression, in order (the first 8) */
    printed floor_arg; /* ⌊x kr⌋'s x */
    bool has_floor;
    int ops;          /* operators seen */
} expr_state;

static num expr(expr_state *e);

static num factor(expr_state *e)
{
    printed x;
    if (lit(&e->p, "(")) {
        num v = expr(e);
        if (!lit(&e->p, ")"))
            e->ok = false;
        return v;
    }
    if (lit(&e->p, "⌊")) {
        if (!parse_printed(&e->p, &x) || !lit(&e->p, " kr") || !lit(&e->p, "⌋")) {
            e->ok = false;
            return 0;
        }
        e->floor_arg = x;
        e->has_floor = true;
        e->money = true;
        return floor_ore(&x);
    }
    if (!parse_printed(&e->p, &x)) {
        e->ok = false;
        return 0;
    }
    if (e->nnum < 8)
        e->nums[e->nnum] = x;
    e->nnum++;
    return x.v * unit(&e->p, &e->money);
}

static num term(expr_state *e)
{
    num v = factor(e);
    while (e->ok) {
        if (lit(&e->p, " × "))
            v *= factor(e);
        else if (lit(&e->p, " / ")) {
            num d = factor(e);
            v = d != 0 ? v / d : NAN;
        } else
            break;
        e->ops++;
    }
    return v;
}

static num expr(expr_state *e)
{
    num v = term(e);
    while (e->ok) {
        if (lit(&e->p, " + "))
            v += term(e);
        else if (lit(&e->p, " − "))
            v -= term(e);
        else
            break;
        e->ops++;
    }
    return v;
}

typedef struct {
    char role[64];        /* the label's first words, lower case */
    bool equation;        /* "= result" */
    expr_state ex;        /* the arithmetic (or the value) */
    num lhs;
    printed result;       /* the result (or the value) */
    bool cut, rounded, money;
    const char *start;    /* where the arithmetic starts */
    const char *end;      /* where the statement ends */
} statement;

static bool is_sep_end(const char *p)
{
    return !*p || *p == '\n' || !strncmp(p, ", ", 2) || !strncmp(p, "; ", 2) || !strncmp(p, " | ", 3) ||
           !strncmp(p, " (", 2) || !strncmp(p, " for the owners", 15);
}

/*
 * The statement whose colon is at c (": "), its label starting at or after from. false
 * when what follows the colon is not arithmetic.
 */
static bool statement_at(statement *st, const char *from, const char *c)
{
    memset(st, 0, sizeof *st);
    /* the label: after the last separator before the colon */
    const char *l = from;
    for (const char *q = from; q < c; q++)
        if (*q == '\n')
            l = q + 1;
        else if (!strncmp(q, "; ", 2) || !strncmp(q, ": ", 2))
            l = q + 2;
        else if (!strncmp(q, " | ", 3))
            l = q + 3;
    while (l < c && (*l == ' ' || *l == ','))
        l++;
    size_t n = 0;
    for (const char *q = l; q < c && n + 1 < sizeof st->role && strncmp(q, " (", 2) && *q != ','; q++)
        st->role[n++] = (char)tolower((unsigned char)*q);
    st->role[n] = '\0';
    st->start = c + 2;
    st->ex = (expr_state){.p = c + 2, .ok = true};
    st->lhs = expr(&st->ex);
    if (!st->ex.ok)
        return false;
    const char *p = st->ex.p;
    if (lit(&p, " = ")) {
        st->equation = true;
        if (!parse_printed(&p, &st->result))
            return false;
        st->cut = lit(&p, "…");
        num f = unit(&p, &st->money);
        st->result.v *= f;
        st->rounded = lit(&p, " (rounded to the øre)");
    } else {
        /* a value: one number and its unit, then the end of the statement */
        if (st->ex.nnum != 1 || st->ex.ops || st->ex.has_floor || !is_sep_end(p))
            return false;
        st->result = st->ex.nums[0];
        st->result.v = st->lhs;
        st->money = st->ex.money;
    }
    st->end = p;
    return true;
}

/* Check one equation. */
static void check_equation(const statement *st)
{
    nstatements++;
    num L = st->lhs, R = st->result.v, tol = 1e-12L * fabsl(R) + 1e-9L;
    bool ok;
    if (st->rounded)
        ok = fabsl(L - R) <= 0.005L + tol;
    else if (st->cut) {
        num step = powl(10.0L, -st->result.decimals);
        ok = L >= R - tol && L < R + step + tol;
    } else if (st->money || st->ex.money)
        ok = fabsl(L - R) <= tol;
    else
        ok = fabsl(L - R) <= 1e-12L * fmaxl(fabsl(L), fabsl(R)) + 1e-300L;
    if (!ok)
        fail("'%s': the arithmetic gives %.12Lf, printed %s%s", st->role, L, st->result.text, st->cut ? "…" : "");
}

/* ---- linking the statements of one element segment -------------------------------- */

typedef struct {
    const char *eid;
    bool paying;            /* has a "pays" */
    int64_t pays, pays_y;   /* what the parcel pays (øre), yearly */
    int64_t part, part_y;   /* what the owner pays */
    bool has_part, has_part_y, has_pays_y;
    /* for the element's checks */
    num weight;
    bool capped;
    num shared, last_term, wsum;  /* from the amount: what the free payers share (Σ of its terms), its last term, Σw */
    bool has_amount_expr, harmed;
    int64_t cut, frac;      /* ⌊amount⌋ in øre, the cut-off fraction in 1e-4 øre */
    int64_t k;              /* øre added by largest remainder */
    num ypool, ywsum;
    int64_t ycut, yfrac, yk;
    bool has_yearly;
} segment;

/* The cut-off fraction of an amount printed with 6 decimals (1e-4 øre units); -1 if not 6. */
static int64_t frac_of(const printed *x)
{
    const char *d = strchr(x->text, '.');
    if (!d || strlen(d + 1) != 6)
        return -1;
    return atoll(d + 3);
}

/*
 * What an amount shares: "P kr" or "(P kr + H kr − R kr − C kr)" before " × ": the sum of the
 * terms and the last one (− the capped payers' amounts where some are held at caps).
 */
static bool shared_terms(const char *p, num *sum, num *last)
{
    printed x;
    bool money = false;
    *sum = *last = 0;
    if (!lit(&p, "(")) {
        if (!parse_printed(&p, &x))
            return false;
        *sum = *last = x.v * unit(&p, &money);
        return true;
    }
    num sign = 1;
    for (;;) {
        if (!parse_printed(&p, &x))
            return false;
        *last = sign * x.v * unit(&p, &money);
        *sum += *last;
        if (lit(&p, " + "))
            sign = 1;
        else if (lit(&p, " − "))
            sign = -1;
        else
            return lit(&p, ")");
    }
}

/* Walk the statements of text[from, to) (one element's), linking amount → pays → part → you pay. */
static void segment_check(segment *sg, const char *from, const char *to)
{
    char amount[64] = "", yearly[64] = "", part[64] = "", part_y[64] = "";
    const char *pos = from;
    for (const char *c = strstr(from, ": "); c && c < to; c = strstr(c + 2, ": ")) {
        statement st;
        if (!statement_at(&st, pos, c))
            continue;
        if (st.end > to)
            break;
        pos = st.end;
        if (st.equation)
            check_equation(&st);
        const char *r = st.role;
        size_t rl = strlen(r);
        bool floor_form = st.equation && st.ex.has_floor;
        int64_t res = (int64_t)llroundl(st.result.v * 100.0L);
        if (!strcmp(r, "weight") || (rl > 7 && !strcmp(r + rl - 7, " weight"))) {
            sg->weight = st.result.v;
        } else if (!strcmp(r, "amount")) {
            /* a free payer's: shared × weight / Σ weights; a capped one's: its cap (or ⌊its benefit bound⌋) */
            snprintf(amount, sizeof amount, "%s", st.result.text);
            sg->capped = !st.equation || st.ex.has_floor;
            if (!sg->capped && st.ex.nnum >= 3 && shared_terms(st.start, &sg->shared, &sg->last_term)) {
                sg->has_amount_expr = true;
                sg->wsum = st.ex.nums[st.ex.nnum < 8 ? st.ex.nnum - 1 : 7].v;
            }
        } else if (!strcmp(r, "yearly")) {
            snprintf(yearly, sizeof yearly, "%s", st.result.text);
            if (st.ex.nnum == 3) {
                sg->has_yearly = true;
                sg->ypool = st.ex.nums[0].v;
                sg->ywsum = st.ex.nums[2].v;
            }
        } else if (!strcmp(r, "pays") || !strcmp(r, "pays yearly")) {
            bool y = r[4] != '\0';
            const char *src = y ? yearly : amount;
            if (!floor_form || strcmp(st.ex.floor_arg.text, src))
                fail("element %s: '%s' does not round the %s printed before it (%s)", sg->eid, r,
                     y ? "yearly amount" : "amount", src[0] ? src : "none");
            int64_t cut = ore_of(st.ex.floor_arg.text), k = res - cut;
            if (y) {
                sg->pays_y = res, sg->has_pays_y = true, sg->ycut = cut, sg->yk = k, sg->yfrac = frac_of(&st.ex.floor_arg);
            } else {
                sg->pays = res, sg->paying = true, sg->cut = cut, sg->k = k, sg->frac = frac_of(&st.ex.floor_arg);
            }
            if (k < 0 || k > 1)
                fail("element %s: largest remainder added %lld øre (0 or 1 expected)", sg->eid, (long long)k);
        } else if (!strcmp(r, "paid back")) {
            /* a harmed parcel paid its loss back: a negative amount */
            if (!st.equation || !st.rounded)
                fail("element %s: 'paid back' is not its loss rounded to the øre", sg->eid);
            sg->pays = -res, sg->paying = true, sg->harmed = true;
        } else if (!strcmp(r, "your part") || !strcmp(r, "your part yearly")) {
            bool y = r[9] != '\0';
            int64_t from_ore = st.ex.nnum ? ore_of(st.ex.nums[0].text) : -1, of = y ? sg->pays_y : sg->pays;
            if (!st.equation || from_ore != (of < 0 ? -of : of))
                fail("element %s: '%s' does not start from what the parcel pays", sg->eid, r);
            snprintf(y ? part_y : part, 64, "%s", st.result.text);
        } else if (!strcmp(r, "paid back to you")) {
            if (floor_form ? strcmp(st.ex.floor_arg.text, part) != 0 : res != -sg->pays)
                fail("element %s: '%s' is neither ⌊your part⌋ nor what the parcel is paid back", sg->eid, r);
            sg->part = -res, sg->has_part = true;
        } else if (!strcmp(r, "you pay") || !strcmp(r, "you pay yearly")) {
            bool y = r[7] != '\0';
            const char *src = y ? part_y : part;
            if (floor_form ? strcmp(st.ex.floor_arg.text, src) != 0 : res != (y ? sg->pays_y : sg->pays))
                fail("element %s: '%s' is neither ⌊your part⌋ nor what the parcel pays", sg->eid, r);
            if (y)
                sg->part_y = res, sg->has_part_y = true;
            else
                sg->part = res, sg->has_part = true;
        }
    }
}

/* ---- the tables ---------------------------------------------------------------------- */

typedef struct {
    char id[128];
    bool have_pool, have_ypool;
    num shared, last_term, ypool, wsum_all, wsum_free, capped_sum, printed_wsum, ywsum;
    bool any_capped;
    int64_t sum, ysum, cut, ycut, k, yk;
    int64_t max_frac_down, min_frac_up, ymax_frac_down, ymin_frac_up;
} element_acc;

static element_acc *els;
static size_t nels;

static element_acc *element_of(const char *id)
{
    for (size_t i = 0; i < nels; i++)
        if (!strcmp(els[i].id, id))
            return &els[i];
    els = realloc(els, (nels + 1) * sizeof *els);
    element_acc *a = &els[nels++];
    memset(a, 0, sizeof *a);
    snprintf(a->id, sizeof a->id, "%s", id);
    a->max_frac_down = a->ymax_frac_down = -1;
    a->min_frac_up = a->ymin_frac_up = 100000;
    return a;
}

/* The element segments of a parcel's cell, "eid: ..." separated by "; "; sums what they pay. */
static void cell_check(const char *cellp, int64_t *pays, int64_t *pays_y, int64_t *part, int64_t *part_y, bool owner,
                       bool shared, bool accumulate)
{
    char *cell = strdup(cellp), *save = NULL;
    *pays = *pays_y = *part = *part_y = 0;
    /* split on "; " */
    for (char *s = cell; s;) {
        char *next = strstr(s, "; ");
        if (next) {
            *next = '\0';
            next += 2;
        }
        char *colon = strstr(s, ": ");
        if (!colon) {
            fail("element segment without a colon: '%.60s'", s);
            break;
        }
        *colon = '\0';
        char eid[128];
        snprintf(eid, sizeof eid, "%s", s);
        char *paren = strstr(eid, " (");
        if (paren)
            *paren = '\0';
        const char *body = colon + 2;
        *colon = ':';
        if (strcmp(body, "outside") && strncmp(body, "exempt, ", 8)) {
            segment sg = {.eid = eid};
            segment_check(&sg, s, body + strlen(body));
            if (!sg.paying)
                fail("element %s: a payer's explanation without 'pays'", eid);
            *pays += sg.pays;
            *pays_y += sg.pays_y;
            if (owner) {
                if (shared && (!sg.has_part || (sg.has_pays_y && !sg.has_part_y)))
                    fail("element %s: a co-owned parcel without the owner's part", eid);
                *part += sg.has_part ? sg.part : sg.pays;
                *part_y += sg.has_part_y ? sg.part_y : sg.pays_y;
            }
            if (accumulate) {
                element_acc *a = element_of(eid);
                if (sg.harmed) {
                    s = next;
                    continue; /* paid back: not one of the payers */
                }
                if (sg.has_amount_expr) {
                    if (a->have_pool && (a->shared != sg.shared || a->last_term != sg.last_term))
                        fail("element %s: two amounts shared, %.2Lf and %.2Lf", eid, a->shared, sg.shared);
                    a->have_pool = true, a->shared = sg.shared, a->last_term = sg.last_term;
                    a->printed_wsum = sg.wsum;
                }
                a->wsum_all += sg.weight;
                if (sg.capped) {
                    a->any_capped = true;
                    a->capped_sum += (num)sg.pays / 100.0L;
                } else {
                    a->wsum_free += sg.weight;
                }
                a->sum += sg.pays;
                a->cut += sg.cut;
                a->k += sg.k;
                if (sg.frac >= 0 && !sg.capped) {
                    if (sg.k == 0 && sg.frac > a->max_frac_down)
                        a->max_frac_down = sg.frac;
                    if (sg.k == 1 && sg.frac < a->min_frac_up)
                        a->min_frac_up = sg.frac;
                }
                if (sg.has_yearly) {
                    a->have_ypool = true, a->ypool = sg.ypool, a->ywsum = sg.ywsum;
                    a->ysum += sg.pays_y;
                    a->ycut += sg.ycut;
                    a->yk += sg.yk;
                    if (sg.yfrac >= 0 && sg.yk == 0 && sg.yfrac > a->ymax_frac_down)
                        a->ymax_frac_down = sg.yfrac;
                    if (sg.yfrac >= 0 && sg.yk == 1 && sg.yfrac < a->ymin_frac_up)
                        a->ymin_frac_up = sg.yfrac;
                }
            }
        }
        s = next;
    }
    (void)save;
    free(cell);
}

static void elements_check(void)
{
    for (size_t i = 0; i < nels; i++) {
        element_acc *a = &els[i];
        char w[160];
        snprintf(w, sizeof w, "parcels.csv, element %s", a->id);
        where = w;
        if (a->have_pool) {
            /* with payers held at caps the shared amount's last term is − their amounts */
            num capped = a->any_capped ? -a->last_term : 0;
            int64_t pool = (int64_t)llroundl((a->shared + capped) * 100);
            if (a->any_capped && fabsl(capped - a->capped_sum) > 1e-9L)
                fail("held at caps printed %.2Lf kr, the capped amounts sum to %.2Lf kr", capped, a->capped_sum);
            if (a->sum != pool)
                fail("the payers pay %lld øre, they share %lld øre", (long long)a->sum, (long long)pool);
            if (pool - a->cut != a->k)
                fail("cutting leaves %lld øre over, largest remainder added %lld", (long long)(pool - a->cut),
                     (long long)a->k);
            if (a->max_frac_down > a->min_frac_up)
                fail("a cut-off fraction of %04lld went without the øre one of %04lld got (largest remainder)",
                     (long long)a->max_frac_down, (long long)a->min_frac_up);
            num ws = a->any_capped ? a->wsum_free : a->wsum_all;
            if (fabsl(a->printed_wsum - ws) > 1e-9L * ws)
                fail("Σ weights%s printed %.17Lg, the printed weights sum to %.17Lg", a->any_capped ? " not held at caps" : "",
                     a->printed_wsum, ws);
        }
        if (a->have_ypool) {
            int64_t ypool = (int64_t)llroundl(a->ypool * 100);
            if (a->ysum != ypool)
                fail("the parcels pay %lld øre a year, the yearly pool is %lld øre", (long long)a->ysum, (long long)ypool);
            if (ypool - a->ycut != a->yk)
                fail("yearly: cutting leaves %lld øre over, largest remainder added %lld", (long long)(ypool - a->ycut),
                     (long long)a->yk);
            if (a->ymax_frac_down > a->ymin_frac_up)
                fail("yearly: a cut-off fraction of %04lld went without the øre one of %04lld got",
                     (long long)a->ymax_frac_down, (long long)a->ymin_frac_up);
            if (fabsl(a->ywsum - a->wsum_all) > 1e-9L * a->wsum_all)
                fail("yearly: Σ weights printed %.17Lg, the printed weights sum to %.17Lg", a->ywsum, a->wsum_all);
        }
    }
}

/* A "total: a + b = t" (or "total: t") statement at s: its result in øre; -1 if none. */
static int64_t total_of(const char *s, const char *role)
{
    statement st;
    const char *c = strstr(s, ": ");
    if (!c || !statement_at(&st, s, c) || strcmp(st.role, role))
        return -1;
    if (st.equation)
        check_equation(&st);
    return (int64_t)llroundl(st.result.v * 100.0L);
}

static int cmd_table(const char *owners_path, const char *parcels_path)
{
    table P = csv_read(parcels_path), O = csv_read(owners_path);
    size_t pid = col(&P, "parcel_id"), pam = col(&P, "amount_kr"), pyr = col(&P, "yearly_om_kr"), pex = col(&P, "explanation");
    size_t oid = col(&O, "owner_id"), oam = col(&O, "amount_kr"), oyr = col(&O, "yearly_om_kr"), oex = col(&O, "explanation");
    char w[300];
    for (size_t r = 1; r < P.nrows; r++) {
        char **row = P.rows[r];
        snprintf(w, sizeof w, "parcels.csv, parcel %s", row[pid]);
        where = w;
        int64_t pays, pays_y, part, part_y;
        cell_check(row[pex], &pays, &pays_y, &part, &part_y, false, false, true);
        if (pays != ore_of(row[pam]))
            fail("the explanation pays %lld øre, amount_kr is %s", (long long)pays, row[pam]);
        if (pays_y != ore_of(row[pyr]))
            fail("the explanation pays %lld øre a year, yearly_om_kr is %s", (long long)pays_y, row[pyr]);
    }
    elements_check();
    for (size_t r = 1; r < O.nrows; r++) {
        char **row = O.rows[r];
        snprintf(w, sizeof w, "owners.csv, owner %s", row[oid]);
        where = w;
        char *text = strdup(row[oex]);
        int64_t total = 0, total_y = 0, stated = -1, stated_y = -1;
        for (char *s = text; s;) {
            char *next = strstr(s, " | ");
            if (next) {
                *next = '\0';
                next += 3;
            }
            if (!strncmp(s, "total yearly: ", 14))
                stated_y = total_of(s, "total yearly");
            else if (!strncmp(s, "total: ", 7))
                stated = total_of(s, "total");
            else {
                /* "pid (share s): cell"; the parcel's own cell must be the same in parcels.csv */
                char *colon = strstr(s, ": ");
                if (!colon) {
                    fail("a parcel without a colon: '%.60s'", s);
                    break;
                }
                bool shared = false;
                *colon = '\0';
                char *sh = strstr(s, " (share ");
                if (sh) {
                    *sh = '\0';
                    shared = true;
                }
                const char *cellp = colon + 2;
                for (size_t q = 1; q < P.nrows; q++)
                    if (!strcmp(P.rows[q][pid], s)) {
                        /* each element of the parcels.csv cell begins the owner's element */
                        const char *a = P.rows[q][pex], *b = cellp;
                        while (*a) {
                            const char *ea = strstr(a, "; "), *eb = strstr(b, "; ");
                            size_t la = ea ? (size_t)(ea - a) : strlen(a);
                            if (strncmp(a, b, la))
                                fail("parcel %s: the owner's explanation differs from parcels.csv", s);
                            if (!ea || !eb)
                                break;
                            a = ea + 2;
                            b = eb + 2;
                        }
                        break;
                    }
                int64_t pays, pays_y, part, part_y;
                cell_check(cellp, &pays, &pays_y, &part, &part_y, true, shared, false);
                total += part;
                total_y += part_y;
            }
            s = next;
        }
        free(text);
        int64_t amount = ore_of(row[oam]), yearly = ore_of(row[oyr]);
        if (total != amount)
            fail("the owner's parts add up to %lld øre, amount_kr is %s", (long long)total, row[oam]);
        if (stated != amount)
            fail("'total' says %lld øre, amount_kr is %s", (long long)stated, row[oam]);
        if (total_y != yearly || (yearly && stated_y != yearly))
            fail("yearly: parts %lld øre, 'total yearly' %lld øre, yearly_om_kr %s", (long long)total_y,
                 (long long)stated_y, row[oyr]);
    }
    printf("explain_check: %zu parcels, %zu owners, %zu elements, %d equations redone: %s\n", P.nrows - 1,
           O.nrows - 1, nels, nstatements, nfail ? "FAILED" : "ok");
    table_free(&P);
    table_free(&O);
    free(els);
    return nfail ? 1 : 0;
}

/* ---- nytte explain's text ---------------------------------------------------------- */

static int cmd_text(const char *path, const char *owners_path, const char *owner)
{
    char *text = slurp(path);
    table O = csv_read(owners_path);
    size_t oid = col(&O, "owner_id"), oam = col(&O, "amount_kr"), oyr = col(&O, "yearly_om_kr");
    int64_t amount = 0, yearly = 0;
    bool found = false;
    for (size_t r = 1; r < O.nrows; r++)
        if (!strcmp(O.rows[r][oid], owner)) {
            amount = ore_of(O.rows[r][oam]);
            yearly = ore_of(O.rows[r][oyr]);
            found = true;
        }
    char w[300];
    snprintf(w, sizeof w, "explain %s", owner);
    where = w;
    if (!found)
        fail("owner %s is not in owners.csv", owner);
    /* blocks: an element's header, then each of the owner's parcels */
    int64_t parts = 0, parts_y = 0, total = -1, total_y = -1, header = -1, header_y = -1;
    char eid[128] = "?";
    const char *block = text;
    for (const char *line = text; *line;) {
        const char *eol = strchr(line, '\n');
        const char *next = eol ? eol + 1 : line + strlen(line);
        bool starts = !strncmp(line, "Element (delprojekt) ", 21) || !strncmp(line, "  Parcel (matrikel) ", 20) ||
                      !strncmp(line, "  Element sum", 13) || !strncmp(line, "Total (i alt)", 13) || !*next;
        if (starts || !*next) {
            /* the block that ends here */
            segment sg = {.eid = eid};
            segment_check(&sg, block, *next ? line : next);
            if (sg.has_part || sg.paying) {
                if (sg.paying && !sg.has_part)
                    fail("element %s: a parcel that pays without 'you pay'", eid);
                parts += sg.part;
                parts_y += sg.part_y;
            }
            block = line;
            if (!strncmp(line, "Element (delprojekt) ", 21)) {
                const char *e = strstr(line, " — ");
                snprintf(eid, sizeof eid, "%.*s", e ? (int)(e - line - 21) : 0, line + 21);
            }
        }
        statement st;
        const char *c = strstr(line, ": ");
        if (c && c < next && statement_at(&st, line, c)) {
            int64_t v = (int64_t)llroundl(st.result.v * 100.0L);
            if (!strcmp(st.role, "total contribution"))
                header = v;
            else if (!strcmp(st.role, "yearly o&m"))
                header_y = v;
            else if (!strcmp(st.role, "total"))
                total = v;
            else if (!strcmp(st.role, "total yearly"))
                total_y = v;
        }
        line = next;
    }
    if (header != amount || total != amount || parts != amount)
        fail("owners.csv %lld øre, 'Total contribution' %lld, 'Total' %lld, the parts add up to %lld",
             (long long)amount, (long long)header, (long long)total, (long long)parts);
    if (yearly > 0 && (header_y != yearly || total_y != yearly || parts_y != yearly))
        fail("yearly: owners.csv %lld øre, header %lld, 'Total yearly' %lld, parts %lld", (long long)yearly,
             (long long)header_y, (long long)total_y, (long long)parts_y);
    printf("explain_check: explain %s: %d equations redone: %s\n", owner, nstatements, nfail ? "FAILED" : "ok");
    free(text);
    table_free(&O);
    return nfail ? 1 : 0;
}

/* The owners whose `nytte explain` text is worth checking: the largest and the smallest payer, and the
 * first co-owner, yearly payer, capped payer and contributor from outside the area; each once. */
static int cmd_sample(const char *owners_path)
{
    table O = csv_read(owners_path);
    size_t oid = col(&O, "owner_id"), oam = col(&O, "amount_kr"), oyr = col(&O, "yearly_om_kr"), oex = col(&O, "explanation");
    size_t pick[6] = {0};
    int64_t max = -1, min = INT64_MAX;
    for (size_t r = 1; r < O.nrows; r++) {
        int64_t a = ore_of(O.rows[r][oam]);
        const char *ex = O.rows[r][oex];
        if (a > max)
            max = a, pick[0] = r;
        if (a > 0 && a < min)
            min = a, pick[1] = r;
        if (!pick[2] && strstr(ex, " (share "))
            pick[2] = r;
        if (!pick[3] && ore_of(O.rows[r][oyr]) > 0)
            pick[3] = r;
        if (!pick[4] && strstr(ex, "amount, held at"))
            pick[4] = r;
        if (!pick[5] && strstr(ex, " (as a contributor): "))
            pick[5] = r;
    }
    for (int i = 0; i < 6; i++) {
        bool dup = !pick[i];
        for (int j = 0; j < i && !dup; j++)
            dup = pick[j] == pick[i];
        if (!dup)
            printf("%s\n", O.rows[pick[i]][oid]);
    }
    table_free(&O);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "sample"))
        return cmd_sample(argv[2]);
    if (argc == 4 && !strcmp(argv[1], "table"))
        return cmd_table(argv[2], argv[3]);
    if (argc == 5 && !strcmp(argv[1], "text"))
        return cmd_text(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: explain_check table OWNERS.CSV PARCELS.CSV\n"
                    "       explain_check text FILE OWNERS.CSV OWNER_ID\n"
                    "       explain_check sample OWNERS.CSV\n");
    return 2;
}
