// A TCP echo server with one thread per connection; prints its port, ends when stdin
// closes.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "echo_server.hpp"

namespace {
// [serve]
void serve(int fd) {
    char buf[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);  // blocks this thread only
        if (n <= 0) return;
        for (ssize_t off = 0; off < n;) {
            const ssize_t w = ::send(fd, buf + off, n - off, MSG_NOSIGNAL);
            if (w <= 0) return;
            off += w;
        }
    }
}
// [/serve]
}  // namespace

int main(int argc, char** argv) {
    const auto opt = book::loop::parse_server_options(
        argc, argv, "echo_threads", "TCP echo server, one thread per connection.");
    const int listener =
        book::loop::listen_tcp(static_cast<std::uint16_t>(opt.port), opt.backlog, false);
    std::printf("port %u\n", book::loop::local_port(listener));
    std::fflush(stdout);

    std::mutex m;
    std::condition_variable all_done;
    std::vector<int> fds;  // open connections, each served by one detached thread
    std::atomic<bool> stopping{false};
    // Stdin closed (or the time limit): wake accept() and every blocked read().
    std::thread watchdog([&] {
        std::thread limit([&] {
            for (int i = 0; i < opt.max_seconds * 10 && !stopping; ++i) ::usleep(100000);
            stopping = true;
        });
        char c[64];
        while (!stopping && ::read(0, c, sizeof c) > 0) {
        }
        stopping = true;
        limit.join();
        std::lock_guard lock(m);
        ::shutdown(listener, SHUT_RDWR);
        for (int fd : fds) ::shutdown(fd, SHUT_RDWR);
    });
    for (;;) {
        const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        std::lock_guard lock(m);
        if (fd < 0 || stopping) {
            if (fd >= 0) ::close(fd);
            if (stopping) break;
            continue;
        }
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fds.push_back(fd);
        std::thread([&, fd] {
            serve(fd);
            std::lock_guard lock(m);  // close under the lock: the watchdog shuts fds down
            std::erase(fds, fd);
            ::close(fd);
            all_done.notify_all();
        }).detach();
    }
    watchdog.join();
    std::unique_lock lock(m);
    all_done.wait(lock, [&] { return fds.empty(); });
    ::close(listener);
    return 0;
}
