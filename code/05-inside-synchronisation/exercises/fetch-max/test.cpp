// test.cpp: tests of the fetch_max exercise.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <utility>
#include <thread>
#include <vector>

#include "fetch_max.hpp"

using book::sync::exercise::fetch_max;

TEST_CASE("fetch_max raises the value and returns the old one") {
    std::atomic<int> x{5};
    CHECK(fetch_max(x, 9) == 5);
    CHECK(x.load() == 9);
}

TEST_CASE("fetch_max leaves a larger value alone and returns it") {
    std::atomic<int> x{12};
    CHECK(fetch_max(x, 3) == 12);
    CHECK(x.load() == 12);
}

TEST_CASE(
    "concurrent fetch_max calls end at the overall maximum, and exactly one caller saw "
    "each record broken") {
    constexpr int threads = 4, per_thread = 10000;
    std::atomic<long> x{-1};
    // Every call that raised the value, as (value before, value after), per thread.
    std::vector<std::vector<std::pair<long, long>>> raises(threads);
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) {
                    const long mine = static_cast<long>(i) * threads +
                                      t;  // every value in 0 .. threads*per_thread-1 once
                    const long before = fetch_max(x, mine);
                    if (before < mine)
                        raises[static_cast<std::size_t>(t)].emplace_back(before, mine);
                }
            });
    }
    CHECK(x.load() == long{threads} * per_thread - 1);
    // The raises form one chain -1 -> a -> b -> ... -> maximum: each record was broken by
    // exactly one call.
    std::vector<std::pair<long, long>> chain;
    for (const auto& mine : raises) chain.insert(chain.end(), mine.begin(), mine.end());
    std::ranges::sort(chain, {}, &std::pair<long, long>::second);
    REQUIRE_FALSE(chain.empty());
    long previous = -1;
    bool linked = true;
    for (const auto& [before, after] : chain) {
        if (before != previous) linked = false;
        previous = after;
    }
    CHECK(linked);
    CHECK(previous == long{threads} * per_thread - 1);
}
