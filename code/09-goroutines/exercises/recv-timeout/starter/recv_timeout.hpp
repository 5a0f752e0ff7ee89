// recv_timeout.hpp: a receive that gives up after a while (exercise starter).
#pragma once

#include <chrono>

#include "chan.hpp"

namespace book::go::exercise {

/**
 * @brief Receives from @p ch into @p out, waiting at most about @p timeout.
 * @return true when a value (or the closed channel's zero value) was received, false
 * when the time ran out first; it must never block longer than the timeout, and must
 * leave no goroutine blocked forever behind (the runtime would report a leak).
 */
template <class T>
bool recv_timeout(Chan<T>& ch, T& out, std::chrono::milliseconds timeout) {
    // TODO: wait for whichever comes first, the value or the timeout (Go's
    // `select { case v := <-ch: ... case <-time.After(d): ... }`).
    (void)ch, (void)out, (void)timeout;
    return false;
}

}  // namespace book::go::exercise
