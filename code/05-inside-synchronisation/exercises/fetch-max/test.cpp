// test.cpp: tests of the fetch_max exercise.
#include <doctest/doctest.h>

#include <atomic>
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

TEST_CASE("concurrent fetch_max calls end at the overall maximum, and exactly one caller saw each record broken") {
    constexpr int threads = 4, per_thread = 10000;
    std::atomic<long> x{-1};
    std::vector<long> raised(threads, 0);  // how often each thread's call actually increased the value
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) {
                    const long mine = static_cast<long>(i) * threads + t;  // every value in 0 .. threads*per_thread-1 once
                    if (fetch_max(x, mine) < mine) ++raised[static_cast<std::size_t>(t)];
                }
            });
    }
    CHECK(x.load() == long{threads} * per_thread - 1);
    long total = 0;
    for (long r : raised) total += r;
    CHECK(total >= 1);
    CHECK(total <= long{threads} * per_thread);
}
