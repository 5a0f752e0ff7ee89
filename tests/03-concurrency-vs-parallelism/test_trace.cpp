// Tests of trace.hpp: samples to stretches, overlap counting, the recorder, and the
// Chrome trace writer.
#include <doctest/doctest.h>

#include <cctype>
#include <cstddef>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "trace.hpp"

using namespace book::cvp;

namespace {

// A strict JSON syntax checker (RFC 8259), enough to tell a valid trace file from an
// invalid one.
class JsonChecker {
public:
    explicit JsonChecker(std::string text) : s_(std::move(text)) {}
    bool valid() {
        try {
            skip();
            value();
            skip();
            return i_ == s_.size();
        } catch (const std::runtime_error&) {
            return false;
        }
    }

private:
    [[noreturn]] static void bad() { throw std::runtime_error("invalid JSON"); }
    char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
    void expect(char c) {
        if (peek() != c) bad();
        ++i_;
    }
    void skip() {
        while (i_ < s_.size() &&
               (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r'))
            ++i_;
    }
    void literal(const char* word) {
        for (const char* p = word; *p != '\0'; ++p) expect(*p);
    }
    void string() {
        expect('"');
        while (peek() != '"') {
            const auto c = static_cast<unsigned char>(peek());
            if (c == '\0' || c < 0x20) bad();
            ++i_;
            if (c == '\\') {
                const char e = peek();
                ++i_;
                if (e == 'u') {
                    for (int k = 0; k < 4; ++k, ++i_)
                        if (!std::isxdigit(static_cast<unsigned char>(peek()))) bad();
                } else if (std::string("\"\\/bfnrt").find(e) == std::string::npos ||
                           e == '\0') {
                    bad();
                }
            }
        }
        ++i_;
    }
    void digits() {
        if (!std::isdigit(static_cast<unsigned char>(peek()))) bad();
        while (std::isdigit(static_cast<unsigned char>(peek()))) ++i_;
    }
    void number() {
        if (peek() == '-') ++i_;
        if (peek() == '0')
            ++i_;
        else
            digits();
        if (peek() == '.') {
            ++i_;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            ++i_;
            if (peek() == '+' || peek() == '-') ++i_;
            digits();
        }
    }
    void value() {
        switch (peek()) {
            case '{':
                ++i_;
                skip();
                if (peek() == '}') {
                    ++i_;
                    return;
                }
                for (;;) {
                    skip();
                    string();
                    skip();
                    expect(':');
                    skip();
                    value();
                    skip();
                    if (peek() == ',') {
                        ++i_;
                        continue;
                    }
                    expect('}');
                    return;
                }
            case '[':
                ++i_;
                skip();
                if (peek() == ']') {
                    ++i_;
                    return;
                }
                for (;;) {
                    skip();
                    value();
                    skip();
                    if (peek() == ',') {
                        ++i_;
                        continue;
                    }
                    expect(']');
                    return;
                }
            case '"':
                string();
                return;
            case 't':
                literal("true");
                return;
            case 'f':
                literal("false");
                return;
            case 'n':
                literal("null");
                return;
            default:
                number();
        }
    }
    std::string s_;
    std::size_t i_ = 0;
};

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos;
         pos = text.find(what, pos + 1))
        ++n;
    return n;
}

}  // namespace

TEST_CASE("the JSON checker used below accepts valid JSON and rejects invalid JSON") {
    CHECK(JsonChecker(R"({"a":[1,2.5,-3e2,"x\"y",true,null],"b":{}})").valid());
    CHECK_FALSE(JsonChecker(R"({"a":[1,2,]})").valid());
    CHECK_FALSE(JsonChecker(R"({"a":"tab	inside"})").valid());
    CHECK_FALSE(JsonChecker(R"({"a":1})"
                            "x")
                    .valid());
}

TEST_CASE("samples close together on one CPU form a single stretch") {
    const std::vector<Sample> samples = {{0, 1}, {10, 1}, {20, 1}, {30, 1}};
    const auto stretches = to_stretches(5, samples, 15);
    REQUIRE(stretches.size() == 1);
    CHECK(stretches[0].task == 5);
    CHECK(stretches[0].cpu == 1);
    CHECK(stretches[0].begin_ns == 0);
    CHECK(stretches[0].end_ns == 30);
}

TEST_CASE("a gap longer than the limit, or a move to another CPU, starts a new stretch") {
    SUBCASE("a long gap: the task was off the CPU") {
        const auto stretches = to_stretches(0, {{0, 0}, {10, 0}, {100, 0}, {110, 0}}, 15);
        REQUIRE(stretches.size() == 2);
        CHECK(stretches[0].end_ns == 10);
        CHECK(stretches[1].begin_ns == 100);
        CHECK(stretches[1].end_ns == 110);
    }
    SUBCASE("a migration: the task moved to another CPU") {
        const auto stretches = to_stretches(0, {{0, 0}, {10, 0}, {20, 3}, {30, 3}}, 15);
        REQUIRE(stretches.size() == 2);
        CHECK(stretches[0].cpu == 0);
        CHECK(stretches[1].cpu == 3);
        CHECK(stretches[1].begin_ns == 20);
    }
    SUBCASE("a gap exactly at the limit still continues the stretch") {
        CHECK(to_stretches(0, {{0, 0}, {15, 0}}, 15).size() == 1);
    }
}

TEST_CASE("to_stretches rejects samples out of time order and a non-positive gap limit") {
    CHECK(to_stretches(0, {}, 10).empty());
    CHECK_THROWS_AS(to_stretches(0, {{10, 0}, {5, 0}}, 10), std::invalid_argument);
    CHECK_THROWS_AS(to_stretches(0, {{0, 0}}, 0), std::invalid_argument);
}

TEST_CASE("peak_overlap counts the most intervals that share an instant") {
    CHECK(peak_overlap({}) == 0);
    CHECK(peak_overlap({{0, 10}, {20, 30}}) == 1);
    CHECK(peak_overlap({{0, 10}, {5, 15}, {8, 9}}) == 3);
    CHECK(peak_overlap({{0, 10}, {10, 20}}) == 1);  // touching is not overlapping
    CHECK(peak_overlap({{0, 10}, {5, 5}}) == 1);  // an empty interval counts for nothing
    CHECK(peak_overlap({{0, 100}, {10, 20}, {30, 40}, {50, 60}}) == 2);
}

TEST_CASE(
    "the recorder keeps each task's samples in time order, even when tasks run on "
    "several threads") {
    constexpr std::size_t tasks = 4, per_task = 200;
    TraceRecorder trace(tasks, per_task);
    {
        std::vector<std::jthread> threads;
        for (std::size_t t = 0; t < tasks; ++t)
            threads.emplace_back([&trace, t] {
                for (std::size_t i = 0; i < per_task; ++i) trace.record(t);
            });
    }
    REQUIRE(trace.tasks() == tasks);
    for (std::size_t t = 0; t < tasks; ++t) {
        const auto& samples = trace.samples(t);
        REQUIRE(samples.size() == per_task);
        for (std::size_t i = 0; i < samples.size(); ++i) {
            CHECK(samples[i].cpu >= 0);
            if (i > 0) CHECK(samples[i].ns >= samples[i - 1].ns);
        }
    }
    const auto stretches = trace.stretches(1'000'000'000);
    CHECK(stretches.size() >=
          tasks);  // at least one stretch per task, more if one migrated
    CHECK_THROWS_AS(TraceRecorder(0, 1), std::invalid_argument);
    CHECK_THROWS_AS(trace.record(tasks), std::out_of_range);
}

TEST_CASE("the Chrome trace is valid JSON with one named track per task in each run") {
    const std::vector<Stretch> one = {
        {0, 0, 0, 1500}, {1, 0, 1500, 3000}, {0, 0, 3000, 4000}};
    const std::vector<Stretch> all = {{0, 0, 0, 2000}, {1, 1, 0, 2000}};
    std::ostringstream out;
    write_chrome_trace(out, {{"one CPU {0}", 3, one}, {"all CPUs {0-1}", 3, all}});
    const std::string json = out.str();
    CHECK(JsonChecker(json).valid());
    CHECK(occurrences(json, "\"thread_name\"") ==
          6);  // three tasks in each of two runs, even task 2 that never ran
    CHECK(occurrences(json, "\"process_name\"") == 2);
    CHECK(occurrences(json, "\"ph\":\"X\"") == one.size() + all.size());
    CHECK(json.find("\"ts\":1.500,\"dur\":1.500") !=
          std::string::npos);  // nanoseconds written as microseconds
}

TEST_CASE("run names with quotes, backslashes and control characters stay valid JSON") {
    std::ostringstream out;
    write_chrome_trace(out, {{"a \"quoted\" \\ name\twith\ncontrol \x01 chars", 1, {}}});
    CHECK(JsonChecker(out.str()).valid());
}

TEST_CASE("a stretch whose task is outside its run is refused") {
    std::ostringstream out;
    CHECK_THROWS_AS(write_chrome_trace(out, {{"run", 2, {{2, 0, 0, 10}}}}),
                    std::invalid_argument);
}
