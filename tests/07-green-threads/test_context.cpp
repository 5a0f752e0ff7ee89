// Tests of context.hpp: the hand-written switch passes values, preserves what the ABI
// says a call preserves, aligns a fresh stack, and suspends from any depth.
#include <doctest/doctest.h>

#include "context.hpp"
#include "stack.hpp"

#include <cfenv>
#include <cstdint>
#include <vector>

namespace green = book::green;

namespace {
green::Context main_ctx, other_ctx;

void* as_arg(std::intptr_t v) { return reinterpret_cast<void*>(v); }
std::intptr_t as_int(void* p) { return reinterpret_cast<std::intptr_t>(p); }

void doubler(void* arg) {
    std::intptr_t v = as_int(green::started(arg));
    for (;;) v = as_int(green::switch_to(other_ctx, main_ctx, as_arg(2 * v)));
}

bool aligned = false;
void probe_alignment(void* arg) {
    green::started(arg);
    alignas(16) volatile char probe[16] = {};
    aligned = reinterpret_cast<std::uintptr_t>(probe) % 16 == 0;
    for (;;) green::switch_to(other_ctx, main_ctx, nullptr);
}

int depth_reached = 0;
int recurse_then_suspend(int level, int limit) {
    if (level == limit) {
        depth_reached = level;
        green::switch_to(other_ctx, main_ctx, nullptr);
        return level;
    }
    return recurse_then_suspend(level + 1, limit) + 0 * level;
}
void deep(void* arg) {
    auto limit = static_cast<int>(as_int(green::started(arg)));
    int r = recurse_then_suspend(1, limit);
    green::switch_to_final(other_ctx, main_ctx, as_arg(r));
}

#if defined(__x86_64__)
int mode_inside = -1;
void rounding(void* arg) {
    green::started(arg);
    std::fesetround(FE_UPWARD);
    green::switch_to(other_ctx, main_ctx, nullptr);
    mode_inside = std::fegetround();
    for (;;) green::switch_to(other_ctx, main_ctx, nullptr);
}
#endif
}  // namespace

TEST_CASE("values travel both ways through the switch") {
    green::Stack stack(64 * 1024, green::Stack::Guard::yes);
    main_ctx = green::Context::current_thread();
    other_ctx = green::Context::fresh(stack.low(), stack.size(), doubler);
    std::vector<std::intptr_t> got;
    for (std::intptr_t v : {1, 5, 21})
        got.push_back(as_int(green::switch_to(main_ctx, other_ctx, as_arg(v))));
    CHECK(got == std::vector<std::intptr_t>{2, 10, 42});
    other_ctx = green::Context();
}

TEST_CASE("a fresh context starts with a 16-byte aligned stack") {
    green::Stack stack(64 * 1024, green::Stack::Guard::yes);
    main_ctx = green::Context::current_thread();
    other_ctx = green::Context::fresh(stack.low(), stack.size(), probe_alignment);
    aligned = false;
    green::switch_to(main_ctx, other_ctx, nullptr);
    CHECK(aligned);
    other_ctx = green::Context();
}

TEST_CASE("a context suspends from deep inside ordinary calls and resumes there") {
    green::Stack stack(256 * 1024, green::Stack::Guard::yes);
    main_ctx = green::Context::current_thread();
    other_ctx = green::Context::fresh(stack.low(), stack.size(), deep);
    depth_reached = 0;
    green::switch_to(main_ctx, other_ctx, as_arg(50));
    CHECK(depth_reached == 50);
    auto result = as_int(green::switch_to(main_ctx, other_ctx, nullptr));
    CHECK(result == 50);
    other_ctx = green::Context();
}

TEST_CASE("callee-saved registers survive a switch in a loop") {
    // The compiler keeps these in callee-saved registers across the switch calls.
    green::Stack stack(64 * 1024, green::Stack::Guard::yes);
    main_ctx = green::Context::current_thread();
    other_ctx = green::Context::fresh(stack.low(), stack.size(), doubler);
    std::uint64_t a = 1, b = 3, c = 7;
    double x = 0.5;
    for (int i = 0; i < 100; ++i) {
        auto r = as_int(green::switch_to(main_ctx, other_ctx, as_arg(i)));
        CHECK(r == 2 * i);
        a = a * 3 + 1, b ^= a, c += b, x *= 1.5;
    }
    CHECK(a != 0);
    CHECK(c > b / 2);
    CHECK(x > 1.0);
    other_ctx = green::Context();
}

#if defined(__x86_64__)
TEST_CASE("each context keeps its own floating-point rounding mode on x86-64") {
    green::Stack stack(64 * 1024, green::Stack::Guard::yes);
    main_ctx = green::Context::current_thread();
    other_ctx = green::Context::fresh(stack.low(), stack.size(), rounding);
    const int before = std::fegetround();
    green::switch_to(main_ctx, other_ctx, nullptr);
    CHECK(std::fegetround() == before);  // the green context's FE_UPWARD stayed there
    green::switch_to(main_ctx, other_ctx, nullptr);
    CHECK(mode_inside == FE_UPWARD);
    other_ctx = green::Context();
}
#endif

TEST_CASE("a fresh context refuses a stack that is too small") {
    char tiny[64];
    CHECK_THROWS_AS(green::Context::fresh(tiny, sizeof tiny, doubler),
                    std::invalid_argument);
}
