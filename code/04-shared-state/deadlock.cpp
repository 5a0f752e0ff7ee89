// Two threads take two mutexes in opposite order: a deadlock, detected with timed locking
// and fixed with std::scoped_lock and with a lock order.
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <latch>
#include <mutex>
#include <string>
#include <thread>

#include "cli.hpp"

using namespace std::chrono_literals;

namespace {

// [accounts]
struct Account {
    std::mutex m;
    long balance = 1000;
};
Account alice, bob;
// [/accounts]

// [timed-lock]
// Tries to lock m until `patience` has passed. std::timed_mutex::try_lock_for does the
// same in one call, but GCC 12's ThreadSanitizer does not intercept the timed lock it
// uses (pthread_mutex_clocklock) and then reports false errors; polling try_lock keeps
// the program checkable under the sanitizer. The short sleeps only pace the polling; they
// order nothing.
bool lock_within(std::mutex& m, std::chrono::milliseconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (!m.try_lock()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}
// [/timed-lock]

// [detect]
// Both threads take their first mutex, meet at the latch (so each surely holds one), then
// try for the other's. Neither can succeed: each waits for a mutex the other holds. A
// timed lock turns the endless wait into a timeout we can report and recover from:
// release, and give up this attempt.
void detect_deadlock(std::chrono::milliseconds patience) {
    std::latch both_hold_one(2);
    std::atomic<int> detected{0};
    auto transfer = [&](Account& from, Account& to, const char* who) {
        std::unique_lock first(from.m);
        both_hold_one.arrive_and_wait();
        if (!lock_within(to.m, patience)) {
            ++detected;
            std::printf(
                "  %s: holds its first mutex, gave up waiting for the second: deadlock\n",
                who);
            return;  // the unique_lock releases the first mutex: the other thread may now
                     // proceed
        }
        std::unique_lock second(to.m, std::adopt_lock);
        from.balance -= 10;
        to.balance += 10;
        std::printf("  %s: got both mutexes (the other thread had already given up)\n",
                    who);
    };
    std::thread t1(transfer, std::ref(alice), std::ref(bob), "thread 1 (alice -> bob)");
    std::thread t2(transfer, std::ref(bob), std::ref(alice), "thread 2 (bob -> alice)");
    t1.join();
    t2.join();
    std::printf("  threads that detected the deadlock: %d of 2; program continues\n",
                detected.load());
}
// [/detect]

// [fix-scoped-lock]
// std::scoped_lock locks several mutexes with a deadlock-avoidance algorithm (std::lock):
// it may back off and retry, but it never holds one while blocking forever on another.
void transfer_scoped(Account& from, Account& to, long amount) {
    std::scoped_lock both(from.m, to.m);
    from.balance -= amount;
    to.balance += amount;
}
// [/fix-scoped-lock]

// [fix-order]
// A global lock order: every thread takes the mutex at the lower address first. Then no
// cycle of waiting threads can form, because every wait is for a mutex "higher" than all
// those held.
void transfer_ordered(Account& from, Account& to, long amount) {
    Account* first = std::less<Account*>{}(&from, &to) ? &from : &to;
    Account* second = first == &from ? &to : &from;
    std::lock_guard l1(first->m);
    std::lock_guard l2(second->m);
    from.balance -= amount;
    to.balance += amount;
}
// [/fix-order]

void run_opposite(void (*transfer)(Account&, Account&, long), long rounds,
                  const char* name) {
    std::thread t1([&] {
        for (long i = 0; i < rounds; ++i) transfer(alice, bob, 1);
    });
    std::thread t2([&] {
        for (long i = 0; i < rounds; ++i) transfer(bob, alice, 1);
    });
    t1.join();
    t2.join();
    std::printf(
        "  %-12s %ld transfers each way finished; total balance %ld (must be 2000)\n",
        name, rounds, alice.balance + bob.balance);
}

bool debugger_attached() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("TracerPid:", 0) == 0) return std::stoi(line.substr(10)) != 0;
    return false;
}

// [stuck]
// A real deadlock, for a debugger to look at: plain lock() calls that never return. The
// main thread notices that the workers have not finished in time; under a debugger it
// stops itself with SIGTRAP so that the debugger can print every thread's stack; then it
// exits without joining them.
[[noreturn]] void deadlock_for_debugger(std::chrono::milliseconds patience) {
    std::latch both_hold_one(2);
    std::mutex done_m;
    std::condition_variable done_cv;
    int done = 0;
    auto transfer = [&](Account& from, Account& to) {
        std::lock_guard first(from.m);
        both_hold_one.arrive_and_wait();
        std::lock_guard second(to.m);  // blocks forever
        std::lock_guard d(done_m);
        ++done;
        done_cv.notify_one();
    };
    std::thread t1(transfer, std::ref(alice), std::ref(bob));
    std::thread t2(transfer, std::ref(bob), std::ref(alice));
    pthread_setname_np(t1.native_handle(), "alice-to-bob");
    pthread_setname_np(t2.native_handle(), "bob-to-alice");
    std::unique_lock lock(done_m);
    if (!done_cv.wait_for(lock, patience, [&] { return done == 2; })) {
        std::printf("main: workers still blocked after %lld ms: deadlock\n",
                    static_cast<long long>(patience.count()));
        std::fflush(stdout);
        if (debugger_attached()) std::raise(SIGTRAP);  // the debugger stops here
    }
    std::printf("main: exiting without joining the deadlocked threads\n");
    std::fflush(stdout);
    std::_Exit(0);  // joining would wait forever; destroying joinable threads would call
                    // terminate
}
// [/stuck]

}  // namespace

int main(int argc, char** argv) {
    long rounds = 100'000;
    int patience_ms = 200;
    std::string mode = "demo";
    book::cli::Parser cli("deadlock",
                          "Opposite lock order: a deadlock detected, then two fixes.");
    cli.option("rounds", rounds, 1L, 10'000'000L, "transfers each way for each fix")
        .option("patience-ms", patience_ms, 1, 10'000,
                "how long a timed lock waits before reporting")
        .option("mode", mode,
                "demo (detect, then fix) or stuck (deadlock for real, for a debugger)");
    cli.parse(argc, argv);
    const std::chrono::milliseconds patience(patience_ms);
    if (mode == "stuck") deadlock_for_debugger(patience);
    if (mode != "demo") {
        std::fprintf(stderr, "deadlock: --mode must be demo or stuck\n%s",
                     cli.usage().c_str());
        return 2;
    }

    std::printf("1. opposite lock order, timed locks:\n");
    detect_deadlock(patience);
    std::printf("2. the same transfers, both ways at once, %ld times:\n", rounds);
    run_opposite(transfer_scoped, rounds, "scoped_lock:");
    run_opposite(transfer_ordered, rounds, "lock order:");
    return 0;
}
