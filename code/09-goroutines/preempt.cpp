// preempt.cpp: the book's scheduler is cooperative: a goroutine in a tight loop starves
// a ticker on the same P until it ends (bounded here), unless the loop yields.
#include <chrono>
#include <cstdio>
#include <vector>

#include "chan.hpp"
#include "cli.hpp"
#include "runtime.hpp"

namespace go = book::go;
using Clock = std::chrono::steady_clock;

static double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

// [experiment]
// A ticker sleeps 1 ms at a time and notes when it woke; a spinner computes for spin_ms.
// yield_every 0: the spinner never yields.
static void experiment(int spin_ms, long yield_every) {
    go::Runtime rt(go::Options{.procs = 1});  // GOMAXPROCS=1: both share one P
    std::vector<Clock::time_point> ticks;
    Clock::time_point spin_begin, spin_end;
    rt.run([&] {
        go::Chan<int> stop, done;
        go::go([&, stop, done]() mutable {  // the ticker
            int unused = 0;
            while (go::try_select({go::recv_case(stop, unused)}) != 0) {
                go::sleep_for(std::chrono::milliseconds(1));
                ticks.push_back(Clock::now());
            }
            done.send(1);
        });
        go::sleep_for(std::chrono::milliseconds(5));  // the ticker is ticking
        spin_begin = Clock::now();
        std::uint64_t x = 1;
        for (long i = 1;; ++i) {  // the spinner: main itself
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            if (i % 1024 == 0 && ms_between(spin_begin, Clock::now()) >= spin_ms) break;
            if (yield_every != 0 && i % yield_every == 0) go::yield();
        }
        spin_end = Clock::now();
        stop.close();
        done.recv();
        if (x == 42) std::printf("(unlikely)\n");
    });
    int during = 0;
    double longest = 0;
    Clock::time_point prev = spin_begin;
    for (auto t : ticks) {
        if (t <= spin_begin) continue;
        if (t < spin_end) ++during;
        longest = std::max(longest, ms_between(prev, t));
        prev = t;
    }
    std::printf("ticks during the spin: %d\n", during);
    std::printf("longest gap between ticks: %.1f ms\n", longest);
}
// [/experiment]

int main(int argc, char** argv) {
    int spin_ms = 200;
    long yield_every = 100000;
    book::cli::Parser cli("preempt",
                          "A tight loop starves a ticker on a cooperative "
                          "scheduler with one P, unless it yields.");
    cli.option("spin-ms", spin_ms, 1, 10000, "how long the loop computes")
        .option("yield-every", yield_every, 1L, 1000000000L,
                "iterations between yields in the second run");
    cli.parse(argc, argv);
    std::printf(
        "== spin %d ms without yielding; a ticker sleeps 1 ms at a time on the "
        "same P\n",
        spin_ms);
    experiment(spin_ms, 0);
    std::printf("== spin %d ms with a yield every %ld iterations\n", spin_ms,
                yield_every);
    experiment(spin_ms, yield_every);
    return 0;
}
