// Tests of parallel_inclusive_scan(): the same sums as std::inclusive_scan.
#include <doctest/doctest.h>

#include <numeric>
#include <random>
#include <vector>

#include "prefix_sum.hpp"

using book::par::ThreadPool;
using book::par::exercise::parallel_inclusive_scan;

TEST_CASE("the parallel scan equals std::inclusive_scan for any size and pool") {
    std::mt19937 rng(3);
    for (unsigned threads : {1u, 2u, 3u, 8u}) {
        ThreadPool pool(threads);
        for (std::size_t n : {0u, 1u, 2u, 7u, 1000u, 123'457u}) {
            CAPTURE(threads);
            CAPTURE(n);
            std::vector<long> in(n);
            for (auto& x : in) x = static_cast<long>(rng() % 2001) - 1000;
            std::vector<long> expected(n);
            std::inclusive_scan(in.begin(), in.end(), expected.begin());
            CHECK(parallel_inclusive_scan(pool, in) == expected);
        }
    }
}

TEST_CASE("the last prefix sum is the total") {
    ThreadPool pool(4);
    std::vector<long> ones(100'000, 1);
    const auto out = parallel_inclusive_scan(pool, ones);
    REQUIRE(out.size() == ones.size());
    CHECK(out.front() == 1);
    CHECK(out[49'999] == 50'000);
    CHECK(out.back() == 100'000);
}
