// scatter_gather.hpp: scatter, compute, gather with MPI (exercise starter).
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
    // TODO: the root tells every rank how many values there are (MPI_Bcast), hands each
    // rank a share that differs from the others' by at most one value (MPI_Scatterv),
    // every rank squares its share, and the root collects the results in rank order
    // (MPI_Gatherv). Any number of values, including fewer than the ranks, must work.
    (void)data;
    (void)root;
    (void)comm;
    return {};
}

}  // namespace book::par::exercise
