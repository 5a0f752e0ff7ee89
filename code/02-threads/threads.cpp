// Tours std::thread and std::jthread: one shared address space, joining, arguments,
// results, std::async's policies, exceptions, thread-local storage, detaching and stop
// tokens.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <latch>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "cli.hpp"

namespace {

// Runs fn in a child process and says how the child ended: the way to show,
// without stopping this program, what happens when a thread breaks a rule
// that makes the runtime call std::terminate.
void run_in_child(const char* what, const std::function<void()>& fn) {
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) throw std::runtime_error("waitpid failed");
    if (WIFSIGNALED(status))
        std::printf("%s: child killed by signal %d (%s)\n", what, WTERMSIG(status),
                    strsignal(WTERMSIG(status)));
    else
        std::printf("%s: child exited with status %d\n", what, WEXITSTATUS(status));
}

// [shared]
int shared_value = 1;  // a global: one copy in the process's address space

void shared_address_space() {
    std::printf("== shared address space\n");
    int on_main_stack = 7;  // lives on main's stack, which is in the same address space
    std::printf("main  : shared_value at %p = %d, on_main_stack = %d\n",
                static_cast<void*>(&shared_value), shared_value, on_main_stack);
    std::thread writer([&on_main_stack] {
        std::printf(
            "thread: shared_value at %p = %d, writes 42 to it and 8 to main's local\n",
            static_cast<void*>(&shared_value), shared_value);
        shared_value = 42;
        on_main_stack = 8;
    });
    writer.join();  // everything the thread did happens-before what follows the join
    std::printf("main  : after join, shared_value = %d, on_main_stack = %d\n",
                shared_value, on_main_stack);
}
// [/shared]

// [contrast]
void separate_address_space() {
    std::printf("== contrast: a child process gets a copy\n");
    shared_value = 1;
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        shared_value = 42;  // writes the child's copy of the page
        std::printf("child : shared_value at %p = %d\n",
                    static_cast<void*>(&shared_value), shared_value);
        std::fflush(stdout);
        _exit(0);
    }
    waitpid(pid, nullptr, 0);
    std::printf("parent: shared_value at %p = %d (same address, untouched)\n",
                static_cast<void*>(&shared_value), shared_value);
}
// [/contrast]

void joining() {
    std::printf("== joining\n");
    // [join]
    std::thread t([] { /* some work */ });
    std::printf("std::thread joinable after start : %s\n", t.joinable() ? "yes" : "no");
    t.join();  // waits for the thread to finish and releases its resources
    std::printf("std::thread joinable after join  : %s\n", t.joinable() ? "yes" : "no");
    {
        std::jthread j([] { /* some work */ });
        std::printf("std::jthread joinable after start: %s\n",
                    j.joinable() ? "yes" : "no");
    }  // ~jthread: requests stop, then joins
    std::printf("std::jthread left its scope: joined by its destructor\n");
    // [/join]
    // [forgot-join]
    run_in_child("a joinable std::thread destroyed", [] {
        std::thread forgotten([] {});
        // no join, no detach: ~thread calls std::terminate
    });
    // [/forgot-join]
}

// [arguments]
void add(int& total, int amount) { total += amount; }

void arguments() {
    std::printf("== arguments\n");
    int total = 0;
    // std::thread copies every argument into storage owned by the new thread;
    // std::ref passes a reference instead, and the caller must keep total alive.
    std::thread by_reference(add, std::ref(total), 5);
    by_reference.join();
    std::printf("after add(std::ref(total), 5): total = %d\n", total);

    std::string message = "hello";
    std::thread by_value([](std::string copy) { copy += ", world"; }, message);
    by_value.join();
    std::printf("string passed by value, caller still sees \"%s\"\n", message.c_str());

    auto owned = std::make_unique<int>(99);  // move-only: must be moved into the thread
    std::thread mover([](std::unique_ptr<int> p) { *p += 1; }, std::move(owned));
    mover.join();
    std::printf("unique_ptr moved into the thread; caller's pointer is now %s\n",
                owned ? "set" : "null");
}
// [/arguments]

// [results]
long sum_to(long n) {
    long s = 0;
    for (long i = 1; i <= n; ++i) s += i;
    return s;
}

void results() {
    std::printf("== results\n");
    // std::async with launch::async runs the function on a new thread; the future carries
    // the result.
    std::future<long> sum = std::async(std::launch::async, sum_to, 1000);
    // A promise is the writing end of a future: any thread may fulfil it once.
    std::promise<std::string> promise;
    std::future<std::string> greeting = promise.get_future();
    std::jthread producer(
        [p = std::move(promise)]() mutable { p.set_value("made on another thread"); });
    std::printf("std::async result: %ld\n",
                sum.get());  // get() waits, then returns the value
    std::printf("promise result    : %s\n", greeting.get().c_str());
}
// [/results]

// [async]
void async_policies() {
    std::printf("== std::async: launch policies and the blocking future\n");
    const auto main_id = std::this_thread::get_id();
    // deferred: nothing runs until get(), and then on the thread that calls it
    std::atomic<bool> ran{false};
    auto lazy = std::async(std::launch::deferred, [&] {
        ran = true;
        return std::this_thread::get_id();
    });
    std::printf("deferred, before get(): ran = %s\n", ran ? "yes" : "no");
    std::printf("deferred, get() ran it on the calling thread: %s\n",
                lazy.get() == main_id ? "yes" : "no");
    // async: a new thread, started at once
    auto eager =
        std::async(std::launch::async, [] { return std::this_thread::get_id(); });
    std::printf("async, ran on another thread: %s\n",
                eager.get() != main_id ? "yes" : "no");

    // The future of std::async(launch::async) waits for its task in its destructor. A
    // future nobody keeps is destroyed at once, so the two tasks below run one after
    // the other. (Written as a bare statement, std::async(...); libstdc++ warns: its
    // result is [[nodiscard]], for exactly this reason.)
    std::atomic<int> step{0};
    int a_start = 0, a_end = 0, b_start = 0, b_end = 0;
    {
        auto unused =
            std::async(std::launch::async, [&] { a_start = step++, a_end = step++; });
    }  // waits here for task A
    {
        auto unused =
            std::async(std::launch::async, [&] { b_start = step++, b_end = step++; });
    }
    std::printf(
        "two futures dropped at once: task A steps %d..%d, task B steps %d..%d: %s\n",
        a_start, a_end, b_start, b_end,
        a_end < b_start ? "one after the other" : "overlapped");
    // Kept futures let the tasks overlap: each waits at a latch for the other, which
    // can only complete if both run at the same time.
    std::latch both(2);
    auto a = std::async(std::launch::async, [&] { both.arrive_and_wait(); });
    auto b = std::async(std::launch::async, [&] { both.arrive_and_wait(); });
    a.get();
    b.get();
    std::printf(
        "two kept futures: both tasks were running at once (they met at a latch)\n");
}
// [/async]

// [attributes]
bool blocks_sigusr1() {  // is SIGUSR1 in the calling thread's signal mask?
    sigset_t mask;
    pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    return sigismember(&mask, SIGUSR1) == 1;
}

int my_nice() {  // the calling thread's nice value (per thread on Linux)
    errno = 0;
    return getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
}

void per_thread_attributes() {
    std::printf("== per-thread attributes\n");
    const int main_nice = my_nice();
    bool thread_blocks = false;
    int thread_nice = 0;
    std::jthread t([&] {
        sigset_t usr1;
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        pthread_sigmask(SIG_BLOCK, &usr1, nullptr);  // this thread's mask only
        setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), main_nice + 5);
        thread_blocks = blocks_sigusr1();
        thread_nice = my_nice();
    });
    t.join();
    std::printf("thread: blocks SIGUSR1 %s, its nice value %s main's\n",
                thread_blocks ? "yes" : "no",
                thread_nice > main_nice ? "above"
                : main_nice >= 19       ? "equal to (main's is already the highest)"
                                        : "NOT above");
    std::printf("main  : blocks SIGUSR1 %s, its nice value unchanged: %s\n",
                blocks_sigusr1() ? "yes" : "no", my_nice() == main_nice ? "yes" : "no");
}
// [/attributes]

void exceptions() {
    std::printf("== exceptions\n");
    // [exceptions]
    {
        auto failing = std::async(std::launch::async,
                                  []() -> int { throw std::runtime_error("bad input"); });
        try {
            failing.get();  // the exception stored in the future is rethrown here, in the
                            // caller
        } catch (const std::exception& e) {
            std::printf("future rethrew in main: %s\n", e.what());
        }
    }  // an async future's destructor joins its thread: none is left running when we fork
       // below

    std::exception_ptr error;  // with a bare thread, carry the exception across by hand
    std::thread worker([&error] {
        try {
            throw std::out_of_range("index 7 of 3");
        } catch (...) {
            error = std::current_exception();
        }
    });
    worker.join();  // the join orders the write of error before the read below
    try {
        if (error) std::rethrow_exception(error);
    } catch (const std::out_of_range& e) {
        std::printf("exception_ptr rethrown in main: %s\n", e.what());
    }
    // [/exceptions]
    // [escape]
    run_in_child("an exception escapes a thread", [] {
        std::thread t([] { throw std::runtime_error("nobody catches me"); });
        t.join();
    });
    // [/escape]
}

// [tls]
thread_local int calls =
    0;  // one instance per thread, initialised no later than its first use there

void thread_local_storage() {
    std::printf("== thread-local storage\n");
    struct Report {
        int calls;
        const void* where;
    };
    std::vector<Report> reports(3);
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i)
        threads.emplace_back([i, &reports] {
            for (int k = 0; k < (i + 1) * 10; ++k) ++calls;
            reports[i] = {calls, &calls};  // each thread writes only its own element
        });
    for (auto& t : threads) t.join();
    ++calls;
    for (int i = 0; i < 3; ++i)
        std::printf("thread %d: calls = %d\n", i, reports[i].calls);
    std::printf("main    : calls = %d\n", calls);
    const void* where[4] = {reports[0].where, reports[1].where, reports[2].where, &calls};
    bool distinct = true;  // every pair of the four addresses differs
    for (int a = 0; a < 4; ++a)
        for (int b = a + 1; b < 4; ++b) distinct = distinct && where[a] != where[b];
    std::printf("four threads, four different addresses of 'calls': %s\n",
                distinct ? "yes" : "no");
}
// [/tls]

// [detach]
void detaching() {
    std::printf("== detaching\n");
    std::promise<void> finished;
    std::future<void> done = finished.get_future();
    std::atomic<pid_t> tid{0};
    std::thread background([p = std::move(finished), &tid]() mutable {
        tid = gettid();
        (void)sum_to(100000);
        p.set_value_at_thread_exit();  // ready only once the thread's locals are
                                       // destroyed
    });
    background.detach();  // nobody will join it: it runs on its own
    std::printf("after detach, joinable: %s\n", background.joinable() ? "yes" : "no");
    if (done.wait_for(std::chrono::seconds(30)) != std::future_status::ready)
        throw std::runtime_error("detached thread did not finish within 30 s");
    std::printf("the detached thread reported that it finished\n");
    // Ready is not gone: the thread still runs its last exit steps after the future
    // became ready. Linux removes its /proc/self/task entry once it has exited.
    const std::string entry = "/proc/self/task/" + std::to_string(tid.load());
    long checks = 0;
    while (::access(entry.c_str(), F_OK) == 0 && ++checks < 100'000'000)
        std::this_thread::yield();
    std::printf(
        "the detached thread has exited (its /proc/self/task entry is gone): %s\n",
        ::access(entry.c_str(), F_OK) != 0 ? "yes" : "no");
}
// [/detach]

void stop_tokens() {
    std::printf("== stop tokens\n");
    // [stop-poll]
    {
        std::jthread ticker([](std::stop_token stop) {
            while (!stop.stop_requested()) std::this_thread::yield();  // polls its token
        });
    }  // ~jthread: request_stop(), then join(): the loop sees the request and returns
    std::printf("polling jthread stopped by its destructor\n");
    // [/stop-poll]

    // [stop-wait]
    std::mutex m;
    std::condition_variable_any work_ready;
    std::deque<int> jobs;
    int handled = 0;
    std::thread::id callback_thread;
    std::jthread worker([&](std::stop_token stop) {
        std::unique_lock lock(m);
        // wait(lock, stop, pred) returns when pred holds or a stop is requested: false
        // means stopped, queue empty.
        while (work_ready.wait(lock, stop, [&] { return !jobs.empty(); })) {
            jobs.pop_front();
            ++handled;
        }
    });
    std::stop_callback on_stop(worker.get_stop_token(),
                               [&] { callback_thread = std::this_thread::get_id(); });
    {
        std::lock_guard lock(m);
        for (int j = 1; j <= 3; ++j) jobs.push_back(j);
    }
    work_ready.notify_one();
    worker.request_stop();  // runs on_stop here, then wakes the waiting worker
    worker.join();
    std::printf("worker handled %d jobs, then returned when stop was requested\n",
                handled);
    std::printf("stop callback ran on the thread that called request_stop: %s\n",
                callback_thread == std::this_thread::get_id() ? "yes" : "no");
    // [/stop-wait]
}

}  // namespace

int main(int argc, char** argv) {
    book::cli::Parser cli("threads",
                          "Tours std::thread and std::jthread; each section prints what "
                          "it shows. Takes no options.");
    cli.parse(argc, argv);
    try {
        shared_address_space();
        separate_address_space();
        joining();
        arguments();
        results();
        exceptions();
        async_policies();
        per_thread_attributes();
        thread_local_storage();
        detaching();
        stop_tokens();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "threads: %s\n", e.what());
        return 1;
    }
}
