// Tests of the rw-synchronized exercise: shared readers, exclusive writers, values out.
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "rw_synchronized.hpp"

using book::safe::RwSynchronized;

TEST_CASE("a read guard gives const access and a write guard mutable access") {
    RwSynchronized<std::string> s("abc");
    static_assert(std::is_const_v<std::remove_reference_t<decltype(*s.read())>>);
    static_assert(!std::is_const_v<std::remove_reference_t<decltype(*s.write())>>);
    s.write()->append("d");
    CHECK(*s.read() == "abcd");
}

TEST_CASE("two readers hold the lock at the same time") {
    RwSynchronized<int> s(7);
    auto first = s.read();
    bool second_reader_got_in = false;
    {
        std::jthread other([&] { second_reader_got_in = s.try_read().has_value(); });
    }
    CHECK(second_reader_got_in);
    CHECK(*first == 7);
}

TEST_CASE("a writer excludes readers and other writers") {
    RwSynchronized<int> s(0);
    auto w = s.write();
    bool reader_in = true, writer_in = true;
    {
        std::jthread other([&] {
            reader_in = s.try_read().has_value();
            writer_in = s.try_write().has_value();
        });
    }
    CHECK_FALSE(reader_in);
    CHECK_FALSE(writer_in);
}

TEST_CASE("with_read and with_write return what the function returns") {
    RwSynchronized<std::vector<int>> s(std::vector<int>{1, 2});
    CHECK(s.with_write([](auto& v) {
        v.push_back(3);
        return v.size();
    }) == 3);
    CHECK(s.with_read([](const auto& v) { return v.back(); }) == 3);
}

TEST_CASE("concurrent writers lose no update") {
    RwSynchronized<long> s(0);
    {
        std::vector<std::jthread> team;
        for (int t = 0; t < 4; ++t)
            team.emplace_back([&] {
                for (int i = 0; i < 1000; ++i) ++*s.write();
            });
    }
    CHECK(*s.read() == 4000);
}
