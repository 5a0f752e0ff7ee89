// bank.hpp (exercise): move money between two accounts, each guarded by its own mutex,
// without deadlock.
#pragma once

#include <mutex>
#include <stdexcept>

namespace book::shared::exercise {

/// An account: its balance may be read or written only while `m` is held.
struct Account {
    std::mutex m;      ///< guards balance
    long balance = 0;  ///< in cents
};

/// Moves @p amount from @p from to @p to as one indivisible step: no thread that locks
/// the accounts ever sees the money in neither or in both. Returns false, changing
/// nothing, when @p from holds less than @p amount. Throws std::invalid_argument when @p
/// amount is not positive. Safe to call from many threads at once, in any direction,
/// including from an account to itself.
inline bool transfer(Account& from, Account& to, long amount) {
    // TODO: reject a non-positive amount; lock both accounts without risking deadlock
    // when another thread transfers the other way (std::scoped_lock, or a lock order);
    // careful when &from == &to (locking one std::mutex twice is undefined behaviour);
    // check the balance; move the money.
    (void)to;
    from.balance -= amount;
    return true;
}

}  // namespace book::shared::exercise
