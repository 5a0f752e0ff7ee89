// Tests of processors_needed(): the fewest processors that reach a speedup, by Amdahl's
// law.
#include <doctest/doctest.h>

#include "processors_needed.hpp"

using book::cvp::exercise::amdahl;
using book::cvp::exercise::processors_needed;

TEST_CASE("a speedup of 1 or less needs a single processor") {
    CHECK(processors_needed(0.3, 1.0) == 1);
    CHECK(processors_needed(0.3, 0.5) == 1);
}

TEST_CASE("with no serial part, a speedup of N needs N processors") {
    CHECK(processors_needed(0.0, 8.0) == 8);
    CHECK(processors_needed(0.0, 7.5) == 8);
}

TEST_CASE(
    "a target that lands exactly on a whole number of processors is not rounded up") {
    // 1 / (0.1 + 0.9 / 9) = 5 exactly on paper; in floating point (1 - 0.1) / (1 / 5 -
    // 0.1) is a hair above 9.
    CHECK(processors_needed(0.1, 5.0) == 9);
    CHECK(processors_needed(0.25, 2.0) == 3);
}

TEST_CASE("a target at or beyond Amdahl's limit 1/f is never reached") {
    CHECK_FALSE(processors_needed(0.1, 10.0).has_value());
    CHECK_FALSE(processors_needed(0.1, 12.0).has_value());
    CHECK_FALSE(processors_needed(1.0, 1.5).has_value());
    CHECK_FALSE(processors_needed(0.5, 2.0).has_value());
}

TEST_CASE("just below the limit the count is large but finite") {
    const auto p = processors_needed(0.5, 1.9);
    REQUIRE(p.has_value());
    CHECK(*p == 19);
    const auto q = processors_needed(0.1, 9.9);
    REQUIRE(q.has_value());
    CHECK(*q > 800);
}

TEST_CASE("the answer is the smallest count that reaches the target") {
    for (double f : {0.01, 0.05, 0.1, 0.25, 0.4}) {
        for (double target : {1.5, 2.0, 2.4, 3.0, 4.5, 7.0}) {
            CAPTURE(f);
            CAPTURE(target);
            const auto p = processors_needed(f, target);
            if (target >= 1 / f) {
                CHECK_FALSE(p.has_value());
                continue;
            }
            REQUIRE(p.has_value());
            CHECK(amdahl(f, static_cast<double>(*p)) >= target);
            if (*p > 1) CHECK(amdahl(f, static_cast<double>(*p - 1)) < target);
        }
    }
}

TEST_CASE("meaningless input is refused") {
    CHECK_THROWS_AS(processors_needed(-0.1, 2.0), std::invalid_argument);
    CHECK_THROWS_AS(processors_needed(1.5, 2.0), std::invalid_argument);
    CHECK_THROWS_AS(processors_needed(0.1, 0.0), std::invalid_argument);
}
