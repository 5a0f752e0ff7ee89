// pipe_sum.hpp (starter): a sum computed in a child, sent back through a pipe.
#pragma once

#include <numeric>
#include <span>

#include <sys/types.h>
#include <unistd.h>

namespace book::processes::exercises {

/// The sum, and the PID of the process that computed it.
struct ChildSum {
    long long sum = 0;
    pid_t worker = 0;
};

/// Returns the sum of @p numbers, computed by a child process that the function
/// creates and waits for, and sent back to this process through a pipe. Leaves no
/// descriptor it opened open in this process, and no child unreaped.
inline ChildSum sum_in_child(std::span<const long long> numbers) {
    // TODO: meet the contract above: the sum computed by a child process, sent back
    // through a pipe (the chapter's sections on fork, wait and pipes).
    return {std::accumulate(numbers.begin(), numbers.end(), 0LL), ::getpid()};
}

}  // namespace book::processes::exercises
