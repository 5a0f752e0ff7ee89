// trace.hpp: recording when and on which CPU each task ran, and writing it as a Chrome
// trace-event file.
#pragma once

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace book::cvp {

/// One observation: a task was running at @p ns nanoseconds after the recorder's epoch,
/// on CPU @p cpu.
struct Sample {
    std::int64_t ns = 0;  ///< time since the recorder's epoch, in nanoseconds
    int cpu = -1;         ///< what sched_getcpu() returned
};

/// A stretch of time during which one task ran without a break on one CPU.
struct Stretch {
    std::size_t task = 0;       ///< which task
    int cpu = -1;               ///< the CPU it ran on
    std::int64_t begin_ns = 0;  ///< first sample of the stretch
    std::int64_t end_ns = 0;    ///< last sample of the stretch
};

/**
 * @brief Turns one task's samples into stretches of uninterrupted running.
 *
 * A task records a sample after every small slice of work. Two consecutive
 * samples belong to the same stretch when they were taken on the same CPU
 * and at most @p max_gap_ns apart; a longer gap means the task was not
 * running in between (the scheduler gave the CPU to something else), and a
 * new CPU means it was moved. The stretches are therefore accurate to about
 * one slice of work.
 *
 * @throws std::invalid_argument when the samples are not in time order or max_gap_ns is
 * not positive.
 */
inline std::vector<Stretch> to_stretches(std::size_t task,
                                         const std::vector<Sample>& samples,
                                         std::int64_t max_gap_ns) {
    if (max_gap_ns <= 0)
        throw std::invalid_argument("to_stretches: max_gap_ns must be positive");
    std::vector<Stretch> out;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const Sample& s = samples[i];
        if (i > 0 && s.ns < samples[i - 1].ns)
            throw std::invalid_argument("to_stretches: samples out of time order");
        const bool continues = !out.empty() && out.back().cpu == s.cpu &&
                               s.ns - out.back().end_ns <= max_gap_ns;
        if (continues)
            out.back().end_ns = s.ns;
        else
            out.push_back({task, s.cpu, s.ns, s.ns});
    }
    return out;
}

/**
 * @brief The largest number of the half-open intervals [begin, end) that contain one
 * common instant.
 *
 * Given the stretches of a run, this is the most tasks that were executing at
 * the same instant (parallelism); given each task's lifetime, from its first
 * to its last sample, it is the most tasks in progress at once (concurrency).
 * Intervals that merely touch (one ends where the next begins) do not overlap;
 * empty intervals count for nothing.
 */
inline int peak_overlap(
    const std::vector<std::pair<std::int64_t, std::int64_t>>& intervals) {
    std::vector<std::pair<std::int64_t, int>>
        edges;  // (time, +1 begin / -1 end); ends sort before begins at equal times
    for (const auto& [b, e] : intervals) {
        if (e <= b) continue;
        edges.emplace_back(b, +1);
        edges.emplace_back(e, -1);
    }
    std::sort(edges.begin(), edges.end());
    int now = 0, peak = 0;
    for (const auto& edge : edges) peak = std::max(peak, now += edge.second);
    return peak;
}

/**
 * @brief Records, for each of a fixed number of tasks, when it ran and on which CPU.
 *
 * The thread running task `i` calls `record(i)` after each small slice of
 * work. Each task has its own buffer, written only by that task's thread, so
 * recording needs no lock; read the samples only after joining the threads
 * (the join makes their writes visible). Buffers are padded apart so that
 * tasks on different CPUs do not slow each other down by writing to one cache
 * line (false sharing, chapter 4).
 *
 * @code
 * book::cvp::TraceRecorder trace(4, 10'000);
 * // in the thread running task i, after each slice of work:
 * trace.record(i);
 * // after joining every thread:
 * auto stretches = trace.stretches(200'000);   // gaps above 200 us split a stretch
 * @endcode
 */
class TraceRecorder {
public:
    /// The clock of every sample.
    using Clock = std::chrono::steady_clock;

    /// A recorder for @p tasks tasks, each with room for @p reserve_per_task samples
    /// before it reallocates.
    TraceRecorder(std::size_t tasks, std::size_t reserve_per_task)
        : epoch_(Clock::now()), lanes_(tasks) {
        if (tasks == 0)
            throw std::invalid_argument("TraceRecorder: need at least one task");
        for (auto& lane : lanes_) lane.samples.reserve(reserve_per_task);
    }

    /// Records that task @p task is running now, and on which CPU. Call it only from the
    /// thread that runs that task.
    void record(std::size_t task) {
        const auto ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - epoch_)
                .count();
        lanes_.at(task).samples.push_back(
            {static_cast<std::int64_t>(ns), sched_getcpu()});
    }

    /// Number of tasks.
    std::size_t tasks() const { return lanes_.size(); }

    /// The samples of task @p task, in the order they were taken.
    const std::vector<Sample>& samples(std::size_t task) const {
        return lanes_.at(task).samples;
    }

    /// The instant that sample times count from.
    std::chrono::steady_clock::time_point epoch() const { return epoch_; }

    /// Every task's stretches (see to_stretches()), task by task.
    std::vector<Stretch> stretches(std::int64_t max_gap_ns) const {
        std::vector<Stretch> all;
        for (std::size_t t = 0; t < lanes_.size(); ++t) {
            auto mine = to_stretches(t, lanes_[t].samples, max_gap_ns);
            all.insert(all.end(), mine.begin(), mine.end());
        }
        return all;
    }

private:
    struct alignas(64) Lane {
        std::vector<Sample> samples;
    };
    Clock::time_point epoch_;
    std::vector<Lane> lanes_;
};

/// One run to put into a trace file: its name, how many tasks it had, and their
/// stretches.
struct TraceRun {
    std::string name;  ///< shown as the process name in the trace viewer
    std::size_t tasks =
        0;  ///< one track is written for each task, even one that never ran
    std::vector<Stretch>
        stretches;  ///< the run's stretches; times in nanoseconds from the run's epoch
};

namespace detail {

inline std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (const unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

inline std::string micros(std::int64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1e3);
    return buf;
}

}  // namespace detail

/**
 * @brief Writes runs as a Chrome trace-event JSON file, which Perfetto (ui.perfetto.dev)
 * and chrome://tracing open.
 *
 * Each run becomes a process (pid 1, 2, ...) named after the run, each task a
 * thread track (tid = task + 1) named `task N`, and each stretch a complete
 * event (`"ph":"X"`) on its task's track, with the CPU in its `args`. Times
 * are written in microseconds, as the format requires.
 *
 * @code
 * std::ofstream file("trace.json");
 * book::cvp::write_chrome_trace(file, {{"one CPU", 4, one_cpu_stretches}, {"all CPUs", 4,
 * all_stretches}});
 * @endcode
 * @throws std::invalid_argument when a stretch names a task outside its run.
 */
inline void write_chrome_trace(std::ostream& out, const std::vector<TraceRun>& runs) {
    out << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
    bool first = true;
    auto event = [&](const std::string& json) {
        out << (first ? "" : ",\n") << json;
        first = false;
    };
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const std::string pid = std::to_string(r + 1);
        event("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":" + pid +
              ",\"args\":{\"name\":" + detail::json_string(runs[r].name) + "}}");
        event("{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":" + pid +
              ",\"args\":{\"sort_index\":" + pid + "}}");
        for (std::size_t t = 0; t < runs[r].tasks; ++t) {
            const std::string tid = std::to_string(t + 1);
            event("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" + pid + ",\"tid\":" +
                  tid + ",\"args\":{\"name\":\"task " + std::to_string(t) + "\"}}");
            event("{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":" + pid +
                  ",\"tid\":" + tid + ",\"args\":{\"sort_index\":" + tid + "}}");
        }
        for (const Stretch& s : runs[r].stretches) {
            if (s.task >= runs[r].tasks)
                throw std::invalid_argument("write_chrome_trace: stretch of task " +
                                            std::to_string(s.task) + " in a run of " +
                                            std::to_string(runs[r].tasks) + " tasks");
            event("{\"name\":\"task " + std::to_string(s.task) +
                  "\",\"cat\":\"cpu\",\"ph\":\"X\",\"pid\":" + pid + ",\"tid\":" +
                  std::to_string(s.task + 1) + ",\"ts\":" + detail::micros(s.begin_ns) +
                  ",\"dur\":" + detail::micros(s.end_ns - s.begin_ns) +
                  ",\"args\":{\"cpu\":" + std::to_string(s.cpu) + "}}");
        }
    }
    out << "\n]}\n";
}

}  // namespace book::cvp
