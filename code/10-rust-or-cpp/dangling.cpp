// A thread that keeps a reference to a local of the function that started it: C++
// compiles it; AddressSanitizer reports the read after that function has returned.
#include <atomic>
#include <cstdio>
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
    book::cli::Parser cli("dangling",
                          "A thread reads a local of a function that returned.");
    cli.parse(argc, argv);
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
