// fetch_max.hpp: an atomic "raise to at least v" built from a compare-and-swap loop
// (reference solution).
#pragma once

#include <atomic>

namespace book::sync::exercise {

/// Atomically replaces @p target's value by the larger of it and @p value; returns the
/// value it held before.
template <class T>
T fetch_max(std::atomic<T>& target, T value) {
    T seen = target.load(std::memory_order_relaxed);
    // Stop as soon as the stored value is already at least ours: nothing to write,
    // nothing to race for.
    while (seen < value &&
           !target.compare_exchange_weak(seen, value, std::memory_order_acq_rel,
                                         std::memory_order_relaxed)) {
        // compare_exchange_weak refreshed `seen`; the loop condition re-checks it
    }
    return seen;
}

}  // namespace book::sync::exercise
