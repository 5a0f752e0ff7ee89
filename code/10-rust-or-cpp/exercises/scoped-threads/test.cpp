// Tests of the scoped-threads exercise: every thread joined before scope() returns.
#include <doctest/doctest.h>

#include <atomic>
#include <numeric>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "scope.hpp"

using book::safe::Scope;
using book::safe::scope;

TEST_CASE("every spawned thread has finished when scope returns") {
    std::atomic<int> finished{0};
    scope([&](Scope& s) {
        for (int i = 0; i < 8; ++i) s.spawn([&] { finished.fetch_add(1); });
    });
    CHECK(finished.load() == 8);
}

TEST_CASE("spawned threads may borrow the caller's locals") {
    std::vector<long> partial(4, 0);
    const long total = scope([&](Scope& s) {
        for (std::size_t t = 0; t < partial.size(); ++t)
            s.spawn([&slot = partial[t], t] {
                for (long i = 0; i < 1000; ++i) slot += static_cast<long>(t);
            });
        return 1L;
    });
    CHECK(total == 1);
    CHECK(std::accumulate(partial.begin(), partial.end(), 0L) == 6000);
}

TEST_CASE("threads spawned by spawned threads are joined too") {
    std::atomic<int> finished{0};
    scope([&](Scope& s) {
        s.spawn([&] {
            s.spawn([&] { finished.fetch_add(1); });
            finished.fetch_add(1);
        });
    });
    CHECK(finished.load() == 2);
}

TEST_CASE("an exception in a thread is rethrown after every thread has joined") {
    std::atomic<int> finished{0};
    auto body = [&](Scope& s) {
        s.spawn([] { throw std::runtime_error("boom"); });
        for (int i = 0; i < 4; ++i) s.spawn([&] { finished.fetch_add(1); });
    };
    CHECK_THROWS_AS(scope(body), std::runtime_error);
    CHECK(finished.load() == 4);
}

TEST_CASE("a scope can be neither copied, moved nor made outside scope()") {
    static_assert(!std::is_copy_constructible_v<Scope>);
    static_assert(!std::is_move_constructible_v<Scope>);
    static_assert(!std::is_default_constructible_v<Scope>);
    CHECK(scope([](Scope&) { return 42; }) == 42);
}
