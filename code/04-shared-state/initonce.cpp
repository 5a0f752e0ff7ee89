// One-time initialisation from many threads (std::call_once, a function-local static,
// double-checked locking), a reader-writer lock, and a race built into an interface.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>
#include <semaphore>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "bounded_queue.hpp"
#include "cli.hpp"

namespace {

std::atomic<int> constructions{0};  // how many Config objects were ever built

struct Config {
    int port = 0;  // plain fields: only the initialisation's ordering publishes them
    int workers = 0;
    Config() : port(8080), workers(4) { constructions.fetch_add(1); }
};

// [call-once]
std::once_flag config_once;
Config* config_by_call_once = nullptr;

const Config& get_with_call_once() {
    // Exactly one caller runs the lambda; the others wait until it has finished, and its
    // writes happen before their return.
    std::call_once(config_once, [] { config_by_call_once = new Config; });
    return *config_by_call_once;
}
// [/call-once]

// [local-static]
const Config& get_with_local_static() {
    static const Config
        config;  // built once, by the first caller; thread-safe since C++11
    return config;
}
// [/local-static]

// [double-checked]
std::atomic<Config*> config_ptr{nullptr};
std::mutex config_mutex;

const Config& get_double_checked() {
    // acquire: if a pointer is seen, the writes of the Config it points to are seen too.
    Config* c = config_ptr.load(std::memory_order_acquire);
    if (c == nullptr) {
        std::lock_guard lock(config_mutex);
        c = config_ptr.load(std::memory_order_relaxed);  // the mutex orders this load
        if (c == nullptr) {
            c = new Config;
            config_ptr.store(c, std::memory_order_release);  // publishes the fields
        }
    }
    return *c;
}
// [/double-checked]

// Calls `get` from `threads` threads at once; returns how many saw a wrong field.
template <class Get>
int call_from_threads(int threads, Get get) {
    std::atomic<int> wrong{0};
    std::atomic<bool> go{false};
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&] {
                while (!go.load()) std::this_thread::yield();
                const Config& c = get();
                if (c.port != 8080 || c.workers != 4) wrong.fetch_add(1);
            });
        go.store(true);
    }
    return wrong.load();
}

void one_time_initialisation(int threads) {
    std::printf("== one-time initialisation, %d threads calling at once\n", threads);
    int before = constructions.load();
    int wrong = call_from_threads(threads, get_with_call_once);
    std::printf(
        "std::call_once:          built %d time(s), %d thread(s) saw a wrong field\n",
        constructions.load() - before, wrong);
    before = constructions.load();
    wrong = call_from_threads(threads, get_with_local_static);
    std::printf(
        "function-local static:   built %d time(s), %d thread(s) saw a wrong field\n",
        constructions.load() - before, wrong);
    before = constructions.load();
    wrong = call_from_threads(threads, get_double_checked);
    std::printf(
        "double-checked locking:  built %d time(s), %d thread(s) saw a wrong field\n",
        constructions.load() - before, wrong);
    delete config_by_call_once;
    delete config_ptr.load();
}

// [shared-mutex]
void reader_writer() {
    std::printf("\n== std::shared_mutex: many readers or one writer\n");
    std::shared_mutex m;
    std::shared_lock first_reader(m);  // this thread reads
    bool second_reader = false, writer = false;
    std::thread([&] {
        second_reader = m.try_lock_shared();  // another reader may join
        if (second_reader) m.unlock_shared();
    }).join();
    std::thread([&] {
        writer = m.try_lock();  // a writer may not, while anyone reads
        if (writer) m.unlock();
    }).join();
    std::printf("while one thread holds it shared: another reader %s, a writer %s\n",
                second_reader ? "gets in" : "is refused",
                writer ? "gets in" : "is refused");
    first_reader.unlock();
    std::thread([&] {
        writer = m.try_lock();
        if (writer) m.unlock();
    }).join();
    std::printf("once nobody holds it: a writer %s\n", writer ? "gets in" : "is refused");
}
// [/shared-mutex]

// [interface-race]
// Every method of BoundedQueue locks, yet "check, then act" across two calls is a race:
// another thread can act between them. Two binary semaphores force the losing order.
void interface_race() {
    std::printf("\n== a race in the interface: if (q.size() != 0) take an item\n");
    book::shared::BoundedQueue<int> q(4);
    q.push(1);  // one item
    std::binary_semaphore a_checked{0}, b_done{0};
    bool a_saw_item = false;
    std::optional<int> a_got;
    std::thread a([&] {
        a_saw_item = q.size() != 0;  // the check: "there is an item"
        a_checked.release();
        b_done.acquire();  // B runs here, between A's check and A's act
        if (a_saw_item) a_got = q.try_pop();  // the act
    });
    std::thread b([&] {
        a_checked.acquire();
        const bool b_saw_item = q.size() != 0;
        const auto b_got = b_saw_item ? q.try_pop() : std::nullopt;
        std::printf("B: saw an item: %s, popped: %s\n", b_saw_item ? "yes" : "no",
                    b_got ? "yes" : "no");
        b_done.release();
    });
    a.join();
    b.join();
    std::printf(
        "A: saw an item: %s, popped: %s\n", a_saw_item ? "yes" : "no",
        a_got ? "yes" : "no, the queue was empty by then (pop() would wait forever)");
    std::printf("the fix: one call that checks and acts under one lock (try_pop, pop)\n");
}
// [/interface-race]

}  // namespace

int main(int argc, char** argv) {
    int threads = 8;
    book::cli::Parser cli(
        "initonce",
        "One-time initialisation, a reader-writer lock, and a race in an "
        "interface.");
    cli.option("threads", threads, 2, 256, "threads racing to initialise");
    cli.parse(argc, argv);
    one_time_initialisation(threads);
    reader_writer();
    interface_race();
    return 0;
}
