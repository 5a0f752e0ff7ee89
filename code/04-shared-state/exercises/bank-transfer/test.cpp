// Tests of the bank-transfer exercise: money is conserved, refusals change nothing, no
// deadlock.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "bank.hpp"

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
