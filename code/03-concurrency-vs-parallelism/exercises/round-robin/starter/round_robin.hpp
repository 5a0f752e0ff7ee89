// round_robin.hpp: a simulated time-slicing scheduler (exercise starter).
#pragma once

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
    // TODO: simulate the scheduler the contract above describes.
    (void)cpus;
    (void)quantum;
    return work;  // wrong unless every task has a CPU of its own
}

}  // namespace book::cvp::exercise
