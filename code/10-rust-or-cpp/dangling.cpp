// A thread that keeps a reference to a local of the function that started it: C++
// compiles it; AddressSanitizer reports the read after that function has returned.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "cli.hpp"

namespace {

// [dangling]
// The lambda captures `local` by reference, and the thread outlives start_worker():
// the same program Rust rejects with E0373. `go` makes the thread read only after
// start_worker() has returned, so the read is always too late. (noinline keeps the
// function's own frame: inlined into main, `local` would live in main's frame.)
[[gnu::noinline]] std::jthread start_worker(std::atomic<bool>& go, int& out) {
    int local = 42;
    return std::jthread([&local, &go, &out] {
        go.wait(false);
        out = local;  // local's frame is gone
    });
}
// [/dangling]

}  // namespace

int main(int argc, char** argv) {
    bool fake_stacks = false;
    book::cli::Parser cli("dangling",
                          "A thread reads a local of a function that returned.");
    cli.flag("fake-stacks", fake_stacks,
             "rerun with ASAN_OPTIONS=detect_stack_use_after_return=1");
    cli.parse(argc, argv);
    // [fake-stacks]
    // ASan reads ASAN_OPTIONS when the process starts, so the option is set by running
    // this program again with it in the environment.
    const char* opts = std::getenv("ASAN_OPTIONS");
    const std::string wanted = "detect_stack_use_after_return=1";
    if (fake_stacks &&
        (opts == nullptr || std::string(opts).find(wanted) == std::string::npos)) {
        const std::string all = opts ? std::string(opts) + ":" + wanted : wanted;
        setenv("ASAN_OPTIONS", all.c_str(), 1);
        execv("/proc/self/exe", argv);
        std::perror("dangling: execv");
        return 1;
    }
    // [/fake-stacks]
    std::atomic<bool> go{false};
    int out = 0;
    {
        std::jthread worker = start_worker(go, out);
        go = true;
        go.notify_one();
    }  // joined here
    std::printf("the worker read %d (42 was written; the frame holding it was gone)\n",
                out);
}
