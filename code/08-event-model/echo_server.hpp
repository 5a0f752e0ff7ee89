// echo_server.hpp: a TCP echo server on the book's event loop, and the socket helpers
// every server of the chapter shares.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "cli.hpp"
#include "loop.hpp"

namespace book::loop {

/// Opens a TCP socket listening on 127.0.0.1:@p port (0: any free port) with a
/// listen queue of @p backlog; non-blocking when @p nonblocking. Throws on failure.
inline int listen_tcp(std::uint16_t port, int backlog, bool nonblocking) {
    const int fd = ::socket(
        AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd, backlog) != 0) {
        const int e = errno;
        ::close(fd);
        throw std::system_error(e, std::generic_category(), "bind/listen");
    }
    return fd;
}

/// The port a bound socket @p fd listens on.
inline std::uint16_t local_port(int fd) {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        throw std::system_error(errno, std::generic_category(), "getsockname");
    return ntohs(addr.sin_port);
}

/// Raises the soft limit on open descriptors to the hard limit; returns {soft, hard}.
inline std::pair<rlim_t, rlim_t> raise_fd_limit() {
    rlimit r{};
    ::getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
    ::getrlimit(RLIMIT_NOFILE, &r);
    return {r.rlim_cur, r.rlim_max};
}

/// The command line every echo server of the chapter takes, so that echo_bench drives
/// them alike.
struct server_options {
    int port = 0;           ///< port on 127.0.0.1; 0 lets the kernel choose a free one
    int backlog = 1024;     ///< listen queue length
    int max_seconds = 300;  ///< the server stops after this long at the latest
};

/// Parses an echo server's command line (a bad argument: usage on stderr, exit 2) and
/// raises the soft limit on open descriptors to the hard one, for a thousand connections.
inline server_options parse_server_options(int argc, char** argv, const char* name,
                                           const char* about) {
    server_options o;
    book::cli::Parser cli(name, about);
    cli.option("port", o.port, 0, 65535, "port on 127.0.0.1 (0: any free port)")
        .option("backlog", o.backlog, 1, 65535, "listen queue length")
        .option("max-seconds", o.max_seconds, 1, 3600,
                "stop after this long at the latest");
    cli.parse(argc, argv);
    raise_fd_limit();
    return o;
}

/**
 * @brief A TCP echo server on an event_loop: every byte a client sends comes back.
 *
 * Each connection is watched for EPOLLIN; the callback reads what is there (one read)
 * and writes it back at once. When the socket cannot take it all, the rest is kept,
 * reading stops, and the connection waits for EPOLLOUT before it reads again, so a
 * client that never reads cannot make the server buffer without bound. End of file,
 * an error or a reset closes the connection and its descriptor; a client that
 * half-closes has had every echo written before its end of file is read.
 *
 * @code
 * book::loop::event_loop loop;
 * book::loop::echo_server server(loop, 0, 1024);   // port 0: any free port
 * std::printf("port %u\n", server.port());
 * loop.run();                                      // until server.close()
 * @endcode
 */
class echo_server {
public:
    /// Listens on 127.0.0.1:@p port with a listen queue of @p backlog.
    echo_server(event_loop& loop, std::uint16_t port, int backlog)
        : loop_(loop), listener_(listen_tcp(port, backlog, true)) {
        loop_.watch(listener_, EPOLLIN, [this](std::uint32_t) { accept_all(); });
    }
    echo_server(const echo_server&) = delete;
    echo_server& operator=(const echo_server&) = delete;
    /// Closes everything still open.
    ~echo_server() { close(); }

    /// The port the server listens on.
    std::uint16_t port() const { return local_port(listener_); }
    /// Connections open now.
    std::size_t connections() const { return conns_.size(); }
    /// Connections accepted so far.
    std::uint64_t accepted() const { return accepted_; }

    /// Stops listening and closes every connection (the loop can then end).
    void close() {
        if (listener_ >= 0) loop_.close(std::exchange(listener_, -1));
        while (!conns_.empty()) drop(conns_.begin()->first);
    }

private:
    struct connection {
        std::string unsent;  // echo the socket could not take yet
    };

    // [echo]
    void accept_all() {
        for (;;) {
            const int fd =
                ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;  // EAGAIN: no more waiting; errors: try next time
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            conns_.emplace(fd, connection{});
            ++accepted_;
            loop_.watch(fd, EPOLLIN, [this, fd](std::uint32_t ev) { on_ready(fd, ev); });
        }
    }

    void on_ready(int fd, std::uint32_t events) {
        connection& c = conns_.at(fd);
        if (!c.unsent.empty()) {  // EPOLLOUT: finish the echo before reading again
            if (send_some(fd, c) && c.unsent.empty()) loop_.rewatch(fd, EPOLLIN);
            return;
        }
        if (events & (EPOLLERR)) return drop(fd);
        const ssize_t n = ::read(fd, buffer_, sizeof buffer_);
        if (n == 0) return drop(fd);  // end of file, nothing pending
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) return;
            return drop(fd);  // reset or error
        }
        ssize_t w = ::send(fd, buffer_, static_cast<std::size_t>(n), MSG_NOSIGNAL);
        if (w < 0) {
            if (errno != EAGAIN && errno != EINTR) return drop(fd);
            w = 0;
        }
        if (w < n) {  // the socket is full: keep the rest, stop reading until it drains
            c.unsent.assign(buffer_ + w, static_cast<std::size_t>(n - w));
            loop_.rewatch(fd, EPOLLOUT);
        }
    }

    // Writes what it can; false when the connection was dropped.
    bool send_some(int fd, connection& c) {
        const ssize_t w = ::send(fd, c.unsent.data(), c.unsent.size(), MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EINTR) return true;
            drop(fd);
            return false;
        }
        c.unsent.erase(0, static_cast<std::size_t>(w));
        return true;
    }
    // [/echo]

    void drop(int fd) {
        conns_.erase(fd);
        loop_.close(fd);
    }

    event_loop& loop_;
    int listener_;
    std::unordered_map<int, connection> conns_;
    std::uint64_t accepted_ = 0;
    char buffer_[64 * 1024];
};

}  // namespace book::loop
