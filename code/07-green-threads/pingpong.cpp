// pingpong.cpp: two contexts hand control back and forth through the hand-written
// switch, and a green thread suspends from deep inside ordinary function calls.
#include <cstdint>
#include <cstdio>

#include "cli.hpp"
#include "context.hpp"
#include "stack.hpp"

namespace green = book::green;

namespace {

green::Context main_ctx;
green::Context ping_ctx;
green::Context deep_ctx;
int rounds = 3;
int depth = 4;
bool aligned_at_entry = false;

void* as_arg(std::intptr_t v) { return reinterpret_cast<void*>(v); }
std::intptr_t as_int(void* p) { return reinterpret_cast<std::intptr_t>(p); }

// [ping]
// The entry of the ping context: each value main sends comes back plus 100.
void ping(void* first) {
    std::intptr_t got = as_int(green::started(first));
    alignas(16) volatile char probe[16] = {};
    aligned_at_entry = reinterpret_cast<std::uintptr_t>(probe) % 16 == 0;
    for (int r = 1;; ++r) {
        std::printf("ping: round %d, got %ld from main\n", r, static_cast<long>(got));
        got = as_int(green::switch_to(ping_ctx, main_ctx, as_arg(got + 100)));
    }
}
// [/ping]

// [deep]
// Ordinary recursive calls; the innermost one switches away with every frame still
// on this context's stack, something a stackless coroutine cannot do.
long descend(int level) {
    if (level == depth) {
        std::printf("green: at depth %d, switching to main\n", level);
        green::switch_to(deep_ctx, main_ctx, as_arg(level));
        std::printf("green: resumed at depth %d, returning\n", level);
        return level;
    }
    return level + descend(level + 1);
}

void deep(void* arg) {
    green::started(arg);
    std::printf("green: descending through %d ordinary calls\n", depth);
    long sum = descend(1);
    std::printf("green: back at the entry, sum of levels = %ld\n", sum);
    green::switch_to_final(deep_ctx, main_ctx, as_arg(-1));
}
// [/deep]

}  // namespace

int main(int argc, char** argv) {
    book::cli::Parser cli("pingpong",
                          "Ping-pong and a deep suspension through the book's switch.");
    cli.option("rounds", rounds, 1, 1000, "ping-pong rounds")
        .option("depth", depth, 1, 1000, "ordinary calls before the deep suspension");
    cli.parse(argc, argv);

    std::printf("== architecture\n");
#if defined(__x86_64__)
    std::printf("architecture: x86-64 (callee-saved: rbx rbp r12-r15, mxcsr, x87 cw)\n");
#elif defined(__aarch64__)
    std::printf("architecture: AArch64 (callee-saved: x19-x29 lr sp d8-d15)\n");
#endif

    // [main-pingpong]
    green::Stack ping_stack(64 * 1024, green::Stack::Guard::yes);
    main_ctx = green::Context::current_thread();
    ping_ctx = green::Context::fresh(ping_stack.low(), ping_stack.size(), ping);
    std::printf("== ping-pong\n");
    for (int r = 1; r <= rounds; ++r) {
        std::printf("main: switch to ping with %d\n", r);
        auto back = as_int(green::switch_to(main_ctx, ping_ctx, as_arg(r)));
        std::printf("main: got %ld back\n", static_cast<long>(back));
    }
    // [/main-pingpong]
    std::printf("stack 16-byte aligned at entry: %s\n", aligned_at_entry ? "yes" : "NO");

    std::printf("== suspending from deep inside\n");
    green::Stack deep_stack(256 * 1024, green::Stack::Guard::yes);
    deep_ctx = green::Context::fresh(deep_stack.low(), deep_stack.size(), deep);
    auto level = as_int(green::switch_to(main_ctx, deep_ctx, nullptr));
    std::printf(
        "main: green thread suspended at depth %ld, its frames on its own stack\n",
        static_cast<long>(level));
    auto done = as_int(green::switch_to(main_ctx, deep_ctx, nullptr));
    std::printf("main: green thread finished (%ld)\n", static_cast<long>(done));
    ping_ctx = green::Context();
    deep_ctx = green::Context();
    return 0;
}
