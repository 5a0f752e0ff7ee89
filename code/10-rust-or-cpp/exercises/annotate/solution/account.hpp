// account.hpp: a bank account whose balance Clang's thread-safety analysis protects.
#pragma once

#include "thread_safety.hpp"

namespace book::safe {

// Where this file is, so that the tests can compile code that includes it with clang++.
inline constexpr const char* account_header = __FILE__;

// The balance may be touched only while `mutex` is held. Public functions take the lock
// themselves; the *_locked functions expect the caller to hold it.
class Account {
public:
    Mutex mutex;

    void deposit(long amount) BOOK_EXCLUDES(mutex) {
        LockGuard lock(mutex);
        add_locked(amount);
    }
    bool withdraw(long amount) BOOK_EXCLUDES(mutex) {
        LockGuard lock(mutex);  // check and act under one lock
        if (balance_locked() < amount) return false;
        add_locked(-amount);
        return true;
    }
    long balance() BOOK_EXCLUDES(mutex) {
        LockGuard lock(mutex);
        return balance_;
    }
    void add_locked(long amount) BOOK_REQUIRES(mutex) { balance_ += amount; }
    long balance_locked() BOOK_REQUIRES(mutex) { return balance_; }

private:
    long balance_ BOOK_GUARDED_BY(mutex) = 0;
};

}  // namespace book::safe
