// run_all.hpp: run tasks on threads of their own and bring their results, or their first
// exception, back to the caller.
#pragma once

#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace book::threads::exercises {

/// Runs every task on a thread of its own, all at the same time, and waits for all of
/// them. Returns the results in the order of @p tasks. If any task threw, every task
/// still runs to its end, and then the exception of the lowest-numbered task that threw
/// is rethrown in the caller. R must be default-constructible (a failed task leaves its
/// slot default-constructed), and not bool: std::vector<bool> packs elements into shared
/// words, so two threads writing neighbours would race.
template <class R>
std::vector<R> run_all(const std::vector<std::function<R()>>& tasks) {
    std::vector<R> results(tasks.size());
    {
        std::vector<std::jthread> threads;
        for (std::size_t i = 0; i < tasks.size(); ++i)
            threads.emplace_back([&, i] {
                try {
                    results[i] = tasks[i]();
                } catch (...) {
                    // TODO: the exception is lost here; the contract above says what
                    // the caller must see instead.
                }
            });
    }
    return results;
}

}  // namespace book::threads::exercises
