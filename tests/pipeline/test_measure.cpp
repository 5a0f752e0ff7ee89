// Tests of code/common/measure.hpp's interleaving: every contender sampled once per
// round, in a fresh order each round, the same orders in every run of a program; and of
// costs.hpp's one rule for a goal.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "costs.hpp"
#include "measure.hpp"

namespace {

// Runs `contenders` contenders that record the order they ran in; returns that order.
std::vector<int> recorded_order(int contenders, int warmup, int reps,
                                std::uint32_t seed = book::measure::default_order_seed) {
    std::vector<int> order;
    std::vector<book::measure::Contender> list;
    for (int i = 0; i < contenders; ++i)
        list.push_back({"c" + std::to_string(i), [&order, i] {
                            order.push_back(i);
                            return static_cast<double>(i);
                        }});
    const auto results = book::measure::interleaved(list, warmup, reps, seed);
    for (int i = 0; i < contenders; ++i) REQUIRE(results[i].median == i);
    return order;
}

}  // namespace

TEST_CASE("every round samples every contender exactly once, after the warm-up") {
    const auto order = recorded_order(4, 2, 10);
    REQUIRE(order.size() == 4 * (2 + 10));
    for (std::size_t round = 0; round < 12; ++round) {
        std::vector<int> seen(4, 0);
        for (std::size_t k = 0; k < 4; ++k) ++seen[order[round * 4 + k]];
        CHECK(seen == std::vector<int>{1, 1, 1, 1});
    }
}

TEST_CASE(
    "the order changes between rounds, so no contender always follows the same one") {
    const auto order = recorded_order(4, 0, 20);
    bool changed = false;
    for (std::size_t round = 1; round < 20 && !changed; ++round)
        for (std::size_t k = 0; k < 4; ++k) changed |= order[round * 4 + k] != order[k];
    CHECK(changed);
}

TEST_CASE("the same seed gives the same orders in every run; another seed, others") {
    CHECK(recorded_order(5, 1, 15) == recorded_order(5, 1, 15));
    CHECK(recorded_order(5, 1, 15, 1) != recorded_order(5, 1, 15, 2));
}

TEST_CASE("a goal is judged on the ratio as the cost file writes it, to six digits") {
    using book::measure::CostFile;
    CHECK(CostFile::as_written(1.0010612345) == doctest::Approx(1.00106).epsilon(1e-12));
    CHECK_FALSE(CostFile::goal_met(1.00106, 1.0));  // 1.00x on a two-decimal page: missed
    CHECK(CostFile::goal_met(1.0000001, 1.0));      // written as 1: met
    CHECK(CostFile::goal_met(0.97, 1.0));
    CHECK_FALSE(CostFile::goal_met(book::measure::no_value, 1.0));
}
