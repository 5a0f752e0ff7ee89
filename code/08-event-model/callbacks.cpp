// What one callback costs a loop: a setImmediate-like callback that queues the next one,
// on the book's loop and on libuv (a check handle plus an idle handle, as Node runs
// setImmediate), measured interleaved.
#include <uv.h>

#include <cstdio>
#include <functional>
#include <string>

#include "cli.hpp"
#include "costs.hpp"
#include "loop.hpp"
#include "measure.hpp"

namespace {

using book::measure::Clock;

double ns_per(Clock::time_point start, long count) {
    return std::chrono::duration<double, std::nano>(Clock::now() - start).count() /
           static_cast<double>(count);
}

// [book-chain]
// `count` immediates, each queued by the one before: one turn of the loop per callback.
double book_chain(long count) {
    book::loop::event_loop loop;
    long ran = 0;
    std::function<void()> next = [&] {
        if (++ran < count) loop.set_immediate(next);
    };
    const auto start = Clock::now();
    loop.run([&] { loop.set_immediate(next); });
    return ns_per(start, count);
}
// [/book-chain]

// `count` immediates queued at once by the main script: one check phase runs them all.
double book_batch(long count) {
    book::loop::event_loop loop;
    long ran = 0;
    const auto start = Clock::now();
    loop.run([&] {
        for (long i = 0; i < count; ++i) loop.set_immediate([&ran] { ++ran; });
    });
    return ns_per(start, count);
}

// [uv-chain]
// The same on libuv: a check handle runs in the check phase of every turn, and an
// active idle handle keeps the poll phase from blocking, which is how Node implements
// setImmediate. The check callback stands for one immediate.
struct uv_chain {
    uv_loop_t loop;
    uv_check_t check;
    uv_idle_t idle;
    long ran = 0, count = 0;
};

double uv_chain_run(long count) {
    uv_chain c;
    c.count = count;
    uv_loop_init(&c.loop);
    uv_check_init(&c.loop, &c.check);
    uv_idle_init(&c.loop, &c.idle);
    c.check.data = &c;
    const auto start = Clock::now();
    uv_idle_start(&c.idle, [](uv_idle_t*) {});
    uv_check_start(&c.check, [](uv_check_t* h) {
        auto* self = static_cast<uv_chain*>(h->data);
        if (++self->ran >= self->count) {
            uv_check_stop(&self->check);
            uv_idle_stop(&self->idle);
        }
    });
    uv_run(&c.loop, UV_RUN_DEFAULT);
    const double ns = ns_per(start, count);
    uv_close(reinterpret_cast<uv_handle_t*>(&c.check), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&c.idle), nullptr);
    uv_run(&c.loop, UV_RUN_DEFAULT);
    uv_loop_close(&c.loop);
    return ns;
}
// [/uv-chain]

}  // namespace

int main(int argc, char** argv) {
    int reps = 9, count = 200000;
    std::string costs_path;
    book::cli::Parser cli(
        "callbacks", "What one queued callback costs: the book's loop against libuv.");
    cli.option("reps", reps, 1, 1000, "recorded rounds (after one warm-up round)")
        .option("count", count, 1, 100000000, "callbacks per sample")
        .option("costs", costs_path, "write the headline costs to this file");
    cli.parse(argc, argv);

    const auto r = book::measure::interleaved(
        {{"book loop, chained", [&] { return book_chain(count); }},
         {"libuv, chained", [&] { return uv_chain_run(count); }},
         {"book loop, batch", [&] { return book_batch(count); }}},
        1, reps);
    std::printf(
        "== one callback queued and dispatched, ns per callback\n"
        "%d callbacks a sample; median (min-max) of %d interleaved samples\n",
        count, reps);
    const char* names[] = {"book loop: immediate queues the next (a turn each)",
                           "libuv: check callback, idle handle (a turn each)",
                           "book loop: all queued at once (one turn)"};
    for (std::size_t i = 0; i < r.size(); ++i)
        std::printf("%-52s %8.1f ns (%7.1f-%7.1f)\n", names[i], r[i].median, r[i].min,
                    r[i].max);
    std::printf("book loop / libuv, chained: %.2fx\n", r[0].median / r[1].median);

    if (!costs_path.empty()) {
        book::measure::CostFile costs("08-event-model", "callbacks");
        costs.add(
            {"loop.callback.book", "setImmediate-like callback (book loop)",
             "one check-phase callback queued by the one before and dispatched: one "
             "turn of the loop each, mean per callback",
             "ns", r[0]});
        costs.add({"loop.callback.uv", "check callback (libuv 1.44)",
                   "one uv_check callback with an active uv_idle handle (Node's "
                   "setImmediate): one turn of the loop each, mean per callback",
                   "ns", r[1]});
        costs.compare("loop.callback.book", "loop.callback.uv");
        costs.write(costs_path);
    }
    return 0;
}
