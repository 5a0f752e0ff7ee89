// simd.cpp: one instruction stream, several data: the same loop scalar, vectorised by the
// compiler, and written with std::experimental::simd, all on one thread.
#include <cstdio>
#include <experimental/simd>
#include <string>
#include <vector>

#include "cli.hpp"
#include "measure.hpp"

namespace stdx = std::experimental;

// A cubic per element: compute-bound enough that the width of the arithmetic shows.
// Every version evaluates it with the same operations in the same order.
constexpr float c0 = 0.5f, c1 = -1.25f, c2 = 0.75f, c3 = 0.125f;

#if defined(__clang__)
#define BOOK_NO_VECTORIZE _Pragma("clang loop vectorize(disable) interleave(disable)")
#define BOOK_SCALAR_FUNCTION
#else
#define BOOK_NO_VECTORIZE
#define BOOK_SCALAR_FUNCTION __attribute__((optimize("no-tree-vectorize")))
#endif

// [scalar]
// Vectorisation switched off for this function: one float per instruction.
BOOK_SCALAR_FUNCTION
void cubic_scalar(const float* __restrict x, float* __restrict y, std::size_t n) {
    BOOK_NO_VECTORIZE
    for (std::size_t i = 0; i < n; ++i) y[i] = ((c3 * x[i] + c2) * x[i] + c1) * x[i] + c0;
}
// [/scalar]

// [auto]
// The same loop, left to the compiler. clang 14 vectorises it at -O2; g++ 12 does not,
// because at -O2 its cost model ("very cheap") refuses loops that need a scalar
// remainder loop or a runtime check (g++ -O3 vectorises it).
void cubic_plain(const float* __restrict x, float* __restrict y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) y[i] = ((c3 * x[i] + c2) * x[i] + c1) * x[i] + c0;
}

// The loop with OpenMP's simd directive: a promise that the iterations are independent
// and a request to vectorise (needs -fopenmp or -fopenmp-simd; no threads are made).
void cubic_omp_simd(const float* __restrict x, float* __restrict y, std::size_t n) {
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) y[i] = ((c3 * x[i] + c2) * x[i] + c1) * x[i] + c0;
}
// [/auto]

// [simd]
// Explicit vectors: native_simd<float> holds as many floats as one register of the
// target (4 with SSE2, the x86-64 baseline; 8 with AVX).
void cubic_simd(const float* x, float* y, std::size_t n) {
    using V = stdx::native_simd<float>;
    std::size_t i = 0;
    for (; i + V::size() <= n; i += V::size()) {
        V v(x + i, stdx::element_aligned);
        V r = ((c3 * v + c2) * v + c1) * v + c0;
        r.copy_to(y + i, stdx::element_aligned);
    }
    for (; i < n; ++i) y[i] = ((c3 * x[i] + c2) * x[i] + c1) * x[i] + c0;
}
// [/simd]

int main(int argc, char** argv) {
    std::size_t n = 16384;
    int passes = 200, reps = 7, warmup = 1;
    book::cli::Parser cli("simd",
                          "Times one loop scalar, vectorised by the compiler and with "
                          "std::experimental::simd, on one thread.");
    cli.option("n", n, std::size_t{8}, std::size_t{1} << 26,
               "floats per pass (a multiple of 8)")
        .option("passes", passes, 1, 100000, "passes over the array per sample")
        .option("reps", reps, 1, 100, "measured repetitions")
        .option("warmup", warmup, 0, 10, "unrecorded warm-up runs");
    cli.parse(argc, argv);
    if (n % 8 != 0) {
        std::fputs(cli.usage().c_str(), stderr);
        std::fputs("simd: --n must be a multiple of 8\n", stderr);
        return 2;
    }
    std::vector<float> x(n), ys(n), ya(n), yo(n), yv(n);
    for (std::size_t i = 0; i < n; ++i)
        x[i] = static_cast<float>(i % 1000) / 500.0f - 1.0f;

    auto timed = [&](auto kernel, std::vector<float>& y) {
        return [&, kernel] {
            const auto start = book::measure::Clock::now();
            for (int p = 0; p < passes; ++p) {
                kernel(x.data(), y.data(), n);
                // Keep the passes: the compiler may not assume y is unused.
                asm volatile("" : : "r"(y.data()) : "memory");
            }
            return book::measure::seconds_since(start) * 1e9 /
                   (static_cast<double>(n) * passes);
        };
    };
    // [measure]
    const auto r = book::measure::interleaved(
        {{"scalar", timed(cubic_scalar, ys)},
         {"plain loop (compiler's choice)", timed(cubic_plain, ya)},
         {"#pragma omp simd", timed(cubic_omp_simd, yo)},
         {"std::experimental::simd", timed(cubic_simd, yv)}},
        warmup, reps);
    // [/measure]
    std::printf("== setup\n");
    std::printf("native_simd<float> lanes in this build: %zu\n",
                stdx::native_simd<float>::size());
    std::printf(
        "%zu floats per pass, %d passes per sample; median (min .. max) of %d "
        "samples after %d warm-up, interleaved; one thread\n",
        n, passes, reps, warmup);
    std::printf("== ns per element\n");
    const char* names[] = {"scalar", "plain loop (compiler's choice)", "#pragma omp simd",
                           "std::experimental::simd"};
    for (int i = 0; i < 4; ++i)
        std::printf("  %-31s %7.3f ns (%7.3f .. %7.3f)  %5.2fx faster than scalar\n",
                    names[i], r[i].median, r[i].min, r[i].max, r[0].median / r[i].median);
    std::printf("== checks\n");
    const bool same = ys == ya && ys == yo && ys == yv;
    std::printf("the four versions give bit-identical results: %s\n",
                same ? "yes" : "NO");
    return same ? 0 : 1;
}
