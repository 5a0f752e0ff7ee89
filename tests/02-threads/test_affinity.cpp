// Tests of cpu_affinity.hpp: reading and narrowing the set of CPUs a thread may run on.
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "cpu_affinity.hpp"

using book::threads::AffinityGuard;
using book::threads::allowed_cpu_count;
using book::threads::allowed_cpus;

TEST_CASE("the allowed CPUs are a non-empty, increasing list of valid CPU numbers") {
    const auto cpus = allowed_cpus();
    REQUIRE_FALSE(cpus.empty());
    CHECK(std::is_sorted(cpus.begin(), cpus.end()));
    CHECK(std::adjacent_find(cpus.begin(), cpus.end()) == cpus.end());
    CHECK(cpus.front() >= 0);
    CHECK(allowed_cpu_count() == cpus.size());
}

TEST_CASE(
    "a guard narrows the calling thread to the CPUs it names and restores the old set") {
    const auto before = allowed_cpus();
    REQUIRE_FALSE(before.empty());
    {
        AffinityGuard one({before.back()});
        CHECK(allowed_cpus() == std::vector<int>{before.back()});
    }
    CHECK(allowed_cpus() == before);
}

TEST_CASE(
    "threads created inside a guard inherit the narrowed set, and keep it after the "
    "guard ends") {
    const auto before = allowed_cpus();
    REQUIRE_FALSE(before.empty());
    std::vector<int> seen_by_child;
    std::thread child;
    {
        AffinityGuard one({before.front()});
        child = std::thread([&seen_by_child] { seen_by_child = allowed_cpus(); });
    }
    child.join();
    CHECK(seen_by_child == std::vector<int>{before.front()});
    CHECK(allowed_cpus() == before);
}

TEST_CASE("hardware_concurrency does not follow the affinity mask") {
    const auto before = allowed_cpus();
    const unsigned reported = std::thread::hardware_concurrency();
    AffinityGuard one({before.front()});
    CHECK(allowed_cpu_count() == 1);
    CHECK(std::thread::hardware_concurrency() == reported);
}

TEST_CASE("a guard refuses an empty list and CPUs outside the allowed set") {
    CHECK_THROWS_AS(AffinityGuard({}), std::invalid_argument);
    CHECK_THROWS_AS(AffinityGuard({-1}), std::invalid_argument);
    CHECK_THROWS_AS(AffinityGuard({CPU_SETSIZE}), std::invalid_argument);
    const auto before = allowed_cpus();
    {
        AffinityGuard one({before.front()});
        if (before.size() > 1)
            CHECK_THROWS_AS(AffinityGuard({before.back()}), std::invalid_argument);
    }
    CHECK(allowed_cpus() == before);
}
