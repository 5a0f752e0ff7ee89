// A spinlock's second job: ordering. With relaxed orders it still excludes, but it no
// longer orders the critical sections, and ThreadSanitizer reports the data race.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli.hpp"

namespace {

// [orders]
// A test-and-set spinlock whose two memory orders are parameters. The right ones are
// acquire on lock and release on unlock: every write the previous owner made inside the
// lock then happens before every read the next owner makes, because the next owner's
// acquiring exchange reads the value that the previous owner's release store wrote.
template <std::memory_order Lock, std::memory_order Unlock>
class OrderedSpinlock {
public:
    void lock() noexcept {
        while (locked_.exchange(true, Lock))
            while (locked_.load(std::memory_order_relaxed)) {
            }
    }
    void unlock() noexcept { locked_.store(false, Unlock); }

private:
    std::atomic<bool> locked_{false};
};
// [/orders]

// Threads increment a plain counter under the lock; returns the increments lost.
template <class Lock>
std::uint64_t lost_increments(int threads, int per_thread) {
    Lock lock;
    std::uint64_t counter = 0;  // plain: only the lock's ordering protects it
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&] {
                for (int i = 0; i < per_thread; ++i) {
                    std::lock_guard guard(lock);
                    ++counter;
                }
            });
    }
    return static_cast<std::uint64_t>(threads) * static_cast<std::uint64_t>(per_thread) -
           counter;
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 4, increments = 100'000;
    std::string order = "both";
    book::cli::Parser cli(
        "lockorder",
        "A spinlock with acquire/release orders against one with relaxed "
        "orders.");
    cli.option("threads", threads, 2, 64, "threads taking the lock")
        .option("increments", increments, 1, 10'000'000, "increments per thread")
        .option("order", order,
                "acquire-release (correct), relaxed (a data race), or both");
    cli.parse(argc, argv);
    if (order != "acquire-release" && order != "relaxed" && order != "both") {
        std::fprintf(stderr,
                     "lockorder: --order must be acquire-release, relaxed or both\n%s",
                     cli.usage().c_str());
        return 2;
    }
    std::printf("%d threads x %d increments of a plain counter under a spinlock\n",
                threads, increments);
    if (order != "relaxed") {
        const auto lost = lost_increments<
            OrderedSpinlock<std::memory_order_acquire, std::memory_order_release>>(
            threads, increments);
        std::printf("acquire-release: %llu increments lost\n",
                    static_cast<unsigned long long>(lost));
    }
    if (order != "acquire-release") {
        const auto lost = lost_increments<
            OrderedSpinlock<std::memory_order_relaxed, std::memory_order_relaxed>>(
            threads, increments);
        std::printf("relaxed:         %llu increments lost\n",
                    static_cast<unsigned long long>(lost));
    }
    return 0;
}
