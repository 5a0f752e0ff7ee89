// Unit tests of book::coro::scheduler: ordering, time, errors and cleanup.
#include <doctest/doctest.h>

#include "scheduler.hpp"

#include <chrono>
#include <coroutine>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using book::coro::scheduler;
using book::coro::task;
using std::chrono::milliseconds;

namespace {

task<> yielder(std::vector<std::string>& log, std::string name, int steps) {
    for (int i = 1; i <= steps; ++i) {
        log.push_back(name + std::to_string(i));
        co_await book::coro::yield();
    }
}

task<> sleeper(std::vector<std::string>& log, std::string name, int ms) {
    co_await book::coro::sleep_for(milliseconds(ms));
    log.push_back(name);
}

task<int> nested_nap(int ms) {
    co_await book::coro::sleep_for(milliseconds(ms));
    co_return ms;
}

task<> outer(std::vector<std::string>& log) {
    const int got = co_await nested_nap(5);
    log.push_back("outer got " + std::to_string(got));
}

task<> stuck(std::shared_ptr<int> witness) {
    co_await std::suspend_always{};  // nobody will ever resume this
    (void)witness;
}

task<> thrower() {
    co_await book::coro::yield();
    throw std::runtime_error("task failed");
}

}  // namespace

TEST_CASE("yield passes the thread round-robin between ready tasks") {
    std::vector<std::string> log;
    scheduler s;
    s.spawn(yielder(log, "a", 3));
    s.spawn(yielder(log, "b", 2));
    s.run();
    CHECK(log == std::vector<std::string>{"a1", "b1", "a2", "b2", "a3"});
}

TEST_CASE("sleepers wake in deadline order, in simulated time") {
    std::vector<std::string> log;
    scheduler s(scheduler::time_mode::simulated);
    const auto start = s.now();
    s.spawn(sleeper(log, "30", 30));
    s.spawn(sleeper(log, "10", 10));
    s.spawn(sleeper(log, "20", 20));
    s.spawn(sleeper(log, "10 again", 10));
    s.run();
    CHECK(log == std::vector<std::string>{"10", "10 again", "20", "30"});
    SUBCASE("and simulated time advanced exactly to the last deadline") {
        CHECK(s.now() - start == milliseconds(30));
    }
}

TEST_CASE("a ready task runs before a sleeper whose deadline has not come") {
    std::vector<std::string> log;
    scheduler s(scheduler::time_mode::simulated);
    s.spawn(sleeper(log, "sleeper", 1));
    s.spawn(yielder(log, "y", 3));
    s.run();
    CHECK(log == std::vector<std::string>{"y1", "y2", "y3", "sleeper"});
}

TEST_CASE("a nested task can sleep: the whole chain suspends and resumes") {
    std::vector<std::string> log;
    scheduler s(scheduler::time_mode::simulated);
    s.spawn(outer(log));
    s.spawn(yielder(log, "y", 1));
    s.run();
    CHECK(log == std::vector<std::string>{"y1", "outer got 5"});
}

TEST_CASE("every task runs on the thread that called run()") {
    const auto caller = std::this_thread::get_id();
    std::vector<std::thread::id> seen;
    auto record = [&seen]() -> task<> {
        seen.push_back(std::this_thread::get_id());
        co_await book::coro::yield();
        seen.push_back(std::this_thread::get_id());
    };
    scheduler s;
    s.spawn(record());
    s.spawn(record());
    s.run();
    REQUIRE(seen.size() == 4);
    for (auto id : seen) CHECK(id == caller);
}

TEST_CASE("a running task can spawn another") {
    std::vector<std::string> log;
    scheduler s;
    auto parent = [&]() -> task<> {
        log.push_back("parent");
        scheduler::current()->spawn(yielder(log, "child", 1), "child");
        co_return;
    };
    s.spawn(parent());
    s.run();
    CHECK(log == std::vector<std::string>{"parent", "child1"});
}

TEST_CASE("an exception in one task does not stop the others, and run() rethrows it") {
    std::vector<std::string> log;
    scheduler s;
    s.spawn(thrower());
    s.spawn(yielder(log, "y", 3));
    CHECK_THROWS_WITH_AS(s.run(), "task failed", std::runtime_error);
    CHECK(log == std::vector<std::string>{"y1", "y2", "y3"});
}

TEST_CASE("tasks left suspended with nothing to wake them are destroyed and reported") {
    auto witness = std::make_shared<int>(0);
    scheduler s;
    s.spawn(stuck(witness), "forgotten");
    CHECK(witness.use_count() == 2);
    CHECK_THROWS_WITH_AS(s.run(), doctest::Contains("forgotten"), std::logic_error);
    CHECK(witness.use_count() == 1);  // the frame was destroyed
}

TEST_CASE("yield and sleep_for outside a running scheduler fail loudly") {
    CHECK_THROWS_AS(book::coro::yield(), std::logic_error);
    CHECK_THROWS_AS(book::coro::sleep_for(milliseconds(1)), std::logic_error);
    CHECK(scheduler::current() == nullptr);
}

TEST_CASE("tracing records one slice per resume, attributed to the right task") {
    std::vector<std::string> log;
    scheduler s;
    s.enable_trace();
    const auto a = s.spawn(yielder(log, "a", 2), "a");
    const auto b = s.spawn(yielder(log, "b", 1), "b");
    s.run();
    REQUIRE(s.trace().size() == 5);  // a: 3 resumes (2 yields + the end), b: 2
    std::vector<std::size_t> order;
    for (const auto& sl : s.trace()) order.push_back(sl.task_id);
    CHECK(order == std::vector<std::size_t>{a, b, a, b, a});
    CHECK(s.name(a) == "a");
}
