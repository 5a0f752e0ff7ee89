// parallel_sum.hpp (solution): a sum split across child processes, one pipe each.
#pragma once

#include <cerrno>
#include <numeric>
#include <span>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace book::processes::exercises {

/// The total, and the PIDs of the worker processes that computed its parts.
struct FanOutResult {
    long long sum = 0;
    std::vector<pid_t> workers;
};

/// The largest number of workers parallel_sum accepts.
inline constexpr int max_workers = 64;

namespace detail {
// Reads exactly sizeof(long long) bytes; false on end of file or error.
inline bool read_part(int fd, long long& value) {
    ssize_t got;
    do got = ::read(fd, &value, sizeof value);
    while (got < 0 && errno == EINTR);
    return got == static_cast<ssize_t>(sizeof value);
}

inline bool reap(pid_t worker) {
    int worker_status = 0;
    while (::waitpid(worker, &worker_status, 0) < 0)
        if (errno != EINTR) return false;
    return WIFEXITED(worker_status) && WEXITSTATUS(worker_status) == 0;
}
}  // namespace detail

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
    const std::size_t n = numbers.size();
    const auto k_workers = static_cast<std::size_t>(workers);
    FanOutResult result;
    std::vector<int> read_ends;

    // Fan out: one pipe and one child per slice. The parent closes each write
    // end right after the fork, so that later children do not inherit it.
    for (std::size_t k = 0; k < k_workers; ++k) {
        int part_pipe[2];
        if (::pipe(part_pipe) != 0) break;
        const pid_t pid = ::fork();
        if (pid < 0) {
            ::close(part_pipe[0]);
            ::close(part_pipe[1]);
            break;
        }
        if (pid == 0) {
            ::close(part_pipe[0]);
            const auto slice = numbers.subspan(
                k * n / k_workers, (k + 1) * n / k_workers - k * n / k_workers);
            const long long value = part(slice);
            ::_exit(::write(part_pipe[1], &value, sizeof value) ==
                            static_cast<ssize_t>(sizeof value)
                        ? 0
                        : 1);
        }
        ::close(part_pipe[1]);
        read_ends.push_back(part_pipe[0]);
        result.workers.push_back(pid);
    }

    // Fan in: one part from each pipe, then reap every child, even after a failure.
    bool ok = result.workers.size() == k_workers;
    for (int fd : read_ends) {
        long long value = 0;
        ok = detail::read_part(fd, value) && ok;
        result.sum += value;
        ::close(fd);
    }
    for (pid_t pid : result.workers) ok = detail::reap(pid) && ok;
    if (!ok) throw std::runtime_error("parallel_sum: a worker failed or was lost");
    return result;
}

}  // namespace book::processes::exercises
