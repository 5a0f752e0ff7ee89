// Tests of the green mutex exercise: mutual exclusion across yields, FIFO hand-over,
// try_lock, and misuse reported.
#include <doctest/doctest.h>

#include "green_mutex.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace green = book::green;
using book::green::exercises::Mutex;

TEST_CASE("no two green threads are inside the critical section at once") {
    green::Scheduler s;
    Mutex m;
    int inside = 0, most = 0;
    long counter = 0;
    for (int w = 0; w < 4; ++w)
        s.spawn([&] {
            for (int i = 0; i < 10; ++i) {
                m.lock();
                ++inside;
                most = inside > most ? inside : most;
                long seen = counter;
                green::yield();  // others run, but cannot enter
                counter = seen + 1;
                --inside;
                m.unlock();
            }
        });
    s.run();
    CHECK(most == 1);
    CHECK(counter == 40);
}

TEST_CASE("waiters get the lock in the order they asked") {
    green::Scheduler s;
    Mutex m;
    std::vector<std::string> order;
    s.spawn([&] {
        m.lock();
        for (int i = 0; i < 3; ++i) green::yield();  // B, C, D queue up meanwhile
        m.unlock();
    });
    for (std::string name : {"B", "C", "D"})
        s.spawn([&, name] {
            m.lock();
            order.push_back(name);
            green::yield();
            m.unlock();
        });
    s.run();
    CHECK(order == std::vector<std::string>{"B", "C", "D"});
}

TEST_CASE("try_lock fails while the lock is held and succeeds once it is free") {
    green::Scheduler s;
    Mutex m;
    std::vector<bool> results;
    s.spawn([&] {
        m.lock();
        green::yield();
        m.unlock();
    });
    s.spawn([&] {
        results.push_back(m.try_lock());  // held by the first
        green::yield();
        results.push_back(m.try_lock());  // free now
        m.unlock();
    });
    s.run();
    CHECK(results == std::vector<bool>{false, true});
}

TEST_CASE("unlocking a mutex the caller does not hold is reported") {
    green::Scheduler s;
    Mutex m;
    bool thrown = false;
    s.spawn([&] {
        try {
            m.unlock();
        } catch (const std::logic_error&) {
            thrown = true;
        }
    });
    s.run();
    CHECK(thrown);
}
