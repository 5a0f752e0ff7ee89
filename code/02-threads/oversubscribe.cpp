// Shows what the scheduler does when busy threads outnumber the CPUs a process may use:
// it slices time, seen in each thread's CPU time against its wall time and in its
// involuntary context switches.
#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cpu_affinity.hpp"
#include "worker_count.hpp"
#include "cli.hpp"
#include "measure.hpp"
#include "thread_usage.hpp"

namespace {

using book::measure::Clock;
using book::threads::ThreadUsage;

std::string cpu_list(const std::vector<int>& cpus) {
    std::string s;
    for (std::size_t i = 0; i < cpus.size(); ++i)
        s += (i ? "," : "") + std::to_string(cpus[i]);
    return s;
}

// [cpus]
void show_cpus() {
    std::printf("== CPUs\n");
    const auto allowed = book::threads::allowed_cpus();
    std::printf("std::thread::hardware_concurrency(): %u\n",
                std::thread::hardware_concurrency());
    std::printf("sched_getaffinity: %zu CPU(s) allowed: %s\n", allowed.size(),
                cpu_list(allowed).c_str());
    {
        book::threads::AffinityGuard one(
            {allowed.front()});  // what taskset -c or a container would do
        std::printf(
            "inside AffinityGuard({%d}): sched_getaffinity: %u CPU(s) allowed; "
            "hardware_concurrency(): %u\n",
            allowed.front(), book::threads::allowed_cpu_count(),
            std::thread::hardware_concurrency());
    }
    std::printf("after the guard: sched_getaffinity: %u CPU(s) allowed\n",
                book::threads::allowed_cpu_count());
}
// [/cpus]

// [worker-count]
void show_worker_count() {
    const auto quota = book::threads::this_process_cpu_quota();
    if (quota)
        std::printf("cgroup CPU quota: %.2f CPUs (%s)\n", quota->cpus,
                    quota->file.c_str());
    else
        std::printf("cgroup CPU quota: none\n");
    std::printf(
        "this_process_worker_count(): %u (the affinity count, capped by the quota)\n",
        book::threads::this_process_worker_count());
}
// [/worker-count]

// What else competes for the CPUs: the load average, and whether Linux groups processes
// by session (autogroup) and divides CPU time fairly between the groups before dividing
// it between threads.
void show_competition() {
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) == 3)
        std::printf(
            "load average at start: %.2f %.2f %.2f (threads running, waiting for a CPU "
            "or in uninterruptible sleep; 1, 5, 15 min averages)\n",
            load[0], load[1], load[2]);
    std::ifstream flag("/proc/sys/kernel/sched_autogroup_enabled");
    int autogroup = -1;
    if (flag >> autogroup)
        std::printf("autogroup scheduling: %s\n",
                    autogroup ? "on (each session shares CPU time fairly with the others "
                                "as one group, unless a CPU cgroup groups it instead)"
                              : "off");
    else
        std::printf("autogroup scheduling: unknown\n");
}

// [batch]
struct ThreadResult {
    double wall_s =
        0;  // from the moment the thread starts its work to the moment it is done
    ThreadUsage used;  // CPU time and context switches over the same stretch
};

// Starts `threads` threads that each need `work` of CPU time, all released at once;
// returns when all are joined.
std::vector<ThreadResult> run_batch(unsigned threads, std::chrono::nanoseconds work) {
    std::vector<ThreadResult> results(threads);
    std::latch start(
        threads);  // nobody starts until every thread exists, so they all compete
    {
        std::vector<std::jthread> pool;
        for (unsigned i = 0; i < threads; ++i)
            pool.emplace_back([&, i] {
                start.arrive_and_wait();
                const auto t0 = Clock::now();
                const auto u0 = ThreadUsage::now();
                book::threads::spin_for_cpu_time(work);
                const auto used = ThreadUsage::now() -
                                  u0;  // the CPU-time window lies inside the wall window
                results[i] = {book::measure::seconds_since(t0), used};
            });
    }  // every jthread joins here
    return results;
}
// [/batch]

// "median (min..max)" with one printf format for all three numbers.
std::string cell(const char* format, const book::measure::Summary& s) {
    const std::string f = std::string(format) + " (" + format + ".." + format +
                          ")";  // not "-": it would read as a sign
    char buf[96];
    std::snprintf(buf, sizeof buf, f.c_str(), s.median, s.min, s.max);
    return buf;
}

struct Config {
    std::vector<int> cpus;  // the CPUs the batch may use
    unsigned threads;
    std::vector<double> wall_ms, used, share,
        preempted;  // per batch: wall, CPUs used; per thread: share, preempted
};

}  // namespace

int main(int argc, char** argv) {
    int work_ms = 30, reps = 5, warmup = 1, max_factor = 4;
    std::string csv;
    book::cli::Parser cli("oversubscribe",
                          "Runs 1 to F x CPUs busy threads, on all allowed CPUs and on "
                          "one, and reports how much of "
                          "the wall time each thread spent on a CPU.");
    cli.option("work-ms", work_ms, 1, 1000,
               "CPU time each thread must consume, in milliseconds")
        .option("reps", reps, 1, 50,
                "measured rounds; each round runs every configuration once")
        .option("warmup", warmup, 0, 10, "unrecorded rounds first")
        .option("max-factor", max_factor, 1, 8,
                "largest number of threads per allowed CPU (powers of 2 up to it)")
        .option("csv", csv, "write one summary row per configuration to this file");
    cli.parse(argc, argv);

    try {
        show_cpus();
        show_worker_count();
        const auto all = book::threads::allowed_cpus();
        const unsigned n = static_cast<unsigned>(all.size());
        // [configs]
        std::vector<Config> configs;
        auto add = [&](const std::vector<int>& cpus, unsigned threads) {
            for (const auto& c : configs)
                if (c.cpus == cpus && c.threads == threads) return;
            configs.push_back({cpus, std::min(threads, 1024u), {}, {}, {}, {}});
        };
        add(all, 1);
        for (int f = 1; f <= max_factor; f *= 2)
            add(all, f * n);  // 1 per CPU, 2 per CPU, ...
        for (int f = 1; f <= max_factor; f *= 2)
            add({all.front()}, f);  // the same on one CPU
        // [/configs]

        // [rounds]
        const auto work = std::chrono::milliseconds(work_ms);
        for (int round = 0; round < warmup + reps; ++round)
            for (auto& c : configs) {  // interleaved: every configuration once per round
                book::threads::AffinityGuard confine(
                    c.cpus);  // threads created below inherit the mask
                const auto t0 = Clock::now();
                const auto results = run_batch(c.threads, work);
                const double wall_ms = book::measure::seconds_since(t0) * 1e3;
                if (round < warmup) continue;
                c.wall_ms.push_back(wall_ms);
                double cpu_ms = 0;  // CPU time of the whole batch
                for (const auto& r : results) {
                    const double cpu_s =
                        std::chrono::duration<double>(r.used.cpu).count();
                    cpu_ms += cpu_s * 1e3;
                    c.share.push_back(cpu_s / r.wall_s);
                    c.preempted.push_back(
                        static_cast<double>(r.used.involuntary_switches));
                }
                c.used.push_back(cpu_ms /
                                 wall_ms);  // how many CPUs' worth of time the batch got
            }
        // [/rounds]

        std::printf(
            "== busy threads, each needing %d ms of CPU time; %d rounds after %d "
            "warm-up\n",
            work_ms, reps, warmup);
        show_competition();
        std::printf(
            "share = a thread's CPU time / its wall time; used = the batch's CPU time / "
            "its wall time (CPUs' worth)\n");
        std::printf(
            "fair = min(1, CPUs / threads); preempted = involuntary context switches of "
            "a thread\n");
        // Numbers whose width varies go last and unpadded, so that runs differ only in
        // their numbers.
        std::printf(
            "CPUs threads fair | share: med (min..max) | used: med (min..max) | "
            "preempted: med (min..max) | wall ms: med (min..max)\n");
        std::ofstream out;
        if (!csv.empty()) {
            out.open(csv);
            out << "cpus,threads,fair,wall_ms_median,wall_ms_min,wall_ms_max,share_"
                   "median,share_min,share_max,"
                   "used_median,used_min,used_max,preempted_median,preempted_min,"
                   "preempted_max\n";
        }
        for (auto& c : configs) {
            const auto w = book::measure::summarize(c.wall_ms);
            const auto u = book::measure::summarize(c.used);
            const auto s = book::measure::summarize(c.share);
            const auto p = book::measure::summarize(c.preempted);
            const double fair =
                std::min(1.0, static_cast<double>(c.cpus.size()) / c.threads);
            std::printf("%4zu %7u %4.2f | %-21s | %-20s | %s | %s\n", c.cpus.size(),
                        c.threads, fair, cell("%.2f", s).c_str(), cell("%.2f", u).c_str(),
                        cell("%.0f", p).c_str(), cell("%.1f", w).c_str());
            if (out.is_open())
                out << c.cpus.size() << ',' << c.threads << ',' << fair << ',' << w.median
                    << ',' << w.min << ',' << w.max << ',' << s.median << ',' << s.min
                    << ',' << s.max << ',' << u.median << ',' << u.min << ',' << u.max
                    << ',' << p.median << ',' << p.min << ',' << p.max << '\n';
        }
        if (out.is_open() && !out) throw std::runtime_error("cannot write " + csv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "oversubscribe: %s\n", e.what());
        return 1;
    }
}
