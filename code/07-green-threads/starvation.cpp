// starvation.cpp: without preemption, a green thread that computes without yielding
// holds every other green thread up; yielding now and then lets the others run.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"
#include "scheduler.hpp"

namespace green = book::green;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Result {
    std::vector<double> ticks;  // when the ticker ran, ms
    double hog_start = 0, hog_end = 0;
    long yields = 0;
};

// [hog]
// Computes for `spin_ms` of wall-clock time (bounded, so the demonstration ends), and
// yields every `yield_every` iterations (0: never).
std::uint64_t hog(Clock::time_point t0, int spin_ms, long yield_every, Result& r) {
    r.hog_start = ms_since(t0);
    std::uint64_t x = 1;
    for (long i = 1;; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;  // some work
        if (i % 1024 == 0 && ms_since(t0) - r.hog_start >= spin_ms) break;
        if (yield_every > 0 && i % yield_every == 0) {
            ++r.yields;
            green::yield();
        }
    }
    r.hog_end = ms_since(t0);
    return x;
}
// [/hog]

Result round(int spin_ms, long yield_every, int tick_ms) {
    Result r;
    std::atomic<bool> done{false};
    const auto t0 = Clock::now();
    green::Scheduler s;
    s.spawn(
        [&] {
            while (!done.load()) {
                green::sleep_for(std::chrono::milliseconds(tick_ms));
                r.ticks.push_back(ms_since(t0));
            }
        },
        "ticker");
    s.spawn(
        [&] {
            volatile std::uint64_t sink = hog(t0, spin_ms, yield_every, r);
            (void)sink;
            done = true;
        },
        "hog");
    s.run();
    return r;
}

void report(const Result& r, int tick_ms) {
    int during = 0;
    for (double t : r.ticks) during += t > r.hog_start && t < r.hog_end;
    std::printf("hog computed from %.1f ms to %.1f ms, yielding %ld times\n", r.hog_start,
                r.hog_end, r.yields);
    std::printf("ticker asked to run every %d ms; it ran at:", tick_ms);
    for (std::size_t i = 0; i < r.ticks.size() && i < 8; ++i)
        std::printf(" %.1f", r.ticks[i]);
    std::printf("%s ms\n", r.ticks.size() > 8 ? " ..." : "");
    std::printf("ticks while the hog computed: %d\n", during);
    std::printf("ticker's first tick came %.1f ms after it asked\n",
                r.ticks.empty() ? 0.0 : r.ticks.front() - tick_ms);
}

}  // namespace

int main(int argc, char** argv) {
    int spin_ms = 50, tick_ms = 5;
    long yield_every = 20000;
    book::cli::Parser cli("starvation",
                          "No preemption: a busy green thread starves the others.");
    cli.option("spin-ms", spin_ms, 5, 2000, "how long the hog computes, ms")
        .option("tick-ms", tick_ms, 1, 100, "the ticker's period, ms")
        .option("yield-every", yield_every, 1L, 100000000L,
                "iterations between yields in the polite round");
    cli.parse(argc, argv);
    if (tick_ms >= spin_ms) {
        std::fprintf(stderr, "%s--tick-ms must be shorter than --spin-ms\n",
                     cli.usage().c_str());
        return 2;
    }
    std::printf("== the hog never yields\n");
    report(round(spin_ms, 0, tick_ms), tick_ms);
    std::printf("== the hog yields every %ld iterations\n", yield_every);
    report(round(spin_ms, yield_every, tick_ms), tick_ms);
    return 0;
}
