// karp_flatt.hpp: the serial fraction implied by a measured speedup, and what its trend
// says (exercise starter).
#pragma once

#include <stdexcept>
#include <vector>

namespace book::cvp::exercise {

/// A speedup measured with some number of processors.
struct Measured {
    double processors;  ///< processors used (more than 1)
    double speedup;     ///< measured speedup over one processor
};

/**
 * The Karp-Flatt metric: the serial fraction e that, put into Amdahl's law,
 * would give exactly the measured @p speedup on @p processors processors:
 * e = (1/S - 1/p) / (1 - 1/p).
 * Throws std::invalid_argument unless processors > 1 and speedup > 0.
 */
inline double karp_flatt(double speedup, double processors) {
    // TODO: meet the contract above.
    (void)speedup;
    (void)processors;
    return 0.0;
}

/// What the Karp-Flatt metric of a series of measurements suggests limits the speedup.
enum class Limit {
    serial_part,      ///< e stays (nearly) constant: a fixed serial part, as Amdahl's law
                      ///< assumes
    growing_overhead  ///< e grows with the processors: overhead that grows with them
                      ///< (coordination, contention)
};

/**
 * Classifies @p series (sorted by processors, at least two entries): growing_overhead
 * when e at the largest processor count exceeds e at the smallest by more than
 * @p tolerance, serial_part otherwise.
 * Throws std::invalid_argument when there are fewer than two measurements.
 */
inline Limit diagnose(const std::vector<Measured>& series, double tolerance = 0.01) {
    // TODO: meet the contract above.
    (void)series;
    (void)tolerance;
    return Limit::growing_overhead;
}

}  // namespace book::cvp::exercise
