/*
 * money.c — amounts of integer øre written as kroner: the one formatter behind every
 * table, message, explanation and report (types.h, nytte_money_style).
 */
#include "nytte/types.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Append len bytes of s to buf (size bytes, *used of them taken), as many as fit. */
static void put(char *buf, size_t size, size_t *used, const char *s, size_t len)
{
    if (len > size - 1 - *used)
        len = size - 1 - *used;
    memcpy(buf + *used, s, len);
    *used += len;
}

char *nytte_money_format(char *buf, size_t size, const nytte_money_style *style, int64_t ore)
{
    static const nytte_money_style plain = NYTTE_MONEY_PLAIN;
    const nytte_money_style *st = style ? style : &plain;
    if (!buf || size == 0)
        return buf;
    /* the magnitude as unsigned, so that INT64_MIN has one too */
    uint64_t a = ore < 0 ? (uint64_t)0 - (uint64_t)ore : (uint64_t)ore;
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, a / 100);
    size_t used = 0;
    if (ore < 0)
        put(buf, size, &used, st->minus, strlen(st->minus));
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            put(buf, size, &used, st->group, strlen(st->group));
        put(buf, size, &used, digits + i, 1);
    }
    const char cents[3] = {st->decimal, (char)('0' + a % 100 / 10), (char)('0' + a % 10)};
    put(buf, size, &used, cents, 3);
    put(buf, size, &used, st->unit, strlen(st->unit));
    buf[used] = '\0';
    return buf;
}

int nytte_money_parse(int64_t *ore, const char *s, char decimal)
{
    int negative = 0;
    if (!s)
        return -1;
    if (*s == '-' || *s == '+')
        negative = *s++ == '-';
    if (*s < '0' || *s > '9')
        return -1;
    /* the magnitude in øre, checked against INT64_MAX before every step */
    int64_t kr = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (kr > (INT64_MAX / 100 - (*s - '0')) / 10)
            return -1;
        kr = kr * 10 + (*s - '0');
    }
    int64_t frac = 0;
    if (*s == decimal) {
        int digits = 0;
        for (s++; *s >= '0' && *s <= '9'; s++) {
            if (++digits > 2)
                return -2;
            frac = frac * 10 + (*s - '0');
        }
        if (digits == 1)
            frac *= 10;
    }
    if (*s != '\0')
        return -1;
    if (kr * 100 > INT64_MAX - frac)
        return -1;
    *ore = negative ? -(kr * 100 + frac) : kr * 100 + frac;
    return 0;
}
