// Tests of distributed_squares(): run on one rank by the test binary itself, and on two
// by `mpirun -np 2` in the test suite. Every rank runs every test, since each call is
// collective; checks that fail on one rank never skip a collective call on it.
#include <doctest/doctest.h>

#include <vector>

#include "scatter_gather.hpp"

using book::par::exercise::distributed_squares;

namespace {
// MPI is started before the tests and stopped after them (the test main is shared).
struct MpiSession {
    MpiSession() { MPI_Init(nullptr, nullptr); }
    ~MpiSession() { MPI_Finalize(); }
} session;

int rank() {
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}
int size() {
    int s = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}
}  // namespace

TEST_CASE("the root gets every value squared, in order, for any count of values") {
    for (std::size_t n : {0u, 1u, 3u, 10u, 1001u}) {
        CAPTURE(n);
        CAPTURE(size());
        std::vector<double> data;
        if (rank() == 0)
            for (std::size_t i = 0; i < n; ++i)
                data.push_back(static_cast<double>(i) - 5);
        const auto out = distributed_squares(data, 0, MPI_COMM_WORLD);
        if (rank() == 0) {
            CHECK(out.size() == n);
            bool all = out.size() == n;
            for (std::size_t i = 0; all && i < n; ++i) all = out[i] == data[i] * data[i];
            CHECK(all);
        } else {
            CHECK(out.empty());
        }
    }
}

TEST_CASE("any rank may be the root") {
    const int root = size() - 1;
    std::vector<double> data;
    if (rank() == root) data = {1.5, -2, 3, 4, 5, 6, 7};
    const auto out = distributed_squares(data, root, MPI_COMM_WORLD);
    if (rank() == root)
        CHECK(out == std::vector<double>{2.25, 4, 9, 16, 25, 36, 49});
    else
        CHECK(out.empty());
}
