// mpi_parallel.cpp: processes that share nothing and cooperate by messages (MPI): a
// reduction, a 1-D heat equation with halo exchange, a ping-pong, and a deadlock.
// The C API only: Open MPI's deprecated C++ bindings do not compile warning-free.
#define OMPI_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"
#include "measure.hpp"

namespace {

int rank_of(MPI_Comm c = MPI_COMM_WORLD) {
    int r = 0;
    MPI_Comm_rank(c, &r);
    return r;
}
int size_of(MPI_Comm c = MPI_COMM_WORLD) {
    int s = 0;
    MPI_Comm_size(c, &s);
    return s;
}

// The slowest rank's time for one run of f: every rank starts together (barrier) and
// the run ends when the last one ends.
template <class F>
double timed_ms(F&& f) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double start = MPI_Wtime();
    f();
    double mine = (MPI_Wtime() - start) * 1e3, slowest = 0;
    MPI_Allreduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return slowest;
}

book::measure::Summary repeat(int warmup, int reps, auto&& f) {
    for (int i = 0; i < warmup; ++i) (void)timed_ms(f);
    std::vector<double> s;
    for (int i = 0; i < reps; ++i) s.push_back(timed_ms(f));
    return book::measure::summarize(s);
}

void result(const char* what, int ranks, std::size_t size,
            const book::measure::Summary& s) {
    if (rank_of() == 0)
        std::printf("result,%s,%d,%zu,%.4f,%.4f,%.4f,%zu\n", what, ranks, size, s.median,
                    s.min, s.max, s.n);
}

// [reduce]
// Each rank makes its own block once, outside the timing; one timed run sums the block
// and MPI_Reduce adds the partial sums on rank 0 (one double per rank travels).
std::vector<double> make_block(std::size_t n) {
    const std::size_t p = static_cast<std::size_t>(size_of());
    const std::size_t r = static_cast<std::size_t>(rank_of());
    const std::size_t lo = n * r / p, hi = n * (r + 1) / p;
    std::vector<double> block(hi - lo);
    for (std::size_t i = lo; i < hi; ++i)
        block[i - lo] = static_cast<double>(i % 16) * 0.125;
    return block;
}

double reduce_sum(const std::vector<double>& block) {
    double mine = 0, total = 0;
    for (double x : block) mine += x;
    MPI_Reduce(&mine, &total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    return total;
}
// [/reduce]

// [heat]
// Explicit 1-D heat equation, u' = u + a (left - 2u + right), fixed ends at 0. Each rank
// owns `cells` cells plus one ghost cell at each end, which holds its neighbour's edge.
std::vector<double> heat(std::size_t cells, std::size_t global_first, std::size_t global,
                         int steps) {
    const int r = rank_of(), p = size_of();
    const int left = r > 0 ? r - 1 : MPI_PROC_NULL;  // MPI_PROC_NULL: nothing to send
    const int right = r + 1 < p ? r + 1 : MPI_PROC_NULL;
    std::vector<double> u(cells + 2, 0.0), next(cells + 2, 0.0);
    for (std::size_t i = 0; i < cells; ++i) {
        const std::size_t g = global_first + i;  // a hot spike in the middle of the rod
        u[i + 1] = (g >= global * 2 / 5 && g < global * 3 / 5) ? 100.0 : 0.0;
    }
    const double a = 0.25;
    for (int s = 0; s < steps; ++s) {
        // Halo exchange: my first cell to the left neighbour's right ghost, and back.
        MPI_Sendrecv(&u[1], 1, MPI_DOUBLE, left, 0, &u[cells + 1], 1, MPI_DOUBLE, right,
                     0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Sendrecv(&u[cells], 1, MPI_DOUBLE, right, 1, &u[0], 1, MPI_DOUBLE, left, 1,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (std::size_t i = 1; i <= cells; ++i)
            next[i] = u[i] + a * (u[i - 1] - 2 * u[i] + u[i + 1]);
        std::swap(u, next);
    }
    return std::vector<double>(u.begin() + 1, u.end() - 1);
}
// [/heat]

// The whole rod on rank 0, for comparison with the distributed run.
std::vector<double> gather(const std::vector<double>& mine, std::size_t global) {
    const int p = size_of();
    std::vector<int> counts(p), displs(p);
    for (int r = 0; r < p; ++r) {
        displs[r] = static_cast<int>(global * r / p);
        counts[r] = static_cast<int>(global * (r + 1) / p) - displs[r];
    }
    std::vector<double> all(rank_of() == 0 ? global : 0);
    MPI_Gatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(),
                counts.data(), displs.data(), MPI_DOUBLE, 0, MPI_COMM_WORLD);
    return all;
}

// [pingpong]
// Rank 0 sends `bytes` to rank 1, which sends them back: half a round trip is the
// one-way time of one message of that size.
double pingpong_us(std::size_t bytes, int trips) {
    std::vector<char> buf(std::max<std::size_t>(bytes, 1));
    const int r = rank_of(), count = static_cast<int>(bytes);
    MPI_Barrier(MPI_COMM_WORLD);
    const double start = MPI_Wtime();
    for (int t = 0; t < trips; ++t) {
        if (r == 0) {
            MPI_Send(buf.data(), count, MPI_CHAR, 1, 7, MPI_COMM_WORLD);
            MPI_Recv(buf.data(), count, MPI_CHAR, 1, 7, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
        } else if (r == 1) {
            MPI_Recv(buf.data(), count, MPI_CHAR, 0, 7, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            MPI_Send(buf.data(), count, MPI_CHAR, 0, 7, MPI_COMM_WORLD);
        }
    }
    return (MPI_Wtime() - start) * 1e6 / trips / 2;
}
// [/pingpong]

// [deadlock]
// Both ranks send first and receive second, with synchronous sends: a synchronous send
// completes only once the matching receive has started, and neither rank gets to its
// receive. Blocking MPI_Ssend would hang here; the non-blocking MPI_Issend lets the
// program look, report, and then recover by posting the receives.
void deadlock_demo() {
    const int r = rank_of();
    if (r > 1) return;
    const int other = 1 - r;
    std::vector<double> out(1 << 16, r), in(1 << 16);
    MPI_Request send;
    MPI_Issend(out.data(), static_cast<int>(out.size()), MPI_DOUBLE, other, 9,
               MPI_COMM_WORLD, &send);
    int done = 0;
    const double give_up = MPI_Wtime() + 0.2;
    while (!done && MPI_Wtime() < give_up) MPI_Test(&send, &done, MPI_STATUS_IGNORE);
    // Nothing can have completed: rank 1 posts its receive only after rank 0's token (tag
    // 10) says that rank 0 has stopped looking, so the two windows need not line up.
    if (r == 0) {
        std::printf(
            "deadlock: rank 0's synchronous send completed before any receive "
            "was posted: %s\n",
            done ? "yes (impossible)" : "no");
        const char token = 1;
        MPI_Send(&token, 1, MPI_CHAR, other, 10, MPI_COMM_WORLD);
    } else {
        char token = 0;
        MPI_Recv(&token, 1, MPI_CHAR, other, 10, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    MPI_Recv(in.data(), static_cast<int>(in.size()), MPI_DOUBLE, other, 9, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    MPI_Wait(&send, MPI_STATUS_IGNORE);
    if (r == 0)
        std::printf("deadlock: after posting the receive, both messages arrived: %s\n",
                    in[0] == other ? "yes" : "no");
}
// [/deadlock]

}  // namespace

int main(int argc, char** argv) {
    std::size_t n = 10'000'000, cells = 200'000, weak_cells = 100'000;
    int steps = 200, reps = 5, warmup = 1, trips = 200;
    std::size_t max_bytes = 1 << 22;
    book::cli::Parser cli(
        "mpi_parallel",
        "Run under mpirun: a reduction (MPI_Reduce), a 1-D heat equation with halo "
        "exchange (MPI_Sendrecv), strong and weak, a ping-pong and a deadlock.");
    cli.option("n", n, std::size_t{16}, std::size_t{1} << 30, "doubles in the reduction")
        .option("cells", cells, std::size_t{16}, std::size_t{1} << 26,
                "cells of the rod, strong scaling")
        .option("weak-cells", weak_cells, std::size_t{16}, std::size_t{1} << 26,
                "cells per rank, weak scaling")
        .option("steps", steps, 1, 100000, "time steps of the heat equation")
        .option("reps", reps, 1, 100, "measured repetitions")
        .option("warmup", warmup, 0, 10, "unrecorded warm-up runs")
        .option("trips", trips, 1, 100000, "round trips per ping-pong size")
        .option("max-bytes", max_bytes, std::size_t{1}, std::size_t{1} << 26,
                "largest ping-pong message");
    cli.parse(argc, argv);  // before MPI_Init: a bad argument exits without MPI
    MPI_Init(&argc, &argv);
    const int r = rank_of(), p = size_of();
    if (r == 0) std::printf("== %d rank%s\n", p, p == 1 ? "" : "s");

    // The reduction: the exact total is known (every value is a multiple of 1/8).
    const std::vector<double> block = make_block(n);  // allocated and written once
    const double sum = reduce_sum(block);
    const std::uint64_t eighths = (n / 16) * 120 + (n % 16) * (n % 16 - 1) / 2;
    if (r == 0)
        std::printf("reduce: sum of %zu doubles over %d ranks = %.3f, exact: %s\n", n, p,
                    sum, sum == static_cast<double>(eighths) / 8 ? "yes" : "NO");
    result("reduce", p, n, repeat(warmup, reps, [&] { (void)reduce_sum(block); }));

    // Strong scaling: the same rod divided among more ranks.
    const std::size_t first = cells * r / p, mine = cells * (r + 1) / p - first;
    const auto rod = gather(heat(mine, first, cells, steps), cells);
    if (r == 0) {
        const std::vector<double> serial = [&] {  // the reference: one process
            std::vector<double> u(cells + 2, 0.0), next(cells + 2, 0.0);
            for (std::size_t i = 0; i < cells; ++i)
                u[i + 1] = (i >= cells * 2 / 5 && i < cells * 3 / 5) ? 100.0 : 0.0;
            for (int s = 0; s < steps; ++s) {
                for (std::size_t i = 1; i <= cells; ++i)
                    next[i] = u[i] + 0.25 * (u[i - 1] - 2 * u[i] + u[i + 1]);
                std::swap(u, next);
            }
            return std::vector<double>(u.begin() + 1, u.end() - 1);
        }();
        double heat_total = 0;
        for (double x : rod) heat_total += x;
        std::printf(
            "heat: %zu cells, %d steps over %d ranks; the rod equals the serial "
            "run's, cell for cell: %s\n",
            cells, steps, p, rod == serial ? "yes" : "NO");
        std::printf("heat: total heat %.6f of %.6f at the start (ends at 0 lose heat)\n",
                    heat_total,
                    100.0 * static_cast<double>(cells * 3 / 5 - cells * 2 / 5));
    }
    result("heat-strong", p, cells,
           repeat(warmup, reps, [&] { (void)heat(mine, first, cells, steps); }));
    // Weak scaling: every rank keeps the same share, the rod grows with the ranks.
    const std::size_t wglobal = weak_cells * static_cast<std::size_t>(p);
    result("heat-weak", p, wglobal, repeat(warmup, reps, [&] {
               (void)heat(weak_cells, weak_cells * r, wglobal, steps);
           }));

    if (p >= 2) {
        for (std::size_t bytes = 8; bytes <= max_bytes; bytes *= 8) {
            std::vector<double> s;
            // Fewer trips for large messages, at least 10: each sample stays short.
            const int k = std::max(
                10, static_cast<int>(trips * 4096 / std::max<std::size_t>(bytes, 4096)));
            (void)pingpong_us(bytes, std::max(k / 10, 1));
            for (int i = 0; i < reps; ++i) s.push_back(pingpong_us(bytes, k));
            result("pingpong-us", p, bytes, book::measure::summarize(s));
        }
        deadlock_demo();
    } else if (r == 0) {
        std::printf("ping-pong and deadlock: need at least 2 ranks\n");
    }
    MPI_Finalize();
    return 0;
}
