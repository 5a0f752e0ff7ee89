// recv_timeout.hpp: a receive that gives up after a while (reference solution).
#pragma once

#include <chrono>

#include "chan.hpp"

namespace book::go::exercise {

/// A channel that receives one value after @p d (Go's time.After): a goroutine sleeps
/// and sends into a buffer of one, so it never blocks, whoever stops listening.
inline Chan<int> after(std::chrono::milliseconds d) {
    Chan<int> fired(1);
    go([fired, d]() mutable {
        sleep_for(d);
        fired.send(1);
    });
    return fired;
}

/**
 * @brief Receives from @p ch into @p out, waiting at most about @p timeout.
 * @return true when a value (or the closed channel's zero value) was received, false
 * when the time ran out first; it must never block longer than the timeout, and must
 * leave no goroutine blocked forever behind (the runtime would report a leak).
 */
template <class T>
bool recv_timeout(Chan<T>& ch, T& out, std::chrono::milliseconds timeout) {
    Chan<int> timer = after(timeout);
    int unused;
    return select({recv_case(ch, out), recv_case(timer, unused)}) == 0;
}

}  // namespace book::go::exercise
