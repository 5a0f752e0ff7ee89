// Tests of the fan-out exercise: the right total, from the requested number of distinct
// workers, all reaped.
#include <doctest/doctest.h>

#include <cerrno>
#include <numeric>
#include <set>
#include <stdexcept>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "parallel_sum.hpp"

using book::processes::exercises::parallel_sum;

namespace {
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
