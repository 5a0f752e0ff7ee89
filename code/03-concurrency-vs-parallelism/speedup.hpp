// speedup.hpp: speedup from measured times, and what Amdahl's and Gustafson's laws
// predict from a measured serial fraction.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace book::cvp {

namespace detail {
inline void require(bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(what);
}
}  // namespace detail

/**
 * @brief Speedup of a run that took @p parallel_time over one that took @p serial_time:
 * how many times faster.
 * @throws std::invalid_argument unless both times are positive.
 */
inline double speedup(double serial_time, double parallel_time) {
    detail::require(serial_time > 0 && parallel_time > 0,
                    "speedup: times must be positive");
    return serial_time / parallel_time;
}

/**
 * @brief The fraction of a run's time spent in its serial part: @p serial_part / @p
 * total, both measured in the same run.
 * @throws std::invalid_argument unless 0 <= serial_part <= total and total > 0.
 */
inline double serial_fraction(double serial_part, double total) {
    detail::require(total > 0 && serial_part >= 0 && serial_part <= total,
                    "serial_fraction: need 0 <= serial_part <= total, total > 0");
    return serial_part / total;
}

/**
 * @brief Amdahl's law: the speedup of a fixed problem on @p processors processors.
 *
 * @p serial_fraction is the share of the one-processor run's time that cannot
 * be parallelised. The rest is assumed to divide perfectly:
 * `S = 1 / (f + (1 - f) / p)`, which can never exceed `1 / f`.
 *
 * @code
 * book::cvp::amdahl_speedup(0.1, 4);   // 3.08
 * @endcode
 * @throws std::invalid_argument unless 0 <= serial_fraction <= 1 and processors >= 1.
 */
inline double amdahl_speedup(double serial_fraction, double processors) {
    detail::require(serial_fraction >= 0 && serial_fraction <= 1,
                    "amdahl_speedup: serial fraction must lie in [0, 1]");
    detail::require(processors >= 1, "amdahl_speedup: need at least one processor");
    return 1.0 / (serial_fraction + (1.0 - serial_fraction) / processors);
}

/**
 * @brief Gustafson's law: the scaled speedup when the parallel part grows with the number
 * of processors.
 *
 * @p serial_fraction is the share of the *parallel* run's time spent in the
 * serial part. Running the same, larger, problem on one processor would take
 * `s + (1 - s) * p` times as long: `S = p - s * (p - 1)`.
 *
 * @code
 * book::cvp::gustafson_speedup(0.1, 4);   // 3.7
 * @endcode
 * @throws std::invalid_argument unless 0 <= serial_fraction <= 1 and processors >= 1.
 */
inline double gustafson_speedup(double serial_fraction, double processors) {
    detail::require(serial_fraction >= 0 && serial_fraction <= 1,
                    "gustafson_speedup: serial fraction must lie in [0, 1]");
    detail::require(processors >= 1, "gustafson_speedup: need at least one processor");
    return processors - serial_fraction * (processors - 1);
}

/**
 * @brief The thread counts worth measuring on a machine with @p cpus usable CPUs, up to
 * @p max_threads.
 *
 * Every count from 1 to min(cpus, 8), the powers of two up to cpus, cpus
 * itself, and beyond it cpus + 1 and 2 * cpus (more threads than CPUs:
 * oversubscription), all capped at @p max_threads; sorted, without repeats.
 *
 * @code
 * book::cvp::thread_counts(2, 64);    // {1, 2, 3, 4}
 * book::cvp::thread_counts(64, 256);  // {1, 2, ..., 8, 16, 32, 64, 65, 128}
 * @endcode
 * @throws std::invalid_argument unless cpus >= 1 and max_threads >= 1.
 */
inline std::vector<int> thread_counts(int cpus, int max_threads) {
    detail::require(cpus >= 1 && max_threads >= 1,
                    "thread_counts: need cpus >= 1 and max_threads >= 1");
    std::vector<int> counts;
    for (int n = 1; n <= std::min(cpus, 8); ++n) counts.push_back(n);
    for (int n = 16; n <= cpus; n *= 2) counts.push_back(n);
    counts.push_back(cpus);
    counts.push_back(cpus + 1);
    counts.push_back(2 * cpus);
    std::erase_if(counts, [&](int n) { return n > max_threads; });
    std::sort(counts.begin(), counts.end());
    counts.erase(std::unique(counts.begin(), counts.end()), counts.end());
    return counts;
}

}  // namespace book::cvp
