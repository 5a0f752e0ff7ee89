// Exercise: map a function over a vector with one child per element, in a task group.
#pragma once

#include <cstddef>
#include <vector>

#include "structured.hpp"

namespace book::structured::exercise {

/// Returns {f(in[0]), f(in[1]), ...} in the order of @p in, each computed by its own
/// child of one book::structured::scope. Returns only when every child has ended; if a
/// call of @p f throws, rethrows the first exception (the results are then lost).
template <class T, class F>
auto parallel_map(const std::vector<T>& in, F f) -> std::vector<decltype(f(in[0]))> {
    std::vector<decltype(f(in[0]))> out(in.size());
    // Every child writes its own element: no two children touch the same object, and the
    // scope's join orders all the writes before the return.
    book::structured::scope([&](book::structured::task_group& g) {
        for (std::size_t i = 0; i < in.size(); ++i)
            g.spawn([&, i] { out[i] = f(in[i]); });
    });
    return out;
}

}  // namespace book::structured::exercise
