/*
 * queue.c — the work lists of the flood algorithms: a growable ring buffer of cell
 * indices (breadth-first search, the plain queue of the priority flood), the radix heap
 * of (elevation, index) keys (grid.h says why a radix heap serves), and the two as the
 * queues of a priority flood. All grow by doubling; nothing is allocated per cell.
 */
#include "grid/grid.h"

#include <assert.h>
#include <stdlib.h>

int grid_grow(void *pa, size_t *cap, size_t elem, size_t first)
{
    void *a;
    memcpy(&a, pa, sizeof a); /* pa is a T **: its pointer read and written as bytes */
    size_t nc = *cap ? 2 * *cap : first;
    void *b = realloc(a, nc * elem);
    if (!b)
        return -1;
    memcpy(pa, &b, sizeof b);
    *cap = nc;
    return 0;
}

int grid_fifo_push_grow(grid_fifo *q, uint32_t v)
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

void grid_fifo_free(grid_fifo *q)
{
    free(q->a);
    *q = (grid_fifo){NULL, 0, 0, 0};
}

static inline int bucket_of(uint64_t k, uint64_t last)
{
    return k == last ? 0 : 64 - __builtin_clzll(k ^ last);
}

static int bucket_add(grid_bucket *b, uint64_t k)
{
    if (b->n == b->cap && grid_grow(&b->a, &b->cap, sizeof *b->a, 1024) != 0)
        return -1;
    b->a[b->n++] = k;
    return 0;
}

void grid_heap_init(grid_heap *h) { memset(h, 0, sizeof *h); }

int grid_heap_push(grid_heap *h, uint64_t k)
{
    assert(k >= h->last);
    if (bucket_add(&h->b[bucket_of(k, h->last)], k) != 0)
        return -1;
    h->n++;
    return 0;
}

int grid_heap_pop(grid_heap *h, uint64_t *k)
{
    assert(h->n > 0);
    if (h->b[0].n == 0) {
        int i = 1;
        while (h->b[i].n == 0)
            i++;
        grid_bucket *b = &h->b[i];
        uint64_t m = b->a[0];
        for (size_t j = 1; j < b->n; j++)
            if (b->a[j] < m)
                m = b->a[j];
        /* Every key of bucket i differs from the new minimum in a lower bit, so it moves
         * down. Keys are moved from the end, and the bucket shrinks as they go, so a failed
         * allocation leaves every key in some bucket (the heap stays whole). */
        while (b->n > 0) {
            uint64_t key = b->a[b->n - 1];
            if (bucket_add(&h->b[bucket_of(key, m)], key) != 0)
                return -1;
            b->n--;
        }
        h->last = m;
    }
    h->n--;
    *k = h->b[0].a[--h->b[0].n];
    return 0;
}

void grid_heap_free(grid_heap *h)
{
    for (int i = 0; i < 65; i++)
        free(h->b[i].a);
    grid_heap_init(h);
}

void grid_pflood_init(grid_pflood *q)
{
    q->pit = (grid_fifo){NULL, 0, 0, 0};
    grid_heap_init(&q->heap);
}

void grid_pflood_free(grid_pflood *q)
{
    grid_fifo_free(&q->pit);
    grid_heap_free(&q->heap);
}

void grid_pflood_reset(grid_pflood *q)
{
    grid_heap_free(&q->heap);
    grid_fifo_reset(&q->pit);
}
