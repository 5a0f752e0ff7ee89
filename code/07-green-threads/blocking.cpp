// blocking.cpp: one green thread's blocking read() stalls every green thread on its OS
// thread; a non-blocking descriptor and the scheduler's epoll poller fix it.
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include "cli.hpp"
#include "scheduler.hpp"

namespace green = book::green;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

Clock::time_point t0;
std::atomic<int> ticks{0};
std::mutex m;
std::condition_variable ticked;

void event(const char* who, const std::string& what) {
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    std::printf("%8.1f ms  %-7s %s\n", ms, who, what.c_str());
}

// The ticker: a green thread that wants to run every tick_ms until told to stop.
void ticker(int tick_ms, const std::atomic<bool>& stop) {
    while (!stop.load()) {
        green::sleep_for(std::chrono::milliseconds(tick_ms));
        {
            std::lock_guard lock(m);
            ticks.fetch_add(1);
        }
        ticked.notify_all();
        event("ticker", "tick " + std::to_string(ticks.load()));
    }
}

// [blocking-reader]
void blocking_reader(int fd, std::atomic<bool>& stop) {
    char buf[64];
    event("reader", "read() on the empty pipe (blocking)");
    ssize_t n = read(fd, buf, sizeof buf);  // the whole OS thread sleeps in the kernel
    event("reader", "read() returned " + std::to_string(n) + " bytes");
    stop = true;
}
// [/blocking-reader]

// [polling-reader]
void polling_reader(int fd, std::atomic<bool>& stop) {
    char buf[64];
    event("reader", "read() on the empty pipe (non-blocking, parks on epoll)");
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) < 0 && errno == EAGAIN)
        green::wait_readable(fd);  // only this green thread waits
    event("reader", "read() returned " + std::to_string(n) + " bytes");
    stop = true;
}
// [/polling-reader]

void run(bool use_epoll, int tick_ms, int delay_ms, int wait_ticks) {
    int fds[2];
    if (pipe(fds) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
    if (use_epoll) fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    ticks = 0;
    t0 = Clock::now();
    // The writer is an OS thread. With the poller it writes once the ticker has ticked
    // wait_ticks times (which proves the ticker ran during the read); without it, the
    // ticker cannot tick, so it writes after delay_ms.
    std::thread writer([&] {
        std::unique_lock lock(m);
        if (use_epoll)
            ticked.wait_for(lock, 30s, [&] { return ticks.load() >= wait_ticks; });
        else
            ticked.wait_for(lock, std::chrono::milliseconds(delay_ms),
                            [] { return false; });
        lock.unlock();
        event("writer", "(OS thread) writes 5 bytes");
        [[maybe_unused]] ssize_t n = write(fds[1], "hello", 5);
    });
    std::atomic<bool> stop{false};
    green::Scheduler s;
    s.spawn([&] { ticker(tick_ms, stop); }, "ticker");
    s.spawn(
        [&] {
            if (use_epoll)
                polling_reader(fds[0], stop);
            else
                blocking_reader(fds[0], stop);
        },
        "reader");
    s.run();
    writer.join();
    close(fds[0]);
    close(fds[1]);
}

}  // namespace

int main(int argc, char** argv) {
    int tick_ms = 5, delay_ms = 60, wait_ticks = 3;
    book::cli::Parser cli("blocking",
                          "A blocking call stalls every green thread; epoll fixes it.");
    cli.option("tick-ms", tick_ms, 1, 100, "the ticker's period, ms")
        .option("delay-ms", delay_ms, 1, 5000,
                "when the writer writes in the blocking run, ms")
        .option("wait-ticks", wait_ticks, 1, 100,
                "ticks the writer waits for in the epoll run");
    cli.parse(argc, argv);
    std::printf("== blocking read: the ticker stalls\n");
    run(false, tick_ms, delay_ms, wait_ticks);
    std::printf("== non-blocking read + epoll: the ticker keeps ticking\n");
    run(true, tick_ms, delay_ms, wait_ticks);
    return 0;
}
