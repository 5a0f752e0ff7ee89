// fetch_max.hpp: an atomic "raise to at least v" built from a compare-and-swap loop
// (exercise starter).
#pragma once

#include <atomic>

namespace book::sync::exercise {

/// Atomically replaces @p target's value by the larger of it and @p value; returns the
/// value it held before.
template <class T>
T fetch_max(std::atomic<T>& target, T value) {
    // TODO: read the current value; while it is smaller than `value`, try to replace it
    // with a compare_exchange_weak loop (on failure the loop's variable already holds the
    // fresh value). Return the value that was there before your update (or the current
    // one if no update was needed).
    (void)value;
    return target.load();
}

}  // namespace book::sync::exercise
