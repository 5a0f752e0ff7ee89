// Tests of the combinators exercise: all keeps input order and fails fast; race takes
// the first settlement.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "combinators.hpp"

using book::loop::event_loop;
using book::loop::promise;
using book::loop::exercises::all;
using book::loop::exercises::race;

namespace {
std::string message_of(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        return ex.what();
    }
}
}  // namespace

TEST_CASE("all keeps the input order whatever order the promises settle in") {
    event_loop loop;
    std::vector<int> got;
    loop.run([&] {
        std::vector<promise<int>> ps{promise<int>(loop), promise<int>(loop),
                                     promise<int>(loop)};
        all(loop, ps).then([&](const std::vector<int>& v) { got = v; });
        ps[2].resolve(3);
        ps[0].resolve(1);
        loop.set_timeout([&, ps] { ps[1].resolve(2); }, 1);
    });
    CHECK(got == std::vector<int>{1, 2, 3});
}

TEST_CASE("all of nothing is fulfilled with an empty vector") {
    event_loop loop;
    bool fulfilled = false;
    loop.run([&] {
        all(loop, std::vector<promise<int>>{}).then([&](const std::vector<int>& v) {
            fulfilled = v.empty();
        });
    });
    CHECK(fulfilled);
}

TEST_CASE("all is rejected by the first rejection without waiting for the rest") {
    event_loop loop;
    std::string error;
    bool rest_pending = false;
    loop.run([&] {
        std::vector<promise<int>> ps{promise<int>(loop), promise<int>(loop)};
        all(loop, ps).catch_([&error, &rest_pending, ps](std::exception_ptr e) {
            error = message_of(e);
            rest_pending = !ps[1].settled();
            return std::vector<int>{};
        });
        ps[0].reject(std::runtime_error("first failed"));
        loop.set_timeout([ps] { ps[1].resolve(2); }, 1);
    });
    CHECK(error == "first failed");
    CHECK(rest_pending);
}

TEST_CASE("race takes the first settlement, fulfilment or rejection") {
    event_loop loop;
    int winner = 0;
    std::string error;
    loop.run([&] {
        std::vector<promise<int>> a{promise<int>(loop), promise<int>(loop)};
        race(loop, a).then([&](int v) { winner = v; });
        a[1].resolve(2);
        a[0].resolve(1);
        std::vector<promise<int>> b{promise<int>(loop), promise<int>(loop)};
        race(loop, b).catch_([&](std::exception_ptr e) {
            error = message_of(e);
            return 0;
        });
        b[0].reject(std::runtime_error("lost the race"));
        b[1].resolve(5);
    });
    CHECK(winner == 2);
    CHECK(error == "lost the race");
}
