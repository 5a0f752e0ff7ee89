// scaling.cpp: measured speedup for 1..N threads against Amdahl's law (fixed problem) and
// Gustafson's law (problem grown with the threads).
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "affinity.hpp"
#include "cli.hpp"
#include "costs.hpp"
#include "measure.hpp"
#include "speedup.hpp"
#include "work.hpp"

namespace {

using namespace book::cvp;

struct Config {
    int serial_ms = 12;
    int parallel_ms = 96;
    int scaled_ms = 24;
    int chunks = 480;
    int reps = 5;
    int max_threads = 0;
    std::string csv = "speedup.csv";
    std::string costs;  // cost file (book-costs/1), empty: none
};

double process_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// [problem]
// A problem with a serial part and a parallel part. The serial part (think:
// reading the input, or combining results) runs on the calling thread; the
// parallel part is `chunks` equal pieces of work shared out among `threads`
// threads. Both parts are timed here, in the same run, and so is the CPU
// time the whole process used meanwhile (all its threads together).
struct Timing {
    double total_ms = 0;
    double serial_ms = 0;
    double cpu_ms = 0;
    std::uint64_t checksum = 0;
};

Timing run_problem(int threads, std::uint64_t serial_iterations, std::size_t chunks,
                   std::uint64_t chunk_iterations) {
    Timing t;
    const double cpu_start = process_cpu_ms();
    const auto start = book::measure::Clock::now();
    t.checksum = burn(serial_iterations, 7);  // the serial part
    t.serial_ms = book::measure::seconds_since(start) * 1e3;

    std::vector<std::uint64_t> partial(static_cast<std::size_t>(threads));
    {
        std::vector<std::jthread> workers;
        for (std::size_t i = 0; i < partial.size(); ++i)
            workers.emplace_back([&, i] {
                const auto [first, last] = split_range(chunks, partial.size(), i);
                std::uint64_t sum = 0;
                for (std::size_t c = first; c < last; ++c)
                    sum += burn(chunk_iterations, c);
                partial[i] = sum;
            });
    }  // joined
    for (std::uint64_t p : partial)
        t.checksum += p;  // the same total for any number of threads
    t.total_ms = book::measure::seconds_since(start) * 1e3;
    t.cpu_ms = process_cpu_ms() - cpu_start;
    return t;
}
// [/problem]

// Every sample of one contender, with its side measurements.
struct Series {
    std::vector<double> serial_ms;
    // CPU time / wall time: how many CPUs the run kept busy on average
    std::vector<double> cpus_busy;
    std::uint64_t checksum = 0;
};

// One line of a results table: n threads against the one-thread time t1.
struct Row {
    int threads = 0;
    double t1 = 0;               // median time of the same problem on one thread (ms)
    book::measure::Summary tn;   // time on `threads` threads (ms)
    double serial_fraction = 0;  // measured
    double predicted = 0;        // by the law
    double cpus_busy = 0;        // median CPU time / wall time of the n-thread runs
    double speedup() const { return book::cvp::speedup(t1, tn.median); }
    double speedup_low() const { return book::cvp::speedup(t1, tn.max); }
    double speedup_high() const { return book::cvp::speedup(t1, tn.min); }
};

void print_table(const std::vector<Row>& rows, const char* law) {
    std::printf(
        "  n   t(1) ms   t(n) ms (min..max)        busy  serial  speedup (min..max)  "
        "%s\n",
        law);
    for (const Row& r : rows)
        std::printf(
            "%3d  %8.1f  %8.1f (%6.1f..%6.1f)  %5.2f  %6.3f  %7.2f (%4.2f..%4.2f)  "
            "%6.2f\n",
            r.threads, r.t1, r.tn.median, r.tn.min, r.tn.max, r.cpus_busy,
            r.serial_fraction, r.speedup(), r.speedup_low(), r.speedup_high(),
            r.predicted);
}

// [machine]
// What a "CPU" of the affinity mask is: a hardware thread, which may share its core
// with SMT siblings (Linux's /sys/devices/system/cpu/cpuN/topology).
std::string first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line.empty() ? "unknown" : line;
}

// The machine's CPU time so far, in clock ticks: all of it, and the part stolen by
// the hypervisor for other guests (the "steal" field of the cpu line of /proc/stat).
struct CpuTicks {
    unsigned long long total = 0, steal = 0;
};

CpuTicks machine_ticks() {
    std::ifstream stat("/proc/stat");
    std::string cpu;
    unsigned long long field[8] = {};
    stat >> cpu;
    for (auto& f : field) stat >> f;  // user nice system idle iowait irq softirq steal
    CpuTicks t;
    for (auto f : field) t.total += f;
    t.steal = field[7];
    return t;
}
// [/machine]

}  // namespace

int main(int argc, char** argv) {
    Config cfg;
    book::cli::Parser cli(
        "scaling",
        "Measures speedup for 1..N threads and compares it with Amdahl's "
        "and Gustafson's laws.");
    cli.option("serial-ms", cfg.serial_ms, 1, 10000,
               "serial part, in milliseconds of computation")
        .option("parallel-ms", cfg.parallel_ms, 1, 100000,
                "parallel part of the fixed problem, in milliseconds on one thread")
        .option("scaled-ms", cfg.scaled_ms, 1, 10000,
                "parallel work per thread of the scaled problem, in milliseconds")
        .option("chunks", cfg.chunks, 1, 100000,
                "pieces the fixed problem's parallel part is cut into")
        .option("reps", cfg.reps, 1, 50, "measured repetitions, after one warm-up")
        .option("max-threads", cfg.max_threads, 0, 1024,
                "largest thread count (0: twice the CPUs in the affinity mask)")
        .option("csv", cfg.csv, "CSV file for the figures")
        .option("costs", cfg.costs, "cost file to write (book-costs/1)");
    cli.parse(argc, argv);

    // [setup]
    const std::vector<int> cpus = allowed_cpus();
    const int p = static_cast<int>(cpus.size());
    const std::vector<int> counts =
        thread_counts(p, cfg.max_threads > 0 ? cfg.max_threads : 2 * p);
    const double rate = iterations_per_us();
    const auto iterations = [&](double ms) {
        return static_cast<std::uint64_t>(rate * ms * 1000);
    };
    const auto fixed_chunks = static_cast<std::size_t>(cfg.chunks);
    const std::uint64_t fixed_chunk_iterations =
        iterations(cfg.parallel_ms) / fixed_chunks;
    const std::size_t scaled_chunks_per_thread = 16;
    const std::uint64_t scaled_chunk_iterations =
        iterations(cfg.scaled_ms) / scaled_chunks_per_thread;
    std::printf("== CPUs\n");
    std::printf("std::thread::hardware_concurrency(): %u\n",
                std::thread::hardware_concurrency());
    std::printf("CPUs in this process's affinity mask: %d %s\n", p,
                format_cpus(cpus).c_str());
    for (int cpu : cpus) {
        const std::string topo =
            "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
        std::printf("CPU %d: core %s of package %s; hardware threads of its core: %s\n",
                    cpu, first_line(topo + "core_id").c_str(),
                    first_line(topo + "physical_package_id").c_str(),
                    first_line(topo + "thread_siblings_list").c_str());
    }
    std::printf("thread counts measured:");
    for (int n : counts) std::printf(" %d", n);
    std::printf("\n");
    // [/setup]

    // [contenders]
    // Fixed problem: the same work for every thread count. Scaled problem: n
    // threads get n times the parallel work, and the same scaled problem is
    // also run on one thread to see how long it would take without parallelism.
    std::vector<Series> fixed(counts.size()), scaled(counts.size()),
        scaled_on_one(counts.size());
    std::vector<book::measure::Contender> contenders;
    const auto record = [](Series& s, const Timing& t) {
        s.serial_ms.push_back(t.serial_ms);
        s.cpus_busy.push_back(t.cpu_ms / t.total_ms);
        s.checksum = t.checksum;
        return t.total_ms;
    };
    const std::uint64_t serial = iterations(cfg.serial_ms);
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const int n = counts[i];
        const std::size_t grown = scaled_chunks_per_thread * static_cast<std::size_t>(n);
        contenders.push_back({"fixed", [&, i, n] {
                                  return record(fixed[i],
                                                run_problem(n, serial, fixed_chunks,
                                                            fixed_chunk_iterations));
                              }});
        contenders.push_back(
            {"scaled", [&, i, n, grown] {
                 return record(scaled[i],
                               run_problem(n, serial, grown, scaled_chunk_iterations));
             }});
        contenders.push_back(
            {"scaled on 1", [&, i, grown] {
                 return record(scaled_on_one[i],
                               run_problem(1, serial, grown, scaled_chunk_iterations));
             }});
    }
    const int warmup = 1;
    const CpuTicks before = machine_ticks();
    const auto results = book::measure::interleaved(contenders, warmup, cfg.reps);
    const CpuTicks after = machine_ticks();
    // [/contenders]
    // record() saw the warm-up runs too; keep only the measured rounds, as `results`
    // does.
    for (auto* series : {&fixed, &scaled, &scaled_on_one})
        for (Series& s : *series) {
            s.serial_ms.erase(s.serial_ms.begin(), s.serial_ms.begin() + warmup);
            s.cpus_busy.erase(s.cpus_busy.begin(), s.cpus_busy.begin() + warmup);
        }

    const auto median = [](const std::vector<double>& v) {
        return book::measure::summarize(v).median;
    };

    // [amdahl]
    // Amdahl: f is the serial part's share of the one-thread run, measured in
    // that run, never fitted to the curve. Threads beyond the CPUs add no
    // processor, so the prediction uses min(n, CPUs) processors.
    const double t1 = results[0].median;
    const double f = serial_fraction(median(fixed[0].serial_ms), t1);
    std::vector<Row> amdahl;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const auto& tn = results[3 * i];
        amdahl.push_back({counts[i], t1, tn, f, amdahl_speedup(f, std::min(counts[i], p)),
                          median(fixed[i].cpus_busy)});
    }
    // [/amdahl]

    // [gustafson]
    // Gustafson: s is the serial part's share of the n-thread run of the
    // scaled problem, measured in that run; the scaled speedup is the time of
    // the same scaled problem on one thread over its time on n threads.
    std::vector<Row> gustafson;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const auto& tn = results[3 * i + 1];
        const double one_thread = results[3 * i + 2].median;
        const double s =
            serial_fraction(std::min(median(scaled[i].serial_ms), tn.median), tn.median);
        gustafson.push_back({counts[i], one_thread, tn, s,
                             gustafson_speedup(s, std::min(counts[i], p)),
                             median(scaled[i].cpus_busy)});
    }
    // [/gustafson]

    std::printf(
        "== fixed problem (Amdahl): serial part %d ms + parallel part %d ms of CPU "
        "time\n",
        cfg.serial_ms, cfg.parallel_ms);
    std::printf(
        "serial fraction f, measured on one thread: %.3f; Amdahl's limit 1/f: %.2f\n", f,
        1 / f);
    std::printf(
        "n threads; t(1) the same problem on one thread; busy = CPU time / wall time;\n"
        "speedup = t(1) / t(n); Amdahl's prediction with min(n, %d) processors\n",
        p);
    print_table(amdahl, "Amdahl");
    std::printf(
        "== scaled problem (Gustafson): serial part %d ms + %d ms of CPU time per "
        "thread\n",
        cfg.serial_ms, cfg.scaled_ms);
    std::printf(
        "t(1) the same scaled problem on one thread; serial fraction s measured on n "
        "threads;\n"
        "Gustafson's prediction with min(n, %d) processors\n",
        p);
    print_table(gustafson, "Gustafson");

    bool agree = true;
    for (std::size_t i = 0; i < counts.size(); ++i)
        agree = agree && fixed[i].checksum == fixed[0].checksum &&
                scaled[i].checksum == scaled_on_one[i].checksum;
    std::printf("== the machine during the measurements\n");
    const auto total = after.total - before.total, steal = after.steal - before.steal;
    std::printf("CPU time stolen by the hypervisor: %.1f%% of the machine's CPU time\n",
                total > 0
                    ? 100.0 * static_cast<double>(steal) / static_cast<double>(total)
                    : 0.0);
    std::printf("== checks\n");
    std::printf(
        "every run's checksum equals the one-thread run of the same problem: %s\n",
        agree ? "yes" : "NO");

    if (!cfg.costs.empty()) {  // the fixed problem's times, each against one thread's
        book::measure::CostFile costs("03-concurrency-vs-parallelism", "scaling");
        const auto key = [](int n) {
            return "scaling.fixed.threads_" + std::to_string(n);
        };
        for (const Row& r : amdahl)
            costs.add(
                {key(r.threads),
                 "fixed problem, " + std::to_string(r.threads) + " thread(s)",
                 "the whole fixed-size problem: its serial part, then the parallel part "
                 "split over the threads, thread start and join included",
                 "ms", r.tn});
        for (const Row& r : amdahl)
            if (r.threads != amdahl[0].threads)
                costs.compare(key(r.threads), key(amdahl[0].threads));
        costs.write(cfg.costs);
    }

    std::ofstream csv(cfg.csv);
    csv << "experiment,threads,cpus,median_ms,min_ms,max_ms,speedup,speedup_low,speedup_"
           "high,"
           "serial_fraction,predicted,cpus_busy\n";
    for (const auto& [name, rows] :
         {std::pair{"fixed", &amdahl}, std::pair{"scaled", &gustafson}})
        for (const Row& r : *rows)
            csv << name << ',' << r.threads << ',' << p << ',' << r.tn.median << ','
                << r.tn.min << ',' << r.tn.max << ',' << r.speedup() << ','
                << r.speedup_low() << ',' << r.speedup_high() << ',' << r.serial_fraction
                << ',' << r.predicted << ',' << r.cpus_busy << '\n';
    csv.close();
    if (!csv) {
        std::fprintf(stderr, "scaling: could not write %s\n", cfg.csv.c_str());
        return 1;
    }
    return agree ? 0 : 1;
}
