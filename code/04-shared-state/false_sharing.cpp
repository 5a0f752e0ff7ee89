// Two threads each update their own counter: slow when the counters share a cache line,
// fast when padded apart.
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "measure.hpp"

namespace {

// [line-size]
// The distance that keeps two objects off one cache line. g++ 12 provides the standard
// constant (and warns with -Winterference-size only when it is used in a header, because
// its value may change between compiler versions); clang 14 with libstdc++ does not, so
// fall back to 64 bytes, the line size of current x86-64 and most ARM cores (some, like
// Apple's M1, use 128).
#if defined(__cpp_lib_hardware_interference_size)
constexpr std::size_t line_size = std::hardware_destructive_interference_size;
constexpr const char* line_size_source = "std::hardware_destructive_interference_size";
#else
constexpr std::size_t line_size = 64;
constexpr const char* line_size_source =
    "fallback (the library lacks hardware_destructive_interference_size)";
#endif
// [/line-size]

// [layouts]
// Each thread writes only its own counter: no data is shared, only (perhaps) a cache
// line.
struct alignas(
    line_size) Adjacent {  // aligned, so that the pair cannot straddle two lines
    std::atomic<long> a{0};
    std::atomic<long> b{0};  // sizeof(long) bytes after a: same line
};

struct Padded {
    alignas(line_size) std::atomic<long> a{0};
    alignas(line_size) std::atomic<long> b{0};  // starts on the next line
};
// [/layouts]

// [work]
// Each thread is the only writer of its counter, so a relaxed load and store is a correct
// increment; there is no locked instruction, only ordinary memory traffic.
void bump(std::atomic<long>& c, long n) {
    for (long i = 0; i < n; ++i)
        c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// How much the two threads of each sample ran at the same time: the CPU time of both
// divided by the wall time of the sample, 2.0 when they ran side by side throughout,
// 1.0 or less when they took turns on the CPUs (then no line moved between cores).
std::vector<double> overlap[2];

template <class Layout>
double sample(long n, int layout) {
    Layout counters;
    double cpu_a = 0, cpu_b = 0;
    const auto t0 = book::measure::Clock::now();
    std::thread ta([&] {
        bump(counters.a, n);
        cpu_a = thread_cpu_seconds();
    });
    std::thread tb([&] {
        bump(counters.b, n);
        cpu_b = thread_cpu_seconds();
    });
    ta.join();
    tb.join();
    const double wall = book::measure::seconds_since(t0);
    overlap[layout].push_back((cpu_a + cpu_b) / wall);
    return wall * 1e9 / static_cast<double>(n);  // ns per increment of each thread
}
// [/work]

}  // namespace

int main(int argc, char** argv) {
    long increments = 5'000'000;
    int reps = 7;
    std::string csv;
    book::cli::Parser cli(
        "false_sharing",
        "Two threads, two counters: on one cache line versus padded apart.");
    cli.option("increments", increments, 1L, 500'000'000L,
               "increments per thread per sample")
        .option("reps", reps, 5, 101, "measured repetitions (after one warm-up round)")
        .option("csv", csv, "also write the results to this CSV file");
    cli.parse(argc, argv);

    std::printf("padding: %zu bytes, from %s\n", line_size, line_size_source);
    std::printf(
        "distance between the two counters: adjacent %zu bytes, padded %zu bytes\n",
        offsetof(Adjacent, b) - offsetof(Adjacent, a),
        offsetof(Padded, b) - offsetof(Padded, a));
    const auto r = book::measure::interleaved(
        {{"same cache line", [&] { return sample<Adjacent>(increments, 0); }},
         {"padded apart", [&] { return sample<Padded>(increments, 1); }}},
        1, reps);
    std::printf("2 threads x %ld increments, %d repetitions each, interleaved\n",
                increments, reps);
    std::printf(
        "time per increment = wall time of one run (start and join included) / "
        "increments per thread\n");
    std::printf("  %-16s %10s %10s %10s\n", "layout", "median", "min", "max");
    const char* names[] = {"same cache line", "padded apart"};
    for (int i = 0; i < 2; ++i)
        std::printf("  %-16s %10s %10s %10s\n", names[i],
                    book::measure::format_ns(r[i].median).c_str(),
                    book::measure::format_ns(r[i].min).c_str(),
                    book::measure::format_ns(r[i].max).c_str());
    std::printf("ratio of medians (same line / padded): %.1f\n",
                r[0].median / r[1].median);
    // The warm-up sample is the first of each list; the summary leaves it out.
    std::printf(
        "overlap (CPU time of both threads / wall time; 2.0 = side by side throughout), "
        "median [min .. max]:\n");
    for (int i = 0; i < 2; ++i) {
        const auto o =
            book::measure::summarize({overlap[i].begin() + 1, overlap[i].end()});
        std::printf("  %-16s %.2f [%.2f .. %.2f]\n", names[i], o.median, o.min, o.max);
    }
    if (!csv.empty()) {
        std::ofstream out(csv);
        out << "layout,median_ns,min_ns,max_ns\n";
        for (int i = 0; i < 2; ++i)
            out << names[i] << ',' << r[i].median << ',' << r[i].min << ',' << r[i].max
                << '\n';
    }
    return 0;
}
