// A TCP echo server on libuv, Node's own event loop library; prints its port, ends
// when stdin closes.
#include <uv.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include "echo_server.hpp"

namespace {

struct client {
    uv_tcp_t handle;
    char buf[64 * 1024];
};
struct write_req {
    uv_write_t req;
    char data[1];  // allocated longer
};

uv_tcp_t server;
uv_poll_t input;
uv_timer_t limit;
std::set<client*> clients;

void on_closed(uv_handle_t* h) {
    auto* c = reinterpret_cast<client*>(h);
    clients.erase(c);
    delete c;
}

// [echo]
void on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    auto* c = reinterpret_cast<client*>(h);
    *buf = uv_buf_init(c->buf, sizeof c->buf);
}

void on_written(uv_write_t* req, int) { std::free(req); }

void on_read(uv_stream_t* stream, ssize_t n, const uv_buf_t* buf) {
    if (n < 0) {  // UV_EOF or an error
        if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(stream)))
            uv_close(reinterpret_cast<uv_handle_t*>(stream), on_closed);
        return;
    }
    if (n == 0) return;
    // Write at once if the socket takes it all; queue a copy of the rest otherwise.
    uv_buf_t now = uv_buf_init(buf->base, static_cast<unsigned>(n));
    int done = uv_try_write(stream, &now, 1);
    if (done == n) return;
    if (done < 0) done = 0;
    const size_t rest = static_cast<size_t>(n - done);
    auto* w = static_cast<write_req*>(std::malloc(sizeof(write_req) + rest));
    std::memcpy(w->data, buf->base + done, rest);
    uv_buf_t later = uv_buf_init(w->data, static_cast<unsigned>(rest));
    uv_write(&w->req, stream, &later, 1, on_written);
}

void on_connection(uv_stream_t* srv, int status) {
    if (status < 0) return;
    auto* c = new client;
    uv_tcp_init(srv->loop, &c->handle);
    if (uv_accept(srv, reinterpret_cast<uv_stream_t*>(&c->handle)) != 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(&c->handle),
                 [](uv_handle_t* h) { delete reinterpret_cast<client*>(h); });
        return;
    }
    clients.insert(c);
    uv_tcp_nodelay(&c->handle, 1);
    uv_read_start(reinterpret_cast<uv_stream_t*>(&c->handle), on_alloc, on_read);
}
// [/echo]

void stop_all() {
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&server))) {
        uv_close(reinterpret_cast<uv_handle_t*>(&server), nullptr);
        uv_close(reinterpret_cast<uv_handle_t*>(&input), nullptr);
        uv_close(reinterpret_cast<uv_handle_t*>(&limit), nullptr);
        for (client* c : std::set<client*>(clients))
            if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&c->handle)))
                uv_close(reinterpret_cast<uv_handle_t*>(&c->handle), on_closed);
    }
}

}  // namespace

int main(int argc, char** argv) {
    const auto opt = book::loop::parse_server_options(argc, argv, "echo_uv",
                                                      "TCP echo server on libuv.");

    // libuv writes with write(2), which raises SIGPIPE on a connection the client has
    // reset, and the default action ends the process: ignore it, as Node does at start.
    std::signal(SIGPIPE, SIG_IGN);
    uv_loop_t* loop = uv_default_loop();
    uv_tcp_init(loop, &server);
    sockaddr_in addr{};
    uv_ip4_addr("127.0.0.1", opt.port, &addr);
    if (uv_tcp_bind(&server, reinterpret_cast<const sockaddr*>(&addr), 0) != 0 ||
        uv_listen(reinterpret_cast<uv_stream_t*>(&server), opt.backlog, on_connection) !=
            0) {
        std::fprintf(stderr, "echo_uv: cannot listen\n");
        return 1;
    }
    sockaddr_in bound{};
    int len = sizeof bound;
    uv_tcp_getsockname(&server, reinterpret_cast<sockaddr*>(&bound), &len);
    std::printf("port %u\n", ntohs(bound.sin_port));
    std::fflush(stdout);

    uv_poll_init(loop, &input, 0);
    uv_poll_start(&input, UV_READABLE, [](uv_poll_t*, int, int) {
        char c[64];
        if (::read(0, c, sizeof c) <= 0) stop_all();
    });
    uv_timer_init(loop, &limit);
    uv_timer_start(
        &limit, [](uv_timer_t*) { stop_all(); }, 1000ULL * opt.max_seconds, 0);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    return 0;
}
