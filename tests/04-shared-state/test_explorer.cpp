// Tests of explorer.hpp: exact schedule counts and outcomes of the chapter's small
// programs.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "explorer.hpp"

using namespace book::shared;

namespace {

std::string counter_of(const State& s) {
    auto it = s.shared.find("counter");
    return std::to_string(it == s.shared.end() ? 0 : it->second);
}

ThreadCode racy_increment() {
    return {load("counter", "r"), add("r", 1), store("counter", "r")};
}

}  // namespace

TEST_CASE("two racy increments lose an update in 18 of their 20 schedules") {
    Explorer ex({racy_increment(), racy_increment()});
    auto outcomes = ex.explore(counter_of);
    REQUIRE(outcomes.size() == 2);
    CHECK(outcomes["1"].schedules == 18);
    CHECK(outcomes["2"].schedules == 2);
}

TEST_CASE(
    "the only correct schedules of two racy increments run one thread entirely before "
    "the other") {
    Explorer ex({racy_increment(), racy_increment()});
    std::vector<Schedule> correct;
    ex.for_each_schedule([&](const Schedule& s, const State& st) {
        if (counter_of(st) == "2") correct.push_back(s);
    });
    REQUIRE(correct.size() == 2);
    CHECK(correct[0] == Schedule{0, 0, 0, 1, 1, 1});
    CHECK(correct[1] == Schedule{1, 1, 1, 0, 0, 0});
}

TEST_CASE("fetch_add gives the right total in every schedule") {
    ThreadCode inc = {fetch_add("counter", 1)};
    for (std::size_t n = 1; n <= 4; ++n) {
        Explorer ex(std::vector<ThreadCode>(n, inc));
        auto outcomes = ex.explore(counter_of);
        REQUIRE(outcomes.size() == 1);
        CHECK(outcomes.begin()->first == std::to_string(n));
    }
}

TEST_CASE("three racy increments can end with every total from 1 to 3") {
    Explorer ex({racy_increment(), racy_increment(), racy_increment()});
    auto outcomes = ex.explore(counter_of);
    CHECK(outcomes.size() == 3);
    CHECK(outcomes.count("1") == 1);
    CHECK(outcomes.count("3") == 1);
    std::uint64_t total = 0;
    for (auto& [k, o] : outcomes) total += o.schedules;
    CHECK(total == multinomial({3, 3, 3}));
}

TEST_CASE("store buffering never reads two zeros under sequential consistency") {
    Explorer sb(
        {{store_value("x", 1), load("y", "r")}, {store_value("y", 1), load("x", "r")}});
    auto outcomes = sb.explore([](const State& s) {
        return std::to_string(s.registers[0].at("r")) +
               std::to_string(s.registers[1].at("r"));
    });
    CHECK(outcomes.count("00") == 0);
    CHECK(outcomes["01"].schedules == 1);
    CHECK(outcomes["10"].schedules == 1);
    CHECK(outcomes["11"].schedules == 4);
}

TEST_CASE("enumerated schedule counts equal the multinomial coefficient") {
    for (std::size_t n = 1; n <= 3; ++n)
        for (std::size_t k = 0; k <= 3; ++k) {
            CAPTURE(n);
            CAPTURE(k);
            Explorer ex(std::vector<ThreadCode>(n, ThreadCode(k, fetch_add("x", 1))));
            CHECK(ex.count_schedules() == multinomial(std::vector<std::size_t>(n, k)));
        }
    CHECK(multinomial({2, 3}) == 10);
    CHECK(multinomial({4, 4, 4, 4}) == 63063000);
}

TEST_CASE("the multinomial coefficient refuses to overflow") {
    CHECK_THROWS_AS(multinomial(std::vector<std::size_t>(40, 40)), std::overflow_error);
}

TEST_CASE("describe names each step with its thread's letter") {
    Explorer ex({racy_increment(), racy_increment()});
    auto lines = ex.describe({0, 1, 0, 0, 1, 1});
    REQUIRE(lines.size() == 6);
    CHECK(lines[0] == "A: r = counter");
    CHECK(lines[1] == "B: r = counter");
    CHECK(lines[3] == "A: counter = r");
}

TEST_CASE("an initial value is where every schedule starts") {
    Explorer ex({{fetch_add("x", 2)}}, {{"x", 40}});
    auto outcomes =
        ex.explore([](const State& s) { return std::to_string(s.shared.at("x")); });
    CHECK(outcomes.count("42") == 1);
}

TEST_CASE("a program without threads is rejected") {
    CHECK_THROWS_AS(Explorer(std::vector<ThreadCode>{}), std::invalid_argument);
}
