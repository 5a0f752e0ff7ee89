// histogram.hpp: a parallel histogram on the book's pool (reference solution).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <vector>

#include "pool.hpp"

namespace book::par::exercise {

/// Counts how many of @p values fall in each bin 0..bins-1, using every participant of
/// @p pool. Throws std::out_of_range if a value lies outside [0, bins).
inline std::vector<std::size_t> parallel_histogram(ThreadPool& pool,
                                                   const std::vector<int>& values,
                                                   int bins) {
    using Bins = std::vector<std::size_t>;
    const Bins empty(static_cast<std::size_t>(bins), 0);
    // Each chunk counts into bins of its own; parallel_reduce keeps one partial per
    // participant and adds them at the end: no atomics, no shared cache lines.
    return pool.parallel_reduce(
        0, values.size(), 4096, empty,
        [&](std::size_t lo, std::size_t hi) {
            Bins mine = empty;
            for (std::size_t i = lo; i < hi; ++i) {
                const int v = values[i];
                if (v < 0 || v >= bins) throw std::out_of_range("value outside the bins");
                ++mine[static_cast<std::size_t>(v)];
            }
            return mine;
        },
        [](Bins a, const Bins& b) {
            for (std::size_t k = 0; k < a.size(); ++k) a[k] += b[k];
            return a;
        });
}

}  // namespace book::par::exercise
