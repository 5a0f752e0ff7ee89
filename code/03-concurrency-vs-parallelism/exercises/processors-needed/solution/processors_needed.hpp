// processors_needed.hpp: how many processors Amdahl's law says a target speedup needs
// (reference solution).
#pragma once

#include <cmath>
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
    if (!(f >= 0 && f <= 1))
        throw std::invalid_argument("processors_needed: f must lie in [0, 1]");
    if (!(target > 0))
        throw std::invalid_argument("processors_needed: target must be positive");
    if (target <= 1) return 1;
    // amdahl(f, p) >= target  <=>  (1 - f) / p <= 1 / target - f, which needs the right
    // side to be positive.
    const double room = 1.0 / target - f;
    if (room <= 0)
        return std::nullopt;  // the target is at or beyond Amdahl's limit 1 / f
    const double exact = (1.0 - f) / room;
    if (exact > 1e15)
        return std::nullopt;  // reachable only in theory: more processors than a long
                              // long counts sensibly
    auto p = static_cast<long long>(std::ceil(exact));
    // The division may land a hair above a whole number (9.000000000000002): step back
    // while p - 1 still reaches.
    while (p > 1 && amdahl(f, static_cast<double>(p - 1)) >= target) --p;
    while (amdahl(f, static_cast<double>(p)) < target) ++p;
    return p;
}

}  // namespace book::cvp::exercise
