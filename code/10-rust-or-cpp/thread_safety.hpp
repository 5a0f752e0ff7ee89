// thread_safety.hpp: Clang's thread-safety analysis for the book's code: annotation
// macros (empty for other compilers) and a mutex and lock guard the analysis understands.
#pragma once

#include <mutex>

/// @cond BOOK_MACROS
#if defined(__clang__)
#define BOOK_TSA(attribute) __attribute__((attribute))
#else
#define BOOK_TSA(attribute)  // g++ would warn "attribute ignored" on every one
#endif
/// @endcond

// [macros]
/// Marks a class as a capability (a lock) named @p name in diagnostics.
#define BOOK_CAPABILITY(name) BOOK_TSA(capability(name))
/// Marks an RAII class that acquires a capability in its constructor.
#define BOOK_SCOPED_CAPABILITY BOOK_TSA(scoped_lockable)
/// The member may be read or written only while @p m is held.
#define BOOK_GUARDED_BY(m) BOOK_TSA(guarded_by(m))
/// The function may be called only while the listed capabilities are held.
#define BOOK_REQUIRES(...) BOOK_TSA(requires_capability(__VA_ARGS__))
/// The function may be called only while the listed capabilities are not held.
#define BOOK_EXCLUDES(...) BOOK_TSA(locks_excluded(__VA_ARGS__))
/// The function acquires the capability (or `this` when none is listed).
#define BOOK_ACQUIRE(...) BOOK_TSA(acquire_capability(__VA_ARGS__))
/// The function releases the capability (or `this` when none is listed).
#define BOOK_RELEASE(...) BOOK_TSA(release_capability(__VA_ARGS__))
/// The function acquires the capability when it returns the first argument (true).
#define BOOK_TRY_ACQUIRE(...) BOOK_TSA(try_acquire_capability(__VA_ARGS__))
// [/macros]

namespace book::safe {

// The capability attributes go on forward declarations, which later declarations
// inherit; Doxygen, which does not expand macros, then reads plain class definitions.
#if defined(__clang__)
class BOOK_CAPABILITY("mutex") Mutex;
class BOOK_SCOPED_CAPABILITY LockGuard;
#endif

// [mutex]
/**
 * @brief A std::mutex that Clang's thread-safety analysis knows to be a lock.
 *
 * libstdc++'s std::mutex carries no capability annotations, so the analysis cannot
 * tell that locking it acquires it. This wrapper adds them and nothing else: locking
 * acquires the capability, unlocking releases it, and a successful try-lock acquires it.
 *
 * @code
 * class Account {
 *     book::safe::Mutex mutex_;
 *     long balance_ BOOK_GUARDED_BY(mutex_) = 0;
 * public:
 *     void deposit(long v) { book::safe::LockGuard g(mutex_); balance_ += v; }
 * };
 * @endcode
 */
class Mutex {
public:
    /// Blocks until the mutex is held by the calling thread.
    void lock() BOOK_ACQUIRE() { m_.lock(); }
    /// Releases the mutex, which the calling thread holds.
    void unlock() BOOK_RELEASE() { m_.unlock(); }
    /// Takes the mutex if it is free; true when it did.
    bool try_lock() BOOK_TRY_ACQUIRE(true) { return m_.try_lock(); }

private:
    std::mutex m_;
};

/// Holds a Mutex for the guard's lifetime (std::lock_guard with annotations): the
/// constructor acquires the capability, the destructor releases it.
class LockGuard {
public:
    /// Locks @p m.
    explicit LockGuard(Mutex& m) BOOK_ACQUIRE(m) : m_(m) { m_.lock(); }
    /// Unlocks the mutex given to the constructor.
    ~LockGuard() BOOK_RELEASE() { m_.unlock(); }
    LockGuard(const LockGuard&) = delete;             ///< one owner per lock
    LockGuard& operator=(const LockGuard&) = delete;  ///< one owner per lock

private:
    Mutex& m_;
};
// [/mutex]

}  // namespace book::safe
