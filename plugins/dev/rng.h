/* plugins/dev/rng.h — the generator's random numbers.
 *
 * DESIGN §5: record i is a pure function of (seed, i), whatever the batch
 * size or thread.  So there is no generator-wide stream: every record gets
 * its own stream, seeded by hashing (seed, i), and draws from it in a fixed
 * order.  Nothing depends on what came before record i.
 *
 * A record's stream starts from SplitMix64's mixer (Steele, Lea & Flood,
 * "Fast splittable pseudorandom number generators", OOPSLA 2014; the
 * constants of java.util.SplittableRandom) applied to seed + i * golden
 * ratio: neighbouring records get unrelated states.  The draws are wyrand
 * (Wang Yi, wyhash, public domain): a 64-bit counter and one 64x64->128
 * multiply, about a third of the instructions of a SplitMix64 draw, which
 * matters at a dozen draws a record.  Where the compiler has no 128-bit
 * integers the product is put together from 32-bit halves, so every host
 * makes the same records.  Quality far beyond what test data needs; not
 * for cryptography.
 */
#ifndef SLUICE_DEV_RNG_H
#define SLUICE_DEV_RNG_H

#include <stdint.h>

#define RNG_GOLDEN 0x9e3779b97f4a7c15ULL

/* SplitMix64's finalizer: a bijection on 64-bit words whose every output
 * bit depends on every input bit.  Also used on its own as a hash. */
static inline uint64_t rng_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

typedef struct rng {
    uint64_t state;
} rng;

/* The key every stream of a generator derives from: a mixed seed, so that
 * seeds 0, 1, 2 give unrelated data. */
static inline uint64_t rng_seed_key(int64_t seed)
{
    return rng_mix64((uint64_t)seed ^ 0x5a17ce5eedULL);
}

/* The stream of record i under seed_key. */
static inline rng rng_for_record(uint64_t seed_key, uint64_t i)
{
    rng r = {rng_mix64(seed_key + i * RNG_GOLDEN)};
    return r;
}

/* The high and low halves of a * b, xor-ed: wyhash's "mum". */
static inline uint64_t rng_mum(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
    __uint128_t p = (__uint128_t)a * b;
    return (uint64_t)(p >> 64) ^ (uint64_t)p;
#else
    uint64_t a_lo = (uint32_t)a, a_hi = a >> 32, b_lo = (uint32_t)b, b_hi = b >> 32;
    uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
    uint64_t cross = (lo_lo >> 32) + (uint32_t)hi_lo + lo_hi;
    uint64_t hi = hi_hi + (hi_lo >> 32) + (cross >> 32);
    uint64_t lo = (cross << 32) | (uint32_t)lo_lo;
    return hi ^ lo;
#endif
}

/* The next 64 uniformly random bits (wyrand). */
static inline uint64_t rng_next(rng *r)
{
    r->state += 0xa0761d6478bd642fULL;
    return rng_mum(r->state, r->state ^ 0xe7037ed1a0b428dbULL);
}

/* Uniform in [0, n), n < 2^32, by multiply-shift (Lemire 2019) rather than
 * a division.  The bias is below n / 2^32: nothing for test data. */
static inline uint32_t rng_below(rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

/* Uniform in [0, 1), 53 bits. */
static inline double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

#endif
