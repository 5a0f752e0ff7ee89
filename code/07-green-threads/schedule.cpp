// schedule.cpp: green threads interleaved by the cooperative scheduler (spawn, yield,
// join, sleep_for), in an order that is deterministic and printed step by step.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"
#include "scheduler.hpp"

namespace green = book::green;
using namespace std::chrono_literals;

namespace {

// Shared by every green thread: atomic, since green threads are concurrent (chapter 9
// runs them on several OS threads) even where this scheduler never runs two at once.
std::atomic<int> step{0};
void say(const char* who, const std::string& what) {
    std::printf("%3d  %-8s %s\n", ++step, who, what.c_str());
}

// [nested-yield]
// An ordinary function that yields from several calls deep: the whole chain of frames
// waits on the green thread's stack until the scheduler resumes it.
int nested(int level, int levels) {
    if (level == levels) {
        say("nested", "yields from depth " + std::to_string(level));
        green::yield();
        say("nested", "resumed at depth " + std::to_string(level));
        return level;
    }
    return nested(level + 1, levels);
}
// [/nested-yield]

}  // namespace

int main(int argc, char** argv) {
    int steps = 3;
    int levels = 3;
    int sleepers = 3;
    book::cli::Parser cli("schedule",
                          "Green threads interleaved by a cooperative scheduler.");
    cli.option("steps", steps, 1, 100, "steps of the counting green thread")
        .option("levels", levels, 1, 1000, "call depth of the nested yield")
        .option("sleepers", sleepers, 1, 20, "green threads that sleep different times");
    cli.parse(argc, argv);

    std::printf("== spawn, yield, join\n");
    // [spawn-yield-join]
    green::Scheduler s;
    s.spawn(
        [&] {
            for (int i = 1; i <= steps; ++i) {
                say("counter",
                    "step " + std::to_string(i) + " of " + std::to_string(steps));
                green::yield();
            }
        },
        "counter");
    s.spawn(
        [] {
            say("parent", "spawns child");
            green::Id child = green::spawn(
                [] {
                    say("child", "starts, yields");
                    green::yield();
                    say("child", "finishes");
                },
                "child");
            say("parent", "joins child");
            green::join(child);
            say("parent", "joined child");
        },
        "parent");
    s.spawn([&] { nested(1, levels); }, "nested");
    s.run();
    // [/spawn-yield-join]
    std::printf("switches: %llu (two per resumption)\n",
                static_cast<unsigned long long>(s.switches()));

    std::printf("== sleep_for: a timer queue\n");
    // [sleepers]
    green::Scheduler t;
    const auto start = green::Scheduler::clock::now();
    std::vector<int> on_time(static_cast<std::size_t>(sleepers),
                             0);  // not vector<bool>: its bits share words
    for (int i = 0; i < sleepers; ++i) {
        auto ms =
            std::chrono::milliseconds(2 * (sleepers - i));  // last spawned wakes first
        t.spawn([&, i, ms] {
            say(("sleep" + std::to_string(ms.count())).c_str(),
                "sleeps " + std::to_string(ms.count()) + " ms");
            green::sleep_for(ms);
            auto waited = green::Scheduler::clock::now() - start;
            on_time[static_cast<std::size_t>(i)] = waited >= ms ? 1 : 0;
            say(("sleep" + std::to_string(ms.count())).c_str(), "wakes");
        });
    }
    t.run();
    // [/sleepers]
    bool all = true;
    for (int b : on_time) all = all && b == 1;
    std::printf("every sleeper woke no earlier than its deadline: %s\n",
                all ? "yes" : "NO");
    return 0;
}
