// Register transposes and three single-instruction lane operations for the numeric core, which
// Swift cannot express. Transposes: its SIMD types have no general shuffle, and lane-wise construction compiles to stack spills and vinsertps chains
// (docs/performance.md). Clang's __builtin_shufflevector compiles on every target (AVX-512, AVX2,
// SSE, NEON), and Swift inlines these static inline functions into its own loops.
//
// The transposes only move data: every float arrives unchanged in its new place. The kernels that use them
// add the same numbers in the same order as before, so no output bit depends on them.
#ifndef PDET_LANES_H
#define PDET_LANES_H

typedef float pdet_f8 __attribute__((vector_size(32), aligned(4)));

/// The 8×8 block at p (rows p, p + stride, …, p + 7·stride; 8 floats each, no alignment needed)
/// transposed: out[j·outStride + r] = p[r·stride + j] for r, j in 0..<8 (with outStride 8, eight
/// SIMD8<Float> in a row, column j holding row r in lane r).
static inline __attribute__((always_inline))
void pdet_transpose8x8(const float *p, long stride, float *out, long outStride) {
    pdet_f8 a, b, c, d, e, f, g, h;    // memcpy: unaligned, and no aliasing assumptions
    __builtin_memcpy(&a, p, 32); __builtin_memcpy(&b, p + stride, 32);
    __builtin_memcpy(&c, p + 2 * stride, 32); __builtin_memcpy(&d, p + 3 * stride, 32);
    __builtin_memcpy(&e, p + 4 * stride, 32); __builtin_memcpy(&f, p + 5 * stride, 32);
    __builtin_memcpy(&g, p + 6 * stride, 32); __builtin_memcpy(&h, p + 7 * stride, 32);
    // Pairs of rows interleaved: ab0 = a0 b0 a1 b1 a4 b4 a5 b5, ab2 = a2 b2 a3 b3 a6 b6 a7 b7.
    pdet_f8 ab0 = __builtin_shufflevector(a, b, 0, 8, 1, 9, 4, 12, 5, 13);
    pdet_f8 ab2 = __builtin_shufflevector(a, b, 2, 10, 3, 11, 6, 14, 7, 15);
    pdet_f8 cd0 = __builtin_shufflevector(c, d, 0, 8, 1, 9, 4, 12, 5, 13);
    pdet_f8 cd2 = __builtin_shufflevector(c, d, 2, 10, 3, 11, 6, 14, 7, 15);
    pdet_f8 ef0 = __builtin_shufflevector(e, f, 0, 8, 1, 9, 4, 12, 5, 13);
    pdet_f8 ef2 = __builtin_shufflevector(e, f, 2, 10, 3, 11, 6, 14, 7, 15);
    pdet_f8 gh0 = __builtin_shufflevector(g, h, 0, 8, 1, 9, 4, 12, 5, 13);
    pdet_f8 gh2 = __builtin_shufflevector(g, h, 2, 10, 3, 11, 6, 14, 7, 15);
    // Quads: q0 = a0 b0 c0 d0 a4 b4 c4 d4, q1 = columns 1 and 5, q2 = 2 and 6, q3 = 3 and 7.
    pdet_f8 q0 = __builtin_shufflevector(ab0, cd0, 0, 1, 8, 9, 4, 5, 12, 13);
    pdet_f8 q1 = __builtin_shufflevector(ab0, cd0, 2, 3, 10, 11, 6, 7, 14, 15);
    pdet_f8 q2 = __builtin_shufflevector(ab2, cd2, 0, 1, 8, 9, 4, 5, 12, 13);
    pdet_f8 q3 = __builtin_shufflevector(ab2, cd2, 2, 3, 10, 11, 6, 7, 14, 15);
    pdet_f8 r0 = __builtin_shufflevector(ef0, gh0, 0, 1, 8, 9, 4, 5, 12, 13);
    pdet_f8 r1 = __builtin_shufflevector(ef0, gh0, 2, 3, 10, 11, 6, 7, 14, 15);
    pdet_f8 r2 = __builtin_shufflevector(ef2, gh2, 0, 1, 8, 9, 4, 5, 12, 13);
    pdet_f8 r3 = __builtin_shufflevector(ef2, gh2, 2, 3, 10, 11, 6, 7, 14, 15);
    // Halves joined: column j = rows a…d of q, then rows e…h of r.
    pdet_f8 cols[8] = {
        __builtin_shufflevector(q0, r0, 0, 1, 2, 3, 8, 9, 10, 11),
        __builtin_shufflevector(q1, r1, 0, 1, 2, 3, 8, 9, 10, 11),
        __builtin_shufflevector(q2, r2, 0, 1, 2, 3, 8, 9, 10, 11),
        __builtin_shufflevector(q3, r3, 0, 1, 2, 3, 8, 9, 10, 11),
        __builtin_shufflevector(q0, r0, 4, 5, 6, 7, 12, 13, 14, 15),
        __builtin_shufflevector(q1, r1, 4, 5, 6, 7, 12, 13, 14, 15),
        __builtin_shufflevector(q2, r2, 4, 5, 6, 7, 12, 13, 14, 15),
        __builtin_shufflevector(q3, r3, 4, 5, 6, 7, 12, 13, 14, 15),
    };
    for (int j = 0; j < 8; j++) __builtin_memcpy(out + j * outStride, &cols[j], 32);
}


// The rounding and scaling steps of the vector exponential (PDETCore's expLanes) as single
// instructions where the build's CPU has them (Swift exposes neither). Each gives exactly the
// float the portable sequence it replaces gives, for every input expLanes can pass it (checked on
// all 2^32 floats; LaneTests re-checks a sample on every build):
//   floor: round toward −∞ (vrndscaleps / vroundps) = the magic-number rounding and step down;
//   scale: p·2^n for integral n in −126…127 (vscalefps) = p times the float 2^n built by a shift:
//          both are the exact product rounded once;
//   fnmadd: c − a·b rounded once (vfnmadd); used only where a·b is exact, so equal to a multiply
//          and a subtraction.
typedef float pdet_lanes8 __attribute__((ext_vector_type(8)));
typedef float pdet_lanes16 __attribute__((ext_vector_type(16)));

#if defined(__AVX__)
#include <immintrin.h>
#endif

#if defined(__AVX512F__)
static inline __attribute__((always_inline)) pdet_lanes16 pdet_floor16(pdet_lanes16 x) {
    return (pdet_lanes16)_mm512_roundscale_ps((__m512)x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
}
static inline __attribute__((always_inline)) pdet_lanes16 pdet_scale16(pdet_lanes16 p, pdet_lanes16 n) {
    return (pdet_lanes16)_mm512_scalef_ps((__m512)p, (__m512)n);
}
static inline __attribute__((always_inline)) pdet_lanes16 pdet_fnmadd16(pdet_lanes16 a, pdet_lanes16 b, pdet_lanes16 c) {
    return (pdet_lanes16)_mm512_fnmadd_ps((__m512)a, (__m512)b, (__m512)c);
}
#endif

#if defined(__AVX__)
static inline __attribute__((always_inline)) pdet_lanes8 pdet_floor8(pdet_lanes8 x) {
    return (pdet_lanes8)_mm256_floor_ps((__m256)x);
}
#endif

#if defined(__FMA__)
static inline __attribute__((always_inline)) pdet_lanes8 pdet_fnmadd8(pdet_lanes8 a, pdet_lanes8 b, pdet_lanes8 c) {
    return (pdet_lanes8)_mm256_fnmadd_ps((__m256)a, (__m256)b, (__m256)c);
}
#endif

#if defined(__AVX512F__) && defined(__AVX512VL__)
static inline __attribute__((always_inline)) pdet_lanes8 pdet_scale8(pdet_lanes8 p, pdet_lanes8 n) {
    return (pdet_lanes8)_mm256_scalef_ps((__m256)p, (__m256)n);
}
#endif


/// A hint to fetch the cache line holding p for writing (prefetchw where the CPU has it): a GEMM
/// tile asks for its output lines before its multiply-adds, so their read-for-ownership overlaps
/// the arithmetic instead of stalling the stores after it. No value depends on it.
static inline __attribute__((always_inline)) void pdet_prefetch_write(const void *p) {
    __builtin_prefetch(p, 1, 3);
}


/// A hint to bring the cache line holding p into L1 (prefetcht0). No value depends on it.
static inline __attribute__((always_inline)) void pdet_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

#endif
