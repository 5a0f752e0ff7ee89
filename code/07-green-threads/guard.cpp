// guard.cpp: a green thread that recurses too deep hits the guard page below its stack;
// the SIGSEGV handler, on an alternate signal stack, names it. Runs in a child process.
#include <cstdio>
#include <cstring>
#include <string>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.hpp"
#include "scheduler.hpp"
#include "stack.hpp"

namespace green = book::green;

namespace {

// [recurse]
// Each level keeps a 512-byte array and hands its address to the next level, so the
// compiler can neither drop the frame nor turn the recursion into a loop.
long recurse(long level, long limit, volatile char* caller) {
    volatile char frame[512];
    frame[0] = static_cast<char>(level);
    caller[1] = frame[0];
    if (level == limit) return frame[1];
    return recurse(level + 1, limit, frame) + frame[1];
}
// [/recurse]

// [child]
[[noreturn]] void child(std::size_t stack_kib, long limit) {
    green::AltSignalStack alt;           // this OS thread's signal stack
    green::install_overflow_reporter();  // the process's SIGSEGV handler
    green::Scheduler s({stack_kib * 1024, green::Stack::Guard::yes});
    s.spawn([] { std::printf("green thread 1: a shallow call, then done\n"); },
            "shallow");
    s.spawn(
        [limit] {
            std::printf("green thread 2: recursing %ld levels of 512+ bytes\n", limit);
            std::fflush(stdout);
            volatile char top[2] = {};
            std::printf("green thread 2: returned %ld (the stack was big enough)\n",
                        recurse(0, limit, top));
        },
        "deep");
    s.run();
    std::fflush(stdout);
    _exit(0);
}
// [/child]

}  // namespace

int main(int argc, char** argv) {
    int stack_kib = 16;
    long limit = 1000;
    book::cli::Parser cli("guard",
                          "A green thread's stack overflow caught by its guard page.");
    cli.option("stack-kib", stack_kib, 8, 1024, "stack size of each green thread, KiB")
        .option("levels", limit, 1L, 1000000L, "recursion depth of green thread 2");
    cli.parse(argc, argv);

    std::printf("stack: %d KiB per green thread, a %zu-byte guard page below each\n",
                stack_kib, green::page_size());
    std::fflush(stdout);
    // [parent]
    pid_t pid = fork();
    if (pid < 0) {
        std::perror("fork");
        return 1;
    }
    if (pid == 0) child(static_cast<std::size_t>(stack_kib), limit);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status))
        std::printf("parent: the child was ended by signal %d (%s)\n", WTERMSIG(status),
                    strsignal(WTERMSIG(status)));
    else
        std::printf("parent: the child exited with status %d\n", WEXITSTATUS(status));
    // [/parent]
    return 0;
}
