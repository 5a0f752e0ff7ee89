// expect_fixture.cpp: prints what the pipeline's expectation tests read (never a timing),
// and writes a cost file and declares a sanitizer exemption on request.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "costs.hpp"
#include "sanitizers.hpp"

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "";
    if (std::strcmp(mode, "flaky-once") == 0) {
        // The first run in this working directory does not show it; every later run does.
        const bool seen_before = static_cast<bool>(std::ifstream("attempts.txt"));
        std::ofstream("attempts.txt") << "1\n";
        std::printf("== demo\nshows it: %s\n", seen_before ? "yes" : "no");
        return 0;
    }
    if (std::strcmp(mode, "never") == 0) {
        std::printf("== demo\nshows it: no\n");
        return 0;
    }
    if (std::strcmp(mode, "costs") == 0) {
        book::measure::CostFile costs("98-expect-chapter", "costly");
        costs.add({"fixture.slow",
                   "slow way",
                   "one fixed number, no measurement",
                   "ns",
                   {3, 2, 4, 5}});
        costs.add({"fixture.fast",
                   "fast way",
                   "one fixed number, no measurement",
                   "ns",
                   {1, 1, 2, 5}});
        costs.compare("fixture.slow", "fixture.fast", 4.0, "at most 4x the fast way");
        costs.write("costs.json");
        std::printf("== demo\nwrote costs.json\n");
        return 0;
    }
    if (std::strcmp(mode, "contender") == 0) {
        std::printf("== demo\n");
        if (!book::sanitizers::exempt("address", "fake production library",
                                      "it cannot run clean under this sanitizer"))
            std::printf("fake production library ran\n");
        std::printf("the book's own code ran\n");
        return 0;
    }
    std::fputs("usage: expect_fixture flaky-once|never|costs|contender\n", stderr);
    return 2;
}
