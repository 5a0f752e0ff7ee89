// memory.cpp: 100,000 green threads with small stacks beside 10,000 OS threads, made in
// several rounds: virtual size against resident memory, creation time, and their limits.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <utility>
#include <cstdio>
#include <fstream>
#include <latch>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <malloc.h>
#include <sys/resource.h>

#include "cli.hpp"
#include "costs.hpp"
#include "measure.hpp"
#include "scheduler.hpp"
#include "stack.hpp"

namespace green = book::green;
namespace measure = book::measure;

namespace {

// [proc]
// One field of /proc/self/status or /proc/meminfo, in KiB (-1 when absent).
long kib_field(const char* file, const std::string& field) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0)
            return std::stol(line.substr(field.size() + 1));
    return -1;
}
long read_long(const char* path) {
    std::ifstream in(path);
    long v = -1;
    in >> v;
    return v;
}
long map_count() {
    std::ifstream in("/proc/self/maps");
    std::string line;
    long n = 0;
    while (std::getline(in, line)) ++n;
    return n;
}
// [/proc]

// The map entries that overlap any of @p ranges ([first, last) addresses): counting only
// those keeps the allocator's own mappings (a sanitizer's, say) out of the count.
using Range = std::pair<std::uintptr_t, std::uintptr_t>;
long maps_within(const std::vector<Range>& ranges) {
    std::ifstream in("/proc/self/maps");
    std::string line;
    long n = 0;
    while (std::getline(in, line)) {
        std::uintptr_t lo = 0, hi = 0;
        if (std::sscanf(line.c_str(), "%lx-%lx", &lo, &hi) != 2) continue;
        for (const auto& [first, last] : ranges)
            if (lo < last && first < hi) {
                ++n;
                break;
            }
    }
    return n;
}

struct Snapshot {
    long vm_kib, rss_kib, kernel_stack_kib;
    static Snapshot now() {
        return {kib_field("/proc/self/status", "VmSize"),
                kib_field("/proc/self/status", "VmRSS"),
                kib_field("/proc/meminfo", "KernelStack")};
    }
};

// Creation times per item, from batches of `batch` creations (median, min, max).
void print_rate(const char* what, const std::vector<double>& ns_per_item) {
    auto s = measure::summarize(ns_per_item);
    std::printf("%s: median %s, min %s, max %s per creation (%zu batches)\n", what,
                measure::format_ns(s.median).c_str(), measure::format_ns(s.min).c_str(),
                measure::format_ns(s.max).c_str(), s.n);
}

// What one round added: units alive at once and the growth of each figure, in KiB.
struct Round {
    long alive = 0;
    double vm_kib = 0, rss_kib = 0, kernel_stack_kib = 0;
    double per(double kib) const { return kib / static_cast<double>(alive); }
};

// One per-unit figure over the rounds, in bytes (median, min, max).
measure::Summary bytes_per_unit(const std::vector<Round>& rounds, double Round::*field) {
    std::vector<double> v;
    for (const Round& r : rounds) v.push_back(r.per(r.*field) * 1024.0);
    return measure::summarize(v);
}

void print_over_rounds(const char* what, const measure::Summary& s) {
    std::printf("%s: median %.1f KiB, min %.1f KiB, max %.1f KiB (%zu rounds)\n", what,
                s.median / 1024.0, s.min / 1024.0, s.max / 1024.0, s.n);
}

// [greens]
// Spawns `greens` green threads on a fresh scheduler, each alive until every one has
// started; appends the spawn time per green thread of each batch to `spawn_ns`.
Round green_round(long greens, int stack_kib, std::vector<double>& spawn_ns) {
    const Snapshot g0 = Snapshot::now();
    Snapshot g1{};
    green::Scheduler s(
        {static_cast<std::size_t>(stack_kib) * 1024, green::Stack::Guard::no});
    std::atomic<long> started{0};  // shared by every green thread
    const long batch = greens >= 10000 ? greens / 20 : greens / 5;
    for (long i = 0; i < greens;) {
        auto t = measure::Clock::now();
        const long first = i;
        const long end = std::min(greens, i + batch);
        for (; i < end; ++i)
            s.spawn([&started, &g1, greens] {
                volatile char touch[256];  // a small frame, like a real task
                touch[0] = 1;
                touch[255] = touch[0];
                if (++started == greens) g1 = Snapshot::now();  // every one is alive
                green::yield();
            });
        spawn_ns.push_back(measure::seconds_since(t) * 1e9 /
                           static_cast<double>(end - first));
    }
    s.run();
    return {started.load(), static_cast<double>(g1.vm_kib - g0.vm_kib),
            static_cast<double>(g1.rss_kib - g0.rss_kib), 0.0};
}  // the scheduler's arenas are unmapped here; its records go back to malloc
// [/greens]

// [threads]
// Creates up to `threads` OS threads, each blocked on a latch until all are counted;
// appends the creation time per thread of each batch to `create_ns`.
Round thread_round(long threads, std::vector<double>& create_ns) {
    const Snapshot t0 = Snapshot::now();
    Snapshot t1{};
    long created = 0;
    std::latch go(1);
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(threads));
    const long batch = threads >= 1000 ? threads / 20 : threads / 5;
    std::string failure;
    while (created < threads && failure.empty()) {
        auto t = measure::Clock::now();
        long n = 0;
        for (; n < batch && created < threads; ++n, ++created) {
            try {
                pool.emplace_back([&go] { go.wait(); });
            } catch (const std::system_error& e) {
                failure = e.what();
                break;
            }
        }
        if (n > 0)
            create_ns.push_back(measure::seconds_since(t) * 1e9 / static_cast<double>(n));
    }
    if (!failure.empty())
        std::printf("thread creation stopped at %ld threads: %s\n", created,
                    failure.c_str());
    t1 = Snapshot::now();  // every thread created so far is alive, blocked in go.wait()
    go.count_down();
    for (auto& th : pool) th.join();
    return {created, static_cast<double>(t1.vm_kib - t0.vm_kib),
            static_cast<double>(t1.rss_kib - t0.rss_kib),
            static_cast<double>(t1.kernel_stack_kib - t0.kernel_stack_kib)};
}
// [/threads]

}  // namespace

int main(int argc, char** argv) {
    long greens = 100000;
    long threads = 10000;
    int stack_kib = 16;
    long guard_demo = 1000;
    int rounds = 3;
    std::string costs_path;
    book::cli::Parser cli("memory",
                          "Memory of many green threads against many OS threads.");
    cli.option("green", greens, 10L, 1000000L, "green threads alive at once")
        .option("threads", threads, 10L, 30000L, "OS threads alive at once")
        .option("stack-kib", stack_kib, 8, 1024, "green-thread stack size, KiB")
        .option("guard-demo", guard_demo, 10L, 10000L,
                "guarded stacks mapped to count map entries")
        .option("rounds", rounds, 1, 20, "times the green and the OS threads are made")
        .option("costs", costs_path, "write the headline costs (book-costs/1) here");
    cli.parse(argc, argv);

    // [limits]
    rlimit nproc{};
    getrlimit(RLIMIT_NPROC, &nproc);
    auto lim = [](rlim_t v) {
        return v == RLIM_INFINITY ? std::string("unlimited") : std::to_string(v);
    };
    std::printf("== limits of this machine\n");
    std::printf("kernel.threads-max: %ld (tasks, system-wide)\n",
                read_long("/proc/sys/kernel/threads-max"));
    std::printf("kernel.pid_max: %ld (ids, shared by every container on the kernel)\n",
                read_long("/proc/sys/kernel/pid_max"));
    std::printf("RLIMIT_NPROC: soft %s, hard %s (tasks of this user)\n",
                lim(nproc.rlim_cur).c_str(), lim(nproc.rlim_max).c_str());
    const long max_maps = read_long("/proc/sys/vm/max_map_count");
    const long maps_now = map_count();
    std::printf("vm.max_map_count: %ld; this process uses %ld map entries now\n",
                max_maps, maps_now);
    // [/limits]

    // [guard-cost]
    std::printf("== what a guard page costs in map entries\n");
    {
        std::vector<green::Stack> guarded;
        std::vector<Range> spans;
        for (long i = 0; i < guard_demo; ++i) {
            guarded.emplace_back(static_cast<std::size_t>(stack_kib) * 1024,
                                 green::Stack::Guard::yes);
            auto lo = reinterpret_cast<std::uintptr_t>(guarded.back().guard_low());
            spans.emplace_back(lo, lo + green::page_size() + guarded.back().size());
        }
        const long added = maps_within(spans);
        std::printf("%ld guarded stacks span %ld map entries (%.2f per stack)\n",
                    guard_demo, added,
                    static_cast<double>(added) / static_cast<double>(guard_demo));
        green::StackPool pool(static_cast<std::size_t>(stack_kib) * 1024,
                              green::Stack::Guard::no);
        std::vector<green::Stack> plain;
        std::vector<Range> plain_spans;
        for (long i = 0; i < guard_demo; ++i) {
            plain.push_back(pool.acquire());
            auto lo = reinterpret_cast<std::uintptr_t>(plain.back().low());
            plain_spans.emplace_back(lo, lo + plain.back().size());
        }
        std::printf("%ld unguarded stacks from the pool's arenas span %ld map entries\n",
                    guard_demo, maps_within(plain_spans));
        std::printf("guarded stacks that fit in the map budget left: about %ld\n",
                    (max_maps - maps_now) / 2);
    }
    // [/guard-cost]

    // [rounds]
    std::printf(
        "== %ld green threads, %d KiB stacks, no guard pages (arena), %d rounds\n",
        greens, stack_kib, rounds);
    std::vector<double> spawn_ns;
    std::vector<Round> g;
    std::printf("round   alive  virtual +MiB  KiB each  resident +MiB  KiB each\n");
    for (int r = 1; r <= rounds; ++r) {
        // Hand freed heap back to the kernel first, or this round reuses the pages that
        // held the last round's records and its resident figure leaves the records out.
        malloc_trim(0);
        g.push_back(green_round(greens, stack_kib, spawn_ns));
        const Round& x = g.back();
        std::printf("%5d %7ld %13.1f %9.1f %14.1f %9.1f\n", r, x.alive, x.vm_kib / 1024.0,
                    x.per(x.vm_kib), x.rss_kib / 1024.0, x.per(x.rss_kib));
    }
    const auto g_rss = bytes_per_unit(g, &Round::rss_kib);
    print_over_rounds("resident memory per green thread", g_rss);
    print_rate("spawn", spawn_ns);

    std::printf("== %ld OS threads, default stacks, %d rounds\n", threads, rounds);
    std::vector<double> create_ns;
    std::vector<Round> t;
    std::printf(
        "round   alive  virtual +MiB  KiB each  resident +MiB  KiB each  "
        "kernel stacks +MiB  KiB each\n");
    for (int r = 1; r <= rounds; ++r) {
        malloc_trim(0);  // as for the green threads: no heap pages kept from before
        t.push_back(thread_round(threads, create_ns));
        const Round& x = t.back();
        if (x.alive == 0) {  // nothing to divide by: say so rather than print NaN
            std::fprintf(stderr, "memory: round %d could not create any OS thread\n", r);
            return 1;
        }
        std::printf("%5d %7ld %13.1f %9.1f %14.1f %9.1f %19.1f %9.1f\n", r, x.alive,
                    x.vm_kib / 1024.0, x.per(x.vm_kib), x.rss_kib / 1024.0,
                    x.per(x.rss_kib), x.kernel_stack_kib / 1024.0,
                    x.per(x.kernel_stack_kib));
    }
    const auto t_rss = bytes_per_unit(t, &Round::rss_kib);
    const auto t_ks = bytes_per_unit(t, &Round::kernel_stack_kib);
    print_over_rounds("resident memory per OS thread", t_rss);
    print_over_rounds("kernel stack per OS thread (whole machine)", t_ks);
    print_rate("thread creation", create_ns);
    // [/rounds]

    // [costs]
    if (!costs_path.empty()) {
        measure::CostFile costs("07-green-threads", "memory");
        const std::string stacks = std::to_string(stack_kib) + " KiB";
        costs.add({"green.spawn", "green-thread spawn (book)",
                   "spawn one green thread: its record and an arena stack of " + stacks +
                       " with its first frame, not yet run; one run = a batch of spawns",
                   "ns", measure::summarize(spawn_ns)});
        costs.add({"green.memory",
                   "resident memory per green thread (book, " + stacks + " stacks)",
                   "VmRSS growth with every green thread alive at once, over their "
                   "number: stack pages touched and the record; one run = a round",
                   "bytes", g_rss});
        costs.add({"thread.memory", "resident memory per OS thread (user space)",
                   "VmRSS growth with every std::thread alive and blocked, over their "
                   "number: touched stack pages and glibc's thread descriptor, no kernel "
                   "memory; one run = a round",
                   "bytes", t_rss});
        costs.add({"thread.kernel_stack", "kernel stack per OS thread",
                   "growth of KernelStack in /proc/meminfo (the whole machine's) with "
                   "every std::thread alive, over their number; one run = a round",
                   "bytes", t_ks});
        costs.compare("thread.memory", "green.memory");
        costs.write(costs_path);
    }
    // [/costs]
    return 0;
}
