// C++ against Rust on the same four workloads, measured in one run: the driver starts the
// C++ and the Rust workload programs alternately, round by round, and compares medians.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli.hpp"
#include "costs.hpp"
#include "measure.hpp"
#include "sanitizers.hpp"

extern char** environ;

namespace {

// [contenders]
// One contender: a program, the workload it runs, and the pair it is compared in.
struct Contender {
    std::string key;                // cost-file key
    std::string group;              // the workload both languages run
    std::string label;              // shown in tables
    bool rust;                      // which program runs it
    std::string workload;           // its --workload argument
    long long n;                    // its --n argument
    std::string placement = "any";  // the counters' --placement (where threads run)
};

std::vector<Contender> contenders(long long counter_n, long long channel_n,
                                  long long sum_n) {
    return {
        // The counters twice: one CPU per thread (the line bounces between caches), and
        // every thread on one CPU (they take turns). Unpinned, the kernel chooses one or
        // the other from run to run, and the times fall into two groups.
        {"cpp.mutex_counter", "mutex counter", "C++ std::mutex", false, "mutex",
         counter_n, "spread"},
        {"rust.mutex_counter", "mutex counter", "Rust std::sync::Mutex", true, "mutex",
         counter_n, "spread"},
        {"cpp.atomic_counter", "atomic counter", "C++ std::atomic", false, "atomic",
         counter_n, "spread"},
        {"rust.atomic_counter", "atomic counter", "Rust AtomicU64", true, "atomic",
         counter_n, "spread"},
        {"cpp.mutex_counter.one_cpu", "mutex on one CPU", "C++ std::mutex", false,
         "mutex", counter_n, "one"},
        {"rust.mutex_counter.one_cpu", "mutex on one CPU", "Rust std::sync::Mutex", true,
         "mutex", counter_n, "one"},
        {"cpp.atomic_counter.one_cpu", "atomic on one CPU", "C++ std::atomic", false,
         "atomic", counter_n, "one"},
        {"rust.atomic_counter.one_cpu", "atomic on one CPU", "Rust AtomicU64", true,
         "atomic", counter_n, "one"},
        {"cpp.channel.bounded_queue", "bounded channel", "C++ book BoundedQueue", false,
         "queue", channel_n},
        {"rust.channel.sync_channel", "bounded channel", "Rust mpsc::sync_channel", true,
         "sync_channel", channel_n},
        {"rust.channel.crossbeam", "bounded channel", "Rust crossbeam bounded", true,
         "crossbeam", channel_n},
        {"cpp.sum.jthread", "parallel sum", "C++ jthread chunks", false, "jthread_sum",
         sum_n},
        {"cpp.sum.tbb", "parallel sum", "C++ TBB parallel_reduce", false, "tbb_sum",
         sum_n},
        {"rust.sum.scope", "parallel sum", "Rust thread::scope chunks", true, "scope_sum",
         sum_n},
        {"rust.sum.rayon", "parallel sum", "Rust Rayon par_iter", true, "rayon_sum",
         sum_n},
    };
}

// The pairs of the ratio table: C++ key over Rust key.
const std::vector<std::pair<std::string, std::string>> kPairs = {
    {"cpp.mutex_counter", "rust.mutex_counter"},
    {"cpp.atomic_counter", "rust.atomic_counter"},
    {"cpp.mutex_counter.one_cpu", "rust.mutex_counter.one_cpu"},
    {"cpp.atomic_counter.one_cpu", "rust.atomic_counter.one_cpu"},
    {"cpp.channel.bounded_queue", "rust.channel.sync_channel"},
    {"cpp.channel.bounded_queue", "rust.channel.crossbeam"},
    {"cpp.sum.jthread", "rust.sum.scope"},
    {"cpp.sum.tbb", "rust.sum.rayon"},
};
// [/contenders]

// [spawn]
// Runs argv as a child process and returns what it printed; throws unless it exits 0.
std::string run_child(const std::vector<std::string>& argv) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int err = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (err != 0) {
        close(fds[0]);
        throw std::runtime_error("cannot start " + argv[0]);
    }
    std::string out;
    char buf[4096];
    for (ssize_t got; (got = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, got);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(argv[0] + " --workload " + argv[2] + " failed");
    return out;
}
// [/spawn]

// What one sample of contender `c` covers, for the cost file.
std::string includes(const Contender& c, int threads) {
    const std::string n = std::to_string(c.n), t = std::to_string(threads);
    const std::string where =
        c.placement == "one" ? ", all pinned to one CPU" : ", each pinned to its own CPU";
    if (c.workload == "mutex")
        return t + " threads x " + n + " increments under one mutex" + where +
               ", started and joined";
    if (c.workload == "atomic")
        return t + " threads x " + n + " relaxed fetch_add" + where +
               ", started and joined";
    if (c.group == "bounded channel")
        return n +
               " items, 1 producer to 1 consumer, 64 slots, producer started and joined";
    return "sum of " + n + " u64 in parallel, the work started and finished";
}

// The value of `key=` in a workload program's line.
std::string field(const std::string& line, const std::string& key) {
    const auto at = line.find(" " + key + "=");
    if (at == std::string::npos) throw std::runtime_error("no " + key + " in: " + line);
    const auto from = at + key.size() + 2;
    return line.substr(from, line.find_first_of(" \n", from) - from);
}

}  // namespace

int compare(int argc, char** argv) {
    std::string cpp, rust, csv, costs_path;
    int reps = 7, warmup = 1, threads = 2;
    long long counter_n = 500'000, channel_n = 100'000, sum_n = 4'000'000;
    book::cli::Parser cli("compare",
                          "C++ and Rust workloads, interleaved round by round.");
    cli.option("cpp", cpp,
               "the C++ workloads program (relative: to this program's folder)")
        .option("rust", rust, "the Rust workloads program (omit: C++ only; same rule)")
        .option("reps", reps, 1, 1000, "measured rounds")
        .option("warmup", warmup, 0, 100, "unrecorded rounds first")
        .option("threads", threads, 1, 64, "threads of the counters and chunked sums")
        .option("counter-n", counter_n, 1LL, 100'000'000LL, "increments per thread")
        .option("channel-n", channel_n, 1LL, 100'000'000LL, "items through the channel")
        .option("sum-n", sum_n, 1LL, 100'000'000LL, "elements summed")
        .option("csv", csv, "write the samples' summary here")
        .option("costs", costs_path, "write the cost file here");
    cli.parse(argc, argv);
    if (cpp.empty()) {
        std::fprintf(stderr, "compare: --cpp is required\n%s", cli.usage().c_str());
        return 2;
    }
    // Relative paths name programs beside this one, wherever it is run from.
    const auto here = std::filesystem::read_symlink("/proc/self/exe").parent_path();
    for (std::string* path : {&cpp, &rust})
        if (!path->empty() && std::filesystem::path(*path).is_relative())
            *path = (here / *path).string();

    std::vector<Contender> all;
    for (auto& c : contenders(counter_n, channel_n, sum_n)) {
        if (c.rust && rust.empty()) continue;
        if (c.workload == "tbb_sum" &&
            book::sanitizers::exempt("thread", "oneTBB",
                                     "inlined TBB templates give false reports with g++"))
            continue;
        all.push_back(c);
    }
    // [rounds]
    // Round r runs every contender once, each in a fresh process, so that a slow period
    // of the machine spreads over all of them instead of one.
    std::map<std::string, std::vector<double>> samples;
    std::map<std::string, std::string> results;  // workload group -> result it must give
    for (int round = 0; round < warmup + reps; ++round) {
        for (const auto& c : all) {
            const std::string line =
                run_child({c.rust ? rust : cpp, "--workload", c.workload, "--threads",
                           std::to_string(threads), "--n", std::to_string(c.n),
                           "--placement", c.placement});
            const std::string result = field(" " + line, "result");
            auto [it, fresh] = results.emplace(c.group, result);
            if (!fresh && it->second != result)
                throw std::runtime_error(c.label + " computed " + result + ", not " +
                                         it->second);
            if (round >= warmup) samples[c.key].push_back(std::stod(field(line, "ns")));
        }
    }
    // [/rounds]

    book::measure::CostFile costs("10-rust-or-cpp", "compare");
    std::printf(
        "%d rounds after %d warm-up, %d threads; one sample = one run of the "
        "workload in its program (threads started and joined)\n"
        "counters: each thread pinned to its own CPU of the mask, then all pinned to "
        "one CPU\n",
        reps, warmup, threads);
    std::printf("%-17s %-27s %10s %10s %10s  %s\n", "workload", "contender", "median",
                "min", "max", "result");
    std::ofstream out;
    if (!csv.empty()) {
        out.open(csv);
        out << "group,key,label,language,median_ms,min_ms,max_ms,runs\n";
    }
    for (const auto& c : all) {
        const auto s = book::measure::summarize(samples[c.key]);
        std::printf("%-17s %-27s %10s %10s %10s  %s\n", c.group.c_str(), c.label.c_str(),
                    book::measure::format_ns(s.median).c_str(),
                    book::measure::format_ns(s.min).c_str(),
                    book::measure::format_ns(s.max).c_str(), results[c.group].c_str());
        const book::measure::Summary ms{s.median / 1e6, s.min / 1e6, s.max / 1e6, s.n};
        if (out)
            out << c.group << ',' << c.key << ',' << c.label << ','
                << (c.rust ? "Rust" : "C++") << ',' << ms.median << ',' << ms.min << ','
                << ms.max << ',' << ms.n << '\n';
        costs.add({c.key, c.label, includes(c, threads), "ms", ms});
    }
    if (!rust.empty()) {
        std::printf("\nratio C++ / Rust (median over median; below 1: C++ faster)\n");
        for (const auto& [a, b] : kPairs) {
            if (!samples.count(a) || !samples.count(b)) continue;
            const double ra = book::measure::summarize(samples[a]).median;
            const double rb = book::measure::summarize(samples[b]).median;
            std::printf("  %-27s / %-27s %6.2f\n", a.c_str(), b.c_str(), ra / rb);
            if (a == "cpp.channel.bounded_queue" && b == "rust.channel.crossbeam")
                continue;
            costs.compare(a, b);
        }
    }
    if (!costs_path.empty()) costs.write(costs_path);
    return 0;
}

int main(int argc, char** argv) {
    try {
        return compare(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "compare: %s\n", e.what());
        return 1;
    }
}
