// timeline.cpp: the same CPU-bound tasks on the same threads, interleaved on one CPU
// (concurrency) and then spread over every CPU (parallelism), traced.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "affinity.hpp"
#include "cli.hpp"
#include "measure.hpp"
#include "trace.hpp"
#include "work.hpp"

namespace {

using namespace book::cvp;
using book::measure::Clock;

struct Config {
    int tasks = 4;
    int work_ms = 30;
    int slice_us = 20;
    int reps = 5;
    std::string trace_file = "trace.json";
};

// [task]
// One CPU-bound task: `slices` small slices of work. After each slice it
// records the time and the CPU it is on. It never sleeps, yields or waits:
// any pause in its trace is the scheduler's doing.
std::uint64_t run_task(std::size_t id, std::uint64_t slices,
                       std::uint64_t iterations_per_slice, TraceRecorder& trace) {
    std::uint64_t checksum = 0;
    trace.record(id);
    for (std::uint64_t s = 0; s < slices; ++s) {
        checksum += burn(iterations_per_slice, id * slices + s);
        trace.record(id);
    }
    return checksum;
}
// [/task]

struct Run {
    TraceRecorder trace;
    std::vector<std::uint64_t> checksums;
};

// [run]
// Runs every task on a thread of its own, all confined to `cpus`. The
// starting thread narrows its own affinity mask first; the workers inherit it.
Run run_tasks(const std::vector<int>& cpus, const Config& cfg, std::uint64_t slices,
              std::uint64_t iterations_per_slice) {
    const auto n = static_cast<std::size_t>(cfg.tasks);
    ScopedAffinity confine(cpus);
    Run run{TraceRecorder(n, slices + 1), std::vector<std::uint64_t>(n)};
    std::latch start(cfg.tasks);  // every task is in progress before any of them computes
    {
        std::vector<std::jthread> threads;
        for (std::size_t i = 0; i < n; ++i)
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                run.checksums[i] = run_task(i, slices, iterations_per_slice, run.trace);
            });
    }  // the jthreads join here
    return run;
}
// [/run]

// [report]
// What one run's trace shows: how often each task was interrupted, where it
// ran, and how many tasks were in progress or executing at the same instant.
void report(const char* title, const Run& run, std::int64_t max_gap_ns,
            const std::vector<int>& cpus, std::size_t samples_per_task) {
    const auto stretches = run.trace.stretches(max_gap_ns);
    std::vector<std::pair<std::int64_t, std::int64_t>> executing, in_progress;
    std::printf("== %s: %zu tasks on %zu threads, confined to CPUs %s\n", title,
                run.trace.tasks(), run.trace.tasks(), format_cpus(cpus).c_str());
    std::size_t outside = 0, total_samples = 0, completed = 0;
    for (std::size_t t = 0; t < run.trace.tasks(); ++t) {
        const auto& samples = run.trace.samples(t);
        std::vector<int> used;
        for (const Sample& s : samples) {
            if (std::find(used.begin(), used.end(), s.cpu) == used.end())
                used.push_back(s.cpu);
            if (std::find(cpus.begin(), cpus.end(), s.cpu) == cpus.end()) ++outside;
        }
        total_samples += samples.size();
        if (samples.size() == samples_per_task)
            ++completed;  // one sample per slice, plus the start
        const auto count = std::count_if(stretches.begin(), stretches.end(),
                                         [&](const Stretch& s) { return s.task == t; });
        std::printf(
            "task %zu: %td stretches, CPUs used %zu, started at %.2f ms, finished at "
            "%.2f ms\n",
            t, count, used.size(), samples.front().ns / 1e6, samples.back().ns / 1e6);
        in_progress.emplace_back(samples.front().ns, samples.back().ns);
    }
    for (const Stretch& s : stretches) executing.emplace_back(s.begin_ns, s.end_ns);
    std::printf("tasks completed: %zu of %zu\n", completed, run.trace.tasks());
    std::printf("samples taken: %zu, of which outside CPUs %s: %zu\n", total_samples,
                format_cpus(cpus).c_str(), outside);
    std::printf("most tasks in progress at one instant: %d\n", peak_overlap(in_progress));
    std::printf("most tasks executing at one instant: %d\n", peak_overlap(executing));
}
// [/report]

}  // namespace

int main(int argc, char** argv) {
    Config cfg;
    book::cli::Parser cli("timeline",
                          "Runs CPU-bound tasks on one CPU, then on all CPUs of the "
                          "affinity mask, and traces which task ran where.");
    cli.option("tasks", cfg.tasks, 1, 8,
               "tasks, one thread each (the figure has 8 colours)")
        .option("work-ms", cfg.work_ms, 1, 1000,
                "CPU time each task needs, in milliseconds")
        .option("slice-us", cfg.slice_us, 5, 1000,
                "work between two samples, in microseconds")
        .option("reps", cfg.reps, 1, 50,
                "measured repetitions of each run, after one warm-up")
        .option("trace", cfg.trace_file, "Chrome trace-event JSON file to write");
    cli.parse(argc, argv);

    // [setup]
    const std::vector<int> all = allowed_cpus();
    const std::vector<int> one = {all.front()};
    std::printf("== CPUs\n");
    std::printf("std::thread::hardware_concurrency(): %u\n",
                std::thread::hardware_concurrency());
    std::printf("CPUs in this process's affinity mask: %zu %s\n", all.size(),
                format_cpus(all).c_str());
    std::printf("one-CPU run confined to: CPU %d\n", one.front());
    if (all.size() == 1)
        std::printf(
            "note: only one CPU is available, so both runs are confined to it and "
            "neither "
            "can be parallel\n");

    const double rate = iterations_per_us();
    const auto iterations_per_slice = static_cast<std::uint64_t>(rate * cfg.slice_us) + 1;
    const auto slices = static_cast<std::uint64_t>(cfg.work_ms) * 1000 /
                        static_cast<std::uint64_t>(cfg.slice_us);
    // A gap of more than five slices between two samples means the task was off the CPU.
    const std::int64_t max_gap_ns = std::int64_t{5} * cfg.slice_us * 1000;
    // [/setup]

    // [measure]
    // The two runs alternate (one warm-up each, then cfg.reps rounds); the
    // last round's traces are the ones reported and drawn.
    Run last_one{TraceRecorder(1, 0), {}}, last_all{TraceRecorder(1, 0), {}};
    auto timed = [&](const std::vector<int>& cpus, Run& keep) {
        const auto start = Clock::now();
        Run run = run_tasks(cpus, cfg, slices, iterations_per_slice);
        const double ms = book::measure::seconds_since(start) * 1e3;
        keep = std::move(run);
        return ms;
    };
    const auto results =
        book::measure::interleaved({{"one CPU", [&] { return timed(one, last_one); }},
                                    {"all CPUs", [&] { return timed(all, last_all); }}},
                                   1, cfg.reps);
    // [/measure]

    report("one CPU", last_one, max_gap_ns, one, slices + 1);
    report("all CPUs", last_all, max_gap_ns, all, slices + 1);
    std::printf("checksums of the two runs agree: %s\n",
                last_one.checksums == last_all.checksums ? "yes" : "NO");

    std::printf(
        "== wall time of a run, thread creation to join (ms; median, min..max of %d)\n",
        cfg.reps);
    std::printf("one CPU: %.1f ms (%.1f..%.1f)\n", results[0].median, results[0].min,
                results[0].max);
    std::printf("all CPUs: %.1f ms (%.1f..%.1f)\n", results[1].median, results[1].min,
                results[1].max);
    std::printf("one CPU / all CPUs: %.2f\n", results[0].median / results[1].median);

    // [write-trace]
    std::ofstream out(cfg.trace_file);
    write_chrome_trace(out, {{"one CPU " + format_cpus(one), last_one.trace.tasks(),
                              last_one.trace.stretches(max_gap_ns)},
                             {"all CPUs " + format_cpus(all), last_all.trace.tasks(),
                              last_all.trace.stretches(max_gap_ns)}});
    // [/write-trace]
    out.close();
    if (!out) {
        std::fprintf(stderr, "timeline: could not write %s\n", cfg.trace_file.c_str());
        return 1;
    }
    std::printf("trace written: %s (%zu tracks per run)\n", cfg.trace_file.c_str(),
                last_one.trace.tasks());
    return last_one.checksums == last_all.checksums ? 0 : 1;
}
