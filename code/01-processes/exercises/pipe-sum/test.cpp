// Tests of the pipe-sum exercise: the sum is right, and it was computed by a child that
// has been waited for, and no descriptor was left open.
#include <doctest/doctest.h>

#include <cerrno>
#include <numeric>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pipe_sum.hpp"

using book::processes::exercises::sum_in_child;

namespace {
// The open descriptors of this process.
int open_descriptors() {
    int count = 0;
    for (int fd = 0; fd < 1024; ++fd) count += ::fcntl(fd, F_GETFD) != -1;
    return count;
}
}  // namespace

TEST_CASE("the sum comes back from the child unchanged") {
    std::vector<long long> numbers(10'000);
    std::iota(numbers.begin(), numbers.end(), -5'000);
    numbers.push_back(123'456'789'012LL);
    CHECK(sum_in_child(numbers).sum ==
          std::accumulate(numbers.begin(), numbers.end(), 0LL));
}

TEST_CASE("the sum of no numbers is zero") { CHECK(sum_in_child({}).sum == 0); }

TEST_CASE("the sum is computed by another process") {
    const std::vector<long long> numbers{1, 2, 3};
    const auto result = sum_in_child(numbers);
    CHECK(result.worker > 0);
    CHECK(result.worker != ::getpid());
}

TEST_CASE("the worker has been waited for: no zombie is left behind") {
    const std::vector<long long> numbers{4, 5, 6};
    const auto result = sum_in_child(numbers);
    REQUIRE(result.worker != ::getpid());
    errno = 0;
    CHECK(::waitpid(result.worker, nullptr, WNOHANG) == -1);
    CHECK(errno == ECHILD);
}

TEST_CASE("no descriptor is left open: both ends of the pipe are closed") {
    const std::vector<long long> numbers{7, 8, 9};
    const int before = open_descriptors();
    CHECK(sum_in_child(numbers).sum == 24);
    CHECK(open_descriptors() == before);
}
