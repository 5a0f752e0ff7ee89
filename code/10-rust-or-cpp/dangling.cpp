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

// ASan's switch for fake stacks, read by the instrumented code (weak: absent without
// ASan).
extern "C" [[gnu::weak]] int __asan_option_detect_stack_use_after_return;

// The switch in effect in this process, as the output shows it.
std::string fake_stacks_in_effect() {
    if (&__asan_option_detect_stack_use_after_return == nullptr)
        return "none (this build has no AddressSanitizer)";
    return "detect_stack_use_after_return=" +
           std::to_string(__asan_option_detect_stack_use_after_return);
}

}  // namespace

int main(int argc, char** argv) {
    bool fake_stacks = false, no_fake_stacks = false;
    book::cli::Parser cli("dangling",
                          "A thread reads a local of a function that returned.");
    cli.flag("fake-stacks", fake_stacks,
             "rerun with ASAN_OPTIONS=detect_stack_use_after_return=1")
        .flag("no-fake-stacks", no_fake_stacks,
              "rerun with ASAN_OPTIONS=detect_stack_use_after_return=0");
    cli.parse(argc, argv);
    if (fake_stacks && no_fake_stacks) {
        std::fprintf(stderr, "dangling: --fake-stacks or --no-fake-stacks, not both\n%s",
                     cli.usage().c_str());
        return 2;
    }
    // [fake-stacks]
    // ASan reads ASAN_OPTIONS when the process starts, so the option is set by running
    // this program again with it in the environment. Its default differs between
    // compilers (off in GCC 12 and Clang 14, on from GCC 13 and Clang 15 on Linux), so
    // the program says which default this build has, then sets the option explicitly.
    const char* opts = std::getenv("ASAN_OPTIONS");
    const std::string key = "detect_stack_use_after_return=";
    const bool set_by_env =
        opts != nullptr && std::string(opts).find(key) != std::string::npos;
    if ((fake_stacks || no_fake_stacks) && !set_by_env) {
        std::printf("this build's ASan, by default: %s\n",
                    fake_stacks_in_effect().c_str());
        std::fflush(stdout);  // execv discards what stdio still buffers
        const std::string wanted = key + (fake_stacks ? "1" : "0");
        const std::string all = opts ? std::string(opts) + ":" + wanted : wanted;
        setenv("ASAN_OPTIONS", all.c_str(), 1);
        execv("/proc/self/exe", argv);
        std::perror("dangling: execv");
        return 1;
    }
    std::printf("this run: %s (%s)\n", fake_stacks_in_effect().c_str(),
                set_by_env ? "set in ASAN_OPTIONS" : "ASan's default");
    std::fflush(stdout);  // before a report that ends the process
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
