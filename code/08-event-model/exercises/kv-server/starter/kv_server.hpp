// kv_server.hpp: a line-based key-value server on the book's loop.
#pragma once

#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "echo_server.hpp"
#include "loop.hpp"

namespace book::loop::exercises {

/// A key-value store served over TCP, one command per line ("\n"-terminated):
///   `SET key value` stores value (the rest of the line) and answers `OK`;
///   `GET key` answers the value, or `NIL` when the key is unknown;
///   anything else answers `ERR`.
/// A line may arrive in several pieces, and one read may carry several lines.
class kv_server {
public:
    /// Listens on 127.0.0.1:@p port (0: any free port).
    kv_server(event_loop& loop, std::uint16_t port)
        : loop_(loop), listener_(listen_tcp(port, 128, true)) {
        loop_.watch(listener_, EPOLLIN, [this](std::uint32_t) { accept_all(); });
    }
    ~kv_server() { close(); }
    /// The port it listens on.
    std::uint16_t port() const { return local_port(listener_); }
    /// Stops listening and closes every connection.
    void close() {
        if (listener_ >= 0) loop_.close(std::exchange(listener_, -1));
        while (!partial_.empty()) drop(partial_.begin()->first);
    }

    /// The answer to one command line (without its "\n"), also without its "\n".
    std::string answer(std::string_view line) {
        // TODO: SET key value -> store, "OK"; GET key -> value or "NIL"; else "ERR".
        (void)line;
        return "ERR";
    }

private:
    void accept_all() {
        for (;;) {
            const int fd =
                ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;
            partial_[fd];
            loop_.watch(fd, EPOLLIN, [this, fd](std::uint32_t) { on_readable(fd); });
        }
    }

    void on_readable(int fd) {
        char buf[4096];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return drop(fd);
        if (n < 0) return;
        // TODO: this treats every read as exactly one line, which TCP never promised.
        //       Append the bytes to partial_[fd] instead; for every complete line in it,
        //       reply(fd, answer(line) + "\n"); keep the unfinished rest for the next
        //       read. (A failed reply drops the connection and its partial_ entry.)
        std::string_view line(buf, static_cast<std::size_t>(n));
        if (line.ends_with('\n')) line.remove_suffix(1);
        reply(fd, answer(line) + "\n");
    }

    void reply(int fd, const std::string& text) {
        // Small answers: a blocking-free send that the socket buffer always takes here.
        if (::send(fd, text.data(), text.size(), MSG_NOSIGNAL) < 0) drop(fd);
    }

    void drop(int fd) {
        partial_.erase(fd);
        loop_.close(fd);
    }

    event_loop& loop_;
    int listener_;
    std::unordered_map<int, std::string> partial_;  // per connection: an unfinished line
    std::map<std::string, std::string, std::less<>> store_;
};

}  // namespace book::loop::exercises
