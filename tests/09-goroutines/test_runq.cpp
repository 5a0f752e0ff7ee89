// Tests of runq.hpp: the owner's FIFO order, the overflow to the global queue, and
// thieves that race the owner without losing or duplicating an entry.
#include <doctest/doctest.h>

#include "runq.hpp"

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using Queue = book::go::RunQueue<int*, 16>;

TEST_CASE("the owner pops in the order it pushed") {
    Queue q;
    int items[10];
    for (int& i : items) q.push(&i, [](int**, std::size_t) { FAIL("overflow"); });
    CHECK(q.size() == 10);
    for (int& i : items) CHECK(q.pop() == &i);
    CHECK(q.pop() == nullptr);
}

TEST_CASE("a full queue moves half of its entries and the new one to the overflow") {
    Queue q;
    int items[17];
    std::vector<int*> overflow;
    for (int& i : items)
        q.push(&i,
               [&](int** batch, std::size_t n) { overflow.assign(batch, batch + n); });
    REQUIRE(overflow.size() == 9);  // the 8 oldest and the 17th
    for (int i = 0; i < 8; ++i) CHECK(overflow[i] == &items[i]);
    CHECK(overflow[8] == &items[16]);
    CHECK(q.size() == 8);
}

TEST_CASE("stealing takes half, rounded up, from the head") {
    Queue victim, thief;
    int items[7];
    for (int& i : items) victim.push(&i, [](int**, std::size_t) {});
    int* got = thief.steal_half(victim);
    CHECK(got == &items[3]);   // the last of the 4 taken is returned
    CHECK(thief.size() == 3);  // the other 3 stay in the thief's queue
    CHECK(victim.size() == 3);
    CHECK(thief.pop() == &items[0]);
    CHECK(victim.pop() == &items[4]);
    Queue empty;
    CHECK(thief.steal_half(empty) == nullptr);
}

TEST_CASE("thieves racing the owner neither lose nor duplicate an entry") {
    constexpr int n = 20000;
    std::vector<int> items(n);
    std::vector<std::atomic<int>> seen(n);
    Queue owner;
    std::mutex overflow_mutex;
    std::vector<int*> overflow;
    std::atomic<bool> done{false};
    auto take = [&](int* p) { seen[p - items.data()].fetch_add(1); };
    std::vector<std::thread> thieves;
    for (int t = 0; t < 2; ++t)
        thieves.emplace_back([&] {
            Queue mine;
            while (!done.load()) {
                if (int* p = mine.steal_half(owner)) {
                    take(p);
                    while (int* q = mine.pop()) take(q);
                }
            }
        });
    for (int i = 0; i < n; ++i) {
        owner.push(&items[i], [&](int** batch, std::size_t k) {
            std::lock_guard lock(overflow_mutex);
            overflow.insert(overflow.end(), batch, batch + k);
        });
        if (i % 3 == 0)
            if (int* p = owner.pop()) take(p);
    }
    while (int* p = owner.pop()) take(p);
    done.store(true);
    for (auto& t : thieves) t.join();
    for (int* p : overflow) take(p);
    for (int i = 0; i < n; ++i) CHECK(seen[i].load() == 1);
}
