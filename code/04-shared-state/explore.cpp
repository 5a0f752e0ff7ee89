// Enumerates every schedule of tiny shared-counter and store-buffering programs and
// counts each outcome, deterministically.
#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"
#include "explorer.hpp"

using namespace book::shared;

namespace {

void print_outcomes(const Explorer& ex, const std::map<std::string, Outcome>& outcomes,
                    bool show_example) {
    std::uint64_t total = 0;
    for (const auto& [what, o] : outcomes) total += o.schedules;
    for (const auto& [what, o] : outcomes) {
        std::printf("  %-16s %4llu of %llu schedules\n", what.c_str(),
                    static_cast<unsigned long long>(o.schedules),
                    static_cast<unsigned long long>(total));
        if (show_example) {
            std::printf("    first such schedule:\n");
            for (const auto& line : ex.describe(o.example))
                std::printf("      %s\n", line.c_str());
        }
    }
}

std::string counter_value(const State& s) {
    auto it = s.shared.find("counter");
    return "counter=" + std::to_string(it == s.shared.end() ? 0 : it->second);
}

}  // namespace

int main(int argc, char** argv) {
    int max_threads = 3;
    int max_steps = 4;
    book::cli::Parser cli(
        "explore",
        "Enumerates every schedule of small programs under sequential consistency.");
    cli.option("max-threads", max_threads, 2, 4,
               "largest thread count in the schedule-count table")
        .option("max-steps", max_steps, 1, 4,
                "largest steps per thread in the schedule-count table");
    cli.parse(argc, argv);

    // [lost-update]
    // counter++ as the CPU really performs it: load into a register, add, store back.
    ThreadCode increment = {load("counter", "r"), add("r", 1), store("counter", "r")};
    Explorer racy({increment, increment});
    std::printf("== two threads, each: r = counter; r = r + 1; counter = r\n");
    print_outcomes(racy, racy.explore(counter_value), true);
    // [/lost-update]

    // [fetch-add]
    // The same increment as one indivisible read-modify-write.
    ThreadCode atomic_increment = {fetch_add("counter", 1)};
    Explorer fixed({atomic_increment, atomic_increment});
    std::printf("\n== two threads, each: fetch_add(counter, 1)\n");
    print_outcomes(fixed, fixed.explore(counter_value), false);
    // [/fetch-add]

    // [store-buffering]
    // Each thread sets its own flag, then reads the other's. Observed: the pair (r0, r1).
    Explorer sb(
        {{store_value("x", 1), load("y", "r")}, {store_value("y", 1), load("x", "r")}});
    std::printf("\n== store buffering: A: x = 1; r = y   B: y = 1; r = x\n");
    print_outcomes(sb, sb.explore([](const State& s) {
        return "A.r=" +
               std::to_string(s.registers[0].count("r") ? s.registers[0].at("r") : 0) +
               " B.r=" +
               std::to_string(s.registers[1].count("r") ? s.registers[1].at("r") : 0);
    }),
                   false);
    std::printf(
        "  (A.r=0 B.r=0 never appears: under sequential consistency one store comes "
        "first)\n");
    // [/store-buffering]

    // [count-table]
    // Schedules counted by enumeration, next to the multinomial coefficient.
    const std::uint64_t enumeration_limit = 1'000'000;
    std::printf("\n== schedules: enumerated vs closed form (n*k)! / (k!)^n\n");
    std::printf("  %-8s %-6s %12s %12s\n", "threads", "steps", "enumerated",
                "closed form");
    for (int n = 2; n <= max_threads; ++n) {
        for (int k = 1; k <= max_steps; ++k) {
            std::vector<ThreadCode> threads(
                static_cast<std::size_t>(n),
                ThreadCode(static_cast<std::size_t>(k), fetch_add("counter", 1)));
            const std::uint64_t formula = multinomial(std::vector<std::size_t>(
                static_cast<std::size_t>(n), static_cast<std::size_t>(k)));
            if (formula > enumeration_limit) {
                std::printf("  %-8d %-6d %12s %12llu (too many to enumerate here)\n", n,
                            k, "-", static_cast<unsigned long long>(formula));
                continue;
            }
            const std::uint64_t counted = Explorer(threads).count_schedules();
            std::printf("  %-8d %-6d %12llu %12llu %s\n", n, k,
                        static_cast<unsigned long long>(counted),
                        static_cast<unsigned long long>(formula),
                        counted == formula ? "equal" : "DIFFERENT");
        }
    }
    // [/count-table]
    return 0;
}
