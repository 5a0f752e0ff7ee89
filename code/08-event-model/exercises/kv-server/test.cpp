// Tests of the kv-server exercise through real sockets on 127.0.0.1: commands, lines in
// pieces, several lines in one write, and two clients sharing the store.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <string>
#include <thread>

#include "kv_server.hpp"

using book::loop::event_loop;
using book::loop::exercises::kv_server;

namespace {
int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    // A bounded wait: an unfinished server that never answers fails the test, not hangs.
    timeval limit{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    return fd;
}

void send_text(int fd, const std::string& s) {
    REQUIRE(::send(fd, s.data(), s.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(s.size()));
}

// Reads until @p lines newlines have arrived (or the server closes).
std::string read_lines(int fd, int lines) {
    std::string s;
    char c;
    while (lines > 0 && ::read(fd, &c, 1) == 1) {
        s += c;
        lines -= c == '\n';
    }
    return s;
}

// The server runs on its own loop thread for the whole test case.
struct running {
    std::promise<std::uint16_t> port;
    event_loop* loop = nullptr;
    kv_server* server = nullptr;
    std::thread thread{[this] {
        event_loop l;
        kv_server s(l, 0);
        loop = &l;
        server = &s;
        l.hold();
        port.set_value(s.port());
        l.run();
    }};
    ~running() {
        loop->post([this] {
            server->close();
            loop->release();
        });
        thread.join();
    }
};
}  // namespace

TEST_CASE("SET then GET returns the value; an unknown key is NIL; nonsense is ERR") {
    running r;
    const int fd = connect_to(r.port.get_future().get());
    send_text(fd, "SET colour blue green\n");
    CHECK(read_lines(fd, 1) == "OK\n");
    send_text(fd, "GET colour\n");
    CHECK(read_lines(fd, 1) == "blue green\n");
    send_text(fd, "GET shape\n");
    CHECK(read_lines(fd, 1) == "NIL\n");
    send_text(fd, "DELETE everything\n");
    CHECK(read_lines(fd, 1) == "ERR\n");
    ::close(fd);
}

TEST_CASE("a command split across writes is answered once it is complete") {
    running r;
    const int fd = connect_to(r.port.get_future().get());
    send_text(fd, "SE");
    send_text(fd, "T k v");
    send_text(fd, "1\nGET");
    CHECK(read_lines(fd, 1) == "OK\n");
    send_text(fd, " k\n");
    CHECK(read_lines(fd, 1) == "v1\n");
    ::close(fd);
}

TEST_CASE("several commands in one write get their answers in order") {
    running r;
    const int fd = connect_to(r.port.get_future().get());
    send_text(fd, "SET a 1\nSET b 2\nGET b\nGET a\nGET c\n");
    CHECK(read_lines(fd, 5) == "OK\nOK\n2\n1\nNIL\n");
    ::close(fd);
}

TEST_CASE("two clients share one store") {
    running r;
    const std::uint16_t port = r.port.get_future().get();
    const int a = connect_to(port), b = connect_to(port);
    send_text(a, "SET shared yes\n");
    CHECK(read_lines(a, 1) == "OK\n");
    send_text(b, "GET shared\n");
    CHECK(read_lines(b, 1) == "yes\n");
    ::close(a);
    ::close(b);
}
