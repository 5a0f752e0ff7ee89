// Unit tests of book::loop::event_loop: phases, queues, timers and posting from threads.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loop.hpp"

using book::loop::event_loop;
using log_t = std::vector<std::string>;

TEST_CASE("the main script's ticks run before its microtasks, both before any timer") {
    event_loop loop;
    log_t log;
    loop.run([&] {
        loop.set_timeout([&] { log.push_back("timer"); }, 0);
        loop.queue_microtask([&] { log.push_back("micro"); });
        loop.next_tick([&] { log.push_back("tick"); });
        log.push_back("main");
    });
    CHECK(log == log_t{"main", "tick", "micro", "timer"});
}

TEST_CASE("microtasks queued by microtasks run before the next macrotask") {
    event_loop loop;
    log_t log;
    loop.run([&] {
        loop.set_timeout([&] { log.push_back("timer 1"); }, 0);
        loop.set_timeout([&] { log.push_back("timer 2"); }, 0);
        loop.queue_microtask([&] {
            log.push_back("m1");
            loop.queue_microtask([&] {
                log.push_back("m2");
                loop.next_tick([&] { log.push_back("tick from m2"); });
            });
        });
    });
    CHECK(log == log_t{"m1", "m2", "tick from m2", "timer 1", "timer 2"});
}

TEST_CASE("an immediate queued from the check phase waits for the next turn") {
    event_loop loop;
    log_t log;
    std::uint64_t first_turn = 0;
    loop.run([&] {
        loop.set_immediate([&] {
            first_turn = loop.turns();
            log.push_back("a");
            loop.set_immediate([&] {
                log.push_back(loop.turns() == first_turn + 1 ? "b next turn"
                                                             : "b same turn");
            });
        });
    });
    CHECK(log == log_t{"a", "b next turn"});
}

TEST_CASE("inside an I/O callback an immediate runs before a 0 ms timer") {
    event_loop loop;
    log_t log;
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    REQUIRE(::write(fds[1], "x", 1) == 1);
    loop.run([&] {
        loop.watch(fds[0], EPOLLIN, [&](std::uint32_t) {
            CHECK(loop.current_phase() == book::loop::phase::poll);
            loop.close(fds[0], [&] { log.push_back("closed"); });
            loop.close(fds[1]);
            loop.set_timeout([&] { log.push_back("timer"); }, 0);
            loop.set_immediate([&] { log.push_back("immediate"); });
        });
    });
    CHECK(log == log_t{"immediate", "closed", "timer"});
}

TEST_CASE("timers fire in due order and a cleared timer never fires") {
    event_loop loop;
    log_t log;
    loop.run([&] {
        loop.set_timeout([&] { log.push_back("3 ms"); }, 3);
        auto id = loop.set_timeout([&] { log.push_back("cleared"); }, 1);
        loop.set_timeout([&] { log.push_back("1 ms"); }, 1);
        loop.clear_timer(id);
        loop.clear_timer(id);  // twice: ignored, as clearTimeout
    });
    CHECK(log == log_t{"1 ms", "3 ms"});
}

TEST_CASE("an interval repeats until its own callback clears it") {
    event_loop loop;
    int runs = 0;
    event_loop::timer_id id = 0;
    loop.run([&] {
        id = loop.set_interval(
            [&] {
                if (++runs == 4) loop.clear_timer(id);
            },
            1);
    });
    CHECK(runs == 4);
}

TEST_CASE("a task posted from another thread runs on the loop's thread") {
    event_loop loop;
    std::thread::id ran_on;
    loop.hold();  // the loop waits for the other thread
    std::thread other([&] {
        loop.post([&] {
            ran_on = std::this_thread::get_id();
            loop.release();
        });
    });
    loop.run();
    other.join();
    CHECK(ran_on == std::this_thread::get_id());
}

TEST_CASE("many threads posting at once lose no task") {
    event_loop loop;
    int count = 0;
    constexpr int threads = 4, each = 500;
    for (int i = 0; i < threads * each; ++i) loop.hold();
    std::vector<std::thread> posters;
    for (int t = 0; t < threads; ++t)
        posters.emplace_back([&] {
            for (int i = 0; i < each; ++i)
                loop.post([&] {
                    ++count;
                    loop.release();
                });
        });
    loop.run();
    for (auto& t : posters) t.join();
    CHECK(count == threads * each);
}

TEST_CASE("an exception escaping a callback stops run() and is rethrown") {
    event_loop loop;
    bool later = false;
    CHECK_THROWS_WITH_AS(loop.run([&] {
        loop.set_timeout([] { throw std::runtime_error("boom"); }, 1);
        loop.set_timeout([&] { later = true; }, 50);
    }),
                         "boom", std::runtime_error);
    CHECK_FALSE(later);
}

TEST_CASE("with an uncaught handler the loop reports the exception and goes on") {
    event_loop loop;
    int reported = 0;
    bool later = false;
    loop.on_uncaught([&](std::exception_ptr) { ++reported; });
    loop.run([&] {
        loop.queue_microtask([] { throw std::runtime_error("in a microtask"); });
        loop.set_timeout([&] { later = true; }, 1);
    });
    CHECK(reported == 1);
    CHECK(later);
}

TEST_CASE("a loop with nothing to do returns at once") {
    event_loop loop;
    loop.run();
    CHECK_FALSE(loop.alive());
}
