// Tests of the run-capture exercise: output and exit code come back, large outputs do not
// deadlock, errors are loud.
#include <doctest/doctest.h>

#include <cstdlib>

#include <csignal>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fcntl.h>

#include "run_capture.hpp"

using book::processes::exercises::run_capture;

namespace {
// The open descriptors of this process.
int open_descriptors() {
    int count = 0;
    for (int fd = 0; fd < 1024; ++fd) count += ::fcntl(fd, F_GETFD) != -1;
    return count;
}
}  // namespace

TEST_CASE("a program's standard output and exit code come back") {
    const auto r = run_capture({"/bin/echo", "hello", "world"});
    CHECK(r.exit_code == 0);
    CHECK(r.output == "hello world\n");
}

TEST_CASE("a non-zero exit code is reported") {
    const auto r = run_capture({"/bin/sh", "-c", "printf partial; exit 3"});
    CHECK(r.exit_code == 3);
    CHECK(r.output == "partial");
}

TEST_CASE("standard error is not captured") {
    const auto r = run_capture({"/bin/sh", "-c", "echo out; echo err 1>&2"});
    CHECK(r.output == "out\n");
}

TEST_CASE("an output far larger than a pipe holds arrives whole") {
    // 1 MiB: the child blocks in write until the parent reads, so waiting before
    // reading would deadlock.
    const auto r = run_capture({"/bin/sh", "-c", "head -c 1048576 /dev/zero"});
    CHECK(r.exit_code == 0);
    CHECK(r.output.size() == 1048576u);
}

TEST_CASE("a program killed by a signal reports 128 plus the signal number") {
    const auto r = run_capture({"/bin/sh", "-c", "kill -KILL $$"});
    CHECK(r.exit_code == 128 + SIGKILL);
}

TEST_CASE("a program that cannot be started is an error, not an empty result") {
    // Not under qemu-user (BOOK_EMULATOR, set by the aarch64 preset): it turns
    // posix_spawn's vfork into a fork, so a failed exec cannot be reported back to the
    // parent there.
    if (std::getenv("BOOK_EMULATOR") == nullptr)
        CHECK_THROWS_AS(run_capture({"/nonexistent/program"}), std::system_error);
    CHECK_THROWS_AS(run_capture({}), std::invalid_argument);
}

TEST_CASE("no descriptor is left open in this process") {
    const int before = open_descriptors();
    CHECK(run_capture({"/bin/echo", "x"}).output == "x\n");
    CHECK(open_descriptors() == before);
}
