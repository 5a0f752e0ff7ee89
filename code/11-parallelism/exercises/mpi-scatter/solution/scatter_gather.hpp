// scatter_gather.hpp: scatter, compute, gather with MPI (reference solution).
#pragma once

#define OMPI_SKIP_MPICXX 1
#include <mpi.h>

#include <vector>

namespace book::par::exercise {

/// Called by every rank of @p comm together. Rank @p root holds @p data (the other
/// ranks pass an empty vector); each rank squares its share of it; the root gets back
/// the squares, in order, and the other ranks an empty vector.
inline std::vector<double> distributed_squares(const std::vector<double>& data, int root,
                                               MPI_Comm comm) {
    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    long n = rank == root ? static_cast<long>(data.size()) : 0;
    MPI_Bcast(&n, 1, MPI_LONG, root, comm);
    // Shares that differ by at most one: rank r gets [n*r/size, n*(r+1)/size).
    std::vector<int> counts(size), displs(size);
    for (int r = 0; r < size; ++r) {
        displs[r] = static_cast<int>(n * r / size);
        counts[r] = static_cast<int>(n * (r + 1) / size) - displs[r];
    }
    std::vector<double> mine(static_cast<std::size_t>(counts[rank]));
    MPI_Scatterv(data.data(), counts.data(), displs.data(), MPI_DOUBLE, mine.data(),
                 counts[rank], MPI_DOUBLE, root, comm);
    for (double& x : mine) x *= x;
    std::vector<double> out(rank == root ? static_cast<std::size_t>(n) : 0);
    MPI_Gatherv(mine.data(), counts[rank], MPI_DOUBLE, out.data(), counts.data(),
                displs.data(), MPI_DOUBLE, root, comm);
    return out;
}

}  // namespace book::par::exercise
