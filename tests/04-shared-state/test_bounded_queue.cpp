// Tests of bounded_queue.hpp: FIFO order, capacity, close semantics, and no lost items
// under concurrency.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "blocked.hpp"
#include "bounded_queue.hpp"

using book::shared::BoundedQueue;
using namespace std::chrono_literals;

TEST_CASE("a queue gives items back in the order they were pushed") {
    BoundedQueue<int> q(8);
    for (int i = 0; i < 5; ++i) REQUIRE(q.push(i));
    for (int i = 0; i < 5; ++i) CHECK(q.pop() == i);
    CHECK(q.size() == 0);
}

TEST_CASE("a queue of capacity zero is refused") {
    CHECK_THROWS_AS(BoundedQueue<int>(0), std::invalid_argument);
}

TEST_CASE("try_push refuses an item when the queue is full") {
    BoundedQueue<int> q(2);
    CHECK(q.try_push(1));
    CHECK(q.try_push(2));
    CHECK_FALSE(q.try_push(3));
    CHECK(q.size() == 2);
    CHECK(q.capacity() == 2);
    CHECK(q.try_pop() == 1);
    CHECK(q.try_push(3));
}

TEST_CASE("try_pop and pop_for return nothing from an empty queue") {
    BoundedQueue<int> q(1);
    CHECK_FALSE(q.try_pop().has_value());
    CHECK_FALSE(
        q.pop_for(1ms).has_value());  // a bounded wait that is allowed to time out
}

TEST_CASE("a queue holds move-only items") {
    BoundedQueue<std::unique_ptr<std::string>> q(1);
    REQUIRE(q.push(std::make_unique<std::string>("moved")));
    auto item = q.pop();
    REQUIRE(item.has_value());
    CHECK(**item == "moved");
}

TEST_CASE("a closed queue drains its items, then reports the end") {
    BoundedQueue<int> q(4);
    q.push(1);
    q.push(2);
    q.close();
    CHECK(q.closed());
    CHECK_FALSE(q.push(3));
    CHECK_FALSE(q.try_push(3));
    CHECK(q.pop() == 1);
    CHECK(q.pop() == 2);
    CHECK_FALSE(q.pop().has_value());
    CHECK_FALSE(
        q.pop_for(1h).has_value());  // closed: returns at once, however long the timeout
    q.close();                       // twice is harmless
}

namespace {

// Starts @p count threads that each announce themselves and then call @p blocking_call;
// once the kernel shows all of them asleep in a futex wait, calls @p wake, then joins
// them. Returns how many blocking calls returned true. Waking only after every thread
// really waits is what makes a close() that wakes only one of them hang (and the
// watchdog report it) instead of passing when the threads happen to start late.
template <class Call, class Wake>
int block_then_wake(int count, Call blocking_call, Wake wake) {
    std::atomic<int> announced{0}, returned{0}, succeeded{0};
    std::vector<std::atomic<pid_t>> tids(static_cast<std::size_t>(count));
    {
        std::vector<std::jthread> threads;
        for (int i = 0; i < count; ++i)
            threads.emplace_back([&, i] {
                tids[static_cast<std::size_t>(i)].store(book::testing::this_thread_tid());
                announced.fetch_add(1);
                if (blocking_call(i)) succeeded.fetch_add(1);
                returned.fetch_add(1);
            });
        while (announced.load() < count) std::this_thread::yield();
        std::vector<pid_t> ids;
        for (auto& tid : tids) ids.push_back(tid.load());
        const bool all_blocked = book::testing::wait_until_in_futex_wait(
            ids, [&] { return returned.load() > 0; });
        CHECK_MESSAGE(all_blocked, "a blocking call returned before it was woken");
        wake();
    }  // joined here: a thread left waiting would hang, and the watchdog would fail the
       // test
    return succeeded.load();
}

}  // namespace

TEST_CASE("close wakes every waiting consumer") {
    BoundedQueue<int> q(1);
    const int ended = block_then_wake(
        4, [&](int) { return !q.pop().has_value(); }, [&] { q.close(); });
    CHECK(ended == 4);
}

TEST_CASE("close wakes every producer blocked on a full queue") {
    BoundedQueue<int> q(1);
    REQUIRE(q.push(0));
    const int refused = block_then_wake(
        3, [&](int i) { return !q.push(i + 1); }, [&] { q.close(); });
    CHECK(refused == 3);  // the queue was full until close, so no push could succeed
    CHECK(q.pop() == 0);
    CHECK_FALSE(q.pop().has_value());
}

TEST_CASE("a queue can be destroyed as soon as the last pop or close returns") {
    // Nothing may touch the queue once another thread can see the state that lets it
    // destroy the queue (the tsan preset reports it if something does).
    for (int round = 0; round < 1000; ++round) {
        auto q = std::make_unique<BoundedQueue<int>>(1);
        std::jthread producer([&queue = *q, round] {
            if (round % 2 == 0)
                queue.push(round);
            else
                queue.close();
        });
        q->pop();
        q.reset();
    }
    CHECK(true);
}

TEST_CASE(
    "many producers and consumers lose no item, keep each producer's order and respect "
    "the capacity") {
    constexpr int producers = 4, consumers = 3, per_producer = 5000;
    constexpr std::size_t capacity = 3;
    BoundedQueue<std::pair<int, int>> q(capacity);
    std::vector<std::vector<int>> seen(
        producers * consumers);  // seen[c * producers + p]: p's items as c got them
    std::atomic<bool> over_capacity{false}, push_refused{false};
    {
        {
            std::vector<std::jthread> threads;
            for (int c = 0; c < consumers; ++c)
                threads.emplace_back([&, c] {
                    while (auto item = q.pop()) {
                        if (q.size() > capacity) over_capacity = true;
                        seen[static_cast<std::size_t>(c * producers + item->first)]
                            .push_back(item->second);
                    }
                });
            {
                std::vector<std::jthread> senders;
                for (int p = 0; p < producers; ++p)
                    senders.emplace_back([&, p] {
                        for (int i = 0; i < per_producer; ++i)
                            if (!q.push({p, i})) push_refused = true;
                    });
            }  // every producer joined
            q.close();
        }  // every consumer joined

        CHECK_FALSE(push_refused.load());
        CHECK_FALSE(over_capacity.load());
        for (int p = 0; p < producers; ++p) {
            std::vector<int> all;
            for (int c = 0; c < consumers; ++c) {
                const auto& got = seen[static_cast<std::size_t>(c * producers + p)];
                CHECK(std::is_sorted(
                    got.begin(),
                    got.end()));  // FIFO per producer, as each consumer saw it
                all.insert(all.end(), got.begin(), got.end());
            }
            std::sort(all.begin(), all.end());
            REQUIRE(all.size() == static_cast<std::size_t>(
                                      per_producer));  // none lost, none duplicated
            for (int i = 0; i < per_producer; ++i)
                CHECK(all[static_cast<std::size_t>(i)] == i);
        }
    }
}
