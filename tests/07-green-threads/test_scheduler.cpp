// Tests of scheduler.hpp: the order of yield, join, sleep and park; descriptors through
// epoll; exceptions; and a forgotten wake-up reported.
#include <doctest/doctest.h>

#include "scheduler.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace green = book::green;
using namespace std::chrono_literals;

// Green threads are concurrent: what several of them share is synchronised, here with a
// std::mutex that no green thread holds across a switch.
template <class T>
struct Log {
    std::mutex m;
    std::vector<T> items;
    void add(T v) {
        std::lock_guard lock(m);
        items.push_back(std::move(v));
    }
    std::vector<T> get() {
        std::lock_guard lock(m);
        return items;
    }
};

TEST_CASE("yield runs the ready green threads in first-come first-served order") {
    green::Scheduler s;
    Log<std::string> log;
    for (std::string name : {"A", "B", "C"})
        s.spawn([&, name] {
            for (int i = 1; i <= 2; ++i) {
                log.add(name + std::to_string(i));
                green::yield();
            }
        });
    s.run();
    CHECK(log.get() == std::vector<std::string>{"A1", "B1", "C1", "A2", "B2", "C2"});
    CHECK(s.live() == 0);
}

TEST_CASE("join waits for the child and a green thread may spawn another") {
    green::Scheduler s;
    Log<std::string> log;
    s.spawn([&] {
        green::Id child = green::spawn([&] {
            green::yield();
            log.add("child ends");
        });
        green::join(child);
        log.add("parent joined");
    });
    s.run();
    CHECK(log.get() == std::vector<std::string>{"child ends", "parent joined"});
}

TEST_CASE("join rethrows the exception that ended the green thread") {
    green::Scheduler s;
    bool caught = false;
    s.spawn([&] {
        green::Id bad = green::spawn([] { throw std::runtime_error("boom"); });
        try {
            green::join(bad);
        } catch (const std::runtime_error& e) {
            caught = std::string(e.what()) == "boom";
        }
    });
    s.run();
    CHECK(caught);
}

TEST_CASE("run rethrows an exception nobody joined") {
    green::Scheduler s;
    s.spawn([] { throw std::runtime_error("unjoined"); });
    CHECK_THROWS_WITH_AS(s.run(), "unjoined", std::runtime_error);
}

TEST_CASE("sleepers wake in deadline order, never before their deadline") {
    // Deadline order is defined among sleepers that were all asleep before the first
    // deadline passed. A sleeper that went to sleep after an earlier deadline had
    // passed may rightly wake after a later one (a slow or busy machine, an emulator).
    // So the three meet at a barrier and go to sleep back to back, a fourth green
    // thread notes when all three were asleep, and the order is checked when that was
    // before the first deadline, which it is unless the process lost the CPU for the
    // whole 20 ms.
    using clock = green::Scheduler::clock;
    auto ns = [](clock::time_point t) { return t.time_since_epoch().count(); };
    green::Scheduler s;
    Log<int> order;
    std::atomic<int> arrived{0};
    std::atomic<clock::rep> first_asleep{0}, all_asleep{0};
    std::atomic<bool> early{false};
    auto barrier = [&] {
        ++arrived;
        while (arrived.load() < 4) green::yield();
    };
    for (int ms : {60, 20, 40})
        s.spawn([&, ms] {
            barrier();
            const auto begin = clock::now();
            clock::rep none = 0;
            first_asleep.compare_exchange_strong(none, ns(begin));
            green::sleep_for(std::chrono::milliseconds(ms));
            if (clock::now() - begin < std::chrono::milliseconds(ms)) early = true;
            order.add(ms);
        });
    s.spawn([&] {
        barrier();
        green::yield();  // behind the three, which each go to sleep when they run
        all_asleep = ns(clock::now());
    });
    s.run();
    CHECK_FALSE(early);
    CHECK(order.get().size() == 3);
    const auto first_deadline =
        first_asleep.load() + std::chrono::duration_cast<clock::duration>(20ms).count();
    if (all_asleep.load() < first_deadline)
        CHECK(order.get() == std::vector<int>{20, 40, 60});
    else
        MESSAGE(
            "the sleepers were not all asleep before the first deadline: order not "
            "defined, not checked");
}

TEST_CASE("an unpark that comes before park is not lost") {
    green::Scheduler s;
    Log<std::string> log;
    green::Id sleeper = s.spawn([&] {
        green::yield();  // the waker runs first and unparks
        green::park();
        log.add("woke");
    });
    s.spawn([&] {
        green::unpark(sleeper);
        log.add("unparked");
    });
    s.run();
    CHECK(log.get() == std::vector<std::string>{"unparked", "woke"});
}

TEST_CASE("green threads parked forever are reported by name") {
    green::Scheduler s;
    s.spawn([] { green::park(); }, "forgotten");
    CHECK_THROWS_WITH_AS(s.run(), doctest::Contains("forgotten"), std::logic_error);
}

TEST_CASE("a green thread waiting for a descriptor lets the others run") {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    green::Scheduler s;
    Log<std::string> log;
    s.spawn([&] {
        char c = 0;
        while (read(fds[0], &c, 1) < 0) green::wait_readable(fds[0]);
        log.add(std::string("read ") + c);
    });
    s.spawn([&] {
        log.add("writer runs while the reader waits");
        green::yield();
        REQUIRE(write(fds[1], "x", 1) == 1);
    });
    s.run();
    close(fds[0]);
    close(fds[1]);
    CHECK(log.get() ==
          std::vector<std::string>{"writer runs while the reader waits", "read x"});
}

TEST_CASE("a few hundred green threads with small stacks all finish") {
    green::Scheduler s({16 * 1024, green::Stack::Guard::no});
    std::atomic<int> finished{0};
    for (int i = 0; i < 300; ++i)
        s.spawn([&] {
            green::yield();
            ++finished;
        });
    s.run();
    CHECK(finished == 300);
}

TEST_CASE("scheduler calls outside a green thread are refused") {
    green::Scheduler s;
    CHECK_THROWS_AS(s.yield(), std::logic_error);
    CHECK_THROWS_AS(green::yield(), std::logic_error);
}
