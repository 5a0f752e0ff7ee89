// pipe_sum.hpp (solution): a sum computed in a child, sent back through a pipe.
#pragma once

#include <cerrno>
#include <numeric>
#include <span>
#include <system_error>

#include <sys/types.h>
#include <sys/wait.h>
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
    int sum_pipe[2];
    if (::pipe(sum_pipe) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe");
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int error = errno;
        ::close(sum_pipe[0]);
        ::close(sum_pipe[1]);
        throw std::system_error(error, std::generic_category(), "fork");
    }
    if (pid == 0) {  // the child: it has its own copy of `numbers`, made by fork
        ::close(sum_pipe[0]);
        const long long sum = std::accumulate(numbers.begin(), numbers.end(), 0LL);
        const bool sent =
            ::write(sum_pipe[1], &sum, sizeof sum) == static_cast<ssize_t>(sizeof sum);
        // a write of 8 bytes to a pipe is atomic: it is all or nothing
        ::_exit(sent ? 0 : 1);
    }
    ::close(sum_pipe[1]);  // the parent's copy of the write end
    long long sum = 0;
    ssize_t got;
    do got = ::read(sum_pipe[0], &sum, sizeof sum);
    while (got < 0 && errno == EINTR);
    ::close(sum_pipe[0]);
    int child_status = 0;
    while (::waitpid(pid, &child_status, 0) < 0 && errno == EINTR) {
    }
    if (got != static_cast<ssize_t>(sizeof sum) || !WIFEXITED(child_status) ||
        WEXITSTATUS(child_status) != 0)
        throw std::runtime_error("sum_in_child: the child did not deliver its sum");
    return {sum, pid};
}

}  // namespace book::processes::exercises
