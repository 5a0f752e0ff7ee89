// promisify.hpp: turn a callback-style read into one that returns a promise.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <functional>
#include <string>
#include <system_error>

#include "loop.hpp"
#include "promise.hpp"

namespace book::loop::exercises {

/// Callback style, as in Node's fs.read: when @p fd is readable, reads at most 4096
/// bytes and calls @p done(data, 0), or done("", errno) when read() fails.
inline void read_callback(event_loop& loop, int fd,
                          std::function<void(std::string, int)> done) {
    loop.watch(fd, EPOLLIN, [&loop, fd, done](std::uint32_t) {
        loop.unwatch(fd);
        char buf[4096];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0)
            done("", errno);
        else
            done(std::string(buf, static_cast<std::size_t>(n)), 0);
    });
}

/// Promise style, as util.promisify(fs.read): the same read, as a promise that is
/// fulfilled with the data, or rejected with std::system_error(err) when err != 0.
inline promise<std::string> read_promise(event_loop& loop, int fd) {
    promise<std::string> p(loop);
    read_callback(loop, fd, [p](std::string data, int err) {
        if (err != 0)
            p.reject(std::system_error(err, std::generic_category(), "read"));
        else
            p.resolve(std::move(data));
    });
    return p;
}

}  // namespace book::loop::exercises
