// Tests of book::loop::echo_server through real sockets on 127.0.0.1, bad clients
// included: no crash, and every descriptor closed again.
#include <doctest/doctest.h>

#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <string>
#include <thread>

#include "echo_server.hpp"
#include "loop.hpp"

namespace {
int open_fds() {
    int n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
        while (dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
        ::closedir(d);
    }
    return n - 1;  // the directory stream's own descriptor
}

int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    return fd;
}

std::string read_exactly(int fd, std::size_t n) {
    std::string s;
    char buf[4096];
    while (s.size() < n) {
        const ssize_t r = ::read(fd, buf, std::min(sizeof buf, n - s.size()));
        if (r <= 0) break;
        s.append(buf, static_cast<std::size_t>(r));
    }
    return s;
}

// A server on its own loop thread; ask() runs a question on that thread and waits.
struct running_server {
    book::loop::event_loop* loop = nullptr;
    book::loop::echo_server* server = nullptr;
    std::promise<std::uint16_t> port;
    std::thread thread;
    running_server() {
        thread = std::thread([this] {
            book::loop::event_loop l;
            book::loop::echo_server s(l, 0, 128);
            loop = &l;
            server = &s;
            l.hold();  // alive until the test says stop
            port.set_value(s.port());
            l.run();
        });
    }
    template <class F>
    auto ask(F f) {
        std::promise<decltype(f())> answer;
        loop->post([&] { answer.set_value(f()); });
        return answer.get_future().get();
    }
    std::size_t connections() {
        return ask([this] { return server->connections(); });
    }
    void stop() {
        ask([this] {
            server->close();
            loop->release();
            return 0;
        });
        thread.join();
    }
};
}  // namespace

TEST_CASE("the echo server returns every byte, also a megabyte in one go") {
    running_server rs;
    const std::uint16_t port = rs.port.get_future().get();
    const int fd = connect_to(port);
    const std::string small = "hello\n";
    REQUIRE(::write(fd, small.data(), small.size()) == 6);
    CHECK(read_exactly(fd, 6) == small);
    const std::string big(1 << 20, 'b');
    std::thread writer([&] {
        std::size_t off = 0;
        while (off < big.size()) {
            const ssize_t w = ::write(fd, big.data() + off, big.size() - off);
            if (w <= 0) break;
            off += static_cast<std::size_t>(w);
        }
    });
    CHECK(read_exactly(fd, big.size()) == big);
    writer.join();
    ::close(fd);
    rs.stop();
}

TEST_CASE("garbage, a half-close and a reset mid-message leave no descriptor behind") {
    const int before = open_fds();
    {
        running_server rs;
        const std::uint16_t port = rs.port.get_future().get();
        const int during = open_fds();

        const int garbage = connect_to(port);
        const std::string junk("\x00\xff\x01binary\r\n\x7f", 12);
        REQUIRE(::write(garbage, junk.data(), junk.size()) == 12);
        CHECK(read_exactly(garbage, 12) == junk);

        const int half = connect_to(port);
        REQUIRE(::write(half, "bye", 3) == 3);
        ::shutdown(half, SHUT_WR);  // half-closed: the echo still comes back
        CHECK(read_exactly(half, 3) == "bye");
        char c;
        CHECK(::read(half, &c, 1) == 0);  // then the server closes its side

        const int reset = connect_to(port);
        REQUIRE(::write(reset, "partial mess", 12) == 12);
        linger hard{1, 0};  // close with RST, mid-conversation
        ::setsockopt(reset, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        ::close(reset);
        ::close(garbage);
        ::close(half);

        while (rs.connections() != 0) {  // each question is one more turn of the loop
        }
        CHECK(rs.ask([&] { return rs.server->accepted(); }) == 3);
        CHECK(open_fds() == during);
        rs.stop();
    }
    CHECK(open_fds() == before);
}
