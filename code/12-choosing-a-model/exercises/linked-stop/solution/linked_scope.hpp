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
    book::structured::scope([&](book::structured::task_group& g) {
        // Runs request_stop() on the thread that stops `outer`, or here and now if it
        // already has; unregistered when `link` is destroyed, after the children ended.
        std::stop_callback link(outer, [&g] { g.request_stop(); });
        body(g);
        g.wait();  // the children end while the link still exists
    });
}

}  // namespace book::structured::exercise
