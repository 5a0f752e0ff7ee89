// run_capture.hpp (solution): run a program with posix_spawn and capture its stdout.
#pragma once

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

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
 * are this process's. Leaves no descriptor of its own open, here or in the
 * program. Throws std::invalid_argument for an empty @p argv and
 * std::system_error if the program cannot be started (with glibc 2.24 or later,
 * and musl, posix_spawn itself reports a failed exec, such as ENOENT; POSIX also
 * allows it to succeed and the child to exit with status 127).
 */
inline Captured run_capture(const std::vector<std::string>& argv) {
    if (argv.empty()) throw std::invalid_argument("run_capture: argv is empty");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    int out_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    // the copy is not close-on-exec
    ::posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    pid_t child = 0;
    const int rc =
        ::posix_spawn(&child, args[0], &actions, nullptr, args.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);  // only the child's stdout holds the write end now
    if (rc != 0) {
        ::close(out_pipe[0]);
        throw std::system_error(rc, std::generic_category(), "posix_spawn " + argv[0]);
    }

    // Read everything before waiting: a child whose output fills the pipe
    // (64 KiB by default with 4 KiB pages) blocks in write until someone reads, and would
    // never exit if the parent waited first.
    Captured result;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
        if (n > 0)
            result.output.append(buf, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR)
            break;
    }
    ::close(out_pipe[0]);

    int child_status = 0;
    while (::waitpid(child, &child_status, 0) < 0)
        if (errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "waitpid");
    if (WIFEXITED(child_status))
        result.exit_code = WEXITSTATUS(child_status);
    else if (WIFSIGNALED(child_status))
        result.exit_code = 128 + WTERMSIG(child_status);
    return result;
}

}  // namespace book::processes::exercises
