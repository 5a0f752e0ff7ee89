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

TEST_CASE(
    "several senders and receivers: no value lost or duplicated, the buffer never "
    "overfills, and receive ends only once the channel is closed and drained") {
    // With several tasks on each side, a woken task may find that another one took the
    // slot or the value first (a stolen wake-up): only a loop around the wait handles it.
    constexpr int senders = 3, receivers = 3, per_sender = 200;
    scheduler s;
    channel<int> ch(s, 1);
    std::vector<int> got;
    std::size_t largest = 0;
    int senders_left = senders;
    bool ended_early = false;  // a receive returned "closed" while the channel was open
    auto sender = [&](int id) -> task<> {
        for (int i = 0; i < per_sender; ++i) {
            co_await ch.send(id * per_sender + i);
            largest = std::max(largest, ch.size());
            if (i % 3 == id % 3) co_await book::coro::yield();
        }
        if (--senders_left == 0) ch.close();
    };
    auto receiver = [&](int id) -> task<> {
        for (int n = 0;; ++n) {
            std::optional<int> v = co_await ch.receive();
            if (!v) {
                if (!ch.closed()) ended_early = true;
                co_return;
            }
            got.push_back(*v);
            if (n % 2 == id % 2) co_await book::coro::yield();
        }
    };
    for (int r = 0; r < receivers; ++r) s.spawn(receiver(r));
    for (int i = 0; i < senders; ++i) s.spawn(sender(i));
    s.run();
    std::sort(got.begin(), got.end());
    std::vector<int> expected(senders * per_sender);
    for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = static_cast<int>(i);
    CHECK_FALSE(ended_early);
    CHECK(largest <= ch.capacity());
    CHECK(got == expected);
    CHECK(ch.waiting() == 0);
}
