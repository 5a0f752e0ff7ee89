// Async in C++20: three simulated downloads as lazy coroutines, resumed by a tiny
// single-threaded timer loop that holds their handles; they wait concurrently.
#include <chrono>
#include <coroutine>
#include <cstdio>
#include <deque>
#include <exception>
#include <map>
#include <queue>
#include <thread>
#include <utility>
#include <vector>

#include "cli.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// [loop]
// The executor: a ready queue and a timer heap of coroutine handles. Whoever holds a
// handle may resume it; here only the loop does, and it counts each resumption.
class TimerLoop {
public:
    /// The awaitable of `co_await loop.sleep(d)`: parks the coroutine on a timer.
    struct Sleep {
        TimerLoop& loop;
        milliseconds delay;
        bool await_ready() const { return delay.count() <= 0; }
        void await_suspend(std::coroutine_handle<> h) {
            loop.timers_.push({Clock::now() + delay, loop.next_seq_++, h});
        }
        void await_resume() const {}
    };
    Sleep sleep(milliseconds delay) { return {*this, delay}; }

    void start(std::coroutine_handle<> h) { ready_.push_back(h); }

    // Runs until no coroutine is ready and no timer is pending.
    void run() {
        while (!ready_.empty() || !timers_.empty()) {
            run_ready();
            if (timers_.empty()) break;
            const Timer next = timers_.top();
            timers_.pop();
            std::this_thread::sleep_until(
                next.deadline);  // the loop's only blocking call
            ready_.push_back(next.handle);
        }
    }

    int resumptions(std::coroutine_handle<> h) const { return resumed_.at(h.address()); }

private:
    struct Timer {
        Clock::time_point deadline;
        long seq;  // equal deadlines resume in the order they were set
        std::coroutine_handle<> handle;
        bool operator>(const Timer& o) const {
            return std::pair(deadline, seq) > std::pair(o.deadline, o.seq);
        }
    };
    void run_ready() {
        while (!ready_.empty()) {
            auto h = ready_.front();
            ready_.pop_front();
            ++resumed_[h.address()];
            h.resume();
        }
    }
    std::deque<std::coroutine_handle<>> ready_;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
    std::map<void*, int> resumed_;
    long next_seq_ = 0;
};
// [/loop]

// [download]
// A lazy coroutine: created suspended (initial_suspend), it runs only when resumed, and
// it stays suspended at the end so that its owner can read the result.
class Download {
public:
    struct promise_type {
        long bytes = 0;
        Download get_return_object() { return Download(Handle::from_promise(*this)); }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        void return_value(long b) { bytes = b; }
        void unhandled_exception() { std::terminate(); }
    };
    using Handle = std::coroutine_handle<promise_type>;

    Download(Download&& o) noexcept : h_(std::exchange(o.h_, {})) {}
    ~Download() {
        if (h_) h_.destroy();
    }
    Handle handle() const { return h_; }
    long bytes() const { return h_.promise().bytes; }

private:
    explicit Download(Handle h) : h_(h) {}
    Handle h_;
};

Download download(TimerLoop& loop, const char* name, int delay_ms, long bytes) {
    std::printf("%s: started\n", name);
    co_await loop.sleep(milliseconds(delay_ms));  // suspended until the loop resumes us
    std::printf("%s: finished after %d ms, %ld bytes\n", name, delay_ms, bytes);
    co_return bytes;
}
// [/download]

}  // namespace

int main(int argc, char** argv) {
    int unit = 10;
    book::cli::Parser cli("async_timers",
                          "Three simulated downloads, awaited concurrently.");
    cli.option("scale-ms", unit, 1, 1000, "delay unit: downloads take 3, 1 and 2 units");
    cli.parse(argc, argv);
    // [main]
    TimerLoop loop;
    std::vector<std::pair<const char*, Download>> downloads;
    downloads.emplace_back("a", download(loop, "a", 3 * unit, 300));
    downloads.emplace_back("b", download(loop, "b", unit, 100));
    downloads.emplace_back("c", download(loop, "c", 2 * unit, 200));
    std::printf("three coroutines created; none has started\n");
    const auto start = Clock::now();
    for (auto& [name, d] : downloads) loop.start(d.handle());
    loop.run();
    long total = 0;
    for (auto& [name, d] : downloads) {
        std::printf("%s: done after %d resumptions\n", name,
                    loop.resumptions(d.handle()));
        total += d.bytes();
    }
    std::printf("sum %ld bytes\n", total);
    const auto ms =
        std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
    std::printf("elapsed %lld ms (the delays add up to %d ms)\n",
                static_cast<long long>(ms), 6 * unit);
    // [/main]
}
