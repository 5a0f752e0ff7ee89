// parallel_sort.hpp: a merge sort on the book's pool: sort blocks, then merge in rounds,
// every round split into equal pieces of output so that all participants keep busy.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <iterator>
#include <vector>

#include "pool.hpp"

namespace book::par {

/**
 * @brief Where the first @p k elements of the merge of sorted @p a and @p b come from:
 * returns `i`, so that they are `a[0..i)` and `b[0..k-i)` (ties taken from @p a first,
 * which keeps the merge stable).
 */
template <class It, class Compare>
std::size_t co_rank(std::size_t k, It a, std::size_t m, It b, std::size_t n,
                    Compare less) {
    std::size_t lo = k > n ? k - n : 0;
    std::size_t hi = std::min(k, m);
    while (lo < hi) {
        const std::size_t i = lo + (hi - lo) / 2;
        const std::size_t j = k - i;
        // a[i] belongs before b[j-1]: the first k need more of a.
        if (j > 0 && !less(b[j - 1], a[i]))
            lo = i + 1;
        else
            hi = i;
    }
    return lo;
}

/**
 * @brief Sorts [@p first, @p last) with @p less on @p pool: O(n log n) work, one extra
 * buffer of n elements; like std::sort, not stable.
 *
 * Phase 1 sorts 2 x pool.size() blocks (rounded up to a power of two) in parallel;
 * each following round merges pairs of sorted runs, cutting every pair's output into
 * pieces of about @p piece elements whose inputs are found by co_rank(), so that a
 * round is one parallel_for over equal pieces however few pairs remain.
 *
 * @code
 * book::par::ThreadPool pool;
 * std::vector<double> v = random_doubles(1'000'000);
 * book::par::parallel_sort(pool, v.begin(), v.end());
 * @endcode
 */
template <class It, class Compare = std::less<>>
void parallel_sort(ThreadPool& pool, It first, It last, Compare less = {},
                   std::size_t piece = 1 << 16) {
    using T = typename std::iterator_traits<It>::value_type;
    const std::size_t n = static_cast<std::size_t>(last - first);
    std::size_t blocks = 1;
    while (blocks < 2 * pool.size()) blocks *= 2;
    if (n < blocks * 1024 || pool.size() == 1) {
        std::sort(first, last, less);
        return;
    }
    if (piece == 0) piece = 1;
    auto bound = [&](std::size_t b) { return n * b / blocks; };
    // [sort-blocks]
    pool.parallel_for(0, blocks, 1, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t b = lo; b < hi; ++b)
            std::sort(first + bound(b), first + bound(b + 1), less);
    });
    // [/sort-blocks]
    std::vector<T> buffer(n);
    bool in_buffer = false;  // where the sorted runs of the current round are
    for (std::size_t run = 1; run < blocks; run *= 2) {
        // [merge-round]
        const std::size_t pairs = blocks / (2 * run);
        const std::size_t per_pair = std::max<std::size_t>(1, n / pairs / piece);
        auto merge_piece = [&](auto src, auto dst, std::size_t t) {
            const std::size_t p = t / per_pair, q = t % per_pair;
            const std::size_t lo = bound(2 * p * run), mid = bound((2 * p + 1) * run);
            const std::size_t hi = bound((2 * p + 2) * run);
            const std::size_t m = mid - lo, len = hi - lo;
            const std::size_t k0 = len * q / per_pair, k1 = len * (q + 1) / per_pair;
            const std::size_t i0 = co_rank(k0, src + lo, m, src + mid, len - m, less);
            const std::size_t i1 = co_rank(k1, src + lo, m, src + mid, len - m, less);
            std::merge(std::make_move_iterator(src + lo + i0),
                       std::make_move_iterator(src + lo + i1),
                       std::make_move_iterator(src + mid + (k0 - i0)),
                       std::make_move_iterator(src + mid + (k1 - i1)), dst + lo + k0,
                       less);
        };
        pool.parallel_for(0, pairs * per_pair, 1, [&](std::size_t lo, std::size_t hi) {
            for (std::size_t t = lo; t < hi; ++t) {
                if (in_buffer)
                    merge_piece(buffer.begin(), first, t);
                else
                    merge_piece(first, buffer.begin(), t);
            }
        });
        in_buffer = !in_buffer;
        // [/merge-round]
    }
    if (in_buffer)
        pool.parallel_for(0, n, piece, [&](std::size_t lo, std::size_t hi) {
            std::move(buffer.begin() + lo, buffer.begin() + hi, first + lo);
        });
}

}  // namespace book::par
