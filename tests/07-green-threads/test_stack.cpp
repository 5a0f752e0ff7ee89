// Tests of stack.hpp: sizes, guard pages, the pool's reuse and arenas, and the overflow
// report in a child process.
#include <doctest/doctest.h>

#include "scheduler.hpp"
#include "stack.hpp"

#include <cstring>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

namespace green = book::green;

TEST_CASE("a stack's size is rounded up to whole pages") {
    green::Stack s(5000, green::Stack::Guard::yes);
    CHECK(s.size() == 2 * green::page_size());
    CHECK(s.guarded());
    CHECK(static_cast<char*>(s.guard_low()) + green::page_size() == s.low());
}

TEST_CASE("an unguarded stack has no guard page") {
    green::Stack s(16 * 1024, green::Stack::Guard::no);
    CHECK_FALSE(s.guarded());
    CHECK(s.guard_low() == nullptr);
    std::memset(s.low(), 1, s.size());  // every byte is usable
}

TEST_CASE("a pool hands a returned stack out again") {
    green::StackPool pool(16 * 1024, green::Stack::Guard::yes);
    green::Stack a = pool.acquire();
    void* low = a.low();
    pool.release(std::move(a));
    green::Stack b = pool.acquire();
    CHECK(b.low() == low);
    CHECK(b.guarded());
}

TEST_CASE("unguarded stacks of a pool are carved side by side from one arena") {
    green::StackPool pool(16 * 1024, green::Stack::Guard::no, 16, 8);
    green::Stack a = pool.acquire();
    green::Stack b = pool.acquire();
    CHECK(static_cast<char*>(b.low()) == static_cast<char*>(a.low()) + 16 * 1024);
    CHECK_FALSE(a.owns_mapping());
}

namespace {
// Each level hands its frame's address to the next, so the recursion stays a recursion.
long recurse(long level, volatile char* caller) {
    volatile char frame[512];
    frame[0] = static_cast<char>(level);
    caller[1] = frame[0];
    return level > 100000 ? frame[1] : recurse(level + 1, frame) + frame[1];
}
}  // namespace

TEST_CASE("an overflow onto the guard page is reported with the green thread's number") {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        green::AltSignalStack alt;
        green::install_overflow_reporter();
        green::Scheduler s({16 * 1024, green::Stack::Guard::yes});
        s.spawn([] {});
        s.spawn([] {
            volatile char top[2] = {};
            (void)recurse(0, top);
        });
        s.run();
        _exit(0);
    }
    close(fds[1]);
    std::string report;
    char buf[256];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0)
        report.append(buf, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGSEGV);
    CHECK(report.find("green thread 2 overflowed its stack") != std::string::npos);
}
