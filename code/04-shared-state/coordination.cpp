// The C++20 coordination types in one short example each: std::latch, std::barrier and
// std::counting_semaphore.
#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdio>
#include <latch>
#include <semaphore>
#include <thread>
#include <vector>

#include "cli.hpp"

namespace {

// [latch]
// A latch counts down once to zero; waiters are released when it gets there. Here: the
// main thread waits until every worker has finished its setup.
void latch_example(int workers) {
    std::latch ready(workers);
    // Plain ints, not atomics: only the latch orders each worker's write before main's
    // read (and ThreadSanitizer checks that it does).
    std::vector<int> set_up(static_cast<std::size_t>(workers), 0);
    std::vector<std::jthread> pool;
    for (int i = 0; i < workers; ++i)
        pool.emplace_back([&, i] {
            set_up[static_cast<std::size_t>(i)] = 1;  // some per-thread setup
            ready.count_down();                       // "mine is done"; does not wait
        });
    ready.wait();  // returns only after all `workers` count_down calls
    int seen = 0;
    for (int done : set_up) seen += done;
    std::printf("latch: main saw %d of %d workers set up when wait() returned\n", seen,
                workers);
}
// [/latch]

// [barrier]
// A barrier is reusable: in every phase each thread arrives and waits for all the others;
// the completion function runs once per phase, after the last arrival and before anyone
// continues.
void barrier_example(int workers, int phases) {
    std::vector<long> partial(static_cast<std::size_t>(workers), 0);
    int phase = 0;
    auto on_phase_done = [&]() noexcept {
        long sum = 0;
        for (long p : partial) sum += p;
        std::printf("barrier: phase %d complete, sum of this phase's parts = %ld\n",
                    phase++, sum);
    };
    std::barrier sync(workers, on_phase_done);
    std::vector<std::jthread> pool;
    for (int w = 0; w < workers; ++w)
        pool.emplace_back([&, w] {
            for (int p = 0; p < phases; ++p) {
                partial[static_cast<std::size_t>(w)] =
                    (p + 1) * (w + 1);   // this phase's work
                sync.arrive_and_wait();  // nobody starts phase p+1 early
            }
        });
}
// [/barrier]

// [semaphore]
// A counting semaphore holds permits: acquire() takes one (waiting if none is left),
// release() returns one. Here it caps how many workers use a scarce resource at the same
// time.
void semaphore_example(int workers, int permits_count) {
    std::counting_semaphore<64> permits(permits_count);
    std::atomic<int> inside{0}, most_inside{0};
    std::vector<std::jthread> pool;
    for (int i = 0; i < workers; ++i)
        pool.emplace_back([&] {
            for (int round = 0; round < 100; ++round) {
                permits.acquire();
                const int now = ++inside;
                int seen = most_inside.load();
                while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
                }
                std::this_thread::yield();  // hold the resource for a moment
                --inside;
                permits.release();
            }
        });
    pool.clear();  // joins every worker
    std::printf("semaphore: %d workers, %d permits, at most %d inside at once\n", workers,
                permits_count, most_inside.load());
}
// [/semaphore]

}  // namespace

int main(int argc, char** argv) {
    int workers = 4, phases = 3, permits = 2;
    book::cli::Parser cli(
        "coordination",
        "std::latch, std::barrier and std::counting_semaphore, one example each.");
    cli.option("workers", workers, 1, 64, "worker threads in each example")
        .option("phases", phases, 1, 100, "phases of the barrier example")
        .option("permits", permits, 1, 64, "permits of the semaphore");
    cli.parse(argc, argv);
    latch_example(workers);
    barrier_example(workers, phases);
    semaphore_example(workers, permits);
    return 0;
}
