// syscalls.cpp: on one P, a goroutine blocked in read(2) stops every other goroutine;
// inside go::blocking() its P goes to a second M; with go::wait_readable() it parks and
// its own M keeps running the others.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "chan.hpp"
#include "cli.hpp"
#include "runtime.hpp"

namespace go = book::go;
using Clock = std::chrono::steady_clock;

namespace {

enum class How { plain, blocking, poller };

struct Result {
    long bytes = 0;             // what the reader's read(2) returned
    double wait_ms = 0;         // from just before the wait to just after the read
    std::uint64_t before = 0;   // the ticker's count when the reader began to wait
    std::uint64_t during = 0;   // ticks between the reader's two readings of the count
    std::uint64_t threads = 0;  // Ms the runtime used (Stats::threads)
};

// [wait]
// The one line that differs between the three scenarios: how the reader waits.
long wait_and_read(How how, int fd, char* c) {
    switch (how) {
        case How::plain:  // the M sleeps in the kernel and keeps the P
            return read(fd, c, 1);
        case How::blocking:  // the M hands its P to another M, then sleeps
            return go::blocking([&] { return read(fd, c, 1); });
        case How::poller:  // the goroutine parks; the M runs the others
            go::wait_readable(fd);
            return read(fd, c, 1);
    }
    return -1;
}
// [/wait]

// [scenario]
// One run on `procs` Ps: a ticker counts its yields; a reader lets it tick `warm` times,
// starts an OS thread that writes the pipe after `delay_ms` (and, where the ticker can
// run, after its next tick), then waits for the pipe.
Result scenario(How how, unsigned procs, int delay_ms, std::uint64_t warm) {
    int fds[2];
    // wait_readable() wants a descriptor that never blocks, as Go's netpoller does.
    if (pipe2(fds, how == How::poller ? O_NONBLOCK : 0) != 0) {
        std::perror("pipe2");
        std::exit(1);
    }
    go::Runtime rt(go::Options{.procs = procs});
    std::atomic<std::uint64_t> ticks{0};
    std::atomic<bool> stop{false};
    std::thread writer;  // outside the runtime: an ordinary OS thread
    Result r;
    rt.run([&] {
        go::Chan<int> done(2);
        go::go([&, done]() mutable {  // the ticker
            while (!stop.load()) {
                ticks.fetch_add(1);
                go::yield();
            }
            done.send(1);
        });
        go::go([&, done]() mutable {  // the reader
            while (ticks.load() < warm) go::yield();
            r.before = ticks.load();
            const auto t0 = Clock::now();
            const bool others_can_run = how != How::plain;
            writer = std::thread(
                [w = fds[1], delay_ms, others_can_run, &ticks, before = r.before] {
                    const auto start = Clock::now();
                    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
                    // Where the ticker can run, also wait (10 s at most) for one tick, so
                    // that "ticks during the wait" depends on the runtime, not on how
                    // soon a busy machine gave the ticker's thread a CPU.
                    while (others_can_run && ticks.load() == before &&
                           Clock::now() - start < std::chrono::seconds(10))
                        std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    if (write(w, "x", 1) != 1) std::perror("write");
                });
            char c = 0;
            r.bytes = wait_and_read(how, fds[0], &c);
            r.during = ticks.load() - r.before;
            r.wait_ms =
                std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            stop.store(true);
            done.send(1);
        });
        done.recv();
        done.recv();
    });
    writer.join();
    close(fds[0]);
    close(fds[1]);
    r.threads = rt.stats().threads;
    return r;
}
// [/scenario]

void report(const char* title, const Result& r) {
    std::printf("== %s\n", title);
    std::printf("read returned %ld byte(s) after %.1f ms\n", r.bytes, r.wait_ms);
    std::printf("ticks before the wait: %llu\n",
                static_cast<unsigned long long>(r.before));
    std::printf("ticks during the wait: %llu\n",
                static_cast<unsigned long long>(r.during));
    std::printf("OS threads (Ms) the runtime used: %llu\n",
                static_cast<unsigned long long>(r.threads));
}

}  // namespace

int main(int argc, char** argv) {
    unsigned procs = 1;
    int delay_ms = 100;
    std::uint64_t warm = 100;
    book::cli::Parser cli("syscalls",
                          "A reader goroutine waits for a pipe three ways while a ticker "
                          "goroutine counts its yields.");
    cli.option("procs", procs, 1u, 64u, "processors (Ps); the claims are about 1")
        .option("delay-ms", delay_ms, 1, 10000, "when the OS thread writes the pipe")
        .option("warm", warm, std::uint64_t{1}, std::uint64_t{1000000},
                "ticks the reader lets happen before it waits");
    cli.parse(argc, argv);
    std::printf(
        "%u P(s); an OS thread outside the runtime writes the pipe %d ms after "
        "the reader begins to wait\n",
        procs, delay_ms);
    report("1. read(2): the M sleeps in the kernel, holding the P",
           scenario(How::plain, procs, delay_ms, warm));
    report("2. go::blocking(read): the M hands the P to another M first",
           scenario(How::blocking, procs, delay_ms, warm));
    report("3. go::wait_readable, then read: the goroutine parks, not the M",
           scenario(How::poller, procs, delay_ms, warm));
    return 0;
}
