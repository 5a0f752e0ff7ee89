// A TCP echo server on io_uring (completions: "your read is done") instead of epoll
// (readiness: "you may read now"); prints its port, ends when stdin closes.
#include <liburing.h>
#include <netinet/tcp.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "echo_server.hpp"

namespace {

enum op : unsigned { accept_op, recv_op, send_op, input_op };

struct conn {
    int fd;
    char buf[64 * 1024];
    unsigned len = 0, sent = 0;
};

struct server {
    io_uring ring;
    int listener;
    bool stopping = false;
    char input[64];
    std::unordered_map<int, std::unique_ptr<conn>> conns;

    // user_data: the descriptor in the low 32 bits, the operation above them.
    static std::uint64_t tag(op o, int fd) {
        return (std::uint64_t{o} << 32) | static_cast<std::uint32_t>(fd);
    }
    io_uring_sqe* sqe() {
        io_uring_sqe* s = io_uring_get_sqe(&ring);
        if (!s) {
            io_uring_submit(&ring);
            s = io_uring_get_sqe(&ring);
        }
        return s;
    }
    // [submit]
    void want_accept() {
        io_uring_sqe* s = sqe();
        io_uring_prep_accept(s, listener, nullptr, nullptr, SOCK_CLOEXEC);
        io_uring_sqe_set_data64(s, tag(accept_op, listener));
    }
    void want_recv(conn& c) {
        io_uring_sqe* s = sqe();
        io_uring_prep_recv(s, c.fd, c.buf, sizeof c.buf, 0);
        io_uring_sqe_set_data64(s, tag(recv_op, c.fd));
    }
    void want_send(conn& c) {
        io_uring_sqe* s = sqe();
        io_uring_prep_send(s, c.fd, c.buf + c.sent, c.len - c.sent, MSG_NOSIGNAL);
        io_uring_sqe_set_data64(s, tag(send_op, c.fd));
    }
    // [/submit]
    void want_input() {
        io_uring_sqe* s = sqe();
        io_uring_prep_read(s, 0, input, sizeof input, 0);
        io_uring_sqe_set_data64(s, tag(input_op, 0));
    }

    // [complete]
    void complete(op o, int fd, int res) {
        if (o == input_op) {
            if (res <= 0)
                stopping = true;
            else
                want_input();
            return;
        }
        if (o == accept_op) {
            if (res >= 0 && !stopping) {
                const int one = 1;
                ::setsockopt(res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                // Default-initialised: the 64 KiB buffer is not zero-filled, so a
                // connection touches only the pages its messages use, as in the others.
                auto c = std::make_unique_for_overwrite<conn>();
                c->fd = res;
                want_recv(*c);
                conns.emplace(res, std::move(c));
            } else if (res >= 0) {
                ::close(res);
            }
            if (!stopping) want_accept();
            return;
        }
        auto it = conns.find(fd);
        if (it == conns.end()) return;
        conn& c = *it->second;
        if (res <= 0) {  // end of file, reset or error
            ::close(fd);
            conns.erase(it);
            return;
        }
        if (o == recv_op) {
            c.len = static_cast<unsigned>(res);
            c.sent = 0;
            want_send(c);
        } else {
            c.sent += static_cast<unsigned>(res);
            if (c.sent < c.len)
                want_send(c);
            else
                want_recv(c);
        }
    }
    // [/complete]
};

}  // namespace

int main(int argc, char** argv) {
    const auto opt = book::loop::parse_server_options(
        argc, argv, "echo_uring", "TCP echo server on io_uring (liburing).");

    server s;
    // [probe]
    if (const int rc = io_uring_queue_init(4096, &s.ring, 0); rc < 0) {
        // Some containers and hardened kernels refuse io_uring_setup.
        std::printf("unavailable: io_uring_setup refused: %s\n", std::strerror(-rc));
        return 0;
    }
    // [/probe]
    s.listener =
        book::loop::listen_tcp(static_cast<std::uint16_t>(opt.port), opt.backlog, false);
    std::printf("port %u\n", book::loop::local_port(s.listener));
    std::fflush(stdout);
    s.want_accept();
    s.want_input();
    __kernel_timespec limit{opt.max_seconds, 0};
    while (!s.stopping) {
        io_uring_cqe* cqe = nullptr;
        io_uring_submit_and_wait_timeout(&s.ring, &cqe, 1, &limit, nullptr);
        if (!cqe) break;  // the time limit
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&s.ring, head, cqe) {
            const std::uint64_t t = io_uring_cqe_get_data64(cqe);
            s.complete(static_cast<op>(t >> 32), static_cast<int>(t & 0xffffffffu),
                       cqe->res);
            ++seen;
        }
        io_uring_cq_advance(&s.ring, seen);
    }
    for (auto& [fd, c] : s.conns) ::close(fd);
    ::close(s.listener);
    io_uring_queue_exit(&s.ring);
    return 0;
}
