// overlap.cpp: on a single CPU, overlapping tasks that wait pays off when their waits
// proceed in parallel (independent devices), and not when one serial device serves
// them all, nor when the tasks compute.
#include <fcntl.h>
#include <poll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "affinity.hpp"
#include "cli.hpp"
#include "measure.hpp"
#include "work.hpp"

namespace {

using namespace book::cvp;
using std::chrono::microseconds;

// [device]
// A stand-in for a slow device: a request completes `latency` after it is
// started. The kernel keeps the timer; the waiting thread blocks in read(2) on
// a file descriptor, exactly as it would on a socket or a pipe, and uses no
// CPU until the kernel wakes it.
class Device {
public:
    Device() : fd_(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC)) {
        if (fd_ < 0)
            throw std::runtime_error(std::string("timerfd_create: ") +
                                     std::strerror(errno));
    }
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;
    ~Device() { ::close(fd_); }

    void start_request(microseconds latency) {
        itimerspec when{};
        when.it_value.tv_sec = static_cast<time_t>(latency.count() / 1'000'000);
        when.it_value.tv_nsec = static_cast<long>(latency.count() % 1'000'000) * 1000;
        if (timerfd_settime(fd_, 0, &when, nullptr) != 0)
            throw std::runtime_error(std::string("timerfd_settime: ") +
                                     std::strerror(errno));
    }
    // Completes the pending request at `when` (a time of the steady clock, which is
    // CLOCK_MONOTONIC on Linux), instead of a latency from now.
    void complete_at(std::chrono::steady_clock::time_point when) {
        const auto ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch())
                .count();
        itimerspec at{};
        at.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
        at.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
        if (timerfd_settime(fd_, TFD_TIMER_ABSTIME, &at, nullptr) != 0)
            throw std::runtime_error(std::string("timerfd_settime: ") +
                                     std::strerror(errno));
    }
    void wait_for_completion() {  // blocks until the request completes
        std::uint64_t expirations = 0;
        while (::read(fd_, &expirations, sizeof expirations) < 0)
            if (errno != EINTR)
                throw std::runtime_error(std::string("read: ") + std::strerror(errno));
    }
    int fd() const { return fd_; }

private:
    int fd_;
};
// [/device]

// [serial-device]
// The counter-example: one device that serves one request at a time (a single
// disk arm, a rate-limited server, anything behind one lock). Each task still
// waits on a descriptor of its own, but a request is served only after every
// request started before it, from any task, has completed.
class SerialDevice {
public:
    void start_request(Device& port, microseconds latency) {
        std::lock_guard lock(mutex_);
        busy_until_ = std::max(std::chrono::steady_clock::now(), busy_until_) + latency;
        port.complete_at(busy_until_);
    }

private:
    std::mutex mutex_;
    std::chrono::steady_clock::time_point busy_until_{};
};
// [/serial-device]

struct Config {
    int tasks = 4;
    int requests = 10;
    int latency_us = 2000;
    int reps = 7;
};

// What one task did: requests completed (or slices computed), a checksum,
// and the CPUs it found itself on.
struct TaskResult {
    int done = 0;
    std::uint64_t checksum = 0;
    std::vector<int> cpus;
    void note_cpu() {
        const int cpu = current_cpu();
        if (std::find(cpus.begin(), cpus.end(), cpu) == cpus.end()) cpus.push_back(cpu);
    }
};

// [io-task]
// An I/O-bound task: `requests` requests, one after another, each waited for.
TaskResult io_task(const Config& cfg) {
    TaskResult r;
    Device device;
    for (int i = 0; i < cfg.requests; ++i) {
        device.start_request(microseconds(cfg.latency_us));
        device.wait_for_completion();
        ++r.done;
        r.note_cpu();
    }
    return r;
}
// [/io-task]

// The same task, with every request going to one shared serial device.
TaskResult serial_io_task(const Config& cfg, SerialDevice& serial) {
    TaskResult r;
    Device port;
    for (int i = 0; i < cfg.requests; ++i) {
        serial.start_request(port, microseconds(cfg.latency_us));
        port.wait_for_completion();
        ++r.done;
        r.note_cpu();
    }
    return r;
}

// [cpu-task]
// A CPU-bound task that needs as much CPU time as the I/O-bound task waits.
TaskResult cpu_task(const Config& cfg, std::size_t id, double iterations_per_us) {
    TaskResult r;
    const auto iterations =
        static_cast<std::uint64_t>(iterations_per_us * cfg.latency_us);
    for (int i = 0; i < cfg.requests; ++i) {
        r.checksum += burn(iterations, id * 1000 + static_cast<std::uint64_t>(i));
        ++r.done;
        r.note_cpu();
    }
    return r;
}
// [/cpu-task]

// [strategies]
// Three ways to run the same tasks: one after another on this thread; on a
// thread each; and (I/O only) on this thread, waiting for all devices at once.
template <class Task>
std::vector<TaskResult> one_after_another(int tasks, Task task) {
    std::vector<TaskResult> results;
    for (int t = 0; t < tasks; ++t) results.push_back(task(static_cast<std::size_t>(t)));
    return results;
}

template <class Task>
std::vector<TaskResult> thread_per_task(int tasks, Task task) {
    std::vector<TaskResult> results(static_cast<std::size_t>(tasks));
    std::vector<std::jthread> threads;
    for (std::size_t t = 0; t < results.size(); ++t)
        threads.emplace_back([&, t] { results[t] = task(t); });
    threads.clear();  // joins them all
    return results;
}

std::vector<TaskResult> one_thread_polling(const Config& cfg) {
    const auto n = static_cast<std::size_t>(cfg.tasks);
    std::vector<TaskResult> results(n);
    std::vector<Device> devices(n);
    std::vector<pollfd> watch(n);
    for (std::size_t t = 0; t < n; ++t) {
        devices[t].start_request(microseconds(cfg.latency_us));
        watch[t] = {devices[t].fd(), POLLIN, 0};
    }
    for (std::size_t pending = n; pending > 0;) {
        if (::poll(watch.data(), watch.size(), -1) < 0) {
            if (errno == EINTR) continue;  // revents are not valid after a failed poll
            throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
        }
        for (std::size_t t = 0; t < n; ++t) {
            if (!(watch[t].revents & POLLIN)) continue;
            devices[t].wait_for_completion();  // ready: returns at once
            ++results[t].done;
            results[t].note_cpu();
            if (results[t].done < cfg.requests)
                devices[t].start_request(microseconds(cfg.latency_us));
            else {
                watch[t].fd = -1;
                --pending;
            }  // poll ignores negative descriptors
        }
    }
    return results;
}
// [/strategies]

double process_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// One way of running the batch of tasks. time_once() runs it and returns the
// wall time in milliseconds; it also records the CPU time the process used.
struct Way {
    Way(const char* n, std::function<std::vector<TaskResult>()> r)
        : name(n), run(std::move(r)) {}
    double time_once() {
        const double cpu_before = process_cpu_ms();
        const auto start = book::measure::Clock::now();
        last = run();
        const double wall_ms = book::measure::seconds_since(start) * 1e3;
        cpu_ms.push_back(process_cpu_ms() - cpu_before);
        return wall_ms;
    }
    const char* name;
    std::function<std::vector<TaskResult>()> run;
    std::vector<double> cpu_ms;    // one per call, warm-up included
    std::vector<TaskResult> last;  // what the last call's tasks did
};

}  // namespace

int main(int argc, char** argv) {
    Config cfg;
    book::cli::Parser cli("overlap",
                          "On one CPU, runs I/O-bound and CPU-bound tasks one after "
                          "another and overlapped, and compares wall time.");
    cli.option("tasks", cfg.tasks, 1, 64, "tasks")
        .option("requests", cfg.requests, 1, 1000,
                "I/O requests (or equal slices of computation) per task")
        .option("latency-us", cfg.latency_us, 10, 100000,
                "latency of one I/O request, in microseconds")
        .option("reps", cfg.reps, 1, 50, "measured repetitions, after one warm-up");
    cli.parse(argc, argv);

    const std::vector<int> all = allowed_cpus();
    ScopedAffinity one_cpu({all.front()});  // this thread, and every thread it starts
    const double rate = iterations_per_us();

    std::printf("== setup\n");
    std::printf(
        "CPUs in the affinity mask: %zu %s; everything below is confined to CPU %d\n",
        all.size(), format_cpus(all).c_str(), all.front());
    std::printf(
        "%d tasks; each makes %d requests of %.1f ms latency (I/O-bound),\n"
        "or computes for as long (CPU-bound)\n",
        cfg.tasks, cfg.requests, cfg.latency_us / 1e3);

    // [measure]
    const int n = cfg.tasks;
    auto io = [&](std::size_t) { return io_task(cfg); };
    auto cpu = [&](std::size_t id) { return cpu_task(cfg, id, rate); };
    SerialDevice disk;
    auto serial = [&](std::size_t) { return serial_io_task(cfg, disk); };
    std::vector<Way> ways;
    ways.emplace_back("I/O-bound, one after another",
                      [&] { return one_after_another(n, io); });
    ways.emplace_back("I/O-bound, a thread per task",
                      [&] { return thread_per_task(n, io); });
    ways.emplace_back("I/O-bound, one thread polling all",
                      [&] { return one_thread_polling(cfg); });
    ways.emplace_back("CPU-bound, one after another",
                      [&] { return one_after_another(n, cpu); });
    ways.emplace_back("CPU-bound, a thread per task",
                      [&] { return thread_per_task(n, cpu); });
    ways.emplace_back("one serial device, one after another",
                      [&] { return one_after_another(n, serial); });
    ways.emplace_back("one serial device, a thread per task",
                      [&] { return thread_per_task(n, serial); });
    std::vector<book::measure::Contender> contenders;
    for (Way& way : ways)
        contenders.push_back({way.name, [&way] { return way.time_once(); }});
    const auto wall = book::measure::interleaved(contenders, 1, cfg.reps);
    // [/measure]

    std::printf(
        "== wall time and CPU time of the whole batch (ms; median, min..max of %d)\n",
        cfg.reps);
    std::printf("%-36s %8s  %-17s %8s\n", "how", "wall", "min..max", "CPU");
    for (std::size_t i = 0; i < ways.size(); ++i) {
        ways[i].cpu_ms.erase(ways[i].cpu_ms.begin());  // the warm-up
        char range[40];
        std::snprintf(range, sizeof range, "(%.1f..%.1f)", wall[i].min, wall[i].max);
        std::printf("%-36s %8.1f  %-17s %8.1f\n", ways[i].name, wall[i].median, range,
                    book::measure::summarize(ways[i].cpu_ms).median);
    }
    std::printf("== speedup over one after another (ratio of medians)\n");
    std::printf("I/O-bound, a thread per task:      %.2f\n",
                wall[0].median / wall[1].median);
    std::printf("I/O-bound, one thread polling all: %.2f\n",
                wall[0].median / wall[2].median);
    std::printf("CPU-bound, a thread per task:      %.2f\n",
                wall[3].median / wall[4].median);
    std::printf("one serial device, a thread per task: %.2f\n",
                wall[5].median / wall[6].median);
    std::printf(
        "one serial device, least possible wall time: %.1f ms "
        "(every request's latency, end to end)\n",
        cfg.tasks * cfg.requests * cfg.latency_us / 1e3);

    std::printf("== checks\n");
    std::vector<int> seen;
    bool complete = true;
    for (const Way& way : ways) {
        int done = 0;
        for (const TaskResult& r : way.last) {
            done += r.done;
            for (int c : r.cpus)
                if (std::find(seen.begin(), seen.end(), c) == seen.end())
                    seen.push_back(c);
        }
        complete = complete && done == cfg.tasks * cfg.requests;
        std::printf("%-36s %d of %d requests or slices completed\n", way.name, done,
                    cfg.tasks * cfg.requests);
    }
    std::sort(seen.begin(), seen.end());
    std::uint64_t seq = 0, par = 0;
    for (const TaskResult& r : ways[3].last) seq += r.checksum;
    for (const TaskResult& r : ways[4].last) par += r.checksum;
    std::printf("CPUs the tasks ran on: %s\n", format_cpus(seen).c_str());
    std::printf("CPU-bound checksums agree: %s\n", seq == par ? "yes" : "NO");
    // [regular-file]
    // A regular file is always "ready": poll cannot tell whether a read would wait
    // for the disk, so an event loop cannot overlap file reads this way.
    const int file = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);  // a regular file
    pollfd f{file, POLLIN | POLLOUT, 0};
    const int ready = file >= 0 ? ::poll(&f, 1, 0) : -1;  // 0 ms: do not wait
    std::printf("a regular file, polled without waiting: %s\n",
                ready == 1 && (f.revents & POLLIN) && (f.revents & POLLOUT)
                    ? "ready for reading and writing"
                    : "not ready");
    if (file >= 0) ::close(file);
    // [/regular-file]
    return complete && seq == par ? 0 : 1;
}
