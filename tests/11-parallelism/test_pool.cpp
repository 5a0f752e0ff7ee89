// Tests of pool.hpp and parallel_sort.hpp: coverage, exact reductions, nesting,
// exceptions, and sorting.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include "parallel_sort.hpp"
#include "pool.hpp"

using book::par::ThreadPool;

TEST_CASE("parallel_for visits every index exactly once, for any grain and size") {
    for (unsigned threads : {1u, 2u, 3u, 5u}) {
        ThreadPool pool(threads);
        for (std::size_t n : {0u, 1u, 7u, 1000u, 10007u}) {
            for (std::size_t grain : {1u, 3u, 64u, 100000u}) {
                CAPTURE(threads);
                CAPTURE(n);
                CAPTURE(grain);
                std::vector<std::atomic<int>> seen(n);
                std::atomic<bool> too_long{false};
                pool.parallel_for(5, 5 + n, grain, [&](std::size_t lo, std::size_t hi) {
                    if (hi - lo > grain) too_long = true;
                    for (std::size_t i = lo; i < hi; ++i) seen[i - 5].fetch_add(1);
                });
                CHECK_FALSE(too_long.load());
                CHECK(
                    std::all_of(seen.begin(), seen.end(),
                                [](const std::atomic<int>& s) { return s.load() == 1; }));
            }
        }
    }
}

TEST_CASE("parallel_reduce on integers is exact whatever the schedule") {
    ThreadPool pool(4);
    const std::uint64_t n = 200'003;
    for (std::size_t grain : {1u, 17u, 4096u}) {
        CAPTURE(grain);
        const std::uint64_t sum = pool.parallel_reduce(
            0, n, grain, std::uint64_t{0},
            [](std::size_t lo, std::size_t hi) {
                std::uint64_t s = 0;
                for (std::size_t i = lo; i < hi; ++i) s += i * i;
                return s;
            },
            std::plus<>());
        std::uint64_t expected = 0;
        for (std::uint64_t i = 0; i < n; ++i) expected += i * i;
        CHECK(sum == expected);
    }
}

TEST_CASE("a body may run a nested parallel loop on the same pool") {
    ThreadPool pool(3);
    const std::size_t outer = 40, inner = 500;
    std::vector<std::atomic<int>> seen(outer * inner);
    pool.parallel_for(0, outer, 1, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t o = lo; o < hi; ++o)
            pool.parallel_for(0, inner, 7, [&](std::size_t a, std::size_t b) {
                for (std::size_t i = a; i < b; ++i) seen[o * inner + i].fetch_add(1);
            });
    });
    CHECK(std::all_of(seen.begin(), seen.end(),
                      [](const std::atomic<int>& s) { return s.load() == 1; }));
    const long total = pool.parallel_reduce(
        0, 30, 1, 0L,
        [&](std::size_t lo, std::size_t hi) {
            long s = 0;
            for (std::size_t i = lo; i < hi; ++i)
                s += pool.parallel_reduce(
                    0, 100, 3, 0L,
                    [](std::size_t a, std::size_t b) { return static_cast<long>(b - a); },
                    std::plus<>());
            return s;
        },
        std::plus<>());
    CHECK(total == 3000);
}

TEST_CASE("an exception thrown by a body reaches the caller, and the pool goes on") {
    ThreadPool pool(3);
    auto boom = [&] {
        pool.parallel_for(0, 10000, 10, [](std::size_t lo, std::size_t hi) {
            for (std::size_t i = lo; i < hi; ++i)
                if (i == 4321) throw std::runtime_error("index 4321");
        });
    };
    CHECK_THROWS_WITH_AS(boom(), "index 4321", std::runtime_error);
    std::atomic<long> count{0};
    pool.parallel_for(0, 1000, 1, [&](std::size_t lo, std::size_t hi) {
        count += static_cast<long>(hi - lo);
    });
    CHECK(count.load() == 1000);
}

TEST_CASE("two threads may use one pool at the same time") {
    ThreadPool pool(3);
    std::atomic<long> a{0}, b{0};
    {
        std::jthread other([&] {
            for (int r = 0; r < 20; ++r)
                pool.parallel_for(0, 1000, 5, [&](std::size_t lo, std::size_t hi) {
                    a += static_cast<long>(hi - lo);
                });
        });
        for (int r = 0; r < 20; ++r)
            pool.parallel_for(0, 1000, 5, [&](std::size_t lo, std::size_t hi) {
                b += static_cast<long>(hi - lo);
            });
    }
    CHECK(a.load() == 20000);
    CHECK(b.load() == 20000);
}

TEST_CASE("a grain of zero and a pool of no thread are rejected") {
    CHECK_THROWS_AS(ThreadPool(0), std::invalid_argument);
    ThreadPool pool(2);
    CHECK_THROWS_AS(pool.parallel_for(0, 10, 0, [](std::size_t, std::size_t) {}),
                    std::invalid_argument);
}

TEST_CASE("workers know their index; other threads are index 0") {
    ThreadPool pool(3);
    CHECK(ThreadPool::this_worker() == 0);
    std::vector<std::atomic<int>> used(3);
    std::atomic<bool> out_of_range{false};
    pool.parallel_for(0, 3000, 1, [&](std::size_t, std::size_t) {
        const unsigned w = ThreadPool::this_worker();
        if (w >= 3)
            out_of_range = true;
        else
            used[w].fetch_add(1);
    });
    CHECK_FALSE(out_of_range.load());
    CHECK(used[0].load() + used[1].load() + used[2].load() == 3000);
}

TEST_CASE("parallel_sort sorts, keeps every element, and agrees with std::sort") {
    std::mt19937_64 rng(11);
    for (unsigned threads : {1u, 2u, 3u, 4u}) {
        ThreadPool pool(threads);
        for (std::size_t n : {0u, 1u, 100u, 20'000u, 100'003u}) {
            for (std::size_t piece : {1000u, 1u << 16}) {
                CAPTURE(threads);
                CAPTURE(n);
                std::vector<int> v(n);
                for (auto& x : v) x = static_cast<int>(rng() % 1000);  // many ties
                std::vector<int> expected = v;
                std::sort(expected.begin(), expected.end());
                book::par::parallel_sort(pool, v.begin(), v.end(), std::less<>(), piece);
                CHECK(v == expected);
            }
        }
    }
}

TEST_CASE("co_rank splits a merge where std::merge would") {
    const std::vector<int> a{1, 3, 3, 5, 9}, b{2, 3, 4, 10};
    std::vector<int> merged(a.size() + b.size());
    std::merge(a.begin(), a.end(), b.begin(), b.end(), merged.begin());
    for (std::size_t k = 0; k <= merged.size(); ++k) {
        const std::size_t i = book::par::co_rank(k, a.begin(), a.size(), b.begin(),
                                                 b.size(), std::less<>());
        CAPTURE(k);
        REQUIRE(i <= a.size());
        REQUIRE(k - i <= b.size());
        std::vector<int> head(a.begin(), a.begin() + static_cast<long>(i));
        head.insert(head.end(), b.begin(), b.begin() + static_cast<long>(k - i));
        std::sort(head.begin(), head.end());
        CHECK(std::equal(head.begin(), head.end(), merged.begin()));
    }
}
