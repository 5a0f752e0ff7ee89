// range.hpp (solution): a generator of an arithmetic sequence that checks its arguments
// when it is called.
#pragma once

#include "generator.hpp"

#include <stdexcept>

namespace book::coro::exercises {

namespace detail {
// How far b is above a (a <= b), computed in unsigned arithmetic so that it cannot
// overflow even when b - a does not fit in a long.
inline unsigned long distance(long a, long b) {
    return static_cast<unsigned long>(b) - static_cast<unsigned long>(a);
}

// The coroutine: runs lazily, one value per resume. Its arguments are already known to
// be valid. It stops before a step that would reach last, so v + step never overflows.
inline generator<long> range_values(long first, long last, long step) {
    if (step > 0) {
        for (long v = first; v < last; v += step) {
            co_yield v;
            if (distance(v, last) <= static_cast<unsigned long>(step)) break;
        }
    } else {
        for (long v = first; v > last; v += step) {
            co_yield v;
            if (distance(last, v) <= 0UL - static_cast<unsigned long>(step)) break;
        }
    }
}
}  // namespace detail

/// Yields first, first + step, first + 2*step, ... up to but excluding last (counting
/// down when step < 0). Throws std::invalid_argument at the call itself, not at the
/// first value, when step is 0.
inline generator<long> range(long first, long last, long step) {
    // A plain function: this check runs now, eagerly, before any coroutine frame
    // exists.
    if (step == 0) throw std::invalid_argument("range: step must not be 0");
    return detail::range_values(first, last, step);
}

}  // namespace book::coro::exercises
