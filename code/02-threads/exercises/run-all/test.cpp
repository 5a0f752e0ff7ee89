// Tests of the run-all exercise: results and exceptions brought back from threads.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <stdexcept>
#include <string>
#include <vector>

#include "run_all.hpp"

using book::threads::exercises::run_all;

TEST_CASE("results come back in the order of the tasks") {
    std::vector<std::function<int()>> tasks;
    for (int i = 0; i < 8; ++i) tasks.push_back([i] { return i * i; });
    CHECK(run_all(tasks) == std::vector<int>{0, 1, 4, 9, 16, 25, 36, 49});
}

TEST_CASE("the tasks run at the same time") {
    // Each task waits for the other's signal, so run one after the other they could never
    // finish; the wait is bounded so that a wrong solution fails instead of hanging.
    std::promise<void> a_ready, b_ready;
    auto a_seen = a_ready.get_future(), b_seen = b_ready.get_future();
    // (int, not bool: std::vector<bool> packs its elements into shared words, so two
    // threads writing neighbouring elements would race.)
    std::vector<std::function<int()>> tasks = {
        [&] {
            a_ready.set_value();
            return int(b_seen.wait_for(std::chrono::seconds(30)) ==
                       std::future_status::ready);
        },
        [&] {
            b_ready.set_value();
            return int(a_seen.wait_for(std::chrono::seconds(30)) ==
                       std::future_status::ready);
        }};
    CHECK(run_all(tasks) == std::vector<int>{1, 1});
}

TEST_CASE("an exception thrown by a task reaches the caller") {
    std::vector<std::function<int()>> tasks = {
        [] { return 1; }, []() -> int { throw std::runtime_error("task 1 failed"); }};
    CHECK_THROWS_WITH_AS(run_all(tasks), "task 1 failed", std::runtime_error);
}

TEST_CASE("every task runs to its end even when another one throws") {
    std::atomic<int> finished{0};
    std::vector<std::function<int()>> tasks = {
        []() -> int { throw std::logic_error("first"); },
        [&] {
            ++finished;
            return 0;
        },
        [&] {
            ++finished;
            return 0;
        }};
    CHECK_THROWS_AS(run_all(tasks), std::logic_error);
    CHECK(finished == 2);
}

TEST_CASE("with several failures, the lowest-numbered task's exception wins") {
    std::vector<std::function<std::string()>> tasks = {
        [] { return std::string("fine"); },
        []() -> std::string { throw std::out_of_range("task 1"); },
        []() -> std::string { throw std::invalid_argument("task 2"); }};
    CHECK_THROWS_WITH_AS(run_all(tasks), "task 1", std::out_of_range);
}

TEST_CASE("no tasks, no threads, an empty result") {
    CHECK(run_all(std::vector<std::function<int()>>{}).empty());
}
