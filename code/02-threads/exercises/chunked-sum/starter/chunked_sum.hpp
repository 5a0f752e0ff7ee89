// chunked_sum.hpp: sum a vector with several threads, each summing its own chunk into its
// own slot.
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

namespace book::threads::exercises {

/// The half-open index range [begin, end) of one chunk.
struct Chunk {
    std::size_t begin = 0;
    std::size_t end = 0;
};

/// Chunk @p index of @p size items split into @p parts nearly equal chunks: the first
/// `size % parts` chunks get one item more than the others. Throws std::invalid_argument
/// if parts is 0 or index >= parts.
inline Chunk chunk_of(std::size_t size, std::size_t parts, std::size_t index) {
    if (parts == 0 || index >= parts)
        throw std::invalid_argument("chunk_of: need 0 <= index < parts");
    // TODO: return chunk `index` as the contract above defines it.
    (void)size;
    return {0, 0};
}

/// Sums @p values with @p threads std::jthreads, thread i summing chunk_of(size, threads,
/// i) into slot i; the caller adds the slots after the threads are joined. If @p workers
/// is given, it receives the id of the thread that summed each chunk. Throws
/// std::invalid_argument if threads is 0.
inline long long chunked_sum(const std::vector<int>& values, unsigned threads,
                             std::vector<std::thread::id>* workers = nullptr) {
    if (threads == 0)
        throw std::invalid_argument("chunked_sum: need at least one thread");
    std::vector<long long> partial(threads, 0);
    std::vector<std::thread::id> ids(threads);
    // TODO: meet the contract above: thread i sums chunk i into partial[i] and records
    // its id in ids[i]; the slots may be read only once the threads are done with them.
    (void)values;
    if (workers) *workers = ids;
    return std::accumulate(partial.begin(), partial.end(), 0LL);
}

}  // namespace book::threads::exercises
