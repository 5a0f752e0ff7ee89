// livelock.cpp: two polite threads that back off in lockstep never progress; a randomised
// backoff breaks the symmetry.
#include <algorithm>
#include <barrier>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "cli.hpp"

namespace {

struct Outcome {
    int rounds = 0;  // rounds played until both finished or the budget ran out
    int tasks_done[2] = {0, 0};
    long long acquisitions = 0;  // first locks taken, by both threads
    long long backoffs =
        0;  // times a thread let go of its first lock because the second was taken
};

// [polite-worker]
// One round, in three lockstep phases (the barrier stands for two threads with identical
// timing):
//   1. take my first lock;  2. try my second lock;  3. if I have both, do a task; release
//   what I hold.
// A thread that could not get its second lock politely releases its first and backs off.
// Fixed backoff: both come back in the very next round and collide again, forever.
// Randomised backoff: each sits out a random number of rounds (0 .. 2^k - 1, k growing
// with each collision), so sooner or later one of them finds both locks free.
Outcome play(bool randomised, int budget, int tasks, std::uint32_t seed) {
    std::mutex locks[2];
    std::barrier lockstep(2);
    std::mutex tally;  // guards the totals in out
    Outcome out;
    auto worker = [&](int me) {
        std::mutex& first =
            locks[me];  // thread 0 wants 0 then 1, thread 1 wants 1 then 0
        std::mutex& second = locks[1 - me];
        std::minstd_rand rng(seed + static_cast<std::uint32_t>(me));
        int sit_out = 0, collisions = 0;
        long long acquisitions = 0, backoffs = 0;
        int round = 0;
        for (; round < budget && out.tasks_done[me] < tasks; ++round) {
            const bool playing = sit_out == 0;
            if (!playing) --sit_out;
            if (playing) {
                first.lock();
                ++acquisitions;
            }
            lockstep.arrive_and_wait();  // phase 1 done: first locks held
            const bool got_both = playing && second.try_lock();
            lockstep.arrive_and_wait();  // phase 2 done: both have tried
            if (got_both) {
                ++out.tasks_done[me];
                second.unlock();
            }
            if (playing) first.unlock();
            if (playing && !got_both) {
                ++backoffs;  // polite: let go and retry
                ++collisions;
                if (randomised)
                    sit_out = static_cast<int>(rng() % (1u << std::min(collisions, 4)));
            }
            if (out.tasks_done[me] == tasks) break;
            lockstep.arrive_and_wait();  // phase 3 done: round over
        }
        lockstep.arrive_and_drop();  // leave: the other may go on alone
        std::lock_guard guard(tally);
        out.rounds = std::max(out.rounds, round < budget ? round + 1 : round);
        out.acquisitions += acquisitions;
        out.backoffs += backoffs;
    };
    std::jthread a(worker, 0), b(worker, 1);
    return out;
}
// [/polite-worker]

}  // namespace

int main(int argc, char** argv) {
    int budget = 10000;
    int tasks = 3;
    int seed = 0;
    book::cli::Parser cli("livelock",
                          "Two polite threads: fixed backoff livelocks (detected), "
                          "randomised backoff progresses.");
    cli.option(
           "rounds", budget, 10, 1000000,
           "round budget: a run with no progress after this many rounds is a livelock")
        .option("tasks", tasks, 1, 1000,
                "tasks each thread must finish (each needs both locks)")
        .option("seed", seed, 0, 1000000,
                "seed of the random backoff; 0 picks one from std::random_device");
    cli.parse(argc, argv);
    const std::uint32_t s = seed != 0 ? static_cast<std::uint32_t>(seed)
                                      : std::random_device{}() % 1000000 + 1;

    // [detect]
    std::printf("== fixed backoff: both threads retry in the very next round\n");
    const Outcome fixed = play(false, budget, tasks, s);
    std::printf(
        "rounds played: %d; tasks done: %d and %d; first locks taken: %lld; polite "
        "releases: %lld\n",
        fixed.rounds, fixed.tasks_done[0], fixed.tasks_done[1], fixed.acquisitions,
        fixed.backoffs);
    const bool livelocked =
        fixed.tasks_done[0] + fixed.tasks_done[1] == 0 && fixed.rounds >= budget;
    if (livelocked)
        std::printf(
            "LIVELOCK detected: %d rounds, both threads busy every round, no task done; "
            "gave up and recovered\n",
            fixed.rounds);
    // [/detect]

    std::printf("\n== randomised exponential backoff (seed %u)\n", s);
    const Outcome random = play(true, budget, tasks, s);
    std::printf(
        "rounds played: %d; tasks done: %d and %d; first locks taken: %lld; polite "
        "releases: %lld\n",
        random.rounds, random.tasks_done[0], random.tasks_done[1], random.acquisitions,
        random.backoffs);
    const bool finished = random.tasks_done[0] == tasks && random.tasks_done[1] == tasks;
    std::printf("%s\n", finished ? "PROGRESS: both threads finished all their tasks"
                                 : "no progress within the budget");
    return livelocked && finished ? 0 : 1;
}
