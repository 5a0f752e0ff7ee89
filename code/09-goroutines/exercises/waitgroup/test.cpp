// Tests of the WaitGroup exercise: wait() returns after every done(), and not before.
#include <doctest/doctest.h>

#include "waitgroup.hpp"

#include <atomic>
#include <vector>

namespace go = book::go;

TEST_CASE("wait returns only after every goroutine called done") {
    for (unsigned procs : {1u, 2u}) {
        go::Runtime rt(go::Options{.procs = procs});
        constexpr int n = 50;
        std::vector<int> work(n, 0);  // plain ints: wait() must publish them
        int seen = -1;
        rt.run([&] {
            go::exercise::WaitGroup wg;
            wg.add(n);
            for (int i = 0; i < n; ++i)
                go::go([&, i] {
                    go::yield();
                    work[i] = i + 1;
                    wg.done();
                });
            wg.wait();
            seen = 0;
            for (int v : work) seen += v != 0;
        });
        CHECK(seen == n);
    }
}

TEST_CASE("several goroutines may wait on one group") {
    go::Runtime rt(go::Options{.procs = 2});
    std::atomic<int> released{0};
    int finished_before = -1;
    rt.run([&] {
        go::exercise::WaitGroup wg;
        std::atomic<int> finished{0};
        go::Chan<int> out(3);
        wg.add(1);
        for (int w = 0; w < 3; ++w)
            go::go([&, out]() mutable {
                wg.wait();
                released.fetch_add(1);
                out.send(finished.load());
            });
        go::go([&] {
            for (int i = 0; i < 10; ++i) go::yield();
            finished.store(1);
            wg.done();
        });
        finished_before = out.recv() + out.recv() + out.recv();
    });
    CHECK(released.load() == 3);
    CHECK(finished_before == 3);
}
