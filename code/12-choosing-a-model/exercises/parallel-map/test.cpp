// Tests of parallel_map(): results in order, every child ended, the first exception
// rethrown.
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "parallel_map.hpp"

using book::structured::exercise::parallel_map;

TEST_CASE("parallel_map returns every result in the input's order") {
    std::vector<int> in{3, 1, 4, 1, 5, 9, 2, 6};
    auto out = parallel_map(in, [](int x) { return std::to_string(x * x); });
    REQUIRE(out.size() == in.size());
    for (std::size_t i = 0; i < in.size(); ++i)
        CHECK(out[i] == std::to_string(in[i] * in[i]));
}

TEST_CASE("parallel_map of an empty vector is empty") {
    std::vector<int> in;
    CHECK(parallel_map(in, [](int x) { return x; }).empty());
}

TEST_CASE("parallel_map rethrows a failure after every child has ended") {
    std::vector<int> in{1, 2, 3, 4, 5};
    std::atomic<int> ended{0};
    auto f = [&](int x) {
        ended.fetch_add(1);
        if (x == 3) throw std::invalid_argument("three");
        return x;
    };
    CHECK_THROWS_AS(parallel_map(in, f), std::invalid_argument);
    CHECK(ended.load() == 5);
}
