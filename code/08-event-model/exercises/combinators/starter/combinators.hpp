// combinators.hpp: Promise.all and Promise.race on the book's loop.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "loop.hpp"
#include "promise.hpp"

namespace book::loop::exercises {

/// Promise.all: fulfilled with every value, in the order of @p ps, once all are
/// fulfilled; rejected with the first rejection as soon as one is rejected. With no
/// promises, fulfilled with an empty vector.
template <class T>
promise<std::vector<T>> all(event_loop& loop, const std::vector<promise<T>>& ps) {
    promise<std::vector<T>> result(loop);
    // TODO: register a reaction on every promise of ps (then with two callbacks) that
    //       records its value at its index and fulfils result when the last value
    //       arrives, or rejects result with the first error. Shared bookkeeping must
    //       outlive this function (the reactions run later).
    (void)ps;
    return result;
}

/// Promise.race: settles as the first of @p ps to settle (fulfilled or rejected). With
/// no promises it stays pending forever.
template <class T>
promise<T> race(event_loop& loop, const std::vector<promise<T>>& ps) {
    promise<T> result(loop);
    // TODO: settle result from whichever promise of ps settles first (a promise
    //       ignores every settlement after its first).
    (void)ps;
    return result;
}

}  // namespace book::loop::exercises
