// versus.cpp: the book's runtime against Go's on the same six workloads, interleaved in
// one run: each repetition starts both programs alternately, in a shuffled order.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "costs.hpp"
#include "measure.hpp"

namespace {

struct Workload {
    std::string name;  // gobench's --workload
    long n;            // its --n
    std::string key;   // the cost key's middle part
    std::string label;
    std::string includes;
    std::string unit;
};

// Runs one gobench process and returns the value of its "result" line.
double run_once(const std::string& exe, const Workload& w, std::string& line) {
    const std::string cmd = exe + " --workload " + w.name + " --n " + std::to_string(w.n);
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("cannot start " + cmd);
    char buf[512];
    std::string out;
    while (fgets(buf, sizeof buf, p)) out += buf;
    const int status = pclose(p);
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);) {
        if (l.rfind("result ", 0) != 0) continue;
        std::istringstream f(l);
        std::string tag, name;
        double value = 0;
        f >> tag >> name >> value;
        if (status != 0 || name != w.name) break;
        line = l;
        return value;
    }
    throw std::runtime_error(cmd + " failed (status " + std::to_string(status) +
                             "), output: " + out);
}

}  // namespace

int main(int argc, char** argv) {
    std::string book_exe, go_exe, csv, costs_path;
    int reps = 5, warmup = 1;
    long pingpong_n = 200000, skynet_n = 1000000, buffered_n = 1000000, sieve_n = 1000,
         spawn_n = 100000, memory_n = 20000;
    book::cli::Parser cli("versus",
                          "Runs gobench (the book) and gobench-go (Go) "
                          "alternately and compares their medians.");
    cli.option("book", book_exe, "the book's gobench executable")
        .option("go", go_exe, "Go's gobench executable (absent: the book's alone)")
        .option("reps", reps, 1, 100, "measured runs of each program and workload")
        .option("warmup", warmup, 0, 10, "unrecorded runs first")
        .option("pingpong-n", pingpong_n, 1L, 100000000L, "ping-pong messages")
        .option("skynet-n", skynet_n, 10L, 10000000L, "skynet leaves (a power of 10)")
        .option("buffered-n", buffered_n, 1L, 100000000L, "items through the channel")
        .option("sieve-n", sieve_n, 1L, 100000L, "primes the sieve finds")
        .option("spawn-n", spawn_n, 1L, 100000000L, "goroutines spawned one by one")
        .option("memory-n", memory_n, 1L, 1000000L, "goroutines parked at once")
        .option("csv", csv, "write every sample to this CSV file")
        .option("costs", costs_path, "write the cost file (book-costs/1) here");
    cli.parse(argc, argv);
    if (book_exe.empty()) {
        std::fprintf(stderr, "versus: --book is required\n");
        return 2;
    }
    // [workloads]
    const std::vector<Workload> workloads = {
        {"pingpong", pingpong_n, "go.chan.pingpong", "unbuffered ping-pong",
         "one-way time of one message between two goroutines (half a round trip)", "ns"},
        {"skynet", skynet_n, "go.skynet", "skynet",
         "spawn the whole tree of goroutines and sum the leaves back through channels",
         "ms"},
        {"buffered", buffered_n, "go.chan.buffered", "buffered producer/consumer",
         "one item sent and received through a channel of capacity 128", "ns"},
        {"sieve", sieve_n, "go.sieve", "prime sieve",
         "the concurrent sieve until it has found the given number of primes", "ms"},
        {"spawn", spawn_n, "go.spawn", "spawn and wait",
         "spawn one goroutine and receive its message on an unbuffered channel", "ns"},
        {"memory", memory_n, "go.memory", "memory per parked goroutine",
         "resident memory added per goroutine blocked in a receive", "bytes"},
    };
    // [/workloads]
    std::vector<std::string> impls = {"book"};
    if (!go_exe.empty()) impls.push_back("go");
    std::map<std::string, std::vector<double>> samples;  // "workload/impl"
    std::ofstream csv_out;
    if (!csv.empty()) {
        csv_out.open(csv);
        csv_out << "workload,impl,rep,value,unit\n";
    }
    std::printf(
        "== the runs (%d warm-up, %d measured per program and workload, "
        "interleaved in a shuffled order)\n",
        warmup, reps);
    // [interleave]
    std::mt19937 order_rng(book::measure::default_order_seed);
    std::vector<std::pair<std::size_t, std::string>> order;
    for (std::size_t w = 0; w < workloads.size(); ++w)
        for (const auto& impl : impls) order.emplace_back(w, impl);
    for (int rep = -warmup; rep < reps; ++rep) {
        std::shuffle(order.begin(), order.end(), order_rng);
        for (const auto& [w, impl] : order) {
            std::string line;
            const double v =
                run_once(impl == "book" ? book_exe : go_exe, workloads[w], line);
            if (rep == 0 && impl == "book") std::printf("book: %s\n", line.c_str());
            if (rep == 0 && impl == "go") std::printf("go:   %s\n", line.c_str());
            if (rep < 0) continue;
            samples[workloads[w].name + "/" + impl].push_back(v);
            if (csv_out)
                csv_out << workloads[w].name << ',' << impl << ',' << rep << ',' << v
                        << ',' << workloads[w].unit << '\n';
        }
    }
    // [/interleave]
    std::printf("\n== medians over %d runs each (min - max)\n", reps);
    std::printf("%-28s %-26s %-26s %s\n", "workload", "book", "go", "book/go");
    book::measure::CostFile costs("09-goroutines", "versus");
    for (const auto& w : workloads) {
        const auto b = book::measure::summarize(samples[w.name + "/book"]);
        costs.add({w.key + ".book", w.label + " (book)", w.includes, w.unit, b});
        char bs[64], gs[64] = "-", rs[32] = "-";
        std::snprintf(bs, sizeof bs, "%.4g (%.4g - %.4g) %s", b.median, b.min, b.max,
                      w.unit.c_str());
        if (impls.size() == 2) {
            const auto g = book::measure::summarize(samples[w.name + "/go"]);
            costs.add({w.key + ".go", w.label + " (Go)", w.includes, w.unit, g});
            const bool goal = w.name == "pingpong" || w.name == "skynet";
            costs.compare(w.key + ".book", w.key + ".go",
                          goal ? 1.0 : book::measure::no_value,
                          goal ? "at most 1.0x Go's time" : "");
            std::snprintf(gs, sizeof gs, "%.4g (%.4g - %.4g) %s", g.median, g.min, g.max,
                          w.unit.c_str());
            std::snprintf(rs, sizeof rs, "%.2fx", b.median / g.median);
        }
        std::printf("%-28s %-26s %-26s %s\n",
                    (w.label + " n=" + std::to_string(w.n)).c_str(), bs, gs, rs);
    }
    if (!costs_path.empty()) costs.write(costs_path);
    return 0;
}
