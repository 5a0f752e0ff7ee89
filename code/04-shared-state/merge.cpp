// The racy increment loops of race.cpp, compiled alone so that the book can show the
// assembly the compiler makes of each.
#include <atomic>

// [loops]
void plain_increments(long& counter, long n) {
    for (long i = 0; i < n; ++i) ++counter;
}

void volatile_increments(volatile long& counter, long n) {
    for (long i = 0; i < n; ++i) counter = counter + 1;
}

void atomic_increments(std::atomic<long>& counter, long n) {
    for (long i = 0; i < n; ++i) counter.fetch_add(1, std::memory_order_relaxed);
}
// [/loops]
