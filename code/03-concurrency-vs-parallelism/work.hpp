// work.hpp: CPU-bound work of a chosen length that no compiler can skip, and how to split
// it among threads.
#pragma once

#include <time.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

namespace book::cvp {

/**
 * @brief Burns CPU time: @p iterations steps of a pseudo-random sequence started at @p
 * seed.
 *
 * Each step depends on the previous one, so the compiler can neither skip the
 * loop nor spread it over several execution units; the result is returned so
 * that the work is not dead code. It touches no memory: it measures the CPU,
 * not the caches.
 *
 * @code
 * std::uint64_t sum = book::cvp::burn(1'000'000, 42);
 * @endcode
 */
inline std::uint64_t burn(std::uint64_t iterations, std::uint64_t seed) {
    std::uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
    for (std::uint64_t i = 0; i < iterations; ++i) {
        x ^= x << 13;  // xorshift64 (Marsaglia 2003): cheap, serial, never reaches zero
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

/**
 * @brief How many burn() iterations take one microsecond of CPU time (the fastest of
 * several trials).
 *
 * Used to turn "milliseconds of work" into an iteration count, so that the
 * programs do about the same amount of work, in time, on fast and slow
 * machines. It times the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID),
 * not the wall clock, so that other programs competing for the CPU do not
 * make the work look slower than it is.
 */
inline double iterations_per_us(int trials = 7) {
    if (trials < 1)
        throw std::invalid_argument("iterations_per_us: trials must be at least 1");
    constexpr std::uint64_t probe = 2'000'000;
    std::vector<double> rates;
    volatile std::uint64_t sink = 0;
    const auto cpu_us = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) * 1e6 +
               static_cast<double>(ts.tv_nsec) / 1e3;
    };
    for (int t = 0; t < trials; ++t) {
        const double start = cpu_us();
        sink = sink + burn(probe, static_cast<std::uint64_t>(t));
        rates.push_back(static_cast<double>(probe) / std::max(cpu_us() - start, 1e-3));
    }
    return *std::max_element(rates.begin(), rates.end());
}

/**
 * @brief The half-open range [first, last) of the items 0..total-1 that part @p index of
 * @p parts receives.
 *
 * Parts differ in size by at most one item, and together they cover every
 * item exactly once, so the amount of work is the same for any number of parts.
 * @throws std::invalid_argument when parts is 0 or index >= parts.
 */
inline std::pair<std::size_t, std::size_t> split_range(std::size_t total,
                                                       std::size_t parts,
                                                       std::size_t index) {
    if (parts == 0 || index >= parts)
        throw std::invalid_argument(
            "split_range: index must be below parts, and parts above 0");
    const std::size_t base = total / parts, extra = total % parts;
    const std::size_t first = index * base + std::min(index, extra);
    return {first, first + base + (index < extra ? 1 : 0)};
}

}  // namespace book::cvp
