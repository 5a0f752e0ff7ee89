// Unit tests of book::coro::generator, filter and take.
#include <doctest/doctest.h>

#include "generator.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using book::coro::generator;

namespace {

generator<int> count_to(int n) {
    for (int i = 1; i <= n; ++i) co_yield i;
}

generator<int> logged(std::vector<std::string>& log, int n) {
    log.push_back("body starts");
    for (int i = 1; i <= n; ++i) {
        log.push_back("yield " + std::to_string(i));
        co_yield i;
    }
    log.push_back("body ends");
}

generator<long> naturals(long* produced) {
    for (long i = 0;; ++i) {
        ++*produced;
        co_yield i;
    }
}

generator<int> fails_after(int n) {
    for (int i = 1; i <= n; ++i) co_yield i;
    throw std::runtime_error("source broke");
}

struct on_destroy {
    int* counter;
    ~on_destroy() { ++*counter; }
};

generator<int> holds_guard(int* destroyed) {
    on_destroy guard{destroyed};
    for (int i = 0;; ++i) co_yield i;
}

}  // namespace

TEST_CASE("a generator yields its values in order and then ends") {
    std::vector<int> got;
    for (int v : count_to(4)) got.push_back(v);
    CHECK(got == std::vector<int>{1, 2, 3, 4});
}

TEST_CASE("an empty generator yields nothing") {
    int seen = 0;
    for (int v : count_to(0)) seen += v + 1;
    CHECK(seen == 0);
    generator<int> none;
    CHECK(none.begin() == none.end());
}

TEST_CASE("the body does not run until the first value is asked for") {
    std::vector<std::string> log;
    generator<int> g = logged(log, 2);
    CHECK(log.empty());
    auto it = g.begin();
    REQUIRE(it != g.end());
    CHECK(*it == 1);
    CHECK(log == std::vector<std::string>{"body starts", "yield 1"});
}

TEST_CASE("control alternates between the consumer and the coroutine") {
    std::vector<std::string> log;
    for (int v : logged(log, 2)) log.push_back("consumer got " + std::to_string(v));
    CHECK(log == std::vector<std::string>{"body starts", "yield 1", "consumer got 1",
                                          "yield 2", "consumer got 2", "body ends"});
}

TEST_CASE(
    "filter and take pull only as many values as they need from an infinite source") {
    long produced = 0;
    std::vector<long> got;
    for (long v : book::coro::take(
             book::coro::filter(naturals(&produced), [](long x) { return x % 3 == 0; }),
             4))
        got.push_back(v);
    CHECK(got == std::vector<long>{0, 3, 6, 9});
    CHECK(produced == 10);
    SUBCASE("take of zero asks for nothing") {
        long none = 0;
        for (long v : book::coro::take(naturals(&none), 0)) (void)v;
        CHECK(none == 0);
    }
}

TEST_CASE("an exception thrown in the body reaches the consumer") {
    std::vector<int> got;
    auto consume = [&] {
        for (int v : fails_after(2)) got.push_back(v);
    };
    CHECK_THROWS_WITH_AS(consume(), "source broke", std::runtime_error);
    CHECK(got == std::vector<int>{1, 2});
}

TEST_CASE("destroying an unfinished generator destroys the locals in its frame") {
    int destroyed = 0;
    {
        generator<int> g = holds_guard(&destroyed);
        auto it = g.begin();
        ++it;
        CHECK(*it == 1);
        CHECK(destroyed == 0);
    }
    CHECK(destroyed == 1);
}

TEST_CASE("a generator owns copies of its by-value parameters") {
    auto shared = std::make_shared<int>(7);
    auto uses = [](std::shared_ptr<int> p) -> generator<int> { co_yield *p; };
    {
        generator<int> g = uses(shared);
        CHECK(shared.use_count() == 2);  // the frame holds a copy
    }
    CHECK(shared.use_count() == 1);
}

TEST_CASE(
    "advancing past the end fails loudly instead of resuming a finished coroutine") {
    generator<int> g = count_to(1);
    auto it = g.begin();
    ++it;
    REQUIRE(it == g.end());
    CHECK_THROWS_AS(++it, std::logic_error);
}

TEST_CASE("a moved-from generator is empty and the new owner continues") {
    generator<int> a = count_to(3);
    auto it = a.begin();
    CHECK(*it == 1);
    generator<int> b = std::move(a);
    CHECK(a.begin() == a.end());
    auto jt = b.begin();  // a later begin() continues where the sequence is
    CHECK(*jt == 1);
    ++jt;
    CHECK(*jt == 2);
}
