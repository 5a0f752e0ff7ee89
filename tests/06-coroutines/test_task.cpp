// Unit tests of book::coro::task and run_to_completion.
#include <doctest/doctest.h>

#include "task.hpp"

#include <coroutine>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using book::coro::run_to_completion;
using book::coro::task;

namespace {

task<int> value(std::vector<std::string>& log, int v) {
    log.push_back("value runs");
    co_return v;
}

task<int> adds_one(std::vector<std::string>& log, int v) {
    log.push_back("adds_one starts");
    const int x = co_await value(log, v);
    log.push_back("adds_one resumed with " + std::to_string(x));
    co_return x + 1;
}

task<int> throws_runtime() {
    throw std::runtime_error("deep failure");
    co_return 0;
}

task<int> passes_through() { co_return 10 + co_await throws_runtime(); }

task<> void_thrower() {
    throw std::invalid_argument("bad");
    co_return;
}

task<int> chain(int depth) {
    if (depth == 0) co_return 0;
    co_return 1 + co_await chain(depth - 1);
}

task<int> waits_forever() {
    co_await std::suspend_always{};
    co_return 1;
}

}  // namespace

TEST_CASE("a task does not start until it is awaited or run") {
    std::vector<std::string> log;
    task<int> t = value(log, 3);
    CHECK(log.empty());
    CHECK_FALSE(t.done());
    CHECK(run_to_completion(std::move(t)) == 3);
    CHECK(log == std::vector<std::string>{"value runs"});
}

TEST_CASE("awaiting a task runs it and resumes the awaiter with its value") {
    std::vector<std::string> log;
    CHECK(run_to_completion(adds_one(log, 41)) == 42);
    CHECK(log == std::vector<std::string>{"adds_one starts", "value runs",
                                          "adds_one resumed with 41"});
}

TEST_CASE("an exception thrown in a task propagates out of co_await") {
    SUBCASE("through one awaiting level to the caller") {
        CHECK_THROWS_WITH_AS(run_to_completion(passes_through()), "deep failure",
                             std::runtime_error);
    }
    SUBCASE("and can be caught by the awaiting coroutine") {
        auto catcher = []() -> task<std::string> {
            try {
                co_await passes_through();
            } catch (const std::runtime_error& e) {
                co_return e.what();
            }
            co_return "nothing";
        };
        CHECK(run_to_completion(catcher()) == "deep failure");
    }
    SUBCASE("from a task<void>") {
        CHECK_THROWS_AS(run_to_completion(void_thrower()), std::invalid_argument);
    }
}

TEST_CASE("a chain of awaits returns through every level") {
    // 1000 levels fit in the stack even where the transfer is not a tail call (-O0,
    // sanitizers).
    CHECK(run_to_completion(chain(1000)) == 1000);
}

TEST_CASE("a task can return a move-only value") {
    auto make = []() -> task<std::unique_ptr<int>> {
        co_return std::make_unique<int>(5);
    };
    auto p = run_to_completion(make());
    REQUIRE(p);
    CHECK(*p == 5);
}

TEST_CASE("destroying a task that never ran frees its frame and its parameters") {
    auto shared = std::make_shared<int>(1);
    auto holder = [](std::shared_ptr<int> p) -> task<int> { co_return *p; };
    {
        task<int> t = holder(shared);
        CHECK(shared.use_count() == 2);
    }
    CHECK(shared.use_count() == 1);
}

TEST_CASE(
    "run_to_completion refuses a task that waits for something nobody will resume") {
    CHECK_THROWS_AS(run_to_completion(waits_forever()), std::logic_error);
}

TEST_CASE("result() of an unfinished task fails loudly") {
    std::vector<std::string> log;
    task<int> t = value(log, 1);
    CHECK_THROWS_AS(t.result(), std::logic_error);
}
