// Tests of book::structured: the scope waits for its children, cancels them on a failure
// and rethrows the first exception.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <latch>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "structured.hpp"

using book::structured::scope;
using book::structured::task_group;

namespace {
void wait_for_stop(std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, stop, [] { return false; });
}
}  // namespace

TEST_CASE("every child has finished when the scope returns") {
    std::atomic<int> finished{0};
    std::vector<int> written(
        8, 0);  // each child writes its own element, read after the scope
    scope([&](task_group& g) {
        for (int i = 0; i < 8; ++i)
            g.spawn([&, i] {
                written[static_cast<std::size_t>(i)] = i + 1;
                finished.fetch_add(1);
            });
    });
    CHECK(finished.load() == 8);
    for (int i = 0; i < 8; ++i) CHECK(written[static_cast<std::size_t>(i)] == i + 1);
}

TEST_CASE("the scope waits for a child that is still blocked when the body returns") {
    std::latch release(1);
    std::atomic<bool> done{false};
    scope([&](task_group& g) {
        g.spawn([&] {
            release.wait();
            done = true;
        });
        g.spawn([&] { release.count_down(); });  // released only by a sibling
    });
    CHECK(done.load());
}

TEST_CASE("the first exception of a child reaches the caller of the scope") {
    SUBCASE("one child fails") {
        CHECK_THROWS_WITH_AS(scope([](task_group& g) {
                                 g.spawn([] {});
                                 g.spawn([] { throw std::runtime_error("disk full"); });
                             }),
                             "disk full", std::runtime_error);
    }
    SUBCASE("every child fails and exactly one exception arrives") {
        std::atomic<int> thrown{0};
        int caught = 0;
        try {
            scope([&](task_group& g) {
                for (int i = 0; i < 6; ++i)
                    g.spawn([&, i] {
                        thrown.fetch_add(1);
                        throw std::runtime_error("child " + std::to_string(i));
                    });
            });
        } catch (const std::runtime_error& e) {
            ++caught;
            CHECK(std::string(e.what()).rfind("child ", 0) == 0);
        }
        CHECK(caught == 1);
        CHECK(thrown.load() == 6);
    }
}

TEST_CASE("a failing child cancels its siblings through their stop tokens") {
    std::atomic<int> cancelled{0};
    CHECK_THROWS_AS(scope([&](task_group& g) {
                        for (int i = 0; i < 4; ++i)
                            g.spawn([&](std::stop_token stop) {
                                wait_for_stop(stop);
                                cancelled.fetch_add(1);
                            });
                        g.spawn([] { throw std::logic_error("bad input"); });
                    }),
                    std::logic_error);
    CHECK(cancelled.load() == 4);
}

TEST_CASE("an exception from the body cancels the children and is the one rethrown") {
    std::atomic<int> cancelled{0};
    CHECK_THROWS_WITH(scope([&](task_group& g) {
                          g.spawn([&](std::stop_token stop) {
                              wait_for_stop(stop);
                              cancelled.fetch_add(1);
                              throw std::runtime_error("child, after the stop");
                          });
                          throw std::runtime_error("body");
                      }),
                      "body");
    CHECK(cancelled.load() == 1);
}

TEST_CASE("children may spawn children, and the scope waits for all of them") {
    std::atomic<int> leaves{0};
    std::size_t spawned = 0;
    scope([&](task_group& g) {
        for (int i = 0; i < 3; ++i)
            g.spawn([&] {
                for (int j = 0; j < 3; ++j) g.spawn([&] { leaves.fetch_add(1); });
            });
        g.wait();
        spawned = g.spawned();
    });
    CHECK(leaves.load() == 9);
    CHECK(spawned == 12);
}

TEST_CASE("a group destroyed without wait stops and joins its children") {
    std::atomic<int> cancelled{0};
    {
        task_group g;
        for (int i = 0; i < 3; ++i)
            g.spawn([&](std::stop_token stop) {
                wait_for_stop(stop);
                cancelled.fetch_add(1);
            });
    }
    CHECK(cancelled.load() == 3);
}

TEST_CASE("a group can be waited for again after an error was rethrown") {
    task_group g;
    g.spawn([] { throw std::runtime_error("first"); });
    CHECK_THROWS(g.wait());
    auto shared = std::make_shared<int>(0);
    g.spawn([shared] { *shared = 7; });  // a stop was requested; the child still runs
    CHECK_NOTHROW(g.wait());
    CHECK(*shared == 7);
    CHECK(g.stop_token().stop_requested());
}
