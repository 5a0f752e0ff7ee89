// steal_trace.cpp: records which goroutine ran on which P and M, and when, while idle Ps
// steal work spawned on one P; writes the trace as CSV and as Chrome trace-event JSON.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "chan.hpp"
#include "cli.hpp"
#include "runtime.hpp"

namespace go = book::go;

// A few microseconds of arithmetic the compiler cannot remove.
static std::uint64_t work(int units) {
    std::uint64_t x = 88172645463325252ull;
    for (int i = 0; i < units * 1000; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

int main(int argc, char** argv) {
    int procs = 4, goroutines = 64, units = 40, rounds = 3;
    std::string csv = "trace.csv", json = "trace.json";
    book::cli::Parser cli("steal_trace",
                          "Spawns goroutines on one P, lets the idle Ps "
                          "steal them, and writes the scheduler trace.");
    cli.option("procs", procs, 2, 16, "Ps (GOMAXPROCS)")
        .option("goroutines", goroutines, 1, 10000, "goroutines the main one spawns")
        .option("units", units, 1, 100000, "work per slice (thousands of steps)")
        .option("rounds", rounds, 1, 100, "slices per goroutine, with a yield between")
        .option("csv", csv, "trace as CSV")
        .option("json", json, "trace as Chrome trace-event JSON");
    cli.parse(argc, argv);
    go::Runtime rt(go::Options{.procs = static_cast<unsigned>(procs), .trace = true});
    std::atomic<std::uint64_t> sink{0};
    int finished = 0;
    // [spawn]
    rt.run([&] {
        go::Chan<int> done(static_cast<std::size_t>(goroutines));
        for (int i = 0; i < goroutines; ++i)  // all of them land on main's P first
            go::go([&, done]() mutable {
                for (int r = 0; r < rounds; ++r) {
                    sink.fetch_add(work(units));
                    go::yield();
                }
                done.send(1);
            });
        for (int i = 0; i < goroutines; ++i) finished += done.recv();
    });
    // [/spawn]
    std::ofstream c(csv);
    c << "kind,begin_ns,end_ns,m,p,g,victim,count,victim_before\n";
    std::map<unsigned, int> runs_per_p;
    std::map<std::uint64_t, int> runs_per_g;
    std::map<unsigned, unsigned> ms_per_p;
    int steals = 0, bad_steals = 0;
    unsigned moved = 0;
    for (const auto& e : rt.trace()) {
        c << (e.kind == go::TraceEvent::run ? "run" : "steal") << ',' << e.begin_ns << ','
          << e.end_ns << ',' << e.m << ',' << e.p << ',' << e.g << ',' << e.victim << ','
          << e.count << ',' << e.victim_before << '\n';
        if (e.kind == go::TraceEvent::run) {
            ++runs_per_p[e.p];
            ++runs_per_g[e.g];
        } else {
            ++steals;
            moved += e.count;
            if (e.victim_before < e.count || e.count == 0) ++bad_steals;
        }
    }
    std::ofstream j(json);
    rt.write_chrome_trace(j);
    std::printf("== %d goroutines spawned by goroutine 1 on %d Ps\n", goroutines, procs);
    std::printf("goroutines that ran to completion: %d of %d\n", finished, goroutines);
    std::printf("goroutines seen running in the trace: %zu (main included)\n",
                runs_per_g.size());
    std::printf(
        "== runs per P (a run lasts until the goroutine yields, parks or ends)\n");
    for (auto [p, n] : runs_per_p) std::printf("P%u: %d runs\n", p, n);
    std::printf("== steals\n");
    std::printf("%d steals moved %u goroutines; steals from an empty queue: %d\n", steals,
                moved, bad_steals);
    std::printf("trace: %zu events in %s and %s\n", rt.trace().size(), csv.c_str(),
                json.c_str());
    return 0;
}
