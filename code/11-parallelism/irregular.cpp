// irregular.cpp: a compute-bound loop whose iterations cost different amounts (rows of
// a Mandelbrot image), scheduled statically, dynamically and by stealing.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <execution>
#include <fstream>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "cli.hpp"
#include "costs.hpp"
#include "harness.hpp"
#include "pool.hpp"

using book::measure::Contender;
using book::measure::Summary;
using namespace book::par;

namespace {

struct Image {
    int width = 400, height = 300, max_iter = 300;
    // An off-centre window: the set fills the lower rows, so halves cost differently.
    double x0 = -2.2, x1 = 0.8, y0 = -0.3, y1 = 1.3;
};

// [row]
// Escape-time iterations of one pixel: from 1 to max_iter, which is what makes the
// rows irregular (a row through the set costs max_iter per pixel, one outside a few).
int pixel(const Image& im, int px, int row) {
    const double cx = im.x0 + (im.x1 - im.x0) * px / im.width;
    const double cy = im.y0 + (im.y1 - im.y0) * row / im.height;
    double x = 0, y = 0;
    int k = 0;
    while (k < im.max_iter && x * x + y * y <= 4.0) {
        const double t = x * x - y * y + cx;
        y = 2 * x * y + cy;
        x = t;
        ++k;
    }
    return k;
}

std::int64_t render_row(const Image& im, int row, int* out) {
    std::int64_t sum = 0;
    for (int px = 0; px < im.width; ++px) sum += out[px] = pixel(im, px, row);
    return sum;
}
// [/row]

// Per-worker busy time: each participant adds the time it spent in row bodies.
struct Busy {
    explicit Busy(unsigned workers) : ns(workers), rows(workers) {}
    std::vector<std::atomic<std::int64_t>> ns, rows;
    void add(unsigned w, std::int64_t t, std::int64_t r) {
        if (w >= ns.size()) return;
        ns[w] += t;
        rows[w] += r;
    }
};

template <class F>
std::int64_t timed_ns(F&& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now() - start)
        .count();
}

struct Options {
    int width = 400, height = 300, max_iter = 300;
    int reps = 5, warmup = 1;
    unsigned max_threads = 0;
    std::string csv, rows_csv, busy_csv, grain_csv, costs;
};

}  // namespace

int main(int argc, char** argv) {
    Options o;
    book::cli::Parser cli("irregular",
                          "Renders Mandelbrot rows (irregular work) on the pool, oneTBB, "
                          "OpenMP (static, dynamic) and std::execution.");
    cli.option("width", o.width, 16, 8192, "pixels per row")
        .option("height", o.height, 16, 8192, "rows")
        .option("max-iter", o.max_iter, 1, 100000, "iterations at most per pixel")
        .option("reps", o.reps, 1, 100, "measured repetitions")
        .option("warmup", o.warmup, 0, 10, "unrecorded warm-up runs")
        .option("max-threads", o.max_threads, 0u, 256u,
                "largest thread count of the sweep (0: twice the CPUs)")
        .option("csv", o.csv, "write the sweep to this CSV file")
        .option("rows-csv", o.rows_csv, "write each row's cost to this CSV file")
        .option("busy-csv", o.busy_csv, "write per-worker busy time to this CSV file")
        .option("grain-csv", o.grain_csv, "write the grain-size sweep to this CSV file")
        .option("costs", o.costs, "write the headline costs to this cost file");
    cli.parse(argc, argv);

    Image im;
    im.width = o.width;
    im.height = o.height;
    im.max_iter = o.max_iter;
    const unsigned cpus = usable_cpus();
    const unsigned max_threads = o.max_threads ? o.max_threads : 2 * cpus;
    const unsigned full = std::min(cpus, max_threads);
    const bool others = production_contenders_run();
    const int H = im.height, W = im.width;
    std::vector<int> pixels(static_cast<std::size_t>(W) * H);
    auto row_ptr = [&](int r) { return pixels.data() + static_cast<std::size_t>(r) * W; };

    // The serial reference: each row's iterations and time, and the total.
    std::vector<std::int64_t> row_iters(H), row_ns(H);
    for (int r = 0; r < H; ++r)
        row_ns[r] = timed_ns([&] { row_iters[r] = render_row(im, r, row_ptr(r)); });
    const std::int64_t total =
        std::accumulate(row_iters.begin(), row_iters.end(), std::int64_t{0});
    const std::vector<int> reference = pixels;

    std::printf("== setup\n");
    std::printf("CPUs in this process's affinity mask: %u\n", cpus);
    std::printf("thread counts measured:");
    for (unsigned p = 1; p <= max_threads; ++p) std::printf(" %u", p);
    std::printf("\nimage: %d x %d pixels, at most %d iterations per pixel, %lld in all\n",
                W, H, im.max_iter, static_cast<long long>(total));
    std::printf(
        "each figure: median (min .. max) of %d runs after %d warm-up, "
        "contenders interleaved\n",
        o.reps, o.warmup);
    {
        std::vector<std::int64_t> sorted = row_iters;
        std::sort(sorted.begin(), sorted.end());
        std::int64_t top = 0;
        const std::size_t tenth = std::max<std::size_t>(sorted.size() / 10, 1);
        for (std::size_t i = sorted.size() - tenth; i < sorted.size(); ++i)
            top += sorted[i];
        std::int64_t first_half = 0;
        for (int r = 0; r < H / 2; ++r) first_half += row_iters[r];
        std::printf("== per-row cost\n");
        std::printf("cheapest row: %lld iterations; dearest row: %lld (%.0fx)\n",
                    static_cast<long long>(sorted.front()),
                    static_cast<long long>(sorted.back()),
                    static_cast<double>(sorted.back()) /
                        static_cast<double>(std::max<std::int64_t>(sorted.front(), 1)));
        std::printf(
            "the dearest 10%% of rows hold %.0f%% of the work; the first half of "
            "the rows %.0f%%\n",
            100.0 * static_cast<double>(top) / static_cast<double>(total),
            100.0 * static_cast<double>(first_half) / static_cast<double>(total));
        if (!o.rows_csv.empty()) {
            std::ofstream f(o.rows_csv);
            f << "row,iterations,serial_us\n";
            for (int r = 0; r < H; ++r)
                f << r << ',' << row_iters[r] << ',' << row_ns[r] / 1e3 << '\n';
        }
    }

    bool all_equal = true;
    auto verify = [&](std::int64_t sum) {
        if (sum != total) all_equal = false;
    };
    auto rows_of = [&](std::size_t lo, std::size_t hi) {
        std::int64_t s = 0;
        for (std::size_t r = lo; r < hi; ++r)
            s += render_row(im, static_cast<int>(r), row_ptr(static_cast<int>(r)));
        return s;
    };
    const std::size_t rows = static_cast<std::size_t>(H);

    // [contenders]
    auto on_pool = [&](ThreadPool& pool) {
        return pool.parallel_reduce(0, rows, 1, std::int64_t{0}, rows_of, std::plus<>());
    };
    auto on_tbb = [&] {
        using Range = oneapi::tbb::blocked_range<std::size_t>;
        std::atomic<std::int64_t> sum{0};
        oneapi::tbb::parallel_for(Range(0, rows, 1), [&](const Range& r) {
            sum += rows_of(r.begin(), r.end());
        });
        return sum.load();
    };
    auto on_omp_static = [&](int p) {
        std::int64_t sum = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum) num_threads(p)
        for (int r = 0; r < H; ++r) sum += render_row(im, r, row_ptr(r));
        return sum;
    };
    auto on_omp_dynamic = [&](int p) {
        std::int64_t sum = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : sum) num_threads(p)
        for (int r = 0; r < H; ++r) sum += render_row(im, r, row_ptr(r));
        return sum;
    };
    std::vector<int> row_ids(rows);
    std::iota(row_ids.begin(), row_ids.end(), 0);
    auto on_std = [&] {
        return std::transform_reduce(
            std::execution::par, row_ids.begin(), row_ids.end(), std::int64_t{0},
            std::plus<>(), [&](int r) { return render_row(im, r, row_ptr(r)); });
    };
    // [/contenders]

    ResultCsv csv(o.csv);
    const double c = cpus;
    csv.row("setup", "cpus", cpus, "count", Summary{c, c, c, 1});  // for the figures
    Summary serial{};
    std::vector<Summary> at_full;
    std::vector<std::string> names;
    std::vector<double> pool_medians;
    for (unsigned p = 1; p <= max_threads; ++p) {
        ThreadPool pool(p);
        TbbThreads tbb(static_cast<int>(p));
        const int ip = static_cast<int>(p);
        std::vector<Contender> c{
            {"pool (stealing)", [&] { return time_ms([&] { verify(on_pool(pool)); }); }}};
        if (others) {
            c.push_back(
                {"oneTBB", [&] { return time_ms([&] { verify(tbb.run(on_tbb)); }); }});
            c.push_back({"OpenMP static",
                         [&] { return time_ms([&] { verify(on_omp_static(ip)); }); }});
            c.push_back({"OpenMP dynamic",
                         [&] { return time_ms([&] { verify(on_omp_dynamic(ip)); }); }});
            c.push_back({"std::transform_reduce(par)",
                         [&] { return time_ms([&] { verify(tbb.run(on_std)); }); }});
        }
        if (p == 1)
            c.push_back({"serial loop",
                         [&] { return time_ms([&] { verify(rows_of(0, rows)); }); }});
        const auto r = book::measure::interleaved(c, o.warmup, o.reps);
        std::printf("== %u thread%s\n", p, p == 1 ? "" : "s");
        std::printf("  %-28s %9s    %-20s  vs pool\n", "contender", "time",
                    "(min .. max)");
        for (std::size_t i = 0; i < c.size(); ++i) {
            std::printf("  %-28s %9.2f ms (%8.2f .. %8.2f)  %5.2fx\n", c[i].name.c_str(),
                        r[i].median, r[i].min, r[i].max, r[i].median / r[0].median);
            csv.row("mandelbrot", c[i].name, p, "ms", r[i]);
            if (c[i].name == "serial loop") serial = r[i];
        }
        pool_medians.push_back(r[0].median);
        if (p == full) {
            at_full = r;
            for (auto& x : c) names.push_back(x.name);
        }
    }

    // [amdahl]
    // Chapter 3's laws on this measurement: the serial fraction that Amdahl's law would
    // need to explain the speedup at all CPUs (the Karp-Flatt metric), and what it
    // predicts for more threads, which bring no more CPUs.
    std::printf("== Amdahl's law against the pool's measured speedup\n");
    const double s_full = serial.median / pool_medians[full - 1];
    // Clamped to [0, 1]: a speedup below 1 (a loaded machine) has no Amdahl explanation.
    const double f =
        std::clamp(full > 1 ? (full / s_full - 1) / (full - 1) : 0.0, 0.0, 1.0);
    std::printf(
        "speedup at %u threads (all CPUs): %.2fx; serial fraction that explains "
        "it: %.3f\n",
        full, s_full, f);
    for (unsigned p = 1; p <= max_threads; ++p) {
        const double procs = std::min(p, cpus);
        const double amdahl = 1 / (f + (1 - f) / procs);
        std::printf(
            "  %u threads on %u CPUs: measured %.2fx, Amdahl with that fraction "
            "%.2fx\n",
            p, std::min(p, cpus), serial.median / pool_medians[p - 1], amdahl);
    }
    // [/amdahl]

    // [busy]
    // Who did how much: per-worker busy time for each schedule at all CPUs, one image per
    // run, the schedules interleaved round by round like every other measurement.
    std::printf(
        "== per-worker busy time at %u threads (ms, median of %d runs; imbalance = max "
        "/ mean, median (min .. max))\n",
        full, o.reps);
    const int ifull = static_cast<int>(full);
    ThreadPool bpool(full);
    TbbThreads btbb(ifull);
    using Schedule = std::function<void(Busy&)>;
    std::vector<std::pair<std::string, Schedule>> schedules{
        {"pool (stealing)", [&](Busy& b) {
             bpool.parallel_for(0, rows, 1, [&](std::size_t lo, std::size_t hi) {
                 const auto t = timed_ns([&] { rows_of(lo, hi); });
                 b.add(ThreadPool::this_worker(), t, static_cast<std::int64_t>(hi - lo));
             });
         }}};
    if (others) {
        schedules.push_back(
            {"OpenMP static", [&](Busy& b) {
#pragma omp parallel for schedule(static) num_threads(ifull)
                 for (int r = 0; r < H; ++r)
                     b.add(static_cast<unsigned>(omp_get_thread_num()),
                           timed_ns([&] { render_row(im, r, row_ptr(r)); }), 1);
             }});
        schedules.push_back(
            {"OpenMP dynamic", [&](Busy& b) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(ifull)
                 for (int r = 0; r < H; ++r)
                     b.add(static_cast<unsigned>(omp_get_thread_num()),
                           timed_ns([&] { render_row(im, r, row_ptr(r)); }), 1);
             }});
        schedules.push_back(
            {"oneTBB", [&](Busy& b) {
                 btbb.run([&] {
                     using Range = oneapi::tbb::blocked_range<std::size_t>;
                     oneapi::tbb::parallel_for(Range(0, rows, 1), [&](const Range& r) {
                         const auto t = timed_ns([&] { rows_of(r.begin(), r.end()); });
                         const int w =
                             oneapi::tbb::this_task_arena::current_thread_index();
                         b.add(static_cast<unsigned>(w), t,
                               static_cast<std::int64_t>(r.end() - r.begin()));
                     });
                 });
             }});
    }
    // busy[schedule][worker] and imbalance[schedule]: one sample per measured run.
    const std::size_t ns = schedules.size();
    std::vector<std::vector<std::vector<double>>> busy_ms(
        ns, std::vector<std::vector<double>>(full));
    std::vector<std::vector<double>> busy_rows(ns, std::vector<double>(full, 0));
    std::vector<std::vector<double>> imbalance(ns);
    for (int run = 0; run < o.warmup + o.reps; ++run) {
        for (std::size_t k = 0; k < ns; ++k) {
            Busy b(full);
            schedules[k].second(b);
            if (run < o.warmup) continue;
            double mx = 0, sum = 0;
            for (unsigned w = 0; w < full; ++w) {
                const double ms = static_cast<double>(b.ns[w].load()) / 1e6;
                busy_ms[k][w].push_back(ms);
                busy_rows[k][w] += static_cast<double>(b.rows[w].load()) / o.reps;
                mx = std::max(mx, ms);
                sum += ms;
            }
            imbalance[k].push_back(sum > 0 ? mx / (sum / full) : 0.0);
        }
    }
    std::ofstream busy_out;
    if (!o.busy_csv.empty()) {
        busy_out.open(o.busy_csv);
        busy_out << "schedule,worker,busy_ms,busy_min_ms,busy_max_ms,rows\n";
    }
    for (std::size_t k = 0; k < ns; ++k) {
        std::printf("  %-18s", schedules[k].first.c_str());
        for (unsigned w = 0; w < full; ++w) {
            const Summary s = book::measure::summarize(busy_ms[k][w]);
            std::printf(" %8.2f", s.median);
            if (busy_out.is_open())
                busy_out << schedules[k].first << ',' << w << ',' << s.median << ','
                         << s.min << ',' << s.max << ',' << busy_rows[k][w] << '\n';
        }
        const Summary im_s = book::measure::summarize(imbalance[k]);
        std::printf("   imbalance %.2f (%.2f .. %.2f)\n", im_s.median, im_s.min,
                    im_s.max);
    }
    // [/busy]

    // [grain]
    // Grain size on the pool: the same image as one loop over pixels, chunks of g pixels.
    std::printf("== grain size (pixels per chunk) on the pool at %u threads\n", full);
    const std::size_t npix = pixels.size();
    std::vector<std::size_t> grains;
    for (std::size_t g = 1; g < npix / full; g *= 16) grains.push_back(g);
    grains.push_back(std::max<std::size_t>(npix / full, 1));  // an even split: static
    ThreadPool gpool(full);
    std::vector<Contender> gc;
    for (std::size_t g : grains)
        gc.push_back({std::to_string(g), [&, g] {
                          return time_ms([&] {
                              verify(gpool.parallel_reduce(
                                  0, npix, g, std::int64_t{0},
                                  [&](std::size_t lo, std::size_t hi) {
                                      std::int64_t s = 0;
                                      for (std::size_t i = lo; i < hi; ++i)
                                          s += pixels[i] =
                                              pixel(im, static_cast<int>(i % W),
                                                    static_cast<int>(i / W));
                                      return s;
                                  },
                                  std::plus<>()));
                          });
                      }});
    const auto gr = book::measure::interleaved(gc, o.warmup, o.reps);
    ResultCsv grain_csv(o.grain_csv);
    const double best = std::min_element(gr.begin(), gr.end(), [](auto& a, auto& b) {
                            return a.median < b.median;
                        })->median;
    for (std::size_t i = 0; i < gc.size(); ++i) {
        std::printf("  grain %8zu: %9.2f ms (%8.2f .. %8.2f)  %5.2fx the best\n",
                    grains[i], gr[i].median, gr[i].min, gr[i].max, gr[i].median / best);
        grain_csv.row("grain", gc[i].name, full, "ms", gr[i]);
    }
    // [/grain]

    std::printf("== checks\n");
    std::printf("every run's iteration total equals the serial one (%lld): %s\n",
                static_cast<long long>(total), all_equal ? "yes" : "NO");
    const bool same_pixels = pixels == reference;
    std::printf("the image is the serial one, pixel for pixel: %s\n",
                same_pixels ? "yes" : "NO");

    if (!o.costs.empty()) {
        book::measure::CostFile costs("11-parallelism", "irregular");
        costs.add({"par.irregular.pool", "Mandelbrot rows, book pool",
                   "one image, all CPUs, grain 1 row", "ms", at_full[0]});
        if (others) {
            const char* keys[] = {"par.irregular.tbb", "par.irregular.omp_static",
                                  "par.irregular.omp_dynamic", "par.irregular.std"};
            for (int i = 0; i < 4; ++i)
                costs.add({keys[i], "Mandelbrot rows, " + names[i + 1],
                           "one image, all CPUs", "ms", at_full[i + 1]});
            costs.compare("par.irregular.pool", "par.irregular.tbb", 1 / 0.95,
                          "at least 0.95x oneTBB's throughput (time at most 1.053x)");
            costs.add({"par.irregular.pool_vs_omp_dynamic",
                       "pool vs OpenMP dynamic (Mandelbrot)", "one image, all CPUs", "ms",
                       at_full[0]});
            costs.compare("par.irregular.pool_vs_omp_dynamic",
                          "par.irregular.omp_dynamic");
            costs.add({"par.irregular.pool_vs_std", "pool vs std::execution (Mandelbrot)",
                       "one image, all CPUs", "ms", at_full[0]});
            costs.compare("par.irregular.pool_vs_std", "par.irregular.std");
        }
        costs.write(o.costs);
    }
    return all_equal && same_pixels ? 0 : 1;
}
