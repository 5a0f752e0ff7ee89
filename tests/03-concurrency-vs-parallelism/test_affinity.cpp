// Tests of affinity.hpp: reading the affinity mask, confining a thread and the threads it
// starts, restoring.
#include <doctest/doctest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "affinity.hpp"

using namespace book::cvp;

TEST_CASE(
    "the affinity mask is sorted, not empty, and contains the CPU the thread is on") {
    const auto cpus = allowed_cpus();
    REQUIRE_FALSE(cpus.empty());
    CHECK(std::is_sorted(cpus.begin(), cpus.end()));
    CHECK(std::find(cpus.begin(), cpus.end(), current_cpu()) != cpus.end());
}

TEST_CASE(
    "a confined thread runs only on its CPU, threads it starts inherit that, and the "
    "mask is restored") {
    const auto before = allowed_cpus();
    const int chosen = before.back();
    {
        ScopedAffinity confine({chosen});
        CHECK(allowed_cpus() == std::vector<int>{chosen});
        CHECK(current_cpu() ==
              chosen);  // sched_setaffinity moves the calling thread before it returns
        std::vector<int> seen_by_child;
        int cpu_of_child = -1;
        std::jthread child([&] {
            seen_by_child = allowed_cpus();
            cpu_of_child = current_cpu();
        });
        child.join();
        CHECK(seen_by_child == std::vector<int>{chosen});
        CHECK(cpu_of_child == chosen);
    }
    CHECK(allowed_cpus() == before);
}

TEST_CASE("ScopedAffinity refuses an empty set and a CPU outside the mask") {
    CHECK_THROWS_AS(ScopedAffinity({}), std::invalid_argument);
    const auto cpus = allowed_cpus();
    int outside = 0;
    while (std::find(cpus.begin(), cpus.end(), outside) != cpus.end()) ++outside;
    CHECK_THROWS_AS(ScopedAffinity({outside}), std::invalid_argument);
    CHECK_THROWS_AS(ScopedAffinity({-1}), std::invalid_argument);
    CHECK(allowed_cpus() == cpus);  // a refused request changes nothing
}

TEST_CASE("CPU lists are formatted with ranges") {
    CHECK(format_cpus({}) == "{}");
    CHECK(format_cpus({5}) == "{5}");
    CHECK(format_cpus({0, 1, 2, 3, 6}) == "{0-3,6}");
    CHECK(format_cpus({0, 2, 4}) == "{0,2,4}");
}
