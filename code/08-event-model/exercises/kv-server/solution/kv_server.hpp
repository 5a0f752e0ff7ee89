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
        if (line.starts_with("SET ")) {
            const std::string_view rest = line.substr(4);
            const std::size_t space = rest.find(' ');
            if (space == std::string_view::npos || space == 0) return "ERR";
            store_.insert_or_assign(std::string(rest.substr(0, space)),
                                    std::string(rest.substr(space + 1)));
            return "OK";
        }
        if (line.starts_with("GET ") && line.size() > 4) {
            const auto it = store_.find(line.substr(4));
            return it == store_.end() ? "NIL" : it->second;
        }
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
        std::string& pending = partial_[fd];
        pending.append(buf, static_cast<std::size_t>(n));
        std::size_t start = 0;
        for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos;
             start = nl + 1) {
            reply(fd, answer(std::string_view(pending).substr(start, nl - start)) + "\n");
            if (!partial_.count(fd))
                return;  // the reply failed and dropped the connection
        }
        pending.erase(0, start);  // keep the unfinished line
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
