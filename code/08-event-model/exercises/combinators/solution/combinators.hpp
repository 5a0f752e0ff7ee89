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
    if (ps.empty()) {
        result.resolve(std::vector<T>{});
        return result;
    }
    struct progress {
        std::vector<std::optional<T>> values;
        std::size_t missing;
    };
    auto shared = std::make_shared<progress>(
        progress{std::vector<std::optional<T>>(ps.size()), ps.size()});
    for (std::size_t i = 0; i < ps.size(); ++i)
        ps[i].then(
            [shared, result, i](const T& v) {
                shared->values[i] = v;
                if (--shared->missing == 0) {
                    std::vector<T> out;
                    for (auto& x : shared->values) out.push_back(std::move(*x));
                    result.resolve(std::move(out));
                }
            },
            [result](std::exception_ptr e) { result.reject(e); });  // first one wins
    return result;
}

/// Promise.race: settles as the first of @p ps to settle (fulfilled or rejected). With
/// no promises it stays pending forever.
template <class T>
promise<T> race(event_loop& loop, const std::vector<promise<T>>& ps) {
    promise<T> result(loop);
    for (const auto& p : ps)
        p.then([result](const T& v) { result.resolve(v); },  // later ones are ignored
               [result](std::exception_ptr e) { result.reject(e); });
    return result;
}

}  // namespace book::loop::exercises
