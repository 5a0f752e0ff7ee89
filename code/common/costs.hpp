// costs.hpp: a program's headline measurements, written in the one format every later
// chapter (the cost ladder, the runtimes appendix) reads.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "measure.hpp"

namespace book::measure {

/// The value of a Cost's optional numbers (ratio, goal) when there is none: a quiet NaN,
/// written as `null` in the file.
inline constexpr double no_value = std::numeric_limits<double>::quiet_NaN();

/**
 * @brief One headline cost: what was measured, what the number includes, and its spread.
 *
 * `key` is a stable identifier that other chapters look the cost up by (lower case, dots
 * between words, for example `thread.create_join`); `label` is what a table shows.
 */
struct Cost {
    std::string key;       ///< stable identifier, e.g. "green.switch.book"
    std::string label;     ///< shown in tables, e.g. "green-thread switch (book)"
    std::string includes;  ///< what one sample covers, e.g. "one-way switch, no work"
    std::string unit;      ///< "ns", "us", "ms", "GB/s", "msg/s", ...
    Summary summary;       ///< median, min, max and number of samples
    std::string compared_with = {};  ///< key of the contender this one was compared with
    double ratio = no_value;  ///< this median / the compared median (no_value: none)
    double goal_max_ratio = no_value;  ///< the goal: ratio at most this (no_value: none)
    std::string goal = {};  ///< the goal in words, e.g. "at most 1.0x Boost.Context"
};

/**
 * @brief Collects a program's headline costs and writes them as a cost file (JSON).
 *
 * The format (`book-costs/1`), which `book/AUTHORING.md` documents: an object with
 * `format`, `chapter`, `program` and `costs`, a list of objects with the fields of Cost
 * (`summary` flattened into `median`, `min`, `max`, `runs`; `ratio`, `goal_max_ratio`
 * and `goal_met` only when known). The capture step adds whether the machine was quiet.
 *
 * @code
 * book::measure::CostFile costs("02-threads", "creation_cost");
 * costs.add({"thread.create_join", "std::thread + join",
 *            "create and join one thread", "us", thread_summary});
 * costs.add({"process.fork_wait", "fork + waitpid",
 *            "fork and reap one child", "us", fork_summary});
 * costs.compare("process.fork_wait", "thread.create_join");  // fork / thread
 * costs.write("costs.json");
 * @endcode
 */
class CostFile {
public:
    /// A cost file for @p program of chapter @p chapter (NN-slug).
    CostFile(std::string chapter, std::string program)
        : chapter_(std::move(chapter)), program_(std::move(program)) {}

    /// Adds one cost; a key may appear only once.
    void add(Cost cost) {
        if (cost.key.empty() || cost.unit.empty())
            throw std::invalid_argument("CostFile::add: key and unit are required");
        if (find(cost.key))
            throw std::invalid_argument("CostFile::add: duplicate key " + cost.key);
        costs_.push_back(std::move(cost));
    }

    /// Records that @p key was compared with @p other: ratio = median(key) /
    /// median(other). With @p goal_max_ratio, the goal is met when the ratio is at most
    /// that.
    void compare(const std::string& key, const std::string& other,
                 double goal_max_ratio = no_value, std::string goal = {}) {
        Cost* a = find(key);
        const Cost* b = find(other);
        if (!a || !b) throw std::invalid_argument("CostFile::compare: unknown key");
        a->compared_with = other;
        a->ratio =
            b->summary.median != 0 ? a->summary.median / b->summary.median : no_value;
        a->goal_max_ratio = goal_max_ratio;
        a->goal = std::move(goal);
    }

    /// @p ratio as the file writes it: six significant digits (1.00106, not 1.001059...).
    static double as_written(double ratio) {
        return std::isfinite(ratio) ? std::strtod(number(ratio).c_str(), nullptr) : ratio;
    }

    /// The one rule that decides a goal: met when the ratio *as written* is at most
    /// @p goal_max_ratio. The file's `goal_met` uses it, and a program that prints its
    /// verdict calls it too, so the page and the file cannot disagree at the last digit.
    static bool goal_met(double ratio, double goal_max_ratio) {
        return std::isfinite(ratio) && as_written(ratio) <= goal_max_ratio;
    }

    /// Writes the file; throws std::runtime_error when it cannot.
    void write(const std::string& path) const {
        std::ofstream out(path);
        if (!out) throw std::runtime_error("CostFile::write: cannot open " + path);
        out << "{\"format\": \"book-costs/1\", \"chapter\": " << quoted(chapter_)
            << ", \"program\": " << quoted(program_) << ", \"costs\": [";
        for (std::size_t i = 0; i < costs_.size(); ++i) {
            const Cost& c = costs_[i];
            out << (i ? ",\n  " : "\n  ") << "{\"key\": " << quoted(c.key)
                << ", \"label\": " << quoted(c.label)
                << ", \"includes\": " << quoted(c.includes)
                << ", \"unit\": " << quoted(c.unit)
                << ", \"median\": " << number(c.summary.median)
                << ", \"min\": " << number(c.summary.min)
                << ", \"max\": " << number(c.summary.max)
                << ", \"runs\": " << c.summary.n;
            if (!c.compared_with.empty())
                out << ", \"compared_with\": " << quoted(c.compared_with)
                    << ", \"ratio\": " << number(c.ratio);
            if (!std::isnan(c.goal_max_ratio))
                out << ", \"goal_max_ratio\": " << number(c.goal_max_ratio)
                    << ", \"goal\": " << quoted(c.goal) << ", \"goal_met\": "
                    << (goal_met(c.ratio, c.goal_max_ratio) ? "true" : "false");
            out << "}";
        }
        out << "\n]}\n";
        if (!out) throw std::runtime_error("CostFile::write: cannot write " + path);
    }

private:
    Cost* find(const std::string& key) {
        for (auto& c : costs_)
            if (c.key == key) return &c;
        return nullptr;
    }
    static std::string quoted(const std::string& s) {
        std::string r = "\"";
        for (char ch : s) {
            if (ch == '"' || ch == '\\') r += '\\';
            if (static_cast<unsigned char>(ch) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", ch);
                r += buf;
                continue;
            }
            r += ch;
        }
        return r + "\"";
    }
    static std::string number(double v) {
        if (!std::isfinite(v)) return "null";
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", v);
        return buf;
    }

    std::string chapter_;
    std::string program_;
    std::vector<Cost> costs_;
};

}  // namespace book::measure
