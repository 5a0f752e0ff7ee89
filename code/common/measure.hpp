// measure.hpp: repeated, interleaved timing with median, min and max, as every
// measurement in the book is taken.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <functional>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace book::measure {

/// The clock every measurement in the book uses: monotonic, never adjusted.
using Clock = std::chrono::steady_clock;

/// Seconds elapsed since @p start.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/**
 * @brief The median, minimum and maximum of a set of samples.
 *
 * The median is what the book reports; min and max show the spread. With an
 * even number of samples the median is the mean of the two middle ones.
 */
struct Summary {
    double median = 0;  ///< middle sample
    double min = 0;     ///< smallest sample
    double max = 0;     ///< largest sample
    std::size_t n = 0;  ///< number of samples
};

/// Summarises @p samples; throws std::invalid_argument when there are none.
inline Summary summarize(std::vector<double> samples) {
    if (samples.empty()) throw std::invalid_argument("summarize: no samples");
    std::sort(samples.begin(), samples.end());
    const std::size_t n = samples.size();
    const double median =
        n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    return {median, samples.front(), samples.back(), n};
}

/**
 * @brief One of several alternatives measured side by side.
 *
 * `sample` runs the alternative once (for example a batch of N operations) and
 * returns the value to record, usually nanoseconds per operation.
 */
struct Contender {
    std::string name;                ///< shown in tables and CSV files
    std::function<double()> sample;  ///< one measured sample
};

/// The seed of the order of every interleaved measurement: fixed, so that two runs of a
/// program shuffle their contenders the same way and the order never shows as "varied".
inline constexpr std::uint32_t default_order_seed = 20260501u;

/**
 * @brief Measures several alternatives interleaved: round r samples each one once, in a
 * fresh random order.
 *
 * Interleaving spreads any slow period of the machine over every contender instead of
 * penalising whichever ran during it; shuffling the order every round (a randomised block
 * design) keeps the after-effects of one contender (a cache it evicted, memory it left
 * for the kernel to reclaim) from landing on the same next contender every time. The
 * order is drawn from a generator seeded with @p seed, so it is the same in every run of
 * a program. Each contender is first run @p warmup times unrecorded, then @p reps
 * recorded rounds follow.
 *
 * @code
 * auto results = book::measure::interleaved({
 *     {"fork+wait", [] { return time_fork(); }},
 *     {"thread",    [] { return time_thread(); }}}, 2, 15);
 * @endcode
 *
 * @return one Summary per contender, in the order given.
 */
inline std::vector<Summary> interleaved(const std::vector<Contender>& contenders,
                                        int warmup, int reps,
                                        std::uint32_t seed = default_order_seed) {
    if (reps < 1) throw std::invalid_argument("interleaved: reps must be at least 1");
    std::vector<std::vector<double>> samples(contenders.size());
    std::vector<std::size_t> order(contenders.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937 shuffler(seed);
    for (int w = 0; w < warmup; ++w)
        for (const auto& c : contenders) (void)c.sample();
    for (int r = 0; r < reps; ++r) {
        std::shuffle(order.begin(), order.end(), shuffler);
        for (std::size_t i : order) samples[i].push_back(contenders[i].sample());
    }
    std::vector<Summary> out;
    for (auto& s : samples) out.push_back(summarize(std::move(s)));
    return out;
}

/// Formats a duration given in nanoseconds with a unit that keeps 3-4 significant digits
/// (ns, us, ms, s).
inline std::string format_ns(double ns) {
    char buf[32];
    if (ns < 1e3)
        std::snprintf(buf, sizeof buf, "%.1f ns", ns);
    else if (ns < 1e6)
        std::snprintf(buf, sizeof buf, "%.2f us", ns / 1e3);
    else if (ns < 1e9)
        std::snprintf(buf, sizeof buf, "%.2f ms", ns / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.2f s", ns / 1e9);
    return buf;
}

}  // namespace book::measure
