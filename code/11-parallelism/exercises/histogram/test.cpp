// Tests of parallel_histogram(): the same counts as a serial loop, for any pool.
#include <doctest/doctest.h>

#include <random>
#include <stdexcept>
#include <vector>

#include "histogram.hpp"

using book::par::ThreadPool;
using book::par::exercise::parallel_histogram;

namespace {
std::vector<std::size_t> serial(const std::vector<int>& v, int bins) {
    std::vector<std::size_t> h(static_cast<std::size_t>(bins), 0);
    for (int x : v) ++h[static_cast<std::size_t>(x)];
    return h;
}
}  // namespace

TEST_CASE("the histogram equals the serial count for every pool size") {
    std::mt19937 rng(5);
    for (unsigned threads : {1u, 2u, 4u}) {
        ThreadPool pool(threads);
        for (std::size_t n : {0u, 1u, 1000u, 100'003u}) {
            for (int bins : {1, 7, 256}) {
                CAPTURE(threads);
                CAPTURE(n);
                CAPTURE(bins);
                std::vector<int> v(n);
                for (auto& x : v)
                    x = static_cast<int>(rng() % static_cast<unsigned>(bins));
                CHECK(parallel_histogram(pool, v, bins) == serial(v, bins));
            }
        }
    }
}

TEST_CASE("every value is counted exactly once") {
    ThreadPool pool(3);
    std::vector<int> v(50'000, 3);
    const auto h = parallel_histogram(pool, v, 4);
    REQUIRE(h.size() == 4);
    CHECK(h[3] == 50'000);
    CHECK(h[0] + h[1] + h[2] == 0);
}

TEST_CASE("a value outside the bins is an error") {
    ThreadPool pool(2);
    std::vector<int> v(10'000, 1);
    v[7777] = 9;
    CHECK_THROWS_AS(parallel_histogram(pool, v, 4), std::out_of_range);
    v[7777] = -1;
    CHECK_THROWS_AS(parallel_histogram(pool, v, 4), std::out_of_range);
}
