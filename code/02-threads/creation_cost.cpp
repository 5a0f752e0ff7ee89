// Measures, interleaved in one run, what it costs to create and finish a process (fork +
// waitpid) and a thread (std::thread or std::jthread, create + join).
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "costs.hpp"
#include "measure.hpp"

namespace {

using book::measure::Clock;

// Each sample runs `batch` creations back to back and returns nanoseconds per creation:
// one creation is far shorter than the clock's useful resolution on a busy machine.
template <class F>
double per_op_ns(int batch, F&& create_and_finish) {
    const auto start = Clock::now();
    for (int i = 0; i < batch; ++i) create_and_finish();
    return book::measure::seconds_since(start) * 1e9 / batch;
}

// [contenders]
void fork_and_wait() {
    const pid_t pid = fork();  // copies the page tables and the file descriptor table
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) _exit(0);  // the child does nothing at all
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        throw std::runtime_error("waitpid failed");
}

void thread_and_join() {
    std::thread t(
        [] {});  // clone(), a stack (reused from glibc's cache when it can), start
    t.join();    // wait until it has exited
}

void jthread_scope() {
    std::jthread t([] {});
}  // ~jthread requests stop (nobody listens) and joins
// [/contenders]

// A field of /proc/self/status in KiB, such as "VmRSS" (all resident memory) or
// "RssAnon" (resident anonymous memory: the private pages the process has written,
// whose page-table entries fork copies); -1 if absent.
long status_kib(const std::string& field) {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind(field + ":", 0) == 0)
            return std::atol(line.c_str() + field.size() + 1);
    return -1;
}

}  // namespace

namespace {

// The headline costs in the book's cost file (code/common/costs.hpp), in microseconds.
void write_costs(const std::string& path,
                 const std::vector<book::measure::Summary>& results, int batch) {
    const std::string per = "; mean of " + std::to_string(batch) + " per sample";
    const char* keys[] = {"process.fork_wait", "thread.create_join",
                          "thread.jthread_scope"};
    const char* labels[] = {"fork + waitpid", "std::thread + join",
                            "std::jthread (scope)"};
    const char* includes[] = {
        "fork a child that exits at once and reap it",
        "create a thread that returns at once and join it",
        "create a jthread that returns at once; its scope joins it"};
    book::measure::CostFile costs("02-threads", "creation_cost");
    for (std::size_t i = 0; i < 3; ++i) {
        book::measure::Summary s = results[i];
        s.median /= 1e3, s.min /= 1e3, s.max /= 1e3;
        costs.add({keys[i], labels[i], includes[i] + per, "us", s});
    }
    costs.compare("process.fork_wait", "thread.create_join");
    costs.compare("thread.jthread_scope", "thread.create_join");
    costs.write(path);
}

}  // namespace

int main(int argc, char** argv) {
    int reps = 15, warmup = 2, batch = 200;
    std::string csv, costs_path;
    book::cli::Parser cli("creation_cost",
                          "Times fork+waitpid against std::thread and std::jthread "
                          "create+join, interleaved.");
    cli.option("reps", reps, 5, 1000,
               "measured rounds; each round samples every contender once")
        .option("warmup", warmup, 0, 100, "unrecorded rounds first")
        .option("batch", batch, 1, 10000, "creations per sample")
        .option("csv", csv,
                "write name,median_ns,min_ns,max_ns per contender to this file")
        .option("costs", costs_path, "write the headline costs to this cost file (JSON)");
    cli.parse(argc, argv);

    try {
        // [measure]
        const std::vector<book::measure::Contender> contenders = {
            {"fork + waitpid", [&] { return per_op_ns(batch, fork_and_wait); }},
            {"std::thread + join", [&] { return per_op_ns(batch, thread_and_join); }},
            {"std::jthread (scope)", [&] { return per_op_ns(batch, jthread_scope); }}};
        const auto results = book::measure::interleaved(contenders, warmup,
                                                        reps);  // round r runs each once
        // [/measure]
        std::printf(
            "%d rounds after %d warm-up, %d creations per sample; per creation (create, "
            "run nothing, finish, reap):\n",
            reps, warmup, batch);
        std::printf(
            "parent's memory: %ld KiB resident, of which %ld KiB anonymous (the private "
            "written pages whose page-table entries fork copies)\n",
            status_kib("VmRSS"), status_kib("RssAnon"));
        // One unit and no padding around the numbers: runs then differ only in their
        // numbers.
        std::printf("%-22s median (min..max), microseconds\n", "");
        for (std::size_t i = 0; i < results.size(); ++i)
            std::printf("%-22s %.2f (%.2f..%.2f)\n", contenders[i].name.c_str(),
                        results[i].median / 1e3, results[i].min / 1e3,
                        results[i].max / 1e3);
        std::printf("fork + waitpid / std::thread + join  : %.1fx (ratio of medians)\n",
                    results[0].median / results[1].median);
        std::printf("std::jthread / std::thread           : %.2fx (ratio of medians)\n",
                    results[2].median / results[1].median);
        if (!csv.empty()) {
            std::ofstream out(csv);
            out << "name,median_ns,min_ns,max_ns\n";
            for (std::size_t i = 0; i < results.size(); ++i)
                out << contenders[i].name << ',' << results[i].median << ','
                    << results[i].min << ',' << results[i].max << '\n';
            if (!out) throw std::runtime_error("cannot write " + csv);
        }
        if (!costs_path.empty()) write_costs(costs_path, results, batch);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "creation_cost: %s\n", e.what());
        return 1;
    }
}
