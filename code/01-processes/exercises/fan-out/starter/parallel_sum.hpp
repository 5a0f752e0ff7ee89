// parallel_sum.hpp (starter): a sum split across child processes, one pipe each.
#pragma once

#include <numeric>
#include <span>
#include <stdexcept>
#include <vector>

#include <sys/types.h>

namespace book::processes::exercises {

/// The total, and the PIDs of the worker processes that computed its parts.
struct FanOutResult {
    long long sum = 0;
    std::vector<pid_t> workers;
};

/// The largest number of workers parallel_sum accepts.
inline constexpr int max_workers = 64;

/// How a worker computes its part from its slice. parallel_sum calls it in the
/// worker process; the tests pass functions that check the worker or end it early.
using PartFunction = long long (*)(std::span<const long long> slice);

/// The default part: the sum of the slice.
inline long long sum_of(std::span<const long long> slice) {
    return std::accumulate(slice.begin(), slice.end(), 0LL);
}

/**
 * Returns the sum of @p numbers, computed by @p workers child processes: worker k
 * computes @p part of the k-th of @p workers contiguous slices (slice k runs from
 * index k * n / workers to (k + 1) * n / workers, so some may be empty) and sends
 * it back through a pipe of its own.
 *
 * The contract, whether the function returns or throws:
 * - every worker has been waited for (no zombie is left);
 * - no descriptor the function opened is left open in this process;
 * - a worker holds no pipe write end but its own, so that no read waits on a
 *   write end a sibling (or this process) still holds;
 * - a worker that ends without sending its part (it crashed, or @p part ended the
 *   process) makes the function throw std::runtime_error; it never waits forever.
 *
 * Throws std::invalid_argument unless 1 <= workers <= max_workers.
 */
inline FanOutResult parallel_sum(std::span<const long long> numbers, int workers,
                                 PartFunction part = sum_of) {
    if (workers < 1 || workers > max_workers)
        throw std::invalid_argument("parallel_sum: workers out of range");
    // TODO: meet the contract above with one pipe and one child per worker (the
    // chapter's sections on pipes and its pitfalls say what each process must close).
    return {part(numbers), {}};
}

}  // namespace book::processes::exercises
