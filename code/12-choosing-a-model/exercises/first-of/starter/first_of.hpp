// Exercise: the first child to find an answer wins, and the others are cancelled.
#pragma once

#include <functional>
#include <optional>
#include <stop_token>
#include <vector>

#include "structured.hpp"

namespace book::structured::exercise {

/// A search: returns an answer, or std::nullopt when it found none or saw a stop request.
template <class T>
using search = std::function<std::optional<T>(std::stop_token)>;

/// Runs every search as a child of one scope. The first answer found is returned and the
/// other searches are asked to stop; std::nullopt when no search found one. Returns only
/// when every search has ended; a search's exception is rethrown.
template <class T>
std::optional<T> first_of(const std::vector<search<T>>& searches) {
    // TODO: spawn every search; the first child that gets an answer stores it (once,
    // under a lock or with an atomic flag) and requests stop of the group.
    (void)searches;
    return std::nullopt;
}

}  // namespace book::structured::exercise
