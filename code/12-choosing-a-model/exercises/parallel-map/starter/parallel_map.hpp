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
    std::vector<decltype(f(in[0]))> out;
    // TODO: size `out` like `in`, then open a scope and spawn one child per element that
    // stores f(in[i]) in out[i]. Each child writes only its own element.
    (void)f;
    return out;
}

}  // namespace book::structured::exercise
