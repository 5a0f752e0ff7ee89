// A TCP echo server on the book's event loop; prints its port, ends when stdin closes.
#include <cstdio>

#include "cli.hpp"
#include "echo_server.hpp"
#include "loop.hpp"

int main(int argc, char** argv) {
    int port = 0, backlog = 1024, max_seconds = 300;
    book::cli::Parser cli("echo_loop", "TCP echo server on the book's event loop.");
    cli.option("port", port, 0, 65535, "port on 127.0.0.1 (0: any free port)")
        .option("backlog", backlog, 1, 65535, "listen queue length")
        .option("max-seconds", max_seconds, 1, 3600,
                "stop after this long at the latest");
    cli.parse(argc, argv);
    book::loop::raise_fd_limit();

    // [main]
    book::loop::event_loop loop;
    book::loop::echo_server server(loop, static_cast<std::uint16_t>(port), backlog);
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
    limit = loop.set_timeout(stop, 1000LL * max_seconds);
    loop.run();
    // [/main]
    return 0;
}
