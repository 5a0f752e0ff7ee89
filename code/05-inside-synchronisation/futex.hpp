// futex.hpp: a thin wrapper around Linux's futex(2) system call: sleep while a word holds
// a value, wake sleepers.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace book::sync {

/**
 * @brief How many futex system calls the calling thread has made through this header.
 *
 * The counters are thread-local, so counting costs one increment of a
 * variable no other thread touches; a program sums them over its threads to
 * see how often a lock really entered the kernel.
 */
struct FutexCalls {
    std::uint64_t waits = 0;  ///< calls of futex_wait()
    std::uint64_t wakes = 0;  ///< calls of futex_wake()
};

namespace detail {
inline thread_local FutexCalls futex_calls;

// The kernel reads the 32-bit word itself; std::atomic<std::uint32_t> must be exactly
// that word.
static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

inline std::uint32_t* raw(std::atomic<std::uint32_t>& word) {
    return reinterpret_cast<std::uint32_t*>(&word);
}

[[noreturn]] inline void futex_failed(const char* op, int err) {
    std::fprintf(stderr, "futex %s failed: %s\n", op, std::strerror(err));
    std::abort();
}
}  // namespace detail

/// The futex calls made so far by the calling thread.
inline FutexCalls futex_calls_of_this_thread() { return detail::futex_calls; }

/**
 * @brief Sleeps in the kernel while @p word still holds @p expected.
 *
 * The kernel compares the word with @p expected and puts the thread to sleep
 * in one step, with the futex's internal lock held, so a futex_wake() that
 * follows a change of the word cannot slip in between the check and the
 * sleep (the "lost wake-up" that a check-then-sleep in user space would
 * suffer). It returns when woken, when the word already differed (EAGAIN),
 * when a signal interrupted the sleep (EINTR), or spuriously: callers always
 * re-check the word in a loop. Any other error is a misuse and aborts.
 *
 * @code
 * while (state.load() == busy) book::sync::futex_wait(state, busy);
 * @endcode
 */
inline void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) {
    ++detail::futex_calls.waits;
    // FUTEX_WAIT_PRIVATE: the word is not shared with another process, which spares the
    // kernel a lookup.
    if (syscall(SYS_futex, detail::raw(word), FUTEX_WAIT_PRIVATE, expected, nullptr,
                nullptr, 0) == -1) {
        if (errno != EAGAIN && errno != EINTR) detail::futex_failed("wait", errno);
    }
}

/**
 * @brief Wakes up to @p count threads sleeping in futex_wait() on @p word.
 *
 * Change the word before calling it, so that a woken thread sees the change.
 *
 * The kernel only uses the word's address to find its sleepers: it never reads the
 * word for a wake. That is what lets an unlock or a release publish its change and then
 * wake: by then, a thread that saw the change may have returned and freed the object
 * (the destruction rule). If the memory is still mapped, the wake finds nobody, or
 * wakes a sleeper of a new object at the same address, which takes it as a spurious
 * wake-up; if it was unmapped, the kernel answers EFAULT, which this function treats,
 * as glibc does, as "nobody woken" instead of a misuse.
 * @return the number of threads woken (0 when nobody slept on the word).
 */
inline int futex_wake(std::atomic<std::uint32_t>& word, int count) {
    ++detail::futex_calls.wakes;
    const long woken = syscall(SYS_futex, detail::raw(word), FUTEX_WAKE_PRIVATE, count,
                               nullptr, nullptr, 0);
    if (woken == -1) {
        if (errno == EFAULT) return 0;  // the object was freed and its page unmapped
        detail::futex_failed("wake", errno);
    }
    return static_cast<int>(woken);
}

}  // namespace book::sync
