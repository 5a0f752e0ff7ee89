// Tests of karp_flatt() and diagnose(): recovering a serial fraction from measured
// speedups.
#include <doctest/doctest.h>

#include <vector>

#include "karp_flatt.hpp"

using namespace book::cvp::exercise;

namespace {
// Times in units of the one-processor run: a serial part f, a parallel part that divides,
// and an overhead per processor.
double speedup_with(double f, double overhead_per_processor, double p) {
    return 1.0 / (f + (1.0 - f) / p + overhead_per_processor * (p - 1));
}
}  // namespace

TEST_CASE("perfect speedup means no serial fraction") {
    CHECK(karp_flatt(4.0, 4.0) == doctest::Approx(0.0));
    CHECK(karp_flatt(64.0, 64.0) == doctest::Approx(0.0));
}

TEST_CASE("no speedup at all means everything is serial") {
    CHECK(karp_flatt(1.0, 8.0) == doctest::Approx(1.0));
}

TEST_CASE(
    "speedups that follow Amdahl's law give back its serial fraction at every processor "
    "count") {
    for (double f : {0.02, 0.1, 0.3}) {
        for (double p : {2.0, 3.0, 8.0, 64.0}) {
            CAPTURE(f);
            CAPTURE(p);
            CHECK(karp_flatt(speedup_with(f, 0.0, p), p) == doctest::Approx(f));
        }
    }
}

TEST_CASE(
    "a fixed serial part is told apart from an overhead that grows with the processors") {
    const std::vector<Measured> amdahl_like = {{2, speedup_with(0.1, 0, 2)},
                                               {4, speedup_with(0.1, 0, 4)},
                                               {8, speedup_with(0.1, 0, 8)}};
    const std::vector<Measured> with_overhead = {{2, speedup_with(0.1, 0.01, 2)},
                                                 {4, speedup_with(0.1, 0.01, 4)},
                                                 {8, speedup_with(0.1, 0.01, 8)}};
    CHECK(diagnose(amdahl_like) == Limit::serial_part);
    CHECK(diagnose(with_overhead) == Limit::growing_overhead);
}

TEST_CASE("meaningless input is refused") {
    CHECK_THROWS_AS(karp_flatt(2.0, 1.0), std::invalid_argument);
    CHECK_THROWS_AS(karp_flatt(0.0, 4.0), std::invalid_argument);
    CHECK_THROWS_AS(diagnose({{2, 1.5}}), std::invalid_argument);
}
