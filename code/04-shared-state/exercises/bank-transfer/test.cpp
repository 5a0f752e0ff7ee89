// Tests of the bank-transfer exercise: money is conserved, refusals change nothing, no
// deadlock.
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <barrier>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bank.hpp"
#include "blocked.hpp"

using book::shared::exercise::Account;
using book::shared::exercise::transfer;

TEST_CASE("a transfer moves the money from one account to the other") {
    Account a, b;
    a.balance = 100;
    REQUIRE(transfer(a, b, 30));
    CHECK(a.balance == 70);
    CHECK(b.balance == 30);
}

TEST_CASE("a transfer larger than the balance is refused and changes nothing") {
    Account a, b;
    a.balance = 10;
    CHECK_FALSE(transfer(a, b, 11));
    CHECK(a.balance == 10);
    CHECK(b.balance == 0);
}

TEST_CASE("a transfer of a non-positive amount throws") {
    Account a, b;
    a.balance = 10;
    CHECK_THROWS_AS(transfer(a, b, 0), std::invalid_argument);
    CHECK_THROWS_AS(transfer(a, b, -5), std::invalid_argument);
}

TEST_CASE("a transfer from an account to itself leaves the balance unchanged") {
    Account a;
    a.balance = 50;
    CHECK(transfer(a, a, 20));
    CHECK(a.balance == 50);
}

TEST_CASE("opposite transfers from two threads finish and conserve the total") {
    Account a, b;
    a.balance = 1000;
    b.balance = 1000;
    std::atomic<bool> inconsistent{false};
    std::atomic<bool> stop{false};
    {
        // An auditor locks both accounts and checks that the money is never half-moved.
        std::jthread auditor([&] {
            while (!stop.load()) {
                std::scoped_lock both(a.m, b.m);
                if (a.balance + b.balance != 2000) inconsistent = true;
            }
        });
        {
            std::jthread ab([&] {
                for (int i = 0; i < 20000; ++i) transfer(a, b, 1);
            });
            std::jthread ba([&] {
                for (int i = 0; i < 20000; ++i) transfer(b, a, 1);
            });
        }  // both transfer threads joined: a deadlock would hang here and the watchdog
           // would report it
        stop = true;
    }
    CHECK_FALSE(inconsistent.load());
    CHECK(a.balance + b.balance == 2000);
}

TEST_CASE("of two transfers that each need the last unit, one is made and one refused") {
    // The test holds the source's mutex while two threads transfer its last unit, and
    // releases it only once the kernel shows both threads asleep in a futex wait, waiting
    // for that mutex. A transfer that checks the balance before it locks has then already
    // seen the unit in both threads, and both take it.
    Account source, sinks[2];
    source.balance = 1;
    std::atomic<int> announced{0}, returned{0}, made{0};
    std::array<std::atomic<pid_t>, 2> tids{};
    {
        std::unique_lock hold(source.m);
        std::vector<std::jthread> pool;
        for (int t = 0; t < 2; ++t)
            pool.emplace_back([&, t] {
                tids[t].store(book::testing::this_thread_tid());
                announced.fetch_add(1);
                if (transfer(source, sinks[t], 1)) made.fetch_add(1);
                returned.fetch_add(1);
            });
        while (announced.load() < 2) std::this_thread::yield();
        const bool both_waiting = book::testing::wait_until_in_futex_wait(
            {tids[0].load(), tids[1].load()}, [&] { return returned.load() > 0; });
        CHECK_MESSAGE(both_waiting, "a transfer returned while the source was locked");
        hold.unlock();
    }
    CHECK(made.load() == 1);
    CHECK(source.balance == 0);
    CHECK(sinks[0].balance + sinks[1].balance == 1);
}

TEST_CASE("concurrent transfers that would overdraw an account are refused, never made") {
    // Round after round, several threads drain an account holding two units, one unit per
    // transfer, all at once. A transfer that checks the balance before it holds the lock
    // lets two threads both see the last unit, and the balance goes negative.
    constexpr int threads = 4, rounds = 2000;
    constexpr long start_balance = 2;
    Account source, sinks[threads];
    source.balance = start_balance;
    bool overdrawn = false, lost = false;  // written only by the barrier's completion
    auto audit = [&]() noexcept {          // runs while every thread waits at the barrier
        long total = source.balance;
        for (auto& sink : sinks) total += sink.balance;
        if (source.balance < 0) overdrawn = true;
        if (total != start_balance) lost = true;
        source.balance = start_balance;
        for (auto& sink : sinks) sink.balance = 0;
    };
    std::barrier round_end(threads, audit);
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (int round = 0; round < rounds; ++round) {
                    // at most one transfer more than the balance allows: a transfer that
                    // never refuses must not loop forever
                    for (long k = 0; k <= start_balance && transfer(source, sinks[t], 1);
                         ++k) {
                    }
                    round_end.arrive_and_wait();
                }
            });
    }
    CHECK_FALSE(overdrawn);
    CHECK_FALSE(lost);
}

TEST_CASE("transfers in a ring of accounts with small balances conserve money") {
    // Every thread moves money around a ring of accounts with little money in each, so
    // many transfers are refused; refused or not, no balance goes negative and nothing
    // is lost.
    constexpr int accounts = 4, threads = 4, per_thread = 5000;
    Account ring[accounts];
    for (auto& a : ring) a.balance = 2;
    std::atomic<bool> negative{false};
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) {
                    Account& from = ring[(t + i) % accounts];
                    Account& to = ring[(t + i + 1 + t % 2) % accounts];
                    transfer(from, to, 1 + i % 2);
                    std::lock_guard guard(from.m);
                    if (from.balance < 0) negative = true;
                }
            });
    }
    long total = 0;
    for (auto& a : ring) total += a.balance;
    CHECK_FALSE(negative.load());
    CHECK(total == 2 * accounts);
}
