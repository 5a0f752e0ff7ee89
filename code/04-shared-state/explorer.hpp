// explorer.hpp: runs a tiny multi-threaded program under every possible schedule and
// counts the outcomes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace book::shared {

/**
 * @brief The memory of a modelled program: shared variables, and each thread's private
 * registers.
 *
 * Variables and registers are named by strings and hold integers; a name that was never
 * written reads as 0.
 */
struct State {
    std::map<std::string, long> shared;  ///< variables every thread can see
    std::vector<std::map<std::string, long>>
        registers;  ///< registers[t]: thread t's private values
};

/**
 * @brief One atomic step of a modelled thread: nothing else happens while it runs.
 *
 * A step reads and writes the State; `thread` is the index of the thread that runs it.
 * Build steps with load(), add(), store(), fetch_add() and store_value() rather than by
 * hand.
 */
struct Step {
    std::string text;  ///< how the step is printed, e.g. "r = counter"
    std::function<void(State&, std::size_t thread)> apply;  ///< what the step does
};

/// The code of one modelled thread: its steps, run in this order.
using ThreadCode = std::vector<Step>;

/// A schedule: the index of the thread that runs each successive step.
using Schedule = std::vector<std::size_t>;

/// `reg = var`: reads a shared variable into a register.
inline Step load(const std::string& var, const std::string& reg) {
    return {reg + " = " + var,
            [=](State& s, std::size_t t) { s.registers[t][reg] = s.shared[var]; }};
}

/// `reg = reg + value`: arithmetic on a private register, invisible to other threads.
inline Step add(const std::string& reg, long value) {
    return {reg + " = " + reg + " + " + std::to_string(value),
            [=](State& s, std::size_t t) { s.registers[t][reg] += value; }};
}

/// `var = reg`: writes a register to a shared variable.
inline Step store(const std::string& var, const std::string& reg) {
    return {var + " = " + reg,
            [=](State& s, std::size_t t) { s.shared[var] = s.registers[t][reg]; }};
}

/// `var = value`: writes a constant to a shared variable.
inline Step store_value(const std::string& var, long value) {
    return {var + " = " + std::to_string(value),
            [=](State& s, std::size_t) { s.shared[var] = value; }};
}

/// `var += value` as one indivisible read-modify-write, like std::atomic::fetch_add.
inline Step fetch_add(const std::string& var, long value) {
    return {"fetch_add(" + var + ", " + std::to_string(value) + ")",
            [=](State& s, std::size_t) { s.shared[var] += value; }};
}

/**
 * @brief What all schedules that end in the same observation have in common.
 */
struct Outcome {
    std::uint64_t schedules = 0;  ///< how many schedules end in this observation
    Schedule example;             ///< the first of them, in enumeration order
};

/**
 * @brief Enumerates every schedule of a few threads of atomic steps, deterministically.
 *
 * A schedule is one interleaving of the threads' steps that keeps each thread's own steps
 * in program order. The explorer visits all of them, depth first, trying thread 0 before
 * thread 1 and so on, so the enumeration order (and everything printed from it) never
 * varies.
 *
 * It models **sequential consistency** only: each step takes effect at once and every
 * thread sees it immediately, as if all steps ran one at a time on a single memory. Real
 * hardware and compilers allow more outcomes than this (store buffers, reordering); the
 * explorer tells you what interleaving alone can do, not what a relaxed memory model can
 * do.
 *
 * @code
 * book::shared::Explorer ex({{load("counter", "r"), add("r", 1), store("counter", "r")},
 *                            {load("counter", "r"), add("r", 1), store("counter",
 * "r")}}); auto outcomes = ex.explore([](const State& s) { return "counter=" +
 * std::to_string(s.shared.at("counter")); });
 * // outcomes["counter=1"].schedules == 18, outcomes["counter=2"].schedules == 2
 * @endcode
 */
class Explorer {
public:
    /// A program of @p threads, starting from the shared values in @p initial (others
    /// read 0).
    explicit Explorer(std::vector<ThreadCode> threads,
                      std::map<std::string, long> initial = {})
        : threads_(std::move(threads)), initial_(std::move(initial)) {
        if (threads_.empty())
            throw std::invalid_argument("Explorer: a program needs at least one thread");
    }

    /// Calls @p visit(schedule, final state) once for every schedule, in enumeration
    /// order.
    void for_each_schedule(
        const std::function<void(const Schedule&, const State&)>& visit) const {
        State start;
        start.shared = initial_;
        start.registers.resize(threads_.size());
        std::vector<std::size_t> next(threads_.size(), 0);
        Schedule schedule;
        descend(start, next, schedule, visit);
    }

    /// Runs every schedule and groups them by @p observe(final state), e.g. "counter=1".
    std::map<std::string, Outcome> explore(
        const std::function<std::string(const State&)>& observe) const {
        std::map<std::string, Outcome> outcomes;
        for_each_schedule([&](const Schedule& schedule, const State& final_state) {
            Outcome& o = outcomes[observe(final_state)];
            if (o.schedules++ == 0) o.example = schedule;
        });
        return outcomes;
    }

    /// The number of schedules, counted by enumerating them.
    std::uint64_t count_schedules() const {
        std::uint64_t n = 0;
        for_each_schedule([&](const Schedule&, const State&) { ++n; });
        return n;
    }

    /// The steps of @p schedule, one line each, e.g. "A: r = counter", with thread 0
    /// named A.
    std::vector<std::string> describe(const Schedule& schedule) const {
        std::vector<std::string> lines;
        std::vector<std::size_t> next(threads_.size(), 0);
        for (std::size_t t : schedule) {
            lines.push_back(std::string(1, static_cast<char>('A' + t)) + ": " +
                            threads_.at(t).at(next[t]++).text);
        }
        return lines;
    }

    /// The program's threads.
    const std::vector<ThreadCode>& threads() const { return threads_; }

private:
    // Depth-first: at each point, every thread that still has a step may go next. The
    // state is copied at each branch; the programs are tiny, so clarity wins over speed.
    void descend(const State& state, std::vector<std::size_t>& next, Schedule& schedule,
                 const std::function<void(const Schedule&, const State&)>& visit) const {
        bool any = false;
        for (std::size_t t = 0; t < threads_.size(); ++t) {
            if (next[t] == threads_[t].size()) continue;
            any = true;
            State after = state;
            threads_[t][next[t]].apply(after, t);
            ++next[t];
            schedule.push_back(t);
            descend(after, next, schedule, visit);
            schedule.pop_back();
            --next[t];
        }
        if (!any) visit(schedule, state);
    }

    std::vector<ThreadCode> threads_;
    std::map<std::string, long> initial_;
};

/**
 * @brief The closed-form number of schedules: the multinomial coefficient (n1+...+nk)! /
 * (n1!...nk!).
 *
 * Thread i has @p steps[i] steps; a schedule chooses which positions of the combined
 * sequence belong to each thread. Computed without overflow for the sizes the explorer
 * can enumerate; throws std::overflow_error beyond 64 bits.
 */
inline std::uint64_t multinomial(const std::vector<std::size_t>& steps) {
    // Build it as a product of binomials: C(n1, n1) * C(n1+n2, n2) * C(n1+n2+n3, n3) *
    // ...
    std::uint64_t result = 1;
    std::uint64_t total = 0;
    for (std::size_t k : steps) {
        for (std::uint64_t i = 1; i <= k; ++i) {
            ++total;
            // result * total / i stays whole at every step (it is a binomial times a
            // whole number).
            unsigned __int128 wide = static_cast<unsigned __int128>(result) * total / i;
            if (wide > UINT64_MAX)
                throw std::overflow_error("multinomial: more than 64 bits");
            result = static_cast<std::uint64_t>(wide);
        }
    }
    return result;
}

}  // namespace book::shared
