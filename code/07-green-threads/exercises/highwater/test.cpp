// Tests of the stack high-water exercise: a deeper call chain leaves a higher mark.
#include <doctest/doctest.h>

#include "context.hpp"
#include "highwater.hpp"
#include "stack.hpp"

#include <cstddef>

namespace green = book::green;
using namespace book::green::exercises;

namespace {
green::Context main_ctx, worker_ctx;
std::size_t frame_bytes = 0;

// Writes the top `bytes` of a 16 KiB frame (the stack grows down, so the top is the end
// nearest the caller), then returns.
__attribute__((noinline)) int use_stack(std::size_t bytes) {
    volatile unsigned char buf[16384];
    for (std::size_t i = 0; i < bytes && i < sizeof buf; ++i) buf[sizeof buf - 1 - i] = 1;
    return buf[sizeof buf - 1];
}

void worker(void* arg) {
    green::started(arg);
    use_stack(frame_bytes);
    green::switch_to(worker_ctx, main_ctx, nullptr);
    for (;;) green::switch_to(worker_ctx, main_ctx, nullptr);
}

std::size_t measure(std::size_t bytes) {
    green::Stack stack(64 * 1024, green::Stack::Guard::yes);
    poison(stack.low(), stack.size());
    frame_bytes = bytes;
    main_ctx = green::Context::current_thread();
    worker_ctx = green::Context::fresh(stack.low(), stack.size(), worker);
    green::switch_to(main_ctx, worker_ctx, nullptr);
    std::size_t mark = high_water(stack.low(), stack.size());
    worker_ctx = green::Context();
    return mark;
}
}  // namespace

TEST_CASE("an untouched stack has a high-water mark of zero") {
    green::Stack stack(16 * 1024, green::Stack::Guard::no);
    poison(stack.low(), stack.size());
    CHECK(high_water(stack.low(), stack.size()) == 0);
}

TEST_CASE("a frame of 12 KiB leaves a mark of at least 12 KiB and well under the stack") {
    std::size_t mark = measure(12 * 1024);
    CHECK(mark >= 12 * 1024);
    CHECK(mark < 64 * 1024);
}

TEST_CASE("a deeper use leaves a higher mark than a shallow one") {
    std::size_t shallow = measure(1024);
    std::size_t deep = measure(12 * 1024);
    CHECK(shallow > 0);
    CHECK(deep > shallow);
}
