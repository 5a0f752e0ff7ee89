// Unit tests of book::loop::poller: readiness, removal, and registration from threads.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "poller.hpp"

using book::loop::poller;

namespace {
struct pipe_pair {
    int r, w;
    pipe_pair() {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
        r = fds[0];
        w = fds[1];
    }
    ~pipe_pair() {
        ::close(r);
        ::close(w);
    }
};
}  // namespace

TEST_CASE("a readable descriptor's callback runs with EPOLLIN") {
    poller p;
    pipe_pair pp;
    std::uint32_t seen = 0;
    p.add(pp.r, EPOLLIN, [&](std::uint32_t ev) { seen = ev; });
    CHECK(p.wait(0) == 0);  // nothing written yet
    REQUIRE(::write(pp.w, "x", 1) == 1);
    CHECK(p.wait(-1) == 1);
    CHECK((seen & EPOLLIN) != 0);
    p.remove(pp.r);
    CHECK(p.size() == 0);
}

TEST_CASE("a callback removed before wait() returns never runs") {
    poller p;
    pipe_pair a, b;
    int runs = 0;
    // Both become ready; whichever runs first removes the other.
    p.add(a.r, EPOLLIN, [&](std::uint32_t) {
        ++runs;
        if (p.contains(b.r)) p.remove(b.r);
    });
    p.add(b.r, EPOLLIN, [&](std::uint32_t) {
        ++runs;
        if (p.contains(a.r)) p.remove(a.r);
    });
    REQUIRE(::write(a.w, "x", 1) == 1);
    REQUIRE(::write(b.w, "x", 1) == 1);
    p.wait(-1);
    CHECK(runs == 1);
}

TEST_CASE("registering twice or removing an unknown descriptor fails loudly") {
    poller p;
    pipe_pair pp;
    p.add(pp.r, EPOLLIN, [](std::uint32_t) {});
    CHECK_THROWS_AS(p.add(pp.r, EPOLLIN, [](std::uint32_t) {}), std::logic_error);
    CHECK_THROWS_AS(p.remove(pp.w), std::logic_error);
    p.remove(pp.r);
}

TEST_CASE("another thread may register a descriptor while wait() blocks") {
    poller p;
    pipe_pair pp;
    std::atomic<bool> called{false};
    std::thread other([&] {
        p.add(pp.r, EPOLLIN | EPOLLONESHOT, [&](std::uint32_t) { called = true; });
        CHECK(::write(pp.w, "x", 1) == 1);
    });
    while (!called) p.wait(-1);  // the added descriptor wakes it
    other.join();
    CHECK(called);
    p.remove(pp.r);
}

TEST_CASE("wake() from another thread ends a wait with no timeout") {
    poller p;
    std::thread other([&] { p.wake(); });
    CHECK(p.wait(-1) == 0);
    other.join();
}

TEST_CASE("several threads add and remove their own descriptors concurrently") {
    poller p;
    constexpr int threads = 4, rounds = 200;
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
        ts.emplace_back([&] {
            pipe_pair pp;
            for (int i = 0; i < rounds; ++i) {
                p.add(pp.r, EPOLLIN, [](std::uint32_t) {});
                p.remove(pp.r);
            }
        });
    for (auto& t : ts) t.join();
    CHECK(p.size() == 0);
}
