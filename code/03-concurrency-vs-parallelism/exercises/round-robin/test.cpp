// Tests of round_robin(): a simulated time-slicing scheduler on one or more CPUs.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "round_robin.hpp"

using book::cvp::exercise::round_robin;

namespace {
void check_times(const std::vector<double>& got, const std::vector<double>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(i);
        CHECK(got[i] == doctest::Approx(want[i]));
    }
}
}  // namespace

TEST_CASE(
    "on one CPU, two equal tasks take turns and finish one slice apart, at the very "
    "end") {
    check_times(round_robin({3, 3}, 1, 1), {5, 6});
}

TEST_CASE("a task that needs less than a quantum gives the CPU back early") {
    check_times(round_robin({1, 3}, 1, 2), {1, 4});
}

TEST_CASE("a quantum longer than every task runs them one after another") {
    check_times(round_robin({1, 2, 3}, 1, 100), {1, 3, 6});
}

TEST_CASE("with a CPU per task, every task finishes after its own work: parallelism") {
    check_times(round_robin({2, 5, 1}, 3, 1), {2, 5, 1});
    check_times(round_robin({2, 5, 1}, 8, 0.5), {2, 5, 1});
}

TEST_CASE("three tasks on two CPUs share them in turn") {
    // t=0: CPU0 runs task 0, CPU1 task 1. t=1: both back to the queue behind task 2 ->
    // CPU0 task 2, CPU1 task 0. t=2: task 2 back to the queue, task 0 done -> CPU0 task
    // 1, CPU1 task 2. t=3: both done.
    check_times(round_robin({2, 2, 2}, 2, 1), {2, 3, 3});
}

TEST_CASE("a task with no work completes at time zero and takes no turn") {
    check_times(round_robin({0, 2}, 1, 1), {0, 2});
    CHECK(round_robin({}, 2, 1).empty());
}

TEST_CASE(
    "the last task finishes no earlier than the total work divided over the CPUs, nor "
    "than the longest task") {
    const std::vector<double> work = {5, 1, 7, 3, 3, 2};
    const double total = std::accumulate(work.begin(), work.end(), 0.0);
    for (int cpus = 1; cpus <= 7; ++cpus) {
        CAPTURE(cpus);
        const auto done = round_robin(work, cpus, 0.5);
        const double last = *std::max_element(done.begin(), done.end());
        CHECK(last >= std::max(total / cpus, 7.0) - 1e-9);
        for (std::size_t i = 0; i < work.size(); ++i) CHECK(done[i] >= work[i] - 1e-9);
    }
    const auto on_one = round_robin(work, 1, 0.5);
    CHECK(*std::max_element(on_one.begin(), on_one.end()) ==
          doctest::Approx(total));  // one CPU is never idle
}

TEST_CASE("invalid parameters are refused") {
    CHECK_THROWS_AS(round_robin({1}, 0, 1), std::invalid_argument);
    CHECK_THROWS_AS(round_robin({1}, 1, 0), std::invalid_argument);
    CHECK_THROWS_AS(round_robin({-1}, 1, 1), std::invalid_argument);
}
