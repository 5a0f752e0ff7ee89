// Tests of the wait-group exercise: wait() returns only after every done(), and parks.
#include <doctest/doctest.h>

#include "waitgroup.hpp"

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace green = book::green;
using book::green::exercises::WaitGroup;

// Green threads are concurrent: what several of them share is synchronised, here with a
// std::mutex that no green thread holds across a switch.
template <class T>
struct Log {
    std::mutex m;
    std::vector<T> items;
    void add(T v) {
        std::lock_guard lock(m);
        items.push_back(std::move(v));
    }
    std::vector<T> get() {
        std::lock_guard lock(m);
        return items;
    }
};

TEST_CASE("wait returns only after every worker called done") {
    green::Scheduler s;
    WaitGroup wg;
    Log<std::string> log;
    wg.add(3);
    for (int w = 0; w < 3; ++w)
        s.spawn([&, w] {
            for (int i = 0; i <= w; ++i) green::yield();
            log.add("worker " + std::to_string(w) + " done");
            wg.done();
        });
    s.spawn([&] {
        wg.wait();
        log.add("waiter continues");
    });
    s.run();
    auto lines = log.get();
    REQUIRE(lines.size() == 4);
    CHECK(lines.back() == "waiter continues");
}

TEST_CASE("a waiter parks instead of spinning") {
    green::Scheduler s;
    WaitGroup wg;
    wg.add(1);
    s.spawn([&] { wg.wait(); });
    s.spawn([&] {
        for (int i = 0; i < 3; ++i) green::yield();
        wg.done();
    });
    s.run();
    // Parked: resumed once to start and once when woken; 2 switches each, plus the
    // worker's 1 + 3 yields. A spinning waiter would be resumed after every yield.
    CHECK(s.switches() == 2 * (2 + 4));
}

TEST_CASE("every waiter wakes, and wait returns at once when nothing is pending") {
    green::Scheduler s;
    WaitGroup wg;
    std::atomic<int> continued{0};
    s.spawn([&] {
        wg.wait();  // nothing pending yet
        ++continued;
    });
    s.run();
    CHECK(continued == 1);
    wg.add(1);
    green::Scheduler t;
    for (int i = 0; i < 3; ++i)
        t.spawn([&] {
            wg.wait();
            ++continued;
        });
    t.spawn([&] { wg.done(); });
    t.run();
    CHECK(continued == 4);
}

TEST_CASE("done with nothing pending is reported") {
    WaitGroup wg;
    CHECK_THROWS_AS(wg.done(), std::logic_error);
}
