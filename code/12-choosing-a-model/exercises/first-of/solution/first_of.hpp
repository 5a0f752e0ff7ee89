// Exercise: the first child to find an answer wins, and the others are cancelled.
#pragma once

#include <functional>
#include <mutex>
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
    std::optional<T> winner;
    std::mutex lock;
    book::structured::scope([&](book::structured::task_group& g) {
        for (const auto& s : searches)
            g.spawn([&](std::stop_token stop) {
                auto answer = s(stop);
                if (!answer) return;
                std::lock_guard guard(lock);
                if (!winner) {
                    winner = std::move(answer);
                    g.request_stop();  // the siblings' tokens now report a stop request
                }
            });
    });
    return winner;
}

}  // namespace book::structured::exercise
