// race.cpp: two goroutines share a counter without communicating; ThreadSanitizer, told
// about goroutines (fibers, no-sync switches), reports the race although both may run on
// one OS thread.
#include <cstdio>

#include "chan.hpp"
#include "cli.hpp"
#include "runtime.hpp"

namespace go = book::go;

int main(int argc, char** argv) {
    int adds = 100, procs = 1;
    book::cli::Parser cli("race",
                          "Two goroutines increment one counter without "
                          "synchronisation (a bug ThreadSanitizer reports).");
    cli.option("adds", adds, 1, 1000000, "increments per goroutine")
        .option("procs", procs, 1, 16, "Ps (GOMAXPROCS)");
    cli.parse(argc, argv);
    go::Runtime rt(go::Options{.procs = static_cast<unsigned>(procs)});
    long counter = 0;
    // [race]
    rt.run([&] {
        go::Chan<int> done;
        for (int g = 0; g < 2; ++g)
            go::go([&, done]() mutable {
                for (int i = 0; i < adds; ++i) {
                    counter = counter + 1;  // shared, not communicated: a data race
                    if (i % 10 == 0) go::yield();
                }
                done.send(1);  // communicates, but only after the racy increments
            });
        done.recv();
        done.recv();
    });
    // [/race]
    std::printf("counter = %ld (expected %d)\n", counter, 2 * adds);
    return 0;
}
