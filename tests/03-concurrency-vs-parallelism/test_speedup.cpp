// Tests of speedup.hpp and work.hpp: the laws, the measured ratios, the thread counts,
// and how work is split.
#include <doctest/doctest.h>

#include <cstddef>
#include <vector>

#include "speedup.hpp"
#include "work.hpp"

using namespace book::cvp;

TEST_CASE(
    "Amdahl's law: no serial part scales perfectly, an all-serial program not at all") {
    CHECK(amdahl_speedup(0.0, 8) == doctest::Approx(8));
    CHECK(amdahl_speedup(1.0, 8) == doctest::Approx(1));
    CHECK(amdahl_speedup(0.1, 4) == doctest::Approx(1 / (0.1 + 0.9 / 4)));
    CHECK(amdahl_speedup(0.25, 1) == doctest::Approx(1));
}

TEST_CASE("Amdahl's speedup grows with processors but never reaches 1/f") {
    double previous = 0;
    for (int p = 1; p <= 4096; p *= 2) {
        const double s = amdahl_speedup(0.05, p);
        CHECK(s > previous);
        CHECK(s < 1 / 0.05);
        previous = s;
    }
}

TEST_CASE("Gustafson's law: scaled speedup is p - s(p - 1)") {
    CHECK(gustafson_speedup(0.0, 8) == doctest::Approx(8));
    CHECK(gustafson_speedup(1.0, 8) == doctest::Approx(1));
    CHECK(gustafson_speedup(0.1, 4) == doctest::Approx(3.7));
}

TEST_CASE(
    "Gustafson's prediction equals the one-thread time of the scaled problem over its "
    "parallel time") {
    // serial part 10 time units, 30 units of parallel work per processor, p processors.
    for (int p = 1; p <= 16; ++p) {
        const double parallel_time = 10 + 30, one_thread_time = 10 + 30.0 * p;
        const double s = serial_fraction(10, parallel_time);
        CHECK(gustafson_speedup(s, p) ==
              doctest::Approx(speedup(one_thread_time, parallel_time)));
    }
}

TEST_CASE("the laws and ratios refuse meaningless input") {
    CHECK_THROWS_AS(amdahl_speedup(-0.1, 2), std::invalid_argument);
    CHECK_THROWS_AS(amdahl_speedup(1.1, 2), std::invalid_argument);
    CHECK_THROWS_AS(amdahl_speedup(0.1, 0.5), std::invalid_argument);
    CHECK_THROWS_AS(gustafson_speedup(0.1, 0), std::invalid_argument);
    CHECK_THROWS_AS(speedup(0, 1), std::invalid_argument);
    CHECK_THROWS_AS(speedup(1, -1), std::invalid_argument);
    CHECK_THROWS_AS(serial_fraction(2, 1), std::invalid_argument);
    CHECK_THROWS_AS(serial_fraction(0, 0), std::invalid_argument);
    CHECK(serial_fraction(1, 4) == doctest::Approx(0.25));
    CHECK(speedup(10, 4) == doctest::Approx(2.5));
}

TEST_CASE("the thread counts cover 1..CPUs and go beyond the CPUs") {
    CHECK(thread_counts(1, 64) == std::vector<int>{1, 2});
    CHECK(thread_counts(2, 64) == std::vector<int>{1, 2, 3, 4});
    CHECK(thread_counts(4, 64) == std::vector<int>{1, 2, 3, 4, 5, 8});
    CHECK(thread_counts(64, 256) ==
          std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64, 65, 128});
    CHECK(thread_counts(64, 10) == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
    CHECK_THROWS_AS(thread_counts(0, 4), std::invalid_argument);
}

TEST_CASE(
    "split_range gives every item to exactly one part, and parts differ by at most one "
    "item") {
    for (std::size_t total : {0u, 1u, 7u, 100u, 481u}) {
        for (std::size_t parts = 1; parts <= 9; ++parts) {
            std::vector<int> owner(total, 0);
            std::size_t smallest = total, largest = 0, expected_first = 0;
            for (std::size_t i = 0; i < parts; ++i) {
                const auto [first, last] = split_range(total, parts, i);
                CHECK(first == expected_first);  // contiguous, in order
                expected_first = last;
                for (std::size_t k = first; k < last; ++k) ++owner[k];
                smallest = std::min(smallest, last - first);
                largest = std::max(largest, last - first);
            }
            CHECK(expected_first == total);
            for (int o : owner) CHECK(o == 1);
            CHECK(largest - smallest <= 1);
        }
    }
    CHECK_THROWS_AS(split_range(10, 0, 0), std::invalid_argument);
    CHECK_THROWS_AS(split_range(10, 2, 2), std::invalid_argument);
}

TEST_CASE("burn is deterministic and depends on its seed and length") {
    CHECK(burn(1000, 1) == burn(1000, 1));
    CHECK(burn(1000, 1) != burn(1000, 2));
    CHECK(burn(1000, 1) != burn(1001, 1));
    CHECK(iterations_per_us(1) > 0);
}
