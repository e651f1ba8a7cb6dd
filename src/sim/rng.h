/*
 * rng: the simulation's only source of randomness, xoshiro256** seeded with
 * splitmix64.  Same seed, same sequence, on every platform.
 */
#ifndef GV_RNG_H
#define GV_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* The state n rng_next calls leave, without computing their outputs. */
void rng_skip(struct rng *r, uint64_t n);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint32_t rng_below(struct rng *r, uint32_t n);

#endif
