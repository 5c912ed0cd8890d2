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
