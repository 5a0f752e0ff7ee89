// Tests of the range exercise: values, direction, and an argument check that is not
// deferred.
#include <doctest/doctest.h>

#include "range.hpp"

#include <stdexcept>
#include <vector>

using book::coro::exercises::range;

namespace {
std::vector<long> collect(book::coro::generator<long> g) {
    std::vector<long> out;
    for (long v : g) out.push_back(v);
    return out;
}
}  // namespace

TEST_CASE("range counts up by its step and stops before last") {
    CHECK(collect(range(0, 5, 1)) == std::vector<long>{0, 1, 2, 3, 4});
    CHECK(collect(range(1, 10, 4)) == std::vector<long>{1, 5, 9});
}

TEST_CASE("range counts down with a negative step") {
    CHECK(collect(range(3, 0, -1)) == std::vector<long>{3, 2, 1});
}

TEST_CASE("range is empty when first is already past last") {
    CHECK(collect(range(5, 5, 1)).empty());
    CHECK(collect(range(0, 3, -1)).empty());
}

TEST_CASE("a zero step is rejected at the call, before any value is asked for") {
    CHECK_THROWS_AS((void)range(0, 5, 0), std::invalid_argument);
}
