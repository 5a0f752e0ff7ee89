// Unit tests of book::loop::promise and the coroutines that await it.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loop.hpp"
#include "promise.hpp"
#include "worker_pool.hpp"

using book::loop::event_loop;
using book::loop::promise;
using log_t = std::vector<std::string>;

namespace {
std::string message_of(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        return ex.what();
    }
}

promise<int> add_later(event_loop& loop, promise<int> a, int b, log_t& log) {
    log.push_back("add starts");
    const int x = co_await a;
    log.push_back("add resumed");
    co_await book::loop::sleep(loop, 1);
    co_return x + b;
}

promise<int> fails() {
    co_await book::loop::resolved(*event_loop::current(), 0);
    throw std::runtime_error("inside");
}
}  // namespace

TEST_CASE("a then reaction never runs inside the call that registers it") {
    event_loop loop;
    log_t log;
    loop.run([&] {
        book::loop::resolved(loop, 1).then([&](int) { log.push_back("reaction"); });
        log.push_back("after then");
    });
    CHECK(log == log_t{"after then", "reaction"});
}

TEST_CASE("a promise settles once: later resolves and rejects are ignored") {
    event_loop loop;
    std::vector<int> seen;
    loop.run([&] {
        promise<int> p(loop);
        p.then([&](int v) { seen.push_back(v); });
        p.resolve(1);
        p.resolve(2);
        p.reject(std::runtime_error("late"));
        CHECK(p.fulfilled());
    });
    CHECK(seen == std::vector<int>{1});
}

TEST_CASE("a rejection skips then reactions and reaches catch_") {
    event_loop loop;
    log_t log;
    loop.run([&] {
        promise<int> p(loop);
        p.then([&](int v) {
             log.push_back("not here");
             return v;
         }).catch_([&](std::exception_ptr e) {
            log.push_back("caught " + message_of(e));
            return 0;
        });
        p.reject(std::runtime_error("no"));
    });
    CHECK(log == log_t{"caught no"});
}

TEST_CASE("a reaction that throws rejects the promise it returns") {
    event_loop loop;
    std::string caught;
    loop.run([&] {
        book::loop::resolved(loop, 1)
            .then([](int) -> int { throw std::runtime_error("in reaction"); })
            .catch_([&](std::exception_ptr e) {
                caught = message_of(e);
                return 0;
            });
    });
    CHECK(caught == "in reaction");
}

TEST_CASE("returning a promise from a reaction costs two more microtasks") {
    event_loop loop;
    log_t log;
    loop.run([&] {
        book::loop::resolved(loop, 0)
            .then([&](int) { return book::loop::resolved(loop, 7); })
            .then([&](int v) { log.push_back("adopted " + std::to_string(v)); });
        book::loop::resolved(loop, 0)
            .then([&](int) { log.push_back("1"); })
            .then([&] { log.push_back("2"); })
            .then([&] { log.push_back("3"); })
            .then([&] { log.push_back("4"); });
    });
    CHECK(log == log_t{"1", "2", "3", "adopted 7", "4"});
}

TEST_CASE("a coroutine runs at once up to its first await and resumes in a microtask") {
    event_loop loop;
    log_t log;
    int result = 0;
    loop.run([&] {
        promise<int> a(loop);
        add_later(loop, a, 2, log).then([&](int v) { result = v; });
        log.push_back("caller goes on");
        a.resolve(40);
        log.push_back("resolved");
    });
    CHECK(log == log_t{"add starts", "caller goes on", "resolved", "add resumed"});
    CHECK(result == 42);
}

TEST_CASE("an exception escaping a coroutine rejects its promise") {
    event_loop loop;
    std::string caught;
    loop.run([&] {
        fails().catch_([&](std::exception_ptr e) {
            caught = message_of(e);
            return 0;
        });
    });
    CHECK(caught == "inside");
}

TEST_CASE("a rejection nobody handles is reported once, after the drain") {
    event_loop loop;
    log_t log;
    loop.on_unhandled_rejection(
        [&](std::exception_ptr e) { log.push_back("unhandled " + message_of(e)); });
    loop.run([&] {
        promise<void> lost(loop), late(loop);
        lost.reject(std::runtime_error("lost"));
        late.reject(std::runtime_error("late"));
        loop.queue_microtask([&, late] {
            late.catch_([&](std::exception_ptr) { log.push_back("late handled"); });
        });
    });
    CHECK(log == log_t{"late handled", "unhandled lost"});
}

TEST_CASE("read_some resolves with what a pipe carried") {
    event_loop loop;
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    std::string got;
    loop.run([&] {
        book::loop::read_some(loop, fds[0]).then([&](const std::string& s) { got = s; });
        REQUIRE(::write(fds[1], "hello", 5) == 5);
    });
    ::close(fds[0]);
    ::close(fds[1]);
    CHECK(got == "hello");
}

TEST_CASE("work submitted to the pool settles its promise on the loop's thread") {
    event_loop loop;
    book::loop::worker_pool pool(loop, 2);
    std::vector<int> results;
    std::thread::id settled_on;
    std::string error;
    loop.run([&] {
        for (int i = 1; i <= 3; ++i)
            pool.submit([i] { return i * i; }).then([&](int v) {
                results.push_back(v);
                settled_on = std::this_thread::get_id();
            });
        pool.submit([]() -> int { throw std::runtime_error("worker failed"); })
            .catch_([&](std::exception_ptr e) {
                error = message_of(e);
                return 0;
            });
    });
    std::sort(results.begin(), results.end());
    CHECK(results == std::vector<int>{1, 4, 9});
    CHECK(settled_on == std::this_thread::get_id());
    CHECK(error == "worker failed");
}
