// prefix_sum.hpp: a parallel inclusive scan on the book's pool (reference solution).
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <vector>

#include "pool.hpp"

namespace book::par::exercise {

/// Returns the inclusive prefix sums of @p in: out[i] = in[0] + ... + in[i], computed on
/// every participant of @p pool.
inline std::vector<long> parallel_inclusive_scan(ThreadPool& pool,
                                                 const std::vector<long>& in) {
    const std::size_t n = in.size();
    std::vector<long> out(n);
    if (n == 0) return out;
    // Blocks: a few per participant, so that stealing can even out the two passes.
    const std::size_t blocks = std::min<std::size_t>(n, 4 * pool.size());
    auto lo_of = [&](std::size_t b) { return n * b / blocks; };
    std::vector<long> block_sum(blocks);
    // Pass 1: scan each block on its own, remembering its total.
    pool.parallel_for(0, blocks, 1, [&](std::size_t first, std::size_t last) {
        for (std::size_t b = first; b < last; ++b) {
            std::inclusive_scan(in.begin() + static_cast<long>(lo_of(b)),
                                in.begin() + static_cast<long>(lo_of(b + 1)),
                                out.begin() + static_cast<long>(lo_of(b)));
            block_sum[b] = out[lo_of(b + 1) - 1];
        }
    });
    // Pass 2 (serial, one value per block): what all earlier blocks add up to.
    std::exclusive_scan(block_sum.begin(), block_sum.end(), block_sum.begin(), 0L);
    // Pass 3: add each block's offset.
    pool.parallel_for(0, blocks, 1, [&](std::size_t first, std::size_t last) {
        for (std::size_t b = first; b < last; ++b)
            for (std::size_t i = lo_of(b); i < lo_of(b + 1); ++i) out[i] += block_sum[b];
    });
    return out;
}

}  // namespace book::par::exercise
