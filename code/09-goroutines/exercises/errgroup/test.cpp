// Tests of the errgroup exercise: the first error is returned, the others are cancelled,
// and wait() waits for every task.
#include <doctest/doctest.h>

#include "errgroup.hpp"

#include <atomic>
#include <string>

namespace go = book::go;

TEST_CASE("the first error cancels the tasks that wait on done") {
    go::Runtime rt(go::Options{.procs = 2});
    std::string error;
    std::atomic<int> cancelled{0};
    std::string run_error;
    try {
        rt.run([&] {
            go::exercise::Group g;
            go::Chan<int> never;  // the slow tasks' work never arrives
            go::Chan<int> done =
                g.done();  // a handle: the tasks may outlive a wrong wait()
            for (int i = 0; i < 5; ++i)
                g.go([&cancelled, never, done]() mutable -> std::string {
                    int v = 0;
                    if (go::select({go::recv_case(never, v), go::recv_case(done, v)}) ==
                        1)
                        cancelled.fetch_add(1);
                    return "";
                });
            g.go([] { return std::string("disk full"); });
            error = g.wait();
        });
    } catch (const std::exception& e) {
        run_error = e.what();  // a leak: tasks left blocked after main returned
    }
    CHECK(run_error.empty());
    CHECK(error == "disk full");
    CHECK(cancelled.load() == 5);
}

TEST_CASE("wait returns empty after every task succeeded") {
    go::Runtime rt(go::Options{.procs = 2});
    std::string error = "unset";
    std::atomic<int> ran{0};
    rt.run([&] {
        go::exercise::Group g;
        for (int i = 0; i < 20; ++i)
            g.go([&] {
                go::yield();
                ran.fetch_add(1);
                return std::string();
            });
        error = g.wait();
    });
    CHECK(error.empty());
    CHECK(ran.load() == 20);
}
