// Tests of thread_usage.hpp: per-thread CPU time and context-switch counters, and the
// CPU-time spinner.
#include <doctest/doctest.h>

#include <chrono>
#include <future>

#include "thread_usage.hpp"

using book::threads::spin_for_cpu_time;
using book::threads::ThreadUsage;
using namespace std::chrono_literals;

TEST_CASE("the counters of one thread never go backwards") {
    const auto a = ThreadUsage::now();
    (void)spin_for_cpu_time(1ms);
    const auto b = ThreadUsage::now();
    const auto d = b - a;
    CHECK(d.cpu >= 0ns);
    CHECK(d.voluntary_switches >= 0);
    CHECK(d.involuntary_switches >= 0);
}

TEST_CASE("subtracting two samples subtracts every field") {
    ThreadUsage later, earlier;
    later.cpu = 50ms;
    later.voluntary_switches = 7;
    later.involuntary_switches = 12;
    earlier.cpu = 20ms;
    earlier.voluntary_switches = 2;
    earlier.involuntary_switches = 10;
    const auto d = later - earlier;
    CHECK(d.cpu == 30ms);
    CHECK(d.voluntary_switches == 5);
    CHECK(d.involuntary_switches == 2);
}

TEST_CASE("spinning for a CPU budget uses at least that much of the thread's CPU time") {
    const auto before = ThreadUsage::now();
    const auto steps = spin_for_cpu_time(5ms);
    const auto used = ThreadUsage::now() - before;
    CHECK(used.cpu >= 5ms);
    CHECK(steps > 0);
}

TEST_CASE("a sample measures the calling thread, not the process") {
    // The main thread burns a budget first; a fresh thread's own CPU clock starts near
    // zero, so its first sample is far below what the main thread has already used.
    (void)spin_for_cpu_time(200ms);
    const auto main_cpu = ThreadUsage::now().cpu;
    REQUIRE(main_cpu >= 200ms);
    auto fresh = std::async(std::launch::async, [] { return ThreadUsage::now().cpu; });
    CHECK(fresh.get() < main_cpu);
}
