// Exercise: a scope that an outer stop request cancels, as a caller's deadline or
// shutdown would.
#pragma once

#include <stop_token>

#include "structured.hpp"

namespace book::structured::exercise {

/// Like book::structured::scope(body), and besides: when @p outer reports a stop request
/// (already, or at any time while the scope is open), the group's children are asked to
/// stop. The link ends with the scope: a stop requested on @p outer later changes
/// nothing.
template <class Body>
void linked_scope(std::stop_token outer, Body&& body) {
    // TODO: open a scope; inside it, before calling body, register a std::stop_callback
    // on `outer` that calls the group's request_stop(), and keep it alive until body and
    // the wait are over. (Hint: the callback runs at once when outer was already
    // stopped.)
    (void)outer;
    (void)body;
}

}  // namespace book::structured::exercise
