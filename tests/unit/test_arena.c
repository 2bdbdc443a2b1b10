/* tests/unit/test_arena.c — the per-batch bump allocator (core/arena.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"

static void assert_aligned(const void *p)
{
    assert_int_equal((uintptr_t)p % 16, 0);
}

static void test_default_chunk_size(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    assert_int_equal(a->end - a->cur, 64 * 1024);
    assert_int_equal(a->used, 0);
    arena_free(a);
}

static void test_chunk_size_rounded_to_alignment(void **state)
{
    (void)state;
    arena *a = arena_new(100);
    assert_int_equal(a->chunk_size, 112);
    assert_int_equal(a->end - a->cur, 112);
    arena_free(a);
}

static void test_alignment_of_odd_sizes(void **state)
{
    (void)state;
    arena *a = arena_new(256);
    char *prev = NULL;
    for (size_t size = 1; size < 200; size += 7) {
        char *p = arena_alloc(a, size);
        assert_aligned(p);
        if (prev)
            assert_true(p != prev);
        memset(p, 0xab, size);
        prev = p;
    }
    arena_free(a);
}

static void test_used_counts_rounded_sizes(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    arena_alloc(a, 1);
    arena_alloc(a, 16);
    arena_alloc(a, 17);
    assert_int_equal(a->used, 16 + 16 + 32);
    arena_alloc(a, 0);
    assert_int_equal(a->used, 64);
    arena_reset(a);
    assert_int_equal(a->used, 0);
    arena_free(a);
}

static void test_allocations_do_not_overlap(void **state)
{
    (void)state;
    arena *a = arena_new(128);
    unsigned char *blocks[64];
    for (int i = 0; i < 64; i++) {
        blocks[i] = arena_alloc(a, 40);
        memset(blocks[i], i, 40);
    }
    for (int i = 0; i < 64; i++)
        for (int k = 0; k < 40; k++)
            assert_int_equal(blocks[i][k], i);
    arena_free(a);
}

/* After a reset the same sequence of requests gets the same memory back:
 * the chunks were kept, not freed and malloc'd again. */
static void test_reset_reuses_chunks(void **state)
{
    (void)state;
    arena *a = arena_new(256);
    void *first[50];
    for (int i = 0; i < 50; i++)
        first[i] = arena_alloc(a, 48);
    arena_reset(a);
    assert_ptr_equal(a->cur, first[0]);
    for (int i = 0; i < 50; i++)
        assert_ptr_equal(arena_alloc(a, 48), first[i]);
    arena_free(a);
}

static void test_large_allocation_gets_own_chunk(void **state)
{
    (void)state;
    arena *a = arena_new(256);
    char *small = arena_alloc(a, 32);
    char *big = arena_alloc(a, 10000);
    assert_aligned(big);
    memset(big, 0x5a, 10000);
    assert_true(big + 10000 <= small || big >= small + 32);
    char *after = arena_alloc(a, 32);
    assert_aligned(after);
    assert_true(after + 32 <= big || after >= big + 10000);
    for (int i = 0; i < 10000; i++)
        assert_int_equal((unsigned char)big[i], 0x5a);
    assert_int_equal(a->used, 32 + 10000 + 32);

    /* The big chunk is kept and handed out again after a reset. */
    arena_reset(a);
    assert_ptr_equal(arena_alloc(a, 32), small);
    assert_ptr_equal(arena_alloc(a, 10000), big);
    assert_ptr_equal(arena_alloc(a, 32), after);
    arena_free(a);
}

/* A request bigger than the next kept chunk does not skip it: the next
 * chunk stays next in line for the requests after. */
static void test_large_allocation_after_reset_keeps_order(void **state)
{
    (void)state;
    arena *a = arena_new(256);
    char *c1 = arena_alloc(a, 256);
    char *c2 = arena_alloc(a, 256);
    arena_reset(a);
    assert_ptr_equal(arena_alloc(a, 256), c1);
    char *big = arena_alloc(a, 4096);
    assert_true(big != c2);
    assert_ptr_equal(arena_alloc(a, 256), c2);
    arena_free(a);
}

static void test_exact_fit_stays_in_chunk(void **state)
{
    (void)state;
    arena *a = arena_new(256);
    char *p = arena_alloc(a, 200);
    char *q = arena_alloc(a, 48);
    assert_ptr_equal(q, p + 208);
    assert_ptr_equal(a->cur, a->end);
    arena_free(a);
}

static void test_free_null(void **state)
{
    (void)state;
    arena_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_chunk_size),
        cmocka_unit_test(test_chunk_size_rounded_to_alignment),
        cmocka_unit_test(test_alignment_of_odd_sizes),
        cmocka_unit_test(test_used_counts_rounded_sizes),
        cmocka_unit_test(test_allocations_do_not_overlap),
        cmocka_unit_test(test_reset_reuses_chunks),
        cmocka_unit_test(test_large_allocation_gets_own_chunk),
        cmocka_unit_test(test_large_allocation_after_reset_keeps_order),
        cmocka_unit_test(test_exact_fit_stays_in_chunk),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
