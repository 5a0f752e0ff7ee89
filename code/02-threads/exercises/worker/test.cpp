// Tests of the worker exercise: a background thread with a task queue, futures and a stop
// token.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "worker.hpp"

using book::threads::exercises::Worker;
using namespace std::chrono_literals;

TEST_CASE("a submitted task runs on the worker's thread and its result comes back") {
    Worker w;
    auto id = w.submit([] { return std::this_thread::get_id(); });
    REQUIRE(id.valid());
    REQUIRE(id.wait_for(60s) == std::future_status::ready);
    CHECK(id.get() != std::this_thread::get_id());
}

TEST_CASE("tasks run one at a time, in submission order, all on the same thread") {
    Worker w;
    std::vector<int> order;  // touched only by the worker's thread until the last get()
    std::vector<std::thread::id> runners;
    std::vector<std::future<void>> done;
    for (int i = 0; i < 50; ++i)
        done.push_back(w.submit([i, &order, &runners] {
            order.push_back(i);
            runners.push_back(std::this_thread::get_id());
        }));
    for (auto& f : done) {
        REQUIRE(f.valid());
        REQUIRE(f.wait_for(60s) == std::future_status::ready);
        f.get();
    }
    REQUIRE(order.size() == 50);
    for (int i = 0; i < 50; ++i) CHECK(order[i] == i);
    for (const auto& r : runners) CHECK(r == runners.front());
}

TEST_CASE("an exception thrown by a task comes out of the future's get") {
    Worker w;
    auto f = w.submit([]() -> int { throw std::runtime_error("task failed"); });
    REQUIRE(f.valid());
    CHECK_THROWS_WITH_AS(f.get(), "task failed", std::runtime_error);
    auto g = w.submit([] { return 1; });  // and the worker carries on
    REQUIRE(g.valid());
    CHECK(g.get() == 1);
}

TEST_CASE("a stop lets the running task finish and abandons the queued ones") {
    std::promise<void> started, gate;
    auto started_f = started.get_future();
    auto gate_f = gate.get_future();
    std::optional<Worker> w(std::in_place);
    auto first = w->submit([&] {
        started.set_value();
        gate_f.wait();
        return 1;
    });
    auto second = w->submit([] { return 2; });
    REQUIRE(first.valid());
    REQUIRE(second.valid());
    REQUIRE(started_f.wait_for(60s) ==
            std::future_status::ready);  // the first task is running
    w->request_stop();
    gate.set_value();  // the first task may finish now; the stop was requested before
    w.reset();         // joins the worker
    CHECK(first.get() == 1);
    try {
        (void)second.get();
        FAIL("the queued task ran after the stop");
    } catch (const std::future_error& e) {
        CHECK(e.code() == std::future_errc::broken_promise);
    }
}

TEST_CASE("submitting after a stop is refused") {
    Worker w;
    w.request_stop();
    CHECK_THROWS_AS(w.submit([] { return 0; }), std::logic_error);
}

TEST_CASE("destroying an idle worker returns") {
    std::optional<Worker> w(std::in_place);
    auto f = w->submit([] { return 3; });
    REQUIRE(f.valid());
    CHECK(f.get() == 3);
    w.reset();  // the worker is waiting for work: the stop request must wake it
    CHECK_FALSE(w.has_value());
}
