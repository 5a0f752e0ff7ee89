// Measures, in one interleaved run, a generator's resume/yield against a for loop, a
// function call and a hand-written iterator, and the cost of creating a coroutine frame.
#include "generator.hpp"

#include "cli.hpp"
#include "costs.hpp"
#include "measure.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>
#include <vector>

// Counts heap allocations, to tell whether the compiler allocated each coroutine frame
// or elided it.
namespace {
std::size_t g_allocations = 0;
std::size_t g_last_size = 0;
std::size_t g_min_size = SIZE_MAX, g_max_size = 0;  // of the allocations since reset
}  // namespace

void* operator new(std::size_t size) {
    ++g_allocations;
    g_last_size = size;
    g_min_size = size < g_min_size ? size : g_min_size;
    g_max_size = size > g_max_size ? size : g_max_size;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc{};
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using book::coro::generator;
using Clock = book::measure::Clock;

// Keeps a value alive without costing anything, so the optimiser cannot delete the loop
// that made it.
template <class T>
inline void keep(const T& value) {
    asm volatile("" : : "r"(value) : "memory");
}

// [sequence]
// The same sequence five ways: a linear congruential generator (Knuth's MMIX
// constants).
constexpr std::uint64_t step(std::uint64_t x) {
    return x * 6364136223846793005ULL + 1442695040888963407ULL;
}

std::uint64_t sum_for_loop(std::uint64_t seed, std::size_t n) {
    std::uint64_t x = seed, sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        x = step(x);
        sum += x >> 33;
    }
    return sum;
}

[[gnu::noinline]] std::uint64_t next_value(std::uint64_t& x) {
    x = step(x);
    return x >> 33;
}

std::uint64_t sum_function_calls(std::uint64_t seed, std::size_t n) {
    std::uint64_t x = seed, sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += next_value(x);
    return sum;
}

// A hand-written input iterator: the state a generator keeps in its frame, kept in an
// object instead.
class lcg_range {
public:
    lcg_range(std::uint64_t seed, std::size_t n) : seed_(seed), n_(n) {}
    struct iterator {
        std::uint64_t x;
        std::size_t left;
        std::uint64_t operator*() const { return x >> 33; }
        iterator& operator++() {
            x = step(x);
            --left;
            return *this;
        }
        bool operator==(std::default_sentinel_t) const { return left == 0; }
    };
    iterator begin() const { return {step(seed_), n_}; }
    std::default_sentinel_t end() const { return {}; }

private:
    std::uint64_t seed_;
    std::size_t n_;
};

std::uint64_t sum_iterator(std::uint64_t seed, std::size_t n) {
    std::uint64_t sum = 0;
    for (std::uint64_t v : lcg_range(seed, n)) sum += v;
    return sum;
}

generator<std::uint64_t> lcg_generator(std::uint64_t seed, std::size_t n) {
    std::uint64_t x = seed;
    for (std::size_t i = 0; i < n; ++i) {
        x = step(x);
        co_yield x >> 33;
    }
}

std::uint64_t sum_generator(std::uint64_t seed, std::size_t n) {
    std::uint64_t sum = 0;
    for (std::uint64_t v : lcg_generator(seed, n)) sum += v;
    return sum;
}

// The eager alternative to laziness: build the whole sequence, then consume it.
std::uint64_t sum_vector(std::uint64_t seed, std::size_t n) {
    std::vector<std::uint64_t> all;
    all.reserve(n);
    std::uint64_t x = seed;
    for (std::size_t i = 0; i < n; ++i) {
        x = step(x);
        all.push_back(x >> 33);
    }
    std::uint64_t sum = 0;
    for (std::uint64_t v : all) sum += v;
    return sum;
}
// [/sequence]

// [creation]
// Creating a coroutine: allocate the frame, run to the first co_yield, read one value,
// destroy.
generator<std::uint64_t> one_value(std::uint64_t seed) { co_yield step(seed) >> 33; }

std::uint64_t create_coroutine(std::uint64_t seed) {
    for (std::uint64_t v : one_value(seed)) return v;
    return 0;
}
// [/creation]

double ns_per(Clock::time_point start, std::size_t n) {
    return book::measure::seconds_since(start) * 1e9 / static_cast<double>(n);
}

std::string compiler_name() {
#if defined(__clang__)
    return "clang++ " + std::to_string(__clang_major__) + "." +
           std::to_string(__clang_minor__);
#elif defined(__GNUC__)
    return "g++ " + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__);
#else
    return "unknown compiler";
#endif
}

}  // namespace

int main(int argc, char** argv) {
    int elements = 200'000;
    int creations = 50'000;
    int reps = 31;
    std::string csv, costs_path;
    book::cli::Parser cli("costs",
                          "Measures generator resume/yield and coroutine creation "
                          "against plain alternatives.");
    cli.option("elements", elements, 1, 50'000'000, "sequence length consumed per sample")
        .option("creations", creations, 1, 10'000'000, "coroutines created per sample")
        .option("reps", reps, 5, 1000, "measured repetitions (after 2 warm-up rounds)")
        .option("csv", csv, "also write the results to this CSV file")
        .option("costs", costs_path, "write the headline costs to this cost file (JSON)");
    cli.parse(argc, argv);

    const std::size_t n = static_cast<std::size_t>(elements);
    const std::size_t m = static_cast<std::size_t>(creations);
    const std::string compiler = compiler_name();

    // All five must agree before any of them is timed.
    const std::uint64_t expected = sum_for_loop(1, n);
    if (sum_function_calls(1, n) != expected || sum_iterator(1, n) != expected ||
        sum_generator(1, n) != expected || sum_vector(1, n) != expected) {
        std::fprintf(stderr, "costs: the five ways of summing disagree\n");
        return 1;
    }

    // [measure]
    std::uint64_t seed = 1;
    auto per_element = [&](std::uint64_t (*sum)(std::uint64_t, std::size_t)) {
        return [&, sum] {
            const auto start = Clock::now();
            keep(sum(++seed, n));
            return ns_per(start, n);
        };
    };
    const std::vector<book::measure::Contender> consume = {
        {"for loop", per_element(sum_for_loop)},
        {"function call", per_element(sum_function_calls)},
        {"hand-written iterator", per_element(sum_iterator)},
        {"generator (resume+yield)", per_element(sum_generator)},
        {"fill vector then loop", per_element(sum_vector)},
    };
    const auto consumed = book::measure::interleaved(consume, 2, reps);
    // [/measure]

    // [measure-creation]
    const std::vector<book::measure::Contender> create = {
        {"plain function call",
         [&] {
             const auto start = Clock::now();
             for (std::size_t i = 0; i < m; ++i) keep(next_value(seed));
             return ns_per(start, m);
         }},
        {"create+run+destroy coroutine",
         [&] {
             const auto start = Clock::now();
             for (std::size_t i = 0; i < m; ++i) keep(create_coroutine(++seed));
             return ns_per(start, m);
         }},
    };
    const auto created = book::measure::interleaved(create, 2, reps);
    const std::size_t allocations_before = g_allocations;
    g_last_size = 0;
    g_min_size = SIZE_MAX;
    g_max_size = 0;
    for (std::size_t i = 0; i < 1000; ++i) keep(create_coroutine(++seed));
    const std::size_t frames = g_allocations - allocations_before;
    const double frames_allocated = static_cast<double>(frames) / 1000.0;
    // [/measure-creation]
    // Copied now: any later allocation (a string, stdio's buffer) overwrites them.
    const std::size_t frame_size = g_last_size, frame_min = g_min_size,
                      frame_max = g_max_size;

    std::printf("compiler: %s\n", compiler.c_str());
    std::printf("== consuming %zu values, ns per value\n", n);
    std::printf("(median [min..max] of %d rounds; x = ratio to the for loop)\n", reps);
    for (std::size_t i = 0; i < consume.size(); ++i)
        std::printf("%-26s %8.2f ns [%.2f..%.2f]  x%.1f\n", consume[i].name.c_str(),
                    consumed[i].median, consumed[i].min, consumed[i].max,
                    consumed[i].median / consumed[0].median);
    // The post's claim, as the cost file records it: the generator against the
    // hand-written iterator that does the same work (median over median, same rounds).
    std::printf("== generator against the hand-written iterator\n");
    std::printf(
        "generator / iterator, median over median: %.6g\n",
        book::measure::CostFile::as_written(consumed[3].median / consumed[2].median));
    std::printf("== creating, ns per call\n");
    std::printf("(median [min..max] of %d rounds; x = ratio to the function call)\n",
                reps);
    for (std::size_t i = 0; i < create.size(); ++i)
        std::printf("%-30s %8.2f ns [%.2f..%.2f]  x%.1f\n", create[i].name.c_str(),
                    created[i].median, created[i].min, created[i].max,
                    created[i].median / created[0].median);
    std::printf("== memory\n");
    std::printf("heap allocations per coroutine created: %.2f%s\n", frames_allocated,
                frames_allocated == 0
                    ? " (elided: the frame lives in the caller's stack frame)"
                    : "");
    if (frame_size != 0)
        std::printf("size of one frame of one_value(): %zu bytes\n", frame_size);
    std::printf("the vector holds %zu bytes for %zu values; the generator holds one\n",
                n * sizeof(std::uint64_t), n);

    if (!csv.empty()) {
        std::ofstream out(csv);
        out << "compiler,group,case,median_ns,min_ns,max_ns\n";
        for (std::size_t i = 0; i < consume.size(); ++i)
            out << compiler << ",consume," << consume[i].name << ',' << consumed[i].median
                << ',' << consumed[i].min << ',' << consumed[i].max << '\n';
        for (std::size_t i = 0; i < create.size(); ++i)
            out << compiler << ",create," << create[i].name << ',' << created[i].median
                << ',' << created[i].min << ',' << created[i].max << '\n';
        if (!out) {
            std::fprintf(stderr, "costs: could not write %s\n", csv.c_str());
            return 1;
        }
    }
    if (!costs_path.empty()) {
        // The program's name is the capture's: costs (g++) or costs-clang.
        const std::string self = std::filesystem::path(argv[0]).filename().string();
        book::measure::CostFile costs("06-coroutines", self);
        const std::string per = " (" + compiler + ")";
        costs.add({"call.loop", "for loop" + per, "one value summed in a plain loop",
                   "ns", consumed[0]});
        costs.add({"call.function", "function call" + per,
                   "one value from a function that is not inlined", "ns", consumed[1]});
        costs.add({"iterator.hand_written", "hand-written iterator" + per,
                   "one value from a hand-written iterator class (operator*, operator++, "
                   "end test) doing the generator's work",
                   "ns", consumed[2]});
        costs.add({"coroutine.generator.next", "generator resume+yield" + per,
                   "one value from a generator: resume, compute, yield", "ns",
                   consumed[3]});
        costs.add({"call.plain", "plain function call" + per,
                   "call a function that computes one value", "ns", created[0]});
        costs.add({"coroutine.create_run_destroy", "coroutine create+run+destroy" + per,
                   "allocate a frame, run to completion, destroy it", "ns", created[1]});
        // The frame's size only where it is allocated: an elided frame has no heap size,
        // and chapter 12 then says the cell is absent. Every frame of one_value() has the
        // size the compiler chose, so min = max = median.
        if (frames != 0)
            costs.add({"coroutine.frame",
                       "heap frame of one_value()" + per,
                       "the heap frame of one_value(): promise, parameters, locals kept "
                       "across suspension; an exact size, the same for every frame (one "
                       "run = one frame allocated)",
                       "bytes",
                       {static_cast<double>(frame_size), static_cast<double>(frame_min),
                        static_cast<double>(frame_max), frames}});
        costs.compare("call.function", "call.loop");
        costs.compare("iterator.hand_written", "call.loop");
        costs.compare("coroutine.generator.next", "iterator.hand_written");
        costs.compare("coroutine.create_run_destroy", "call.plain");
        costs.write(costs_path);
    }
}
