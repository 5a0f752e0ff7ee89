// race.cpp: two green threads add to one counter without synchronisation. ThreadSanitizer
// reports it when switches are announced without synchronisation, and misses it when
// every switch counts as synchronisation.
#include <cstdio>

#include "cli.hpp"
#include "scheduler.hpp"

namespace green = book::green;

int main(int argc, char** argv) {
    int adds = 100;
    bool sync_switches = false;
    book::cli::Parser cli("race",
                          "Two green threads share a variable; does TSan see it?");
    cli.option("adds", adds, 1, 100000, "additions per green thread")
        .flag("sync-switches", sync_switches,
              "announce every switch as synchronisation (flags 0): hides the race");
    cli.parse(argc, argv);
    green::Scheduler::tsan_switch_sync() =
        sync_switches ? green::Sync::handoff : green::Sync::none;
    std::printf("switches announced to TSan %s\n",
                sync_switches
                    ? "as synchronisation (flags 0)"
                    : "without synchronisation (__tsan_switch_to_fiber_no_sync)");
    // [race]
    long counter = 0;  // shared by both green threads, no lock, no atomic
    green::Scheduler s;
    for (const char* name : {"adder A", "adder B"})
        s.spawn(
            [&counter, adds] {
                for (int i = 0; i < adds; ++i) {
                    long seen = counter;
                    green::yield();  // on several OS threads, the other adder could run
                                     // here
                    counter = seen + 1;
                }
            },
            name);
    s.run();
    // [/race]
    std::printf("counter: %ld of %d additions (lost updates: %ld)\n", counter, 2 * adds,
                2L * adds - counter);
    return 0;
}
