// Shows three coroutine tasks interleaved on one thread by a tiny scheduler: concurrency
// with no parallelism, as a timeline.
#include "scheduler.hpp"

#include "cli.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using book::coro::scheduler;
using book::coro::task;
using std::chrono::milliseconds;

scheduler::clock::time_point g_start;
std::thread::id g_first_thread;
bool g_other_thread_seen = false;
bool g_woke_early = false;

struct interval {
    std::string task;
    std::string kind;  // "sleep"
    double begin_ms, end_ms;
};
std::vector<interval> g_sleeps;

double ms_since_start(scheduler::clock::time_point t) {
    return std::chrono::duration<double, std::milli>(t - g_start).count();
}

// The largest number of intervals [begin, end) that contain one same instant.
int most_at_once(const std::vector<std::pair<double, double>>& intervals) {
    std::vector<std::pair<double, int>> edges;
    for (const auto& [begin, end] : intervals) {
        edges.push_back({begin, +1});
        edges.push_back({end, -1});
    }
    std::sort(edges.begin(), edges.end());  // at equal times an end comes before a begin
    int now = 0, most = 0;
    for (const auto& edge : edges) most = std::max(most, now += edge.second);
    return most;
}

// Every line says when, which task, and what; it also checks that every task runs on
// the first thread.
void log(const std::string& who, const std::string& what) {
    if (std::this_thread::get_id() != g_first_thread) g_other_thread_seen = true;
    std::printf("%8.3f ms  %-11s %s\n", ms_since_start(scheduler::clock::now()),
                who.c_str(), what.c_str());
}

// [tasks]
// A nested task that "waits for the network": it suspends its whole chain of callers.
task<int> fetch(std::string who, int request, int ms) {
    const auto asleep = scheduler::clock::now();
    co_await book::coro::sleep_for(milliseconds(ms));
    const auto awake = scheduler::clock::now();
    if (awake - asleep < milliseconds(ms)) g_woke_early = true;
    g_sleeps.push_back({who, "sleep", ms_since_start(asleep), ms_since_start(awake)});
    co_return request * 100;
}

task<> downloader(std::string who, int requests, int ms) {
    for (int i = 1; i <= requests; ++i) {
        log(who, "sends request " + std::to_string(i));
        const int reply = co_await fetch(who, i, ms);
        log(who, "got reply " + std::to_string(reply));
    }
    log(who, "done");
}

// A computation cut into slices; between slices it lets the others run.
task<> checksum(std::string who, int slices, int work_per_slice) {
    std::uint64_t h = 1469598103934665603ULL;
    for (int s = 1; s <= slices; ++s) {
        for (int i = 0; i < work_per_slice; ++i)
            h = (h ^ static_cast<std::uint64_t>(i)) * 1099511628211ULL;
        log(who, "computed slice " + std::to_string(s) + " of " + std::to_string(slices));
        co_await book::coro::yield();
    }
    log(who, "done, hash " + std::to_string(h % 1000));
}
// [/tasks]

}  // namespace

int main(int argc, char** argv) {
    int requests = 3;
    int sleep_ms = 3;
    int slices = 8;
    int work = 700'000;
    std::string csv;
    book::cli::Parser cli("interleave",
                          "Runs three coroutine tasks interleaved on one thread and "
                          "prints the timeline.");
    cli.option("requests", requests, 1, 20, "requests each downloader makes")
        .option("sleep-ms", sleep_ms, 1, 100,
                "how long downloader A's request waits (B's waits 1.5 times as long)")
        .option("slices", slices, 1, 50, "slices of the checksum computation")
        .option("work", work, 1, 10'000'000, "loop iterations per checksum slice")
        .option("csv", csv,
                "write the timeline (running and sleeping intervals) to this CSV file");
    cli.parse(argc, argv);

    // [run]
    scheduler s;
    s.enable_trace();
    s.spawn(downloader("download A", requests, sleep_ms), "download A");
    s.spawn(downloader("download B", requests - (requests > 1 ? 1 : 0), sleep_ms * 3 / 2),
            "download B");
    s.spawn(checksum("checksum", slices, work), "checksum");
    std::printf("== timeline (time since run() started, task, event)\n");
    g_start = scheduler::clock::now();
    g_first_thread = std::this_thread::get_id();
    s.run();
    // [/run]

    std::printf("== summary\n");
    std::printf("tasks finished: 3 of 3\n");
    std::printf("threads used: %d\n", g_other_thread_seen ? 2 : 1);
    std::printf("times a task was resumed: %zu\n", s.trace().size());
    std::printf("every sleep lasted at least as long as asked: %s\n",
                g_woke_early ? "no" : "yes");

    // [overlap]
    // Concurrency and parallelism, counted from the run's own intervals.
    std::vector<std::pair<double, double>> running, asleep;
    std::vector<std::pair<double, double>> in_progress(3, {-1, -1});
    for (const auto& sl : s.trace()) {
        const double b = ms_since_start(sl.begin), e = ms_since_start(sl.end);
        running.push_back({b, e});
        auto& life = in_progress.at(sl.task_id);
        if (life.first < 0) life.first = b;  // first resume: the task starts
        life.second = e;                     // last slice so far: where it ends
    }
    for (const auto& iv : g_sleeps) asleep.push_back({iv.begin_ms, iv.end_ms});
    std::printf("most tasks in progress at once: %d\n", most_at_once(in_progress));
    std::printf("most tasks running at once: %d\n", most_at_once(running));
    std::printf("most tasks asleep at once: %d\n", most_at_once(asleep));
    // [/overlap]

    if (!csv.empty()) {
        std::ofstream out(csv);
        out << "task,kind,begin_ms,end_ms\n";
        for (const auto& sl : s.trace())
            out << s.name(sl.task_id) << ",run," << ms_since_start(sl.begin) << ','
                << ms_since_start(sl.end) << '\n';
        for (const auto& iv : g_sleeps)
            out << iv.task << ',' << iv.kind << ',' << iv.begin_ms << ',' << iv.end_ms
                << '\n';
        if (!out) {
            std::fprintf(stderr, "interleave: could not write %s\n", csv.c_str());
            return 1;
        }
    }
}
