// Tests of first_of(): the first answer wins and cancels the siblings.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <vector>

#include "first_of.hpp"

using book::structured::exercise::first_of;
using book::structured::exercise::search;

namespace {
// A search that finds nothing until it is cancelled (waits on the token, no polling).
std::optional<int> until_cancelled(std::stop_token stop, std::atomic<int>& cancelled) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, stop, [] { return false; });
    cancelled.fetch_add(1);
    return std::nullopt;
}
}  // namespace

TEST_CASE("the one search that finds an answer wins and the others are cancelled") {
    std::atomic<int> cancelled{0};
    std::vector<search<int>> s;
    for (int i = 0; i < 3; ++i)
        s.push_back([&](std::stop_token t) { return until_cancelled(t, cancelled); });
    s.push_back([](std::stop_token) { return std::optional<int>(42); });
    auto answer = first_of(s);
    REQUIRE(answer.has_value());
    CHECK(*answer == 42);
    CHECK(cancelled.load() == 3);
}

TEST_CASE("no answer anywhere gives nullopt") {
    std::vector<search<int>> s(4, [](std::stop_token) { return std::optional<int>(); });
    CHECK_FALSE(first_of(s).has_value());
}

TEST_CASE("when several searches find an answer, the result is one of theirs") {
    std::vector<search<int>> s;
    for (int i = 1; i <= 4; ++i)
        s.push_back([i](std::stop_token) { return std::optional<int>(i * 10); });
    auto answer = first_of(s);
    REQUIRE(answer.has_value());
    CHECK(*answer % 10 == 0);
    CHECK(*answer >= 10);
    CHECK(*answer <= 40);
}

TEST_CASE("a failing search's exception reaches the caller") {
    std::vector<search<int>> s{[](std::stop_token) -> std::optional<int> {
        throw std::runtime_error("no disk");
    }};
    CHECK_THROWS_AS(first_of(s), std::runtime_error);
}
