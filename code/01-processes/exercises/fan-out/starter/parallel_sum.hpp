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

/**
 * Returns the sum of @p numbers, computed by @p workers child processes: worker k
 * adds up the k-th of @p workers contiguous slices (some may be empty) and sends
 * its part back through its own pipe. Every worker is waited for before the
 * function returns. Throws std::invalid_argument unless
 * 1 <= workers <= max_workers.
 */
inline FanOutResult parallel_sum(std::span<const long long> numbers, int workers) {
    if (workers < 1 || workers > max_workers)
        throw std::invalid_argument("parallel_sum: workers out of range");
    // TODO: fan out and fan in:
    //   1. for each worker k: create a pipe and fork; the child adds up slice k
    //      (from k * size / workers to (k + 1) * size / workers), writes its
    //      part and _exits; the parent closes its copy of the write end at once
    //      (why at once? see the chapter's pitfalls);
    //   2. then read one part from each pipe and add them up;
    //   3. waitpid for every worker; return the total and the workers' PIDs.
    return {std::accumulate(numbers.begin(), numbers.end(), 0LL), {}};
}

}  // namespace book::processes::exercises
