// Tests of the event exercise: waiters suspend until set(), wake in order, and a
// forgotten waiter is reported.
#include <doctest/doctest.h>

#include "event.hpp"

#include <stdexcept>
#include <string>
#include <vector>

using book::coro::scheduler;
using book::coro::task;
using book::coro::exercises::event;

namespace {
task<> waiter(event& ev, std::vector<std::string>& log, std::string name) {
    log.push_back(name + " waits");
    co_await ev.wait();
    log.push_back(name + " continues");
}

task<> setter(event& ev, std::vector<std::string>& log) {
    log.push_back("setter sets");
    ev.set();
    log.push_back("setter goes on");
    co_return;
}
}  // namespace

TEST_CASE("a waiter does not continue before the event is set") {
    std::vector<std::string> log;
    scheduler s;
    event ev(s);
    s.spawn(waiter(ev, log, "a"));
    s.spawn(setter(ev, log));
    s.run();
    CHECK(log == std::vector<std::string>{"a waits", "setter sets", "setter goes on",
                                          "a continues"});
}

TEST_CASE("set wakes every waiter, in the order they started waiting") {
    std::vector<std::string> log;
    scheduler s;
    event ev(s);
    s.spawn(waiter(ev, log, "a"));
    s.spawn(waiter(ev, log, "b"));
    s.spawn(setter(ev, log));
    s.run();
    CHECK(log == std::vector<std::string>{"a waits", "b waits", "setter sets",
                                          "setter goes on", "a continues",
                                          "b continues"});
}

TEST_CASE("waiting on an event that is already set does not suspend") {
    std::vector<std::string> log;
    scheduler s;
    event ev(s);
    ev.set();
    s.spawn(waiter(ev, log, "a"));
    s.run();
    CHECK(log == std::vector<std::string>{"a waits", "a continues"});
}

TEST_CASE("a waiter whose event is never set is reported by the scheduler") {
    std::vector<std::string> log;
    scheduler s;
    event ev(s);
    s.spawn(waiter(ev, log, "lonely"), "lonely");
    CHECK_THROWS_AS(s.run(), std::logic_error);
    CHECK(log == std::vector<std::string>{"lonely waits"});
}
