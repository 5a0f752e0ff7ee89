// schedules.hpp (solution): count the schedules of a program without enumerating them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace book::shared::exercise {

/// The number of schedules of threads that have steps[i] atomic steps each (every
/// interleaving that keeps each thread's steps in order).
inline std::uint64_t schedule_count(std::vector<std::size_t> steps) {
    std::uint64_t total = 0;
    bool any_left = false;
    for (std::size_t t = 0; t < steps.size(); ++t) {
        if (steps[t] == 0) continue;
        any_left = true;
        --steps[t];                      // thread t takes the first step...
        total += schedule_count(steps);  // ...and the rest is a smaller program
        ++steps[t];
    }
    return any_left ? total : 1;  // nothing left to run: one (empty) schedule
}

}  // namespace book::shared::exercise
