// Tests of the channel exercise: receivers wait for values, senders wait for room, close
// wakes everyone.
#include <doctest/doctest.h>

#include "channel.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using book::coro::scheduler;
using book::coro::task;
using book::coro::exercises::channel;

namespace {
task<> producer(channel<int>& ch, int count, std::size_t& largest_buffer) {
    for (int i = 1; i <= count; ++i) {
        co_await ch.send(i);
        largest_buffer = std::max(largest_buffer, ch.size());
    }
    ch.close();
}

task<> consumer(channel<int>& ch, std::vector<int>& got) {
    while (std::optional<int> v = co_await ch.receive()) {
        got.push_back(*v);
        co_await book::coro::yield();  // a slow consumer: the producer gets ahead
    }
}
}  // namespace

TEST_CASE("a receiver that starts first waits for the values sent later, in order") {
    scheduler s;
    channel<int> ch(s, 2);
    std::vector<int> got;
    std::size_t largest = 0;
    s.spawn(consumer(ch, got));
    s.spawn(producer(ch, 5, largest));
    s.run();
    CHECK(got == std::vector<int>{1, 2, 3, 4, 5});
}

TEST_CASE(
    "a sender waits while the buffer is full: the buffer never exceeds its capacity") {
    scheduler s;
    channel<int> ch(s, 2);
    std::vector<int> got;
    std::size_t largest = 0;
    s.spawn(producer(ch, 10, largest));
    s.spawn(consumer(ch, got));
    s.run();
    CHECK(largest <= ch.capacity());
    CHECK(got.size() == 10);
}

TEST_CASE("close wakes a waiting receiver with no value") {
    scheduler s;
    channel<int> ch(s, 1);
    std::vector<std::string> log;
    auto receiver = [&]() -> task<> {
        std::optional<int> v = co_await ch.receive();
        log.push_back(v ? "value" : "closed");
    };
    auto closer = [&]() -> task<> {
        log.push_back("closing");
        ch.close();
        co_return;
    };
    s.spawn(receiver());
    s.spawn(closer());
    s.run();
    CHECK(log == std::vector<std::string>{"closing", "closed"});
    CHECK(ch.waiting() == 0);
}

TEST_CASE("sending on a closed channel throws") {
    scheduler s;
    channel<int> ch(s, 1);
    ch.close();
    auto sender = [&]() -> task<> { co_await ch.send(1); };
    s.spawn(sender());
    CHECK_THROWS_AS(s.run(), std::logic_error);
}

TEST_CASE("a channel needs room for at least one value") {
    scheduler s;
    CHECK_THROWS_AS(channel<int>(s, 0), std::invalid_argument);
}
