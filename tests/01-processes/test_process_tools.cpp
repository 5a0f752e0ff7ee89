// Unit tests of process_tools.hpp: descriptors, pipes, fork_child, wait_for, spawn and
// PageBuffer.
#include <doctest/doctest.h>

#include <cstdlib>

#include <cerrno>
#include <csignal>
#include <string>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process_tools.hpp"

namespace bp = book::processes;

namespace {
// True when @p fd is an open descriptor of this process.
bool is_open_descriptor(int fd) { return ::fcntl(fd, F_GETFD) != -1; }
}  // namespace

TEST_CASE("a FileDescriptor closes its descriptor when destroyed and can hand it over") {
    int raw = -1;
    {
        auto pipe = bp::Pipe::create();
        raw = pipe.read_end.get();
        REQUIRE(is_open_descriptor(raw));
    }
    CHECK_FALSE(is_open_descriptor(raw));

    auto pipe = bp::Pipe::create();
    const int kept = pipe.write_end.release();
    CHECK_FALSE(pipe.write_end.is_open());
    CHECK(is_open_descriptor(kept));
    ::close(kept);

    CHECK_THROWS_AS(bp::FileDescriptor(-1), std::invalid_argument);
}

TEST_CASE("both ends of a new pipe are close-on-exec") {
    auto pipe = bp::Pipe::create();
    CHECK((::fcntl(pipe.read_end.get(), F_GETFD) & FD_CLOEXEC) != 0);
    CHECK((::fcntl(pipe.write_end.get(), F_GETFD) & FD_CLOEXEC) != 0);
}

TEST_CASE(
    "a pipe carries a child's bytes to its parent, and ends when every write end "
    "is closed") {
    auto pipe = bp::Pipe::create();
    // more than a pipe holds at once (64 KiB on Linux with 4 KiB pages)
    const std::string message(100'000, 'x');
    pid_t child = bp::fork_child([&] {
        pipe.read_end.close();
        bp::write_all(pipe.write_end.get(), message);
        return 0;
    });
    pipe.write_end.close();
    const std::string received = bp::read_all(pipe.read_end.get());
    const bp::ChildReport report = bp::wait_for(child);
    CHECK(report.status.success());
    CHECK(received == message);
}

TEST_CASE(
    "writing to a pipe with no reader kills the writer with SIGPIPE, or throws EPIPE "
    "when SIGPIPE is ignored") {
    auto pipe = bp::Pipe::create();
    pipe.read_end.close();
    SUBCASE("SIGPIPE at its default action") {
        pid_t child = bp::fork_child([&] {
            bp::write_all(pipe.write_end.get(), "x");
            return 0;  // not reached: the write kills the child
        });
        const auto status = bp::wait_for(child).status;
        CHECK_FALSE(status.exited);
        CHECK(status.signal == SIGPIPE);
    }
    SUBCASE("SIGPIPE ignored") {
        pid_t child = bp::fork_child([&] {
            ::signal(SIGPIPE, SIG_IGN);
            try {
                bp::write_all(pipe.write_end.get(), "x");
            } catch (const std::system_error& e) {
                return e.code().value() == EPIPE ? 3 : 4;
            }
            return 5;
        });
        CHECK(bp::wait_for(child).status.code == 3);
    }
}

TEST_CASE("wait_for reports how a child ended") {
    SUBCASE("an exit code") {
        pid_t child = bp::fork_child([] { return 7; });
        const auto status = bp::wait_for(child).status;
        CHECK(status.exited);
        CHECK(status.code == 7);
        CHECK_FALSE(status.success());
        CHECK(status.describe() == "exited with code 7");
    }
    SUBCASE("a signal") {
        pid_t child = bp::fork_child([] {
            ::raise(SIGKILL);
            return 0;
        });
        const auto status = bp::wait_for(child).status;
        CHECK_FALSE(status.exited);
        CHECK(status.signal == SIGKILL);
        CHECK(status.describe().find("killed by signal 9") == 0);
    }
    SUBCASE("an exception escaping the child's body") {
        pid_t child = bp::fork_child([]() -> int { throw std::runtime_error("boom"); });
        CHECK(bp::wait_for(child).status.code == 125);
    }
}

TEST_CASE("wait_for reaps the child, so waiting for it again fails") {
    pid_t child = bp::fork_child([] { return 0; });
    bp::wait_for(child);
    errno = 0;
    CHECK(::waitpid(child, nullptr, WNOHANG) == -1);
    CHECK(errno == ECHILD);
    CHECK_THROWS_AS(bp::wait_for(child), std::system_error);
}

TEST_CASE("a child's writes to memory are invisible to its parent") {
    int value = 1;
    pid_t child = bp::fork_child([&] {
        value = 2;
        return value;  // the child reports what it sees through its exit code
    });
    CHECK(bp::wait_for(child).status.code == 2);
    CHECK(value == 1);
}

TEST_CASE(
    "a child takes a copy-on-write fault for each page it writes, and none for "
    "pages it only reads") {
    bp::PageBuffer buffer(4u << 20);
    REQUIRE(buffer.pages() == (4u << 20) / bp::page_size());
    buffer.write_pages(buffer.pages());
    const std::size_t n = buffer.pages();

    const long baseline = bp::wait_for(bp::fork_child([] { return 0; })).minor_faults;
    const long reading = bp::wait_for(bp::fork_child([&] {
                             return buffer.read_pages(n) == n ? 0 : 1;
                         })).minor_faults;
    const long writing = bp::wait_for(bp::fork_child([&] {
                             buffer.write_pages(n, 2);
                             return 0;
                         })).minor_faults;
    CHECK(reading - baseline < static_cast<long>(n / 10));
    // Every written page needs its own fault. The baseline itself varies by a few
    // faults between children (more so under sanitizers), so compare loosely to it.
    CHECK(writing >= static_cast<long>(n));
    CHECK(writing - baseline > static_cast<long>(n * 9 / 10));
    CHECK(buffer.read_pages(n) == n);  // the parent's pages still hold 1
}

TEST_CASE("PageBuffer::discard gives the pages back, and they read as zero") {
    bp::PageBuffer buffer(64 * bp::page_size());
    buffer.write_pages(buffer.pages(), 3);
    REQUIRE(buffer.read_pages(buffer.pages()) == 3 * buffer.pages());
    buffer.discard();
    CHECK(buffer.read_pages(buffer.pages()) == 0);
}

TEST_CASE("spawn starts a program and wait_for returns its exit code") {
    CHECK(bp::wait_for(bp::spawn({"/bin/true"})).status.success());
    CHECK(bp::wait_for(bp::spawn({"/bin/sh", "-c", "exit 3"})).status.code == 3);
}

TEST_CASE("spawn fails loudly for a program that does not exist or an empty command") {
    // qemu-user turns posix_spawn's clone(CLONE_VM | CLONE_VFORK) into a fork, so the
    // child cannot hand a failed exec back to the parent there (the aarch64 preset sets
    // BOOK_EMULATOR): the error is glibc's, and it needs the shared memory of a real
    // vfork.
    if (std::getenv("BOOK_EMULATOR") == nullptr)
        CHECK_THROWS_AS(bp::spawn({"/nonexistent/program"}), std::system_error);
    else
        MESSAGE("exec failure not checked under ", std::getenv("BOOK_EMULATOR"));
    CHECK_THROWS_AS(bp::spawn({}), std::invalid_argument);
}
