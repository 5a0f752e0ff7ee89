// fairness.cpp: who gets the lock when every thread wants it: per-thread acquisition
// counts for unfair locks and a ticket lock.
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "measure.hpp"
#include "spinlock.hpp"
#include "ticket_lock.hpp"

namespace {

int cpus_available() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return std::max(1, CPU_COUNT(&set));
}

// The CPUs this process may run on, in order.
std::vector<int> allowed_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    std::vector<int> ids;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return ids;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) ids.push_back(c);
    return ids;
}

// Keeps the calling thread on one CPU, so that two contending threads never share a CPU.
void pin_to(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    (void)sched_setaffinity(0, sizeof set,
                            &set);  // best effort: an unpinned run is still valid
}

struct Round {
    std::vector<std::uint64_t> counts;  // acquisitions per thread, in thread order
    std::uint64_t longest_pass_over =
        0;                      // most grants to others while one thread was waiting
    std::uint64_t guarded = 0;  // the counter the lock protects
};

// [contend]
// Every thread announces that it wants the lock, takes it, and counts: its own grant, and
// one "pass-over" for every other thread that was waiting at that moment. Then it
// releases the lock and at once wants it again. Everything but the announcements is
// written only under the lock.
template <class Lock>
Round contend(int threads, std::chrono::microseconds window,
              const std::vector<int>& pins) {
    struct alignas(64) Waiting {
        std::atomic<bool> flag{false};
    };
    const auto n = static_cast<std::size_t>(threads);
    std::vector<Waiting> waiting(n);
    Lock lock;
    Round r;
    r.counts.assign(n, 0);
    std::vector<std::uint64_t> passed_over(n, 0);  // since the thread last got the lock
    std::atomic<bool> stop{false};
    std::atomic<int> arrived{0};
    {
        std::vector<std::jthread> pool;
        for (std::size_t t = 0; t < n; ++t)
            pool.emplace_back([&, me = t] {
                if (me < pins.size()) pin_to(pins[me]);
                arrived.fetch_add(1);
                while (arrived.load() < threads)
                    std::this_thread::yield();  // start together
                while (!stop.load(std::memory_order_relaxed)) {
                    waiting[me].flag.store(true, std::memory_order_relaxed);
                    std::lock_guard guard(lock);
                    waiting[me].flag.store(false, std::memory_order_relaxed);
                    ++r.counts[me];
                    ++r.guarded;
                    passed_over[me] = 0;
                    for (std::size_t other = 0; other < n; ++other)
                        if (other != me &&
                            waiting[other].flag.load(std::memory_order_relaxed))
                            r.longest_pass_over =
                                std::max(r.longest_pass_over, ++passed_over[other]);
                }
            });
        while (arrived.load() < threads) std::this_thread::yield();
        std::this_thread::sleep_for(window);  // a measuring window, not synchronisation
        stop.store(true, std::memory_order_relaxed);
    }
    return r;
}
// [/contend]

}  // namespace

int main(int argc, char** argv) {
    int reps = 5;
    int threads = 0;
    int window_us = 50000;
    std::string csv;
    book::cli::Parser cli("fairness",
                          "Counts how often each thread gets a contended lock: two "
                          "unfair locks and a ticket lock.");
    cli.option("reps", reps, 1, 100, "windows per lock (interleaved)")
        .option("threads", threads, 0, 64,
                "contending threads; 0 means the CPUs available (at least 2)")
        .option("window-us", window_us, 100, 1000000,
                "length of one window in microseconds")
        .option("csv", csv,
                "write lock,window,rank,count to this file (rank 1 = the thread that got "
                "the lock most)");
    cli.parse(argc, argv);
    if (threads == 0) threads = std::max(2, cpus_available());
    const std::chrono::microseconds window(window_us);
    // With no more threads than CPUs, each thread gets a CPU of its own: the lock, not
    // the scheduler's placement, then decides who waits. With more threads, nobody is
    // pinned.
    std::vector<int> pins = allowed_cpus();
    if (static_cast<int>(pins.size()) < threads) pins.clear();

    struct Contender {
        std::string name;
        std::function<Round()> run;
        std::vector<Round> rounds;
    };
    std::vector<Contender> locks{
        {"TAS spinlock",
         [&] { return contend<book::sync::TasSpinlock>(threads, window, pins); },
         {}},
        {"std::mutex", [&] { return contend<std::mutex>(threads, window, pins); }, {}},
        {"ticket lock",
         [&] { return contend<book::sync::TicketLock>(threads, window, pins); },
         {}},
    };
    for (auto& l : locks) (void)l.run();  // warm-up
    for (int r = 0; r < reps; ++r)
        for (auto& l : locks) l.rounds.push_back(l.run());  // interleaved

    std::printf(
        "== fairness: %d threads, each wanting the lock again as soon as it let go\n",
        threads);
    std::printf("threads pinned to a CPU each: %s\n",
                pins.empty() ? "no (more threads than CPUs)" : "yes");
    std::printf(
        "%d windows of %.1f ms per lock, interleaved, after one warm-up window each\n\n",
        reps, window_us / 1000.0);
    std::ofstream out;
    if (!csv.empty()) {
        out.open(csv);
        out << "lock,window,rank,count,longest_pass_over\n";
    }
    bool consistent = true;
    for (auto& l : locks) {
        std::printf("%s\n", l.name.c_str());
        std::vector<double> least_share, pass_overs;
        for (std::size_t w = 0; w < l.rounds.size(); ++w) {
            auto counts = l.rounds[w].counts;
            std::uint64_t total = 0;
            for (auto c : counts) total += c;
            if (total != l.rounds[w].guarded) consistent = false;
            std::ranges::sort(counts, std::greater<>());
            std::printf("  %s, window %zu: per thread (most to least)", l.name.c_str(),
                        w + 1);
            for (std::size_t k = 0; k < counts.size(); ++k) {
                std::printf(" %llu", static_cast<unsigned long long>(counts[k]));
                if (out)
                    out << l.name << ',' << w + 1 << ',' << k + 1 << ',' << counts[k]
                        << ',' << l.rounds[w].longest_pass_over << '\n';
            }
            const double least = total ? 100.0 * static_cast<double>(counts.back()) /
                                             static_cast<double>(total)
                                       : 0;
            std::printf("; least-served %.2f%%; longest pass-over %llu\n", least,
                        static_cast<unsigned long long>(l.rounds[w].longest_pass_over));
            least_share.push_back(least);
            pass_overs.push_back(static_cast<double>(l.rounds[w].longest_pass_over));
        }
        const auto s = book::measure::summarize(least_share);
        const auto k = book::measure::summarize(pass_overs);
        std::printf(
            "  %s summary: least-served thread got %.2f%% [%.2f .. %.2f] of the "
            "acquisitions (fair share %.2f%%);"
            " longest pass-over %.0f [%.0f .. %.0f]\n\n",
            l.name.c_str(), s.median, s.min, s.max, 100.0 / threads, k.median, k.min,
            k.max);
    }
    std::printf("== counts agree with the guarded counter in every window: %s\n",
                consistent ? "yes" : "NO");
    return consistent ? 0 : 1;
}
