// Two threads increment one shared counter without synchronisation and lose updates; an
// atomic counter does not.
#include <sched.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "cli.hpp"

namespace {

// [racy-counters]
// Both are data races: two threads write them with nothing ordering the accesses. That is
// undefined behaviour, which is exactly why the compiler may turn plain_increments into
// one add.
long plain_counter = 0;
volatile long volatile_counter =
    0;  // volatile keeps every load and store; it does not synchronise

void plain_increments(long n) {
    for (long i = 0; i < n; ++i) ++plain_counter;
}

void volatile_increments(long n) {
    for (long i = 0; i < n; ++i)
        volatile_counter = volatile_counter + 1;  // load, add, store
}
// [/racy-counters]

// [atomic-counter]
std::atomic<long> atomic_counter{0};

void atomic_increments(long n) {
    for (long i = 0; i < n; ++i) atomic_counter.fetch_add(1, std::memory_order_relaxed);
}
// [/atomic-counter]

// [run-two]
// Runs body(n) on two threads. They spin until both are running, so that their loops
// overlap as much as the machine allows.
void run_two(void (*body)(long), long n) {
    std::atomic<int> running{0};
    auto worker = [&] {
        running.fetch_add(1);
        while (running.load() < 2) std::this_thread::yield();
        body(n);
    };
    std::thread a(worker), b(worker);
    a.join();
    b.join();
}
// [/run-two]

void report(const char* name, long expected, long got) {
    std::printf(
        "%-9s expected %9ld  got %9ld  lost %9ld (%5.1f%%)\n", name, expected, got,
        expected - got,
        100.0 * static_cast<double>(expected - got) / static_cast<double>(expected));
}

// [one-cpu]
// Restricts this process to one CPU (the first it may use); threads created later inherit
// it. The two threads then never run at the same instant: they take turns in time slices.
int pin_to_one_cpu() {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        return sched_setaffinity(0, sizeof one, &one) == 0 ? cpu : -1;
    }
    return -1;
}
// [/one-cpu]

}  // namespace

int main(int argc, char** argv) {
    long increments = 1'000'000;
    bool skip_racy = false;
    bool one_cpu = false;
    book::cli::Parser cli(
        "race",
        "Two threads increment one counter: plain, volatile (both racy) and atomic.");
    cli.option("increments", increments, 1L, 100'000'000L, "increments per thread")
        .flag("skip-racy", skip_racy,
              "run only the atomic counter (for the sanitizer builds)")
        .flag("one-cpu", one_cpu,
              "run every thread on one CPU, so that they take turns instead of running "
              "at once");
    cli.parse(argc, argv);

    const long expected = 2 * increments;
    if (one_cpu) {
        const int cpu = pin_to_one_cpu();
        if (cpu < 0) {
            std::perror("race: sched_setaffinity");
            return 1;
        }
        std::printf("all threads restricted to CPU %d\n", cpu);
    }
    std::printf("two threads, %ld increments each\n", increments);
    if (!skip_racy) {
        run_two(plain_increments, increments);
        report("plain", expected, plain_counter);
        run_two(volatile_increments, increments);
        report("volatile", expected, volatile_counter);
    }
    run_two(atomic_increments, increments);
    report("atomic", expected, atomic_counter.load());
    return 0;
}
