// Tests of linked_scope(): an outer stop request cancels the scope's children.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

#include "linked_scope.hpp"

using book::structured::task_group;
using book::structured::exercise::linked_scope;

namespace {
void wait_for_stop(std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, stop, [] { return false; });
}
}  // namespace

TEST_CASE("an outer stop requested while the scope is open cancels its children") {
    std::stop_source outer;
    std::atomic<int> cancelled{0};
    linked_scope(outer.get_token(), [&](task_group& g) {
        for (int i = 0; i < 3; ++i)
            g.spawn([&](std::stop_token t) {
                wait_for_stop(t);
                cancelled.fetch_add(1);
            });
        g.spawn([&] { outer.request_stop(); });  // another thread stops the outer source
    });
    CHECK(cancelled.load() == 3);
}

TEST_CASE("an outer source stopped before the scope opens cancels the children at once") {
    std::stop_source outer;
    outer.request_stop();
    std::atomic<bool> saw_stop{false};
    linked_scope(outer.get_token(), [&](task_group& g) {
        g.spawn([&](std::stop_token t) { saw_stop = t.stop_requested(); });
    });
    CHECK(saw_stop.load());
}

TEST_CASE("without an outer stop the children run to their end") {
    std::stop_source outer;
    std::atomic<int> ran{0};
    std::atomic<bool> saw_stop{false};
    linked_scope(outer.get_token(), [&](task_group& g) {
        for (int i = 0; i < 4; ++i)
            g.spawn([&](std::stop_token t) {
                if (t.stop_requested()) saw_stop = true;
                ran.fetch_add(1);
            });
    });
    CHECK(ran.load() == 4);
    CHECK_FALSE(saw_stop.load());
    outer.request_stop();  // after the scope: no callback left to run
}
