// Shows unstructured work outliving its caller and losing its error, then the same work
// in a task group: the scope waits for every child, a failure cancels the siblings, and
// the first error reaches the caller.
#include "cli.hpp"
#include "structured.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <latch>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

// [detached]
// Fire and forget: start the work and return. The work is told to fail only after its
// caller has returned (the latch), so the run shows the same thing on every machine.
struct Orphan {
    std::latch caller_returned{1};
    std::exception_ptr
        error;  // written by the work; nobody who called is left to read it
    std::promise<void> ended;  // only so that main can end the process cleanly
};

void start_and_forget(std::shared_ptr<Orphan> orphan) {
    std::thread([orphan] {
        orphan->caller_returned.wait();
        try {
            throw std::runtime_error("disk full");
        } catch (...) {
            orphan->error = std::current_exception();
        }
        orphan->ended.set_value();
    }).detach();
}  // returns at once: the caller believes the work is done
// [/detached]

std::string what(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    }
}

// Waits until the token reports a stop request (no polling, no sleep).
void wait_for_stop(std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, stop, [] { return false; });
}

}  // namespace

int main(int argc, char** argv) {
    int children = 4;
    book::cli::Parser cli("scopes",
                          "Unstructured work against a task group (a nursery).");
    cli.option("children", children, 2, 64, "children in each group");
    cli.parse(argc, argv);
    using book::structured::scope;
    using book::structured::task_group;

    std::printf("== unstructured: detach and return\n");
    auto orphan = std::make_shared<Orphan>();
    start_and_forget(orphan);
    std::printf("start_and_forget returned; its work is still running: yes\n");
    orphan->caller_returned.count_down();
    orphan->ended.get_future().wait();
    std::printf(
        "the work failed after its caller returned: \"%s\" (no caller to report to)\n",
        what(orphan->error).c_str());

    // [failure]
    std::printf("== task group: one child fails, the siblings are cancelled\n");
    std::atomic<int> finished{0}, cancelled{0};
    try {
        scope([&](task_group& g) {
            for (int i = 1; i < children; ++i)
                g.spawn([&](std::stop_token stop) {
                    wait_for_stop(stop);  // a long job that honours cancellation
                    cancelled.fetch_add(1);
                    finished.fetch_add(1);
                });
            g.spawn([&] {
                finished.fetch_add(1);
                throw std::runtime_error("child " + std::to_string(children) + " failed");
            });
        });
        std::printf("scope returned normally (unexpected)\n");
    } catch (const std::exception& e) {
        std::printf("the scope rethrew: \"%s\"\n", e.what());
    }
    std::printf("children started: %d, ended before the scope did: %d, cancelled: %d\n",
                children, finished.load(), cancelled.load());
    // [/failure]

    // [first-error]
    std::printf("== task group: every child fails, one error reaches the caller\n");
    std::atomic<int> thrown{0};
    try {
        scope([&](task_group& g) {
            for (int i = 0; i < children; ++i)
                g.spawn([&, i] {
                    thrown.fetch_add(1);
                    throw std::runtime_error("child " + std::to_string(i + 1));
                });
        });
    } catch (const std::runtime_error& e) {
        std::string text = e.what();
        std::printf("exceptions thrown: %d, rethrown by the scope: 1 (%s)\n",
                    thrown.load(),
                    text.rfind("child ", 0) == 0 ? "one of the children's" : "unknown");
    }
    // [/first-error]

    // [nested]
    std::printf("== task group: children spawn children; the scope waits for all\n");
    std::atomic<int> leaves{0};
    int spawned = 0;
    scope([&](task_group& g) {
        for (int i = 0; i < children; ++i)
            g.spawn([&] {
                for (int j = 0; j < 2; ++j) g.spawn([&] { leaves.fetch_add(1); });
            });
        g.wait();  // an explicit wait inside the scope: every child and grandchild ended
        spawned = static_cast<int>(g.spawned());
    });
    std::printf("spawned: %d (%d children, %d grandchildren), grandchildren ended: %d\n",
                spawned, children, 2 * children, leaves.load());
    // [/nested]
    return 0;
}
