// Readiness against completion on a regular file: epoll refuses to watch one, so an
// event loop either reads it on its own thread (blocking), hands the reads to a pool of
// threads (libuv's way) or submits them to io_uring and collects the completions. The
// three read the same file, interleaved, and must all see the same bytes.
#include <fcntl.h>
#include <liburing.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli.hpp"
#include "costs.hpp"
#include "loop.hpp"
#include "measure.hpp"
#include "promise.hpp"
#include "worker_pool.hpp"

namespace {

using book::measure::Clock;

struct file_spec {
    int fd = -1;
    std::size_t blocks = 0, block = 0;
};

// A cheap fingerprint of a block, so that every way of reading proves it read the file.
std::uint64_t fingerprint(const char* p, std::size_t n) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < n; i += sizeof(std::uint64_t)) {
        std::uint64_t w;
        std::memcpy(&w, p + i, sizeof w);
        sum += w;
    }
    return sum;
}

struct result {
    double ns_per_block = 0;
    std::uint64_t sum = 0;
    std::uint64_t syscalls = 0;  // system calls (or loop turns) the loop's thread made
};

double ns_per(Clock::time_point start, std::size_t blocks) {
    return std::chrono::duration<double, std::nano>(Clock::now() - start).count() /
           static_cast<double>(blocks);
}

// [blocking]
// On the loop's own thread: one pread per block, the loop stopped for each.
result read_blocking(const file_spec& f) {
    std::vector<char> buf(f.block);
    result r;
    const auto start = Clock::now();
    for (std::size_t b = 0; b < f.blocks; ++b) {
        const ssize_t n =
            ::pread(f.fd, buf.data(), f.block, static_cast<off_t>(b * f.block));
        if (n != static_cast<ssize_t>(f.block)) throw std::runtime_error("short pread");
        r.sum += fingerprint(buf.data(), f.block);
    }
    r.ns_per_block = ns_per(start, f.blocks);
    r.syscalls = f.blocks;
    return r;
}
// [/blocking]

// [pool]
// libuv's way: `depth` reads in flight on a pool of threads, each result posted back to
// the loop, which starts the next read from the promise's reaction.
result read_pool(const file_spec& f, book::loop::event_loop& loop,
                 book::loop::worker_pool& pool, unsigned depth) {
    result r;
    std::size_t next = 0, done = 0;
    std::function<void()> start_one = [&] {
        const std::size_t b = next++;
        pool.submit([&f, b] {
                std::unique_ptr<char[]> buf(new char[f.block]);
                const ssize_t n =
                    ::pread(f.fd, buf.get(), f.block, static_cast<off_t>(b * f.block));
                if (n != static_cast<ssize_t>(f.block))
                    throw std::runtime_error("short pread");
                return fingerprint(buf.get(), f.block);
            })
            .then([&](std::uint64_t s) {
                r.sum += s;
                ++done;
                if (next < f.blocks) start_one();
            });
    };
    const auto start = Clock::now();
    const std::uint64_t turns = loop.turns();
    loop.run([&] {
        for (unsigned i = 0; i < depth && next < f.blocks; ++i) start_one();
    });
    if (done != f.blocks) throw std::runtime_error("pool: blocks missing");
    r.ns_per_block = ns_per(start, f.blocks);
    r.syscalls = loop.turns() - turns;  // each an epoll_wait woken by the eventfd
    return r;
}
// [/pool]

// [uring]
// Completion: `depth` reads submitted to the ring at once; each completion says "this
// read is done, n bytes"; one io_uring_enter both submits new reads and waits.
result read_uring(const file_spec& f, io_uring& ring, unsigned depth) {
    std::vector<char> bufs(static_cast<std::size_t>(depth) * f.block);
    result r;
    std::size_t next = 0, done = 0;
    auto submit_into = [&](unsigned slot) {
        io_uring_sqe* s = io_uring_get_sqe(&ring);
        io_uring_prep_read(s, f.fd, bufs.data() + slot * f.block,
                           static_cast<unsigned>(f.block),
                           static_cast<std::uint64_t>(next * f.block));
        io_uring_sqe_set_data64(s, slot);
        ++next;
    };
    const auto start = Clock::now();
    for (unsigned slot = 0; slot < depth && next < f.blocks; ++slot) submit_into(slot);
    while (done < f.blocks) {
        io_uring_submit_and_wait(&ring, 1);  // one system call: submit and wait
        ++r.syscalls;
        io_uring_cqe* cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            ++seen;
            if (cqe->res != static_cast<int>(f.block))
                throw std::runtime_error("short io_uring read");
            const auto slot = static_cast<unsigned>(io_uring_cqe_get_data64(cqe));
            r.sum += fingerprint(bufs.data() + slot * f.block, f.block);
            ++done;
            if (next < f.blocks) submit_into(slot);  // the slot's buffer is free again
        }
        io_uring_cq_advance(&ring, seen);
    }
    r.ns_per_block = ns_per(start, f.blocks);
    return r;
}
// [/uring]

// A file of `mib` MiB in `dir`, unlinked at once (it vanishes with its descriptor),
// written and read once so that every contender finds it in the page cache.
file_spec make_file(const std::string& dir, int mib, int block_kib) {
    std::string path = dir + "/book-file-read-XXXXXX";
    const int fd = ::mkstemp(path.data());
    if (fd < 0)
        throw std::runtime_error("mkstemp in " + dir + ": " + std::strerror(errno));
    ::unlink(path.c_str());
    file_spec f{fd, static_cast<std::size_t>(mib) * 1024 / block_kib,
                static_cast<std::size_t>(block_kib) * 1024};
    std::vector<char> buf(f.block);
    for (std::size_t b = 0; b < f.blocks; ++b) {
        for (std::size_t i = 0; i < f.block; ++i)
            buf[i] = static_cast<char>((b * 131 + i * 7) & 0xff);
        if (::write(fd, buf.data(), f.block) != static_cast<ssize_t>(f.block))
            throw std::runtime_error("cannot write the test file");
    }
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    int mib = 32, block_kib = 4, depth = 32, threads = 4, reps = 7;
    std::string dir = "/tmp", costs_path;
    if (const char* t = std::getenv("TMPDIR"); t && *t) dir = t;
    book::cli::Parser cli("file_read",
                          "Reading a file: blocking, a thread pool, io_uring.");
    cli.option("mib", mib, 1, 4096, "size of the test file in MiB")
        .option("block-kib", block_kib, 4, 1024, "size of one read in KiB (4..1024)")
        .option("depth", depth, 1, 1024, "reads in flight (pool and io_uring)")
        .option("threads", threads, 1, 64, "threads of the pool")
        .option("reps", reps, 1, 1000, "recorded rounds (after one warm-up round)")
        .option("dir", dir, "directory of the test file (default $TMPDIR or /tmp)")
        .option("costs", costs_path, "write the headline costs to this file");
    cli.parse(argc, argv);
    if ((block_kib & (block_kib - 1)) != 0 || mib * 1024 % block_kib != 0) {
        std::fprintf(stderr, "file_read: --block-kib must be a power of two\n%s",
                     cli.usage().c_str());
        return 2;
    }

    file_spec f;
    try {
        f = make_file(dir, mib, block_kib);
    } catch (const std::exception& e) {  // a --dir that cannot take the file
        std::fprintf(stderr, "file_read: %s\n%s", e.what(), cli.usage().c_str());
        return 2;
    }
    // [epoll-refuses]
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    const int rc = ::epoll_ctl(ep, EPOLL_CTL_ADD, f.fd, &ev);
    const int err = errno;
    std::printf("== readiness of a regular file\nepoll_ctl(ADD) of a regular file: %s\n",
                rc == 0 ? "accepted" : std::strerror(err));
    ::close(ep);
    // [/epoll-refuses]

    io_uring ring;
    const int ring_rc = io_uring_queue_init(static_cast<unsigned>(depth), &ring, 0);
    const bool have_uring = ring_rc == 0;
    book::loop::event_loop loop;
    book::loop::worker_pool pool(loop, static_cast<unsigned>(threads));
    const std::uint64_t expect = read_blocking(f).sum;  // also warms the page cache

    std::vector<book::measure::Contender> contenders;
    bool same = true;
    auto record = [&](result r) {
        same = same && r.sum == expect;
        return r.ns_per_block;
    };
    std::uint64_t uring_calls = 0, pool_turns = 0;
    contenders.push_back({"blocking", [&] { return record(read_blocking(f)); }});
    contenders.push_back({"pool", [&] {
                              result r =
                                  read_pool(f, loop, pool, static_cast<unsigned>(depth));
                              pool_turns = r.syscalls;
                              return record(r);
                          }});
    if (have_uring)
        contenders.push_back({"uring", [&] {
                                  result r =
                                      read_uring(f, ring, static_cast<unsigned>(depth));
                                  uring_calls = r.syscalls;
                                  return record(r);
                              }});
    const auto s = book::measure::interleaved(contenders, 1, reps);

    std::printf(
        "\n== reading %d MiB in %d KiB reads, page cache warm, ns per read\n"
        "%d reads in flight (pool, io_uring); median (min-max) of %d interleaved "
        "samples\n",
        mib, block_kib, depth, reps);
    const double blocks = static_cast<double>(f.blocks);
    std::printf("%-18s %8s %-17s %s\n", "way", "ns/read", "(min-max)", "per read");
    std::printf("%-18s %8.0f (%6.0f-%6.0f)  %5.2f pread (the loop blocked)\n",
                "blocking pread", s[0].median, s[0].min, s[0].max, 1.0);
    std::printf("%-18s %8.0f (%6.0f-%6.0f)  %5.2f loop turns\n",
                ("pool of " + std::to_string(threads) + " threads").c_str(), s[1].median,
                s[1].min, s[1].max, static_cast<double>(pool_turns) / blocks);
    if (have_uring) {
        std::printf("%-18s %8.0f (%6.0f-%6.0f)  %5.2f io_uring_enter\n", "io_uring",
                    s[2].median, s[2].min, s[2].max,
                    static_cast<double>(uring_calls) / blocks);
        std::printf("io_uring / blocking: %.2fx; pool / blocking: %.2fx\n",
                    s[2].median / s[0].median, s[1].median / s[0].median);
        io_uring_queue_exit(&ring);
    } else {
        // [probe]
        std::printf("io_uring: skipped, io_uring_setup refused: %s\n",
                    std::strerror(-ring_rc));
        // [/probe]
        std::printf("pool / blocking: %.2fx\n", s[1].median / s[0].median);
    }
    std::printf("every way read the same bytes: %s\n", same ? "yes" : "NO");
    ::close(f.fd);

    if (!costs_path.empty()) {
        book::measure::CostFile costs("08-event-model", "file_read");
        const std::string what = std::to_string(block_kib) + " KiB read of a cached file";
        costs.add({"file.read.blocking", "pread on the loop's thread",
                   "one " + what + ", blocking, mean per read", "ns", s[0]});
        costs.add({"file.read.pool", "thread pool, result posted to the loop",
                   "one " + what +
                       " on a pool thread, result posted back, mean per read "
                       "with several in flight",
                   "ns", s[1]});
        costs.compare("file.read.pool", "file.read.blocking");
        if (have_uring) {
            costs.add({"file.read.uring", "io_uring completion",
                       "one " + what +
                           " through io_uring, mean per read with several in "
                           "flight",
                       "ns", s[2]});
            costs.compare("file.read.uring", "file.read.blocking");
        }
        costs.write(costs_path);
    }
    return same ? 0 : 1;
}
