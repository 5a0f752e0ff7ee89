// Tests of the chunked-sum exercise: chunk boundaries, and a sum computed by several
// threads.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

#include "chunked_sum.hpp"

using book::threads::exercises::chunk_of;
using book::threads::exercises::chunked_sum;

TEST_CASE(
    "the chunks cover every index once, in order, and differ in size by at most one") {
    for (std::size_t size : {0u, 1u, 7u, 10u, 1000u})
        for (std::size_t parts : {1u, 2u, 3u, 4u, 16u}) {
            CAPTURE(size);
            CAPTURE(parts);
            std::size_t expected_begin = 0, smallest = size, largest = 0;
            for (std::size_t i = 0; i < parts; ++i) {
                const auto c = chunk_of(size, parts, i);
                CHECK(c.begin == expected_begin);
                CHECK(c.end >= c.begin);
                smallest = std::min(smallest, c.end - c.begin);
                largest = std::max(largest, c.end - c.begin);
                expected_begin = c.end;
            }
            CHECK(expected_begin == size);
            CHECK(largest - smallest <= 1);
        }
}

TEST_CASE("a chunk request outside the parts is refused") {
    CHECK_THROWS_AS(chunk_of(10, 0, 0), std::invalid_argument);
    CHECK_THROWS_AS(chunk_of(10, 3, 3), std::invalid_argument);
}

TEST_CASE("the threaded sum equals the sequential sum for any number of threads") {
    std::vector<int> values(10007);
    std::iota(values.begin(), values.end(), -5000);
    const long long expected = std::accumulate(values.begin(), values.end(), 0LL);
    for (unsigned threads : {1u, 2u, 3u, 8u}) {
        CAPTURE(threads);
        CHECK(chunked_sum(values, threads) == expected);
    }
}

TEST_CASE("more threads than values still gives the right sum") {
    CHECK(chunked_sum({4, 5, 6}, 8) == 15);
}

TEST_CASE("every chunk is summed on a thread of its own, not on the caller") {
    std::vector<int> values(100, 1);
    std::vector<std::thread::id> workers;
    REQUIRE(chunked_sum(values, 4, &workers) == 100);
    REQUIRE(workers.size() == 4);
    for (std::size_t i = 0; i < workers.size(); ++i) {
        CAPTURE(i);
        CHECK(workers[i] != std::thread::id{});
        CHECK(workers[i] != std::this_thread::get_id());
        for (std::size_t j = 0; j < i; ++j) CHECK(workers[i] != workers[j]);
    }
}

TEST_CASE("zero threads is refused") {
    CHECK_THROWS_AS(chunked_sum({1, 2, 3}, 0), std::invalid_argument);
}
