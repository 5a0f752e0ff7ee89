// round_robin.hpp: a simulated time-slicing scheduler (reference solution).
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <limits>
#include <stdexcept>
#include <vector>

namespace book::cvp::exercise {

/**
 * Simulates a round-robin scheduler and returns each task's completion time.
 *
 * Task i needs work[i] units of CPU time; all tasks are ready at time 0 and
 * wait in one first-in, first-out run queue, in index order. Whenever a CPU is
 * idle and the queue is not empty, the CPU takes the task at the front and runs
 * it for min(quantum, remaining work). When that slice ends, a finished task
 * completes at that instant; an unfinished one goes to the back of the queue.
 * When several slices end at the same instant, their tasks are handled in
 * increasing CPU number, and only then do idle CPUs (again in increasing CPU
 * number) take new tasks. A task that needs no work completes at time 0.
 *
 * Throws std::invalid_argument unless cpus >= 1, quantum > 0 and every work >= 0.
 */
inline std::vector<double> round_robin(const std::vector<double>& work, int cpus,
                                       double quantum) {
    if (cpus < 1) throw std::invalid_argument("round_robin: need at least one CPU");
    if (!(quantum > 0))
        throw std::invalid_argument("round_robin: quantum must be positive");
    for (double w : work)
        if (!(w >= 0))
            throw std::invalid_argument("round_robin: work must not be negative");

    constexpr std::size_t idle = std::numeric_limits<std::size_t>::max();
    std::vector<double> remaining = work, done(work.size(), 0.0);
    std::deque<std::size_t> queue;
    for (std::size_t t = 0; t < work.size(); ++t)
        if (work[t] > 0) queue.push_back(t);
    std::vector<std::size_t> running(static_cast<std::size_t>(cpus), idle);
    std::vector<double> slice_end(running.size(), 0.0);
    double now = 0;

    auto dispatch =
        [&] {  // idle CPUs take tasks from the front of the queue, in CPU order
            for (std::size_t c = 0; c < running.size() && !queue.empty(); ++c) {
                if (running[c] != idle) continue;
                running[c] = queue.front();
                queue.pop_front();
                slice_end[c] = now + std::min(quantum, remaining[running[c]]);
            }
        };
    dispatch();
    for (;;) {
        double next = std::numeric_limits<double>::infinity();
        for (std::size_t c = 0; c < running.size(); ++c)
            if (running[c] != idle) next = std::min(next, slice_end[c]);
        if (next == std::numeric_limits<double>::infinity())
            break;  // nothing runs and nothing waits
        now = next;
        for (std::size_t c = 0; c < running.size();
             ++c) {  // slices that end now, in CPU order
            if (running[c] == idle || slice_end[c] != now) continue;
            const std::size_t t = running[c];
            remaining[t] -= std::min(quantum, remaining[t]);
            if (remaining[t] <= 0)
                done[t] = now;
            else
                queue.push_back(t);
            running[c] = idle;
        }
        dispatch();
    }
    return done;
}

}  // namespace book::cvp::exercise
