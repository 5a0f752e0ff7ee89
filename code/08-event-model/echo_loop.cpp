// A TCP echo server on the book's event loop; prints its port, ends when stdin closes.
#include <cstdio>

#include "echo_server.hpp"
#include "loop.hpp"

int main(int argc, char** argv) {
    const auto opt = book::loop::parse_server_options(
        argc, argv, "echo_loop", "TCP echo server on the book's event loop.");

    // [main]
    book::loop::event_loop loop;
    book::loop::echo_server server(loop, static_cast<std::uint16_t>(opt.port),
                                   opt.backlog);
    std::printf("port %u\n", server.port());
    std::fflush(stdout);
    // Stop when the driver closes our stdin, or after max_seconds at the latest.
    book::loop::event_loop::timer_id limit = 0;
    auto stop = [&] {
        loop.unwatch(0);
        loop.clear_timer(limit);
        server.close();
    };
    loop.watch(0, EPOLLIN, [&](std::uint32_t) {
        char c[64];
        if (::read(0, c, sizeof c) <= 0) stop();
    });
    limit = loop.set_timeout(stop, 1000LL * opt.max_seconds);
    loop.run();
    // [/main]
    return 0;
}
