// account.hpp: a bank account whose balance Clang's thread-safety analysis protects.
#pragma once

#include "thread_safety.hpp"

namespace book::safe {

// Where this file is, so that the tests can compile code that includes it with clang++.
inline constexpr const char* account_header = __FILE__;

// The balance may be touched only while `mutex` is held. Public functions take the lock
// themselves; the *_locked functions expect the caller to hold it.
// TODO: annotate the class with the macros of thread_safety.hpp so that clang++
// -Werror=thread-safety rejects any code that touches balance_ or calls a *_locked
// function without holding `mutex`, and rejects calling deposit(), withdraw() or
// balance() while holding it; correct code (and this file) must still compile.
class Account {
public:
    Mutex mutex;

    void deposit(long amount) {
        LockGuard lock(mutex);
        add_locked(amount);
    }
    bool withdraw(long amount) {
        LockGuard lock(mutex);  // check and act under one lock
        if (balance_locked() < amount) return false;
        add_locked(-amount);
        return true;
    }
    long balance() {
        LockGuard lock(mutex);
        return balance_;
    }
    void add_locked(long amount) { balance_ += amount; }
    long balance_locked() { return balance_; }

private:
    long balance_ = 0;
};

}  // namespace book::safe
