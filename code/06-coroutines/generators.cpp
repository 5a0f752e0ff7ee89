// Shows a C++20 generator handing control back and forth with its caller, an infinite
// lazy pipeline, and who owns the coroutine frame.
#include "generator.hpp"

#include "cli.hpp"

#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>

// Counts heap allocations so that the program can show when a coroutine frame is
// created and freed.
namespace {
std::size_t g_allocations = 0;
std::size_t g_frees = 0;
std::size_t g_last_size = 0;
}  // namespace

void* operator new(std::size_t size) {
    ++g_allocations;
    g_last_size = size;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc{};
}
void operator delete(void* p) noexcept {
    if (p) ++g_frees;
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

using book::coro::generator;

// [trace]
// Every step says who is running, so the output shows the hand-overs.
generator<int> numbers(int n) {
    std::printf("  coroutine: body starts (n = %d)\n", n);
    for (int i = 1; i <= n; ++i) {
        std::printf("  coroutine: co_yield %d\n", i);
        co_yield i;
        std::printf("  coroutine: resumed after yielding %d\n", i);
    }
    std::printf("  coroutine: body ends\n");
}

void show_control_transfer(int n) {
    std::printf("caller: calling numbers(%d)\n", n);
    generator<int> g = numbers(n);
    std::printf("caller: got the generator; the body has not run yet\n");
    for (int v : g) std::printf("caller: received %d\n", v);
    std::printf("caller: loop over\n");
}
// [/trace]

// [fibonacci]
// An infinite sequence: it is safe because the consumer decides how much to take.
generator<std::uint64_t> fibonacci(std::size_t* produced = nullptr) {
    std::uint64_t a = 0, b = 1;
    for (;;) {
        if (produced) ++*produced;
        co_yield a;
        a = std::exchange(b, a + b);
    }
}
// [/fibonacci]

void show_fibonacci(std::size_t count) {
    std::printf("first %zu Fibonacci numbers:", count);
    for (std::uint64_t v : book::coro::take(fibonacci(), count))
        std::printf(" %llu", static_cast<unsigned long long>(v));
    std::printf("\n");
}

void show_pipeline(std::size_t count) {
    // [pipeline]
    std::size_t produced = 0;
    auto even = [](std::uint64_t v) { return v % 2 == 0; };
    auto first_even =
        book::coro::take(book::coro::filter(fibonacci(&produced), even), count);
    std::printf("pipeline built; Fibonacci values produced so far: %zu\n", produced);
    std::printf("first %zu even Fibonacci numbers:", count);
    for (std::uint64_t v : first_even)
        std::printf(" %llu", static_cast<unsigned long long>(v));
    std::printf("\nFibonacci values produced to find them: %zu\n", produced);
    // [/pipeline]
}

// [leaky]
// A coroutine return type that forgets to destroy its frame: no destructor calls
// handle.destroy().
struct leaky {
    struct promise_type {
        leaky get_return_object() {
            return {std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() { std::terminate(); }
    };
    std::coroutine_handle<promise_type> handle;
};

leaky forgotten() { co_return; }

// Not inlined, so that no compiler can see the frame's whole life and elide it.
[[gnu::noinline]] std::coroutine_handle<> use_and_drop_leaky() {
    leaky l = forgotten();
    return l.handle;
}  // leaky has no destructor: the frame outlives the object
// [/leaky]

void show_ownership() {
    // [ownership]
    const std::size_t before_alloc = g_allocations, before_free = g_frees;
    {
        generator<int> g = numbers(0);  // quiet: the body never runs
        const std::size_t made = g_allocations - before_alloc;
        std::printf("managed: after the call, frames allocated: %zu, freed: %zu\n", made,
                    g_frees - before_free);
        if (made == 1) std::printf("managed: the frame takes %zu bytes\n", g_last_size);
    }  // ~generator destroys the frame
    const std::size_t made = g_allocations - before_alloc, freed = g_frees - before_free;
    std::printf("managed: after the generator left scope, allocated: %zu, freed: %zu\n",
                made, freed);

    const std::size_t leak_alloc = g_allocations, leak_free = g_frees;
    // The handle is kept only so that this program can clean up afterwards.
    const std::coroutine_handle<> saved = use_and_drop_leaky();
    std::printf("leaky:   after the object left scope, frames alive: %zu\n",
                (g_allocations - leak_alloc) - (g_frees - leak_free));
    saved.destroy();
    std::printf("leaky:   after an explicit handle.destroy(), frames alive: %zu\n",
                (g_allocations - leak_alloc) - (g_frees - leak_free));
    // [/ownership]
}

generator<int> one_value() { co_yield 1; }

void show_misuse() {
    // [misuse]
    generator<int> g = one_value();
    auto it = g.begin();  // runs to the co_yield: *it == 1
    ++it;                 // runs to the end: it == g.end()
    std::printf("after the last value: finished = %s\n", it == g.end() ? "yes" : "no");
    try {
        // Would resume a finished coroutine (undefined behaviour), so the iterator
        // refuses.
        ++it;
    } catch (const std::logic_error& e) {
        std::printf("advancing once more: std::logic_error: %s\n", e.what());
    }
    // [/misuse]
}

int main(int argc, char** argv) {
    int steps = 3;
    int fib = 12;
    int even = 6;
    book::cli::Parser cli(
        "generators",
        "Shows a generator's control transfer, a lazy pipeline and frame ownership.");
    cli.option("steps", steps, 0, 20, "values the traced generator yields")
        .option("fib", fib, 1, 90, "Fibonacci numbers to print (90 fits in 64 bits)")
        .option("even", even, 1, 30,
                "even Fibonacci numbers the pipeline takes (30 fits in 64 bits)");
    cli.parse(argc, argv);

    std::printf("== control transfer\n");
    show_control_transfer(steps);
    std::printf("== fibonacci\n");
    show_fibonacci(static_cast<std::size_t>(fib));
    std::printf("== lazy pipeline\n");
    show_pipeline(static_cast<std::size_t>(even));
    std::printf("== frame ownership\n");
    show_ownership();
    std::printf("== misuse\n");
    show_misuse();
}
