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

// Frames of two sizes, each written in full: the mark follows the frame's size, whatever
// a sanitizer adds around it.
__attribute__((noinline)) int use_small() {
    volatile unsigned char buf[1024];
    for (std::size_t i = 0; i < sizeof buf; ++i) buf[i] = 1;
    return buf[0];
}
__attribute__((noinline)) int use_large() {
    volatile unsigned char buf[12 * 1024];
    for (std::size_t i = 0; i < sizeof buf; ++i) buf[i] = 1;
    return buf[0];
}

void worker(void* arg) {
    green::started(arg);
    if (frame_bytes > 1024)
        use_large();
    else
        use_small();
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
