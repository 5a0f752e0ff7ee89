// cli.hpp: the command-line conventions that every program in the book follows.
#pragma once

#include <charconv>
#include <concepts>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

namespace book::cli {

/**
 * @brief A small command-line parser that enforces the book's conventions.
 *
 * Every option is `--name VALUE` or `--name=VALUE`; every flag is `--name`.
 * Numbers are checked against a documented range. Anything unknown, a
 * missing value, a malformed number or one out of range prints a usage line
 * to stderr and exits with status 2; `--help` prints the usage to stdout and
 * exits with status 0.
 *
 * @code
 * int reps = 10;
 * bool quiet = false;
 * book::cli::Parser cli("demo", "Times something.");
 * cli.option("reps", reps, 1, 1000, "measured repetitions")
 *    .flag("quiet", quiet, "print only the summary");
 * cli.parse(argc, argv);
 * @endcode
 */
class Parser {
public:
    /// A parser for program @p program, whose `--help` starts with @p summary.
    Parser(std::string program, std::string summary)
        : program_(std::move(program)), summary_(std::move(summary)) {}

    /// Registers `--name N`, an integer that must lie in [@p min, @p max].
    template <std::integral T>
    Parser& option(std::string name, T& value, T min, T max, std::string help) {
        options_.push_back({std::move(name), std::move(help),
                            Integer{&value, static_cast<long long>(min),
                                    static_cast<long long>(max), Store<T>}});
        return *this;
    }

    /// Registers `--name X`, a floating-point number that must lie in [@p min, @p max].
    Parser& option(std::string name, double& value, double min, double max,
                   std::string help) {
        options_.push_back({std::move(name), std::move(help), Real{&value, min, max}});
        return *this;
    }

    /// Registers `--name TEXT`, any non-empty text.
    Parser& option(std::string name, std::string& value, std::string help) {
        options_.push_back({std::move(name), std::move(help), Text{&value}});
        return *this;
    }

    /// Registers `--name`, a flag that sets @p value to true when present.
    Parser& flag(std::string name, bool& value, std::string help) {
        options_.push_back({std::move(name), std::move(help), Flag{&value}});
        return *this;
    }

    /// Parses the arguments; exits with status 2 on any error and 0 after `--help`.
    void parse(int argc, char** argv) {
        for (int i = 1; i < argc; ++i) {
            std::string_view arg = argv[i];
            if (arg == "--help" || arg == "-h") {
                std::fputs(usage().c_str(), stdout);
                std::exit(0);
            }
            if (!arg.starts_with("--"))
                fail("unexpected argument '" + std::string(arg) + "'");
            arg.remove_prefix(2);
            std::string_view name = arg;
            std::string_view value;
            bool has_value = false;
            if (auto eq = arg.find('='); eq != std::string_view::npos) {
                name = arg.substr(0, eq);
                value = arg.substr(eq + 1);
                has_value = true;
            }
            Option* opt = find(name);
            if (opt == nullptr) fail("unknown option '--" + std::string(name) + "'");
            if (auto* f = std::get_if<Flag>(&opt->kind)) {
                if (has_value) fail("option '--" + opt->name + "' takes no value");
                *f->target = true;
                continue;
            }
            if (!has_value) {
                if (i + 1 >= argc) fail("option '--" + opt->name + "' needs a value");
                value = argv[++i];
            }
            assign(*opt, value);
        }
    }

    /// The usage text: one line of synopsis, the summary, then one line per option.
    std::string usage() const {
        std::string text = "usage: " + program_;
        for (const auto& o : options_)
            text += " [--" + o.name +
                    (std::holds_alternative<Flag>(o.kind) ? "]" : " " + metavar(o) + "]");
        text += "\n" + summary_ + "\n";
        for (const auto& o : options_) {
            std::string left =
                "  --" + o.name +
                (std::holds_alternative<Flag>(o.kind) ? "" : " " + metavar(o));
            if (left.size() < 24) left.resize(24, ' ');
            text += left + " " + o.help + range(o) + "\n";
        }
        return text;
    }

private:
    template <class T>
    static void Store(void* target, long long v) {
        *static_cast<T*>(target) = static_cast<T>(v);
    }
    struct Integer {
        void* target;
        long long min, max;
        void (*store)(void*, long long);
    };
    struct Real {
        double* target;
        double min, max;
    };
    struct Text {
        std::string* target;
    };
    struct Flag {
        bool* target;
    };
    struct Option {
        std::string name, help;
        std::variant<Integer, Real, Text, Flag> kind;
    };

    Option* find(std::string_view name) {
        for (auto& o : options_)
            if (o.name == name) return &o;
        return nullptr;
    }

    static std::string metavar(const Option& o) {
        if (std::holds_alternative<Text>(o.kind)) return "TEXT";
        return std::holds_alternative<Real>(o.kind) ? "X" : "N";
    }

    static std::string range(const Option& o) {
        if (auto* n = std::get_if<Integer>(&o.kind))
            return " (" + std::to_string(n->min) + ".." + std::to_string(n->max) + ")";
        if (auto* r = std::get_if<Real>(&o.kind))
            return " (" + compact(r->min) + ".." + compact(r->max) + ")";
        return "";
    }

    static std::string compact(double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v);
        return buf;
    }

    void assign(Option& o, std::string_view value) {
        const std::string what = "option '--" + o.name + "'";
        if (auto* n = std::get_if<Integer>(&o.kind)) {
            long long v = 0;
            auto [end, ec] =
                std::from_chars(value.data(), value.data() + value.size(), v);
            if (ec != std::errc{} || end != value.data() + value.size())
                fail(what + " expects a whole number, got '" + std::string(value) + "'");
            if (v < n->min || v > n->max)
                fail(what + " must be between " + std::to_string(n->min) + " and " +
                     std::to_string(n->max) + ", got " + std::to_string(v));
            n->store(n->target, v);
        } else if (auto* r = std::get_if<Real>(&o.kind)) {
            double v = 0;
            auto [end, ec] =
                std::from_chars(value.data(), value.data() + value.size(), v);
            if (ec != std::errc{} || end != value.data() + value.size())
                fail(what + " expects a number, got '" + std::string(value) + "'");
            if (!(v >= r->min && v <= r->max))
                fail(what + " must be between " + compact(r->min) + " and " +
                     compact(r->max));
            *r->target = v;
        } else if (auto* t = std::get_if<Text>(&o.kind)) {
            if (value.empty()) fail(what + " needs a non-empty value");
            *t->target = std::string(value);
        }
    }

    [[noreturn]] void fail(const std::string& why) const {
        std::fprintf(stderr, "%s: %s\n%s", program_.c_str(), why.c_str(),
                     usage().c_str());
        std::exit(2);
    }

    std::string program_, summary_;
    std::vector<Option> options_;
};

}  // namespace book::cli
