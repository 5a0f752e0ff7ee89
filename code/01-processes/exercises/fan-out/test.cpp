// Tests of the fan-out exercise: the right total, from the requested number of distinct
// workers, all reaped; no descriptor leaked in the parent, no sibling's write end held
// by a worker, and a worker that dies without answering reported, not waited for
// forever (a solution that holds a write end while it reads hangs here until the test
// watchdog ends it).
#include <doctest/doctest.h>

#include <cerrno>
#include <numeric>
#include <set>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parallel_sum.hpp"

using book::processes::exercises::parallel_sum;

namespace {
constexpr int highest_fd_checked = 1024;

// The open descriptors of this process (fcntl and fstat only: safe in a child).
int open_descriptors() {
    int count = 0;
    for (int fd = 0; fd < highest_fd_checked; ++fd) count += ::fcntl(fd, F_GETFD) != -1;
    return count;
}

// The open descriptors that are the write end of a pipe.
int pipe_write_ends() {
    int count = 0;
    for (int fd = 0; fd < highest_fd_checked; ++fd) {
        struct stat st {};
        const int flags = ::fcntl(fd, F_GETFL);
        if (flags == -1 || ::fstat(fd, &st) != 0) continue;
        count += S_ISFIFO(st.st_mode) && (flags & O_ACCMODE) == O_WRONLY;
    }
    return count;
}

// Set by the test before a call; read in the workers, which inherit it through fork.
int write_ends_before_call = 0;
const pid_t test_process = ::getpid();

// A part that ends its worker (status 42) if it holds any pipe write end besides its
// own, such as one of a sibling's pipes. Called in the test process itself (no worker
// at all), it returns a wrong part, so that the total is wrong.
long long sum_holding_only_own_write_end(std::span<const long long> slice) {
    if (::getpid() == test_process) return book::processes::exercises::sum_of(slice) + 1;
    if (pipe_write_ends() != write_ends_before_call + 1) ::_exit(42);
    return book::processes::exercises::sum_of(slice);
}

// A part that ends its worker without an answer when its slice holds a negative number
// (never the test process itself).
long long die_on_negative(std::span<const long long> slice) {
    for (long long x : slice)
        if (x < 0 && ::getpid() != test_process) ::_exit(1);
    return book::processes::exercises::sum_of(slice);
}

std::vector<long long> numbers_up_to(long long n) {
    std::vector<long long> v(static_cast<std::size_t>(n));
    std::iota(v.begin(), v.end(), 1);
    return v;
}
}  // namespace

TEST_CASE("the total is right for any number of workers") {
    const auto numbers = numbers_up_to(100'001);
    const long long expected = std::accumulate(numbers.begin(), numbers.end(), 0LL);
    for (int workers : {1, 2, 3, 7, 16}) {
        CAPTURE(workers);
        CHECK(parallel_sum(numbers, workers).sum == expected);
    }
}

TEST_CASE("each part is computed by its own child process") {
    const auto numbers = numbers_up_to(1000);
    const auto result = parallel_sum(numbers, 5);
    REQUIRE(result.workers.size() == 5);
    const std::set<pid_t> distinct(result.workers.begin(), result.workers.end());
    CHECK(distinct.size() == 5);
    CHECK(distinct.count(::getpid()) == 0);
}

TEST_CASE("more workers than numbers still gives the right total") {
    const std::vector<long long> numbers{10, 20, 30};
    const auto result = parallel_sum(numbers, 8);
    CHECK(result.sum == 60);
    CHECK(result.workers.size() == 8);
}

TEST_CASE("every worker has been waited for") {
    const auto numbers = numbers_up_to(100);
    const auto result = parallel_sum(numbers, 4);
    REQUIRE_FALSE(result.workers.empty());
    errno = 0;
    // no child of this process is left, finished or not
    CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);
    CHECK(errno == ECHILD);
}

TEST_CASE("a worker count out of range is refused") {
    const std::vector<long long> numbers{1};
    CHECK_THROWS_AS(parallel_sum(numbers, 0), std::invalid_argument);
    CHECK_THROWS_AS(parallel_sum(numbers, book::processes::exercises::max_workers + 1),
                    std::invalid_argument);
}

TEST_CASE("no descriptor is left open in the parent") {
    const auto numbers = numbers_up_to(1000);
    const int before = open_descriptors();
    for (int workers : {1, 4, 16}) {
        CAPTURE(workers);
        parallel_sum(numbers, workers);
        CHECK(open_descriptors() == before);
    }
}

TEST_CASE("each worker holds the write end of its own pipe and no other") {
    const auto numbers = numbers_up_to(1000);
    write_ends_before_call = pipe_write_ends();
    // A worker that holds a sibling's write end (or one of the parent's) ends without
    // an answer, so a correct solution reports it as an exception.
    long long sum = 0;
    CHECK_NOTHROW(sum = parallel_sum(numbers, 8, sum_holding_only_own_write_end).sum);
    CHECK(sum == 500'500);
}

TEST_CASE("a worker that dies without answering is reported, and nothing leaks") {
    auto numbers = numbers_up_to(1000);
    numbers[600] = -1;  // in the slice of worker 4 of 8
    const int before = open_descriptors();
    CHECK_THROWS_AS(parallel_sum(numbers, 8, die_on_negative), std::runtime_error);
    CHECK(open_descriptors() == before);
    errno = 0;
    CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);  // every worker was waited for
    CHECK(errno == ECHILD);
}
