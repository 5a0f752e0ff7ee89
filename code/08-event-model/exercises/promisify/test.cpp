// Tests of the promisify exercise: the promise settles like the callback, never early.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <system_error>

#include "promisify.hpp"

using book::loop::event_loop;
using book::loop::exercises::read_promise;

TEST_CASE("the promise is fulfilled with what the pipe carried") {
    event_loop loop;
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    std::string got = "(nothing)";
    loop.run([&] {
        read_promise(loop, fds[0]).then([&](const std::string& s) { got = s; });
        REQUIRE(::write(fds[1], "data", 4) == 4);
    });
    ::close(fds[0]);
    ::close(fds[1]);
    CHECK(got == "data");
}

TEST_CASE("the promise is still pending before the descriptor is readable") {
    event_loop loop;
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    bool pending_before = false, settled_after = false;
    loop.run([&] {
        auto p = read_promise(loop, fds[0]);
        pending_before = !p.settled();
        REQUIRE(::write(fds[1], "x", 1) == 1);
        p.then([&](const std::string&) { settled_after = true; });
    });
    ::close(fds[0]);
    ::close(fds[1]);
    CHECK(pending_before);
    CHECK(settled_after);
}

TEST_CASE("a failing read rejects the promise with the error code") {
    // A connection the other side resets: readable, and read() fails with ECONNRESET.
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(listener, 1) == 0);
    REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    const int server = ::accept(listener, nullptr, nullptr);
    linger hard{1, 0};
    ::setsockopt(server, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::close(server);  // sends RST
    event_loop loop;
    int code = 0;
    loop.run([&] {
        read_promise(loop, client).catch_([&](std::exception_ptr e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::system_error& err) {
                code = err.code().value();
            }
            return std::string();
        });
    });
    ::close(client);
    ::close(listener);
    CHECK(code == ECONNRESET);
}
