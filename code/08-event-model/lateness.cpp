// Shows run to completion: a long synchronous callback delays a 1 ms timer, a worker
// pool cures it, microtasks can starve the loop, and a throwing callback stops it.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli.hpp"
#include "loop.hpp"
#include "measure.hpp"
#include "promise.hpp"
#include "worker_pool.hpp"

namespace {

using book::loop::event_loop;
using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
}

// Keeps the CPU busy for `ms` milliseconds (stands for parsing, hashing, a sync read).
unsigned long spin(double ms) {
    const auto start = clock_type::now();
    unsigned long x = 1;
    while (ms_since(start) < ms) x = x * 6364136223846793005UL + 1442695040888963407UL;
    return x;
}

// [blocked]
// How late a 1 ms timer fires when the code that set it then computes for block_ms,
// on the loop's thread (offload false) or on a worker (offload true).
double timer_lateness(double block_ms, bool offload, book::loop::worker_pool* pool) {
    event_loop& loop = *event_loop::current();
    double late = 0;
    loop.run([&] {
        const auto set_at = clock_type::now();
        loop.set_timeout([&late, set_at] { late = ms_since(set_at) - 1.0; }, 1);
        if (offload)
            pool->submit([block_ms] { return spin(block_ms); })
                .then([](unsigned long) { /* the result is back on the loop */ });
        else
            spin(block_ms);  // nothing else on this thread runs meanwhile
    });
    return late;
}
// [/blocked]

}  // namespace

int main(int argc, char** argv) {
    int reps = 7, chain = 200000;
    std::string blocks_arg = "0,2,5,10,20", csv;
    book::cli::Parser cli("lateness", "Run to completion, measured.");
    cli.option("reps", reps, 1, 1000, "repetitions of each measurement")
        .option("blocks", blocks_arg, "comma list of blocking times in ms (0..1000)")
        .option("chain", chain, 10, 10000000, "length of the microtask chain")
        .option("csv", csv, "write every lateness sample to this CSV file");
    cli.parse(argc, argv);
    std::vector<double> blocks;
    for (std::size_t pos = 0; pos <= blocks_arg.size();) {
        std::size_t end = blocks_arg.find(',', pos);
        if (end == std::string::npos) end = blocks_arg.size();
        const std::string item = blocks_arg.substr(pos, end - pos);
        int v = -1;
        try {
            v = std::stoi(item);
        } catch (...) {
        }
        if (v < 0 || v > 1000 || std::to_string(v) != item) {
            std::fprintf(stderr, "lateness: bad --blocks '%s'\n%s", item.c_str(),
                         cli.usage().c_str());
            return 2;
        }
        blocks.push_back(v);
        pos = end + 1;
    }
    std::ofstream out;
    if (!csv.empty()) {
        out.open(csv);
        out << "mode,block_ms,rep,late_ms\n";
    }

    event_loop loop;
    book::loop::worker_pool pool(loop, 1);
    std::printf(
        "== a 1 ms timer behind a blocking callback (median (min-max) of %d, "
        "after one warm-up round)\n",
        reps);
    std::printf("%9s  %-28s %-28s\n", "block ms", "on the loop: timer late by",
                "offloaded: timer late by");
    // One unrecorded round first: the pool's thread, the loop's eventfd, the allocator's
    // arenas and the CPU's frequency all start cold, and the first samples would show it.
    for (double b : blocks) {
        (void)timer_lateness(b, false, &pool);
        (void)timer_lateness(b, true, &pool);
    }
    for (double b : blocks) {
        std::vector<double> on_loop, offloaded;
        for (int r = 0; r < reps; ++r) {  // interleaved
            on_loop.push_back(timer_lateness(b, false, &pool));
            offloaded.push_back(timer_lateness(b, true, &pool));
            if (out.is_open())
                out << "loop," << b << ',' << r << ',' << on_loop.back() << "\noffload,"
                    << b << ',' << r << ',' << offloaded.back() << '\n';
        }
        const auto a = book::measure::summarize(on_loop);
        const auto o = book::measure::summarize(offloaded);
        std::printf("%9.0f  %6.2f ms (%5.2f-%6.2f)       %6.2f ms (%5.2f-%6.2f)\n", b,
                    a.median, a.min, a.max, o.median, o.min, o.max);
    }

    // [starve]
    std::printf("\n== a microtask that queues a microtask, %d times\n", chain);
    {
        long ran = 0;
        long ran_when_timer_fired = -1;
        std::function<void()> again = [&] {
            if (++ran < chain) loop.queue_microtask(again);
        };
        loop.run([&] {
            loop.set_timeout([&] { ran_when_timer_fired = ran; }, 1);
            loop.queue_microtask(again);
        });
        std::printf("microtasks run before the 1 ms timer fired: %ld of %ld\n",
                    ran_when_timer_fired, ran);
    }
    // Immediates: the chain goes on until the timer has fired. (The limit only guarantees
    // an end; each turn makes a system call, so ten million turns take far over 1 ms.)
    constexpr long limit = 10000000;
    std::printf("\n== an immediate that queues an immediate, until the timer fires\n");
    {
        long ran = 0;
        long ran_when_timer_fired = -1;
        std::function<void()> again = [&] {
            ++ran;
            if (ran_when_timer_fired < 0 && ran < limit) loop.set_immediate(again);
        };
        loop.run([&] {
            loop.set_timeout([&] { ran_when_timer_fired = ran; }, 1);
            loop.set_immediate(again);
        });
        std::printf(
            "timer fired while the chain went on: %s\n",
            ran_when_timer_fired >= 0 && ran_when_timer_fired < limit ? "yes" : "no");
    }
    // [/starve]

    // [throws]
    std::printf("\n== a callback that throws\n");
    {
        int later_ran = 0;
        event_loop l2;
        try {
            l2.run([&] {
                l2.set_timeout([] { throw std::runtime_error("boom"); }, 1);
                l2.set_timeout([&] { ++later_ran; }, 5);
            });
            std::printf("run() returned normally\n");
        } catch (const std::exception& e) {
            std::printf("no handler: run() rethrew '%s'; the 5 ms timer ran %d times\n",
                        e.what(), later_ran);
        }
        event_loop l3;
        later_ran = 0;
        int reported = 0;
        l3.on_uncaught([&](std::exception_ptr) { ++reported; });
        l3.run([&] {
            l3.set_timeout([] { throw std::runtime_error("boom"); }, 1);
            l3.set_timeout([&] { ++later_ran; }, 5);
        });
        std::printf("with on_uncaught: %d reported, the 5 ms timer ran %d times\n",
                    reported, later_ran);
    }
    // [/throws]
    return 0;
}
