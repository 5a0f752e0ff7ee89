// Tests of the recv-timeout exercise: a value in time is received, silence times out,
// and nothing is left blocked.
#include <doctest/doctest.h>

#include "recv_timeout.hpp"

#include <string>

namespace go = book::go;
using namespace std::chrono_literals;

TEST_CASE("a value that arrives before the timeout is received") {
    go::Runtime rt(go::Options{.procs = 2});
    bool got = false;
    int value = 0;
    std::string error;
    try {
        rt.run([&] {
            go::Chan<int> ch;
            go::go([ch]() mutable { ch.send(42); });
            got = go::exercise::recv_timeout(ch, value, 3000ms);
        });
    } catch (const std::exception& e) {
        error = e.what();
    }
    CHECK(error.empty());
    CHECK(got);
    CHECK(value == 42);
}

TEST_CASE("silence times out and leaves nothing blocked") {
    go::Runtime rt(go::Options{.procs = 2});
    bool got = true;
    int value = 0;
    std::string error;
    try {
        rt.run([&] {
            go::Chan<int> silent;
            got = go::exercise::recv_timeout(silent, value, 5ms);
        });
    } catch (const std::exception& e) {
        error = e.what();
    }
    CHECK(error.empty());
    CHECK_FALSE(got);
}
