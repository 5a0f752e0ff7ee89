// Tests of the schedule-count exercise: the recursive count agrees with enumeration and
// the closed form.
#include <doctest/doctest.h>

#include "explorer.hpp"
#include "schedules.hpp"

using book::shared::exercise::schedule_count;

TEST_CASE("a program with no steps has exactly one schedule") {
    CHECK(schedule_count({}) == 1);
    CHECK(schedule_count({0, 0}) == 1);
}

TEST_CASE("a single thread has exactly one schedule") { CHECK(schedule_count({5}) == 1); }

TEST_CASE("two threads of three steps have twenty schedules") {
    CHECK(schedule_count({3, 3}) == 20);
}

TEST_CASE("the count equals the explorer's enumeration and the multinomial coefficient") {
    const std::vector<std::vector<std::size_t>> shapes = {
        {1, 1}, {2, 1}, {2, 3}, {1, 1, 1}, {2, 2, 2}, {3, 1, 2}, {1, 2, 0, 1}};
    for (const auto& shape : shapes) {
        std::vector<book::shared::ThreadCode> threads;
        for (std::size_t k : shape)
            threads.emplace_back(k, book::shared::fetch_add("x", 1));
        CAPTURE(shape.size());
        CHECK(schedule_count(shape) == book::shared::Explorer(threads).count_schedules());
        CHECK(schedule_count(shape) == book::shared::multinomial(shape));
    }
}
