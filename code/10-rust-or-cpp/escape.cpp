// Synchronized<T> hands the value out only under its lock, but a pointer taken through a
// guard can outlive it; the compiler accepts that, and ThreadSanitizer reports the race.
#include <cstdio>
#include <thread>

#include "cli.hpp"
#include "synchronized.hpp"

int main(int argc, char** argv) {
    long increments = 1000;
    book::cli::Parser cli("escape", "A reference escapes a Synchronized guard.");
    cli.option("increments", increments, 1L, 10'000'000L, "increments per thread");
    cli.parse(argc, argv);
    // [escape]
    book::safe::Synchronized<long> counter(0);
    long* escaped = &*counter.lock();  // the guard dies at the end of this statement
    {
        std::jthread a([&] {
            for (long i = 0; i < increments; ++i) ++*escaped;  // no lock held
        });
        std::jthread b([&] {
            for (long i = 0; i < increments; ++i) ++*counter.lock();  // locked
        });
    }
    // [/escape]
    std::printf("expected %ld got %ld\n", 2 * increments,
                counter.with_lock([](long v) { return v; }));
}
