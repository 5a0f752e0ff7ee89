// A TCP echo server on Boost.Asio with C++20 coroutines; prints its port, ends when
// stdin closes.
// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>, and its
// configuration recognises C++20 coroutines only in g++ (and in clang with libc++'s
// <experimental/coroutine>): with clang and libstdc++'s <coroutine>, say so.
#include <utility>
#if defined(__clang__) && defined(__cpp_impl_coroutine)
#define BOOST_ASIO_HAS_CO_AWAIT 1
#define BOOST_ASIO_HAS_STD_COROUTINE 1
#endif

#include <boost/asio.hpp>

#include <functional>

#include <cstdio>

#include "echo_server.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
// [echo]
asio::awaitable<void> echo(tcp::socket socket) {
    char data[64 * 1024];
    try {
        for (;;) {
            const std::size_t n =
                co_await socket.async_read_some(asio::buffer(data), asio::use_awaitable);
            co_await asio::async_write(socket, asio::buffer(data, n),
                                       asio::use_awaitable);
        }
    } catch (const std::exception&) {
        // end of file, reset or shutdown: the socket closes as it goes out of scope
    }
}

asio::awaitable<void> listen(tcp::acceptor& acceptor) {
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
        socket.set_option(tcp::no_delay(true));
        asio::co_spawn(acceptor.get_executor(), echo(std::move(socket)), asio::detached);
    }
}
// [/echo]
}  // namespace

int main(int argc, char** argv) {
    const auto opt = book::loop::parse_server_options(
        argc, argv, "echo_asio", "TCP echo server on Boost.Asio coroutines.");

    asio::io_context io(1);  // one thread: no locking inside Asio
    tcp::acceptor acceptor(io);
    const tcp::endpoint at(asio::ip::make_address("127.0.0.1"),
                           static_cast<unsigned short>(opt.port));
    acceptor.open(at.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(at);
    acceptor.listen(opt.backlog);
    std::printf("port %u\n", acceptor.local_endpoint().port());
    std::fflush(stdout);

    asio::co_spawn(io, listen(acceptor), asio::detached);
    asio::posix::stream_descriptor input(io, ::dup(0));
    char c[64];
    std::function<void(boost::system::error_code, std::size_t)> on_input =
        [&](boost::system::error_code ec, std::size_t) {
            if (ec) return io.stop();
            input.async_read_some(asio::buffer(c), on_input);
        };
    input.async_read_some(asio::buffer(c), on_input);
    asio::steady_timer limit(io, std::chrono::seconds(opt.max_seconds));
    limit.async_wait([&](boost::system::error_code ec) {
        if (!ec) io.stop();
    });
    io.run();
    return 0;
}
