/*
 * queue.c — the two work lists of the flood algorithms: a growable ring buffer of cell
 * indices (breadth-first search, the plain queue of the priority flood) and a binary
 * min-heap of (elevation, index) keys. Both grow by doubling; nothing is allocated per cell.
 */
#include "hazard/hazard_private.h"

#include <stdlib.h>

int nytte_hz_fifo_push_grow(nytte_hz_fifo *q, uint32_t v)
{
    size_t nc = q->cap ? 2 * q->cap : 4096;
    uint32_t *a = malloc(nc * sizeof *a);
    if (!a)
        return -1;
    /* Unwrap the ring into the new array. */
    for (size_t i = 0; i < q->n; i++) {
        size_t j = q->head + i;
        a[i] = q->a[j >= q->cap ? j - q->cap : j];
    }
    free(q->a);
    q->a = a;
    q->cap = nc;
    q->head = 0;
    q->a[q->n++] = v;
    return 0;
}

void nytte_hz_fifo_free(nytte_hz_fifo *q)
{
    free(q->a);
    *q = (nytte_hz_fifo){NULL, 0, 0, 0};
}

int nytte_hz_heap_push(nytte_hz_heap *h, uint64_t k)
{
    if (h->n == h->cap) {
        size_t nc = h->cap ? 2 * h->cap : 4096;
        uint64_t *a = realloc(h->a, nc * sizeof *a);
        if (!a)
            return -1;
        h->a = a;
        h->cap = nc;
    }
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->a[p] <= k)
            break;
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = k;
    return 0;
}

uint64_t nytte_hz_heap_pop(nytte_hz_heap *h)
{
    uint64_t top = h->a[0], last = h->a[--h->n];
    size_t i = 0, n = h->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && h->a[c + 1] < h->a[c])
            c++;
        if (last <= h->a[c])
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (n)
        h->a[i] = last;
    return top;
}

void nytte_hz_heap_free(nytte_hz_heap *h)
{
    free(h->a);
    *h = (nytte_hz_heap){NULL, 0, 0};
}
