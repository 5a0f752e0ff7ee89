// A seeded bug for Clang's thread-safety analysis: an account whose balance is guarded
// by its mutex, and two functions that touch it without the lock. Clang rejects them
// with -Werror=thread-safety; g++, which has no such analysis, compiles the file.
#include "thread_safety.hpp"

// [account]
class Account {
public:
    void deposit(long amount) BOOK_EXCLUDES(mutex_) {
        book::safe::LockGuard lock(mutex_);
        add_locked(amount);
    }
    long balance() BOOK_EXCLUDES(mutex_) {
        book::safe::LockGuard lock(mutex_);
        return balance_;
    }
    // The seeded bugs: both compile with g++; Clang's analysis rejects both.
    long unguarded_read() { return balance_; }  // no lock held
    void forgot_lock(long amount) { add_locked(amount); }

private:
    void add_locked(long amount) BOOK_REQUIRES(mutex_) { balance_ += amount; }

    book::safe::Mutex mutex_;
    long balance_ BOOK_GUARDED_BY(mutex_) = 0;
};
// [/account]

int main() {
    Account account;
    account.deposit(10);
    return account.balance() == 10 ? 0 : 1;
}
