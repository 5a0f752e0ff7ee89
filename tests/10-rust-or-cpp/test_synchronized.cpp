// Unit tests of synchronized.hpp and thread_safety.hpp.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "synchronized.hpp"
#include "thread_safety.hpp"

using book::safe::Synchronized;

TEST_CASE("the value is reached through a guard that holds the lock") {
    Synchronized<std::string> s("abc");
    {
        auto g = s.lock();
        g->append("d");
        CHECK(*g == "abcd");
    }
    CHECK(s.with_lock([](std::string& v) { return v.size(); }) == 4);
}

TEST_CASE("a guard holds the mutex until it is destroyed") {
    Synchronized<int> s(0);
    int seen = -1;
    {
        auto g = s.lock();
        std::jthread other([&] { seen = s.with_lock([](int& v) { return v; }); });
        *g = 1;  // `other` cannot read before this guard is gone
        { auto released = std::move(g); }
    }  // `other` joins here
    CHECK(seen == 1);
}

TEST_CASE("concurrent increments through guards lose nothing") {
    Synchronized<long> counter(0);
    {
        std::vector<std::jthread> team;
        for (int t = 0; t < 4; ++t)
            team.emplace_back([&] {
                for (int i = 0; i < 5000; ++i) ++*counter.lock();
            });
    }
    CHECK(counter.with_lock([](long v) { return v; }) == 20000);
}

TEST_CASE("a moved guard keeps the lock and the moved-from one holds nothing") {
    Synchronized<int> s(5);
    auto a = s.lock();
    auto b = std::move(a);
    CHECK(*b == 5);
}

TEST_CASE("with_lock unlocks when the function throws") {
    Synchronized<int> s(0);
    CHECK_THROWS_AS(s.with_lock([](int&) -> int { throw std::runtime_error("x"); }),
                    std::runtime_error);
    CHECK(s.with_lock([](int& v) { return ++v; }) == 1);  // would deadlock if still held
}

TEST_CASE("Synchronized is neither copyable nor assignable") {
    static_assert(!std::is_copy_constructible_v<Synchronized<int>>);
    static_assert(!std::is_copy_assignable_v<Synchronized<int>>);
    static_assert(!std::is_copy_constructible_v<Synchronized<int>::Locked>);
}

TEST_CASE("the annotated mutex and guard lock and unlock like std::mutex") {
    book::safe::Mutex m;
    long value = 0;
    {
        std::vector<std::jthread> team;
        for (int t = 0; t < 4; ++t)
            team.emplace_back([&] {
                for (int i = 0; i < 5000; ++i) {
                    book::safe::LockGuard g(m);
                    ++value;
                }
            });
    }
    CHECK(value == 20000);
    REQUIRE(m.try_lock());
    m.unlock();
}
