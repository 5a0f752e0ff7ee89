// run_capture.hpp (starter): run a program with posix_spawn and capture its stdout.
#pragma once

#include <string>
#include <vector>

namespace book::processes::exercises {

/// What a program wrote to its standard output, and how it ended.
struct Captured {
    /// the exit code, or 128 + the signal number if a signal killed it
    int exit_code = -1;
    std::string output;  ///< everything it wrote to standard output
};

/**
 * Runs the program @p argv[0] (a path; PATH is not searched) with arguments
 * @p argv and its standard output connected to a pipe; reads everything it
 * writes, waits for it, and returns both. Its standard input and standard error
 * are this process's. Throws std::invalid_argument for an empty @p argv and
 * std::system_error if the program cannot be started.
 */
inline Captured run_capture(const std::vector<std::string>& argv) {
    (void)argv;
    // TODO:
    //   1. create a pipe whose ends are close-on-exec (pipe2 with O_CLOEXEC);
    //   2. describe the child's descriptors with posix_spawn_file_actions_t:
    //      dup2 the write end onto STDOUT_FILENO (the copy dup2 makes is not
    //      close-on-exec, so only it survives exec);
    //   3. posix_spawn the program (a non-zero return value is the error number);
    //   4. close the parent's write end, read the pipe until end of file, and
    //      only then waitpid (why in this order? try a program that writes a
    //      megabyte);
    //   5. decode the status: WIFEXITED / WEXITSTATUS / WIFSIGNALED / WTERMSIG.
    return {};
}

}  // namespace book::processes::exercises
