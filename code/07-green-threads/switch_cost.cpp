// switch_cost.cpp: the cost of a context switch, measured side by side in one run: the
// book's switch (two endings), Boost.Context, swapcontext and two OS threads on one CPU.
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/context/fiber.hpp>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "cli.hpp"
#include "context.hpp"
#include "costs.hpp"
#include "measure.hpp"
#include "sanitizers.hpp"
#include "stack.hpp"

namespace green = book::green;
namespace measure = book::measure;

namespace {

long iterations = 200000;
// The chapter's goal: the book's switch takes at most this times Boost.Context's time.
constexpr double switch_goal = 1.0;

double ns_per(measure::Clock::time_point start, long n) {
    return measure::seconds_since(start) * 1e9 / static_cast<double>(n);
}

// [book-roundtrip]
// A context that switches straight back, forever; main times `n` round trips.
green::Context bench_main, bench_echo;
void echo(void* arg) {
    green::started(arg);
    for (;;) green::switch_to(bench_echo, bench_main, nullptr);
}
double book_roundtrips(long n) {
    auto start = measure::Clock::now();
    for (long i = 0; i < n; ++i) green::switch_to(bench_main, bench_echo, nullptr);
    return ns_per(start, n);
}
// [/book-roundtrip]

#if defined(__x86_64__)
green::Context ret_main, ret_echo;
void echo_ret(void* arg) {
    green::started(arg);
    for (;;) green::switch_to_ret(ret_echo, ret_main, nullptr);
}
double book_ret_roundtrips(long n) {
    auto start = measure::Clock::now();
    for (long i = 0; i < n; ++i) green::switch_to_ret(ret_main, ret_echo, nullptr);
    return ns_per(start, n);
}
#endif

// [boost-roundtrip]
namespace ctx = boost::context;
double boost_roundtrips(ctx::fiber& f, long n) {
    auto start = measure::Clock::now();
    for (long i = 0; i < n; ++i) f = std::move(f).resume();
    return ns_per(start, n);
}
// [/boost-roundtrip]

// [ucontext-roundtrip]
ucontext_t uc_main, uc_echo;
void uc_loop() {
    for (;;) swapcontext(&uc_echo, &uc_main);
}
// Out of line: getcontext returns twice, and the compiler then warns that the caller's
// locals might be clobbered.
__attribute__((noinline)) void setup_ucontext(std::vector<char>& stack) {
    stack.resize(64 * 1024);
    getcontext(&uc_echo);
    uc_echo.uc_stack.ss_sp = stack.data();
    uc_echo.uc_stack.ss_size = stack.size();
    uc_echo.uc_link = nullptr;
    makecontext(&uc_echo, uc_loop, 0);
}
double ucontext_roundtrips(long n) {
    auto start = measure::Clock::now();
    for (long i = 0; i < n; ++i) swapcontext(&uc_main, &uc_echo);
    return ns_per(start, n);
}
// [/ucontext-roundtrip]

// [thread-roundtrip]
// Two OS threads pinned to one CPU hand a token back and forth through a futex: each
// hand-off wakes the other thread and blocks this one, so the kernel switches threads.
std::atomic<int> turn{0};  // 0: main's turn, 1: the echo thread's, 2: stop

void futex_wait(std::atomic<int>& word, int value) {
    syscall(SYS_futex, reinterpret_cast<int*>(&word), FUTEX_WAIT_PRIVATE, value, nullptr,
            nullptr, 0);
}
void futex_wake(std::atomic<int>& word) {
    syscall(SYS_futex, reinterpret_cast<int*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr,
            nullptr, 0);
}
void echo_thread() {
    for (;;) {
        int t;
        while ((t = turn.load(std::memory_order_acquire)) == 0) futex_wait(turn, 0);
        if (t == 2) return;
        turn.store(0, std::memory_order_release);
        futex_wake(turn);
    }
}
double thread_roundtrips(long n) {
    auto start = measure::Clock::now();
    for (long i = 0; i < n; ++i) {
        turn.store(1, std::memory_order_release);
        futex_wake(turn);
        while (turn.load(std::memory_order_acquire) == 1) futex_wait(turn, 1);
    }
    return ns_per(start, n);
}
// [/thread-roundtrip]

bool pin_to_one_cpu(int& cpu) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return false;
    for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); ++cpu) {
    }
    if (cpu == CPU_SETSIZE) return false;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    int reps = 15;
    std::string csv, costs_path;
    book::cli::Parser cli("switch_cost", "Context switch costs, side by side.");
    cli.option("iterations", iterations, 10L, 100000000L, "round trips per sample")
        .option("reps", reps, 5, 1001, "measured samples per contender")
        .option("csv", csv, "write the summary as CSV to this file")
        .option("costs", costs_path, "write the headline costs (book-costs/1) here");
    cli.parse(argc, argv);

    green::Stack s1(64 * 1024, green::Stack::Guard::yes);
    bench_main = green::Context::current_thread();
    bench_echo = green::Context::fresh(s1.low(), s1.size(), echo);
#if defined(__x86_64__)
    green::Stack s2(64 * 1024, green::Stack::Guard::yes);
    ret_main = green::Context::current_thread();
    ret_echo = green::Context::fresh(s2.low(), s2.size(), echo_ret);
#endif
    std::vector<measure::Contender> contenders;
    std::vector<std::string> keys;
    const long n = iterations;
    contenders.push_back({"book switch (pop + jmp)", [n] { return book_roundtrips(n); }});
    keys.push_back("green.switch.book");
#if defined(__x86_64__)
    contenders.push_back({"book switch (ret)", [n] { return book_ret_roundtrips(n); }});
    keys.push_back("green.switch.book_ret");
#endif

    // Boost.Context and swapcontext: Debian builds them without sanitizer support.
    const char* why =
        "Debian's build has no sanitizer support: every switch is unannounced";
    std::vector<char> uc_stack;
    ctx::fiber fiber;
    bool boost_on = !book::sanitizers::exempt("address", "Boost.Context", why) &&
                    !book::sanitizers::exempt("thread", "Boost.Context", why);
    bool uc_on = !book::sanitizers::exempt("address", "swapcontext", why) &&
                 !book::sanitizers::exempt("thread", "swapcontext", why);
    if (boost_on) {
        fiber = ctx::fiber{[](ctx::fiber&& m) {
            for (;;) m = std::move(m).resume();
            return std::move(m);
        }};
        contenders.push_back(
            {"Boost.Context fiber", [&fiber, n] { return boost_roundtrips(fiber, n); }});
        keys.push_back("green.switch.boost");
    }
    if (uc_on) {
        setup_ucontext(uc_stack);
        contenders.push_back({"swapcontext", [n] { return ucontext_roundtrips(n); }});
        keys.push_back("green.switch.ucontext");
    }
    int cpu = -1;
    const bool pinned = pin_to_one_cpu(cpu);  // main, and the echo thread created below
    std::thread echo_os(echo_thread);
    const long thread_n = n / 20 > 0 ? n / 20 : 1;  // each is ~100x slower
    contenders.push_back({"OS threads, one CPU (futex)",
                          [thread_n] { return thread_roundtrips(thread_n); }});
    keys.push_back("thread.switch.futex");

    std::printf(
        "round trips per sample: %ld (OS threads: %ld); samples: %d, interleaved\n", n,
        thread_n, reps);
    if (pinned)
        std::printf("both OS threads pinned to CPU %d\n", cpu);
    else
        std::printf(
            "could not pin the OS threads to one CPU: they may run in parallel\n");
    auto results = measure::interleaved(contenders, 2, reps);

    turn.store(2, std::memory_order_release);
    futex_wake(turn);
    echo_os.join();

    // [report]
    double boost_median = 0;
    for (std::size_t i = 0; i < keys.size(); ++i)
        if (keys[i] == "green.switch.boost") boost_median = results[i].median;
    std::printf("%-30s %10s %10s %10s %9s\n", "one round trip (two switches)", "median",
                "min", "max", "vs Boost");
    for (std::size_t i = 0; i < contenders.size(); ++i) {
        const auto& r = results[i];
        char ratio[32] = "-";
        if (boost_median > 0)
            std::snprintf(ratio, sizeof ratio, "%.2fx", r.median / boost_median);
        std::printf("%-30s %10s %10s %10s %9s\n", contenders[i].name.c_str(),
                    measure::format_ns(r.median).c_str(),
                    measure::format_ns(r.min).c_str(), measure::format_ns(r.max).c_str(),
                    ratio);
    }
    // The goal is judged once, by the cost file's rule (the ratio to six significant
    // digits), so this line and the file's goal_met always agree.
    if (boost_median > 0) {
        const double ratio = results[0].median / boost_median;
        std::printf("goal: book switch at most %.1fx Boost.Context: ratio %.6g, %s\n",
                    switch_goal, measure::CostFile::as_written(ratio),
                    measure::CostFile::goal_met(ratio, switch_goal) ? "met" : "not met");
    }
    // [/report]
    if (!csv.empty()) {
        std::ofstream out(csv);
        out << "key,label,median_ns,min_ns,max_ns\n";
        for (std::size_t i = 0; i < contenders.size(); ++i)
            out << keys[i] << ",\"" << contenders[i].name << "\"," << results[i].median
                << ',' << results[i].min << ',' << results[i].max << '\n';
    }
    if (!costs_path.empty()) {
        measure::CostFile costs("07-green-threads", "switch_cost");
        const char* includes = "one round trip: two switches, no work between them";
        for (std::size_t i = 0; i < contenders.size(); ++i)
            costs.add({keys[i], contenders[i].name, includes, "ns", results[i]});
        if (boost_on) {
            costs.compare("green.switch.book", "green.switch.boost", switch_goal,
                          "at most 1.0x Boost.Context");
#if defined(__x86_64__)
            costs.compare("green.switch.book_ret", "green.switch.boost");
#endif
            if (uc_on) costs.compare("green.switch.ucontext", "green.switch.boost");
            costs.compare("thread.switch.futex", "green.switch.boost");
        }
        costs.write(costs_path);
    }
    bench_echo = green::Context();
#if defined(__x86_64__)
    ret_echo = green::Context();
#endif
    return 0;
}
