// processors_needed.hpp: how many processors Amdahl's law says a target speedup needs
// (exercise starter).
#pragma once

#include <optional>
#include <stdexcept>

namespace book::cvp::exercise {

/// Amdahl's law: the speedup of a program whose serial fraction is @p f on @p p
/// processors.
inline double amdahl(double f, double p) { return 1.0 / (f + (1.0 - f) / p); }

/**
 * The smallest number of processors p for which amdahl(f, p) >= target, or
 * std::nullopt when no number of processors reaches the target.
 * Throws std::invalid_argument unless 0 <= f <= 1 and target > 0.
 */
inline std::optional<long long> processors_needed(double f, double target) {
    // TODO: meet the contract above (mind floating-point rounding at the boundary).
    (void)f;
    (void)target;
    return std::nullopt;
}

}  // namespace book::cvp::exercise
