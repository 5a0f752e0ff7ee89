// range.hpp (starter): a generator of an arithmetic sequence that checks its arguments
// when it is called.
#pragma once

#include "generator.hpp"

#include <stdexcept>

namespace book::coro::exercises {

/// Yields first, first + step, first + 2*step, ... up to but excluding last (counting
/// down when step < 0). Throws std::invalid_argument at the call itself, not at the
/// first value, when step is 0.
inline generator<long> range(long first, long last, long step) {
    // TODO: yield the values. The tests call range(1, 5, 0) and expect the exception
    // from that call itself, before any value is asked for.
    (void)first;
    (void)last;
    (void)step;
    co_return;
}

}  // namespace book::coro::exercises
