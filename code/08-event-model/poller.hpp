// poller.hpp: readiness notification over epoll, with registration safe from any thread.
#pragma once

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace book::loop {

/**
 * @brief Tells which registered file descriptors are ready, and calls their callbacks.
 *
 * A thin layer over Linux's epoll: add() registers a descriptor with the events it
 * waits for (EPOLLIN, EPOLLOUT, ...) and a callback; wait() blocks in epoll_wait until
 * at least one descriptor is ready, the timeout passes, or wake() is called, and then
 * calls the callback of every ready descriptor on the calling thread.
 *
 * Threads. add(), modify(), remove() and wake() may be called from any thread, also
 * while another thread is inside wait() (chapter 9 parks goroutines this way). wait()
 * itself runs on one thread at a time. A callback removed from another thread while
 * wait() is about to call it may still run once; a callback removed on the thread
 * that runs wait() never runs again, even for an event already returned by the kernel
 * (each registration carries a generation number that a stale event does not match).
 *
 * @code
 * book::loop::poller p;
 * p.add(fd, EPOLLIN, [&](std::uint32_t events) { handle(fd, events); });
 * while (running) p.wait(-1);  // -1: no timeout
 * p.remove(fd);
 * @endcode
 */
class poller {
public:
    /// Called with the ready events (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR, ...).
    using callback = std::function<void(std::uint32_t events)>;

    /// Creates the epoll instance and its wake-up eventfd; throws std::system_error.
    poller() {
        epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
        if (epfd_ < 0) throw error("epoll_create1");
        wakefd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (wakefd_ < 0) {
            ::close(epfd_);
            throw error("eventfd");
        }
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = wake_token;
        if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, wakefd_, &ev) != 0) {
            ::close(wakefd_);
            ::close(epfd_);
            throw error("epoll_ctl(eventfd)");
        }
    }
    poller(const poller&) = delete;
    poller& operator=(const poller&) = delete;
    /// Closes the epoll instance; registered descriptors stay open (they are the
    /// caller's).
    ~poller() {
        ::close(wakefd_);
        ::close(epfd_);
    }

    // [add]
    /// Registers @p fd for @p events; throws std::system_error (e.g. fd already
    /// registered).
    void add(int fd, std::uint32_t events, callback cb) {
        if (fd < 0) throw std::invalid_argument("poller::add: negative descriptor");
        std::lock_guard lock(mutex_);
        if (static_cast<std::size_t>(fd) >= slots_.size()) slots_.resize(fd + 1);
        slot& s = slots_[fd];
        if (s.cb) throw std::logic_error("poller::add: descriptor already registered");
        s.generation = ++generation_;
        s.cb = std::make_shared<callback>(std::move(cb));
        epoll_event ev{};
        ev.events = events;
        ev.data.u64 = token(fd, s.generation);
        if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
            s = slot{};
            throw error("epoll_ctl(ADD)");
        }
        ++count_;
    }
    // [/add]

    /// Changes the events @p fd waits for (for example adds EPOLLOUT while a write is
    /// pending); re-arms a descriptor registered with EPOLLONESHOT.
    void modify(int fd, std::uint32_t events) {
        std::lock_guard lock(mutex_);
        const slot& s = at(fd, "modify");
        epoll_event ev{};
        ev.events = events;
        ev.data.u64 = token(fd, s.generation);
        if (::epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) != 0)
            throw error("epoll_ctl(MOD)");
    }

    /// Unregisters @p fd; call it before closing the descriptor.
    void remove(int fd) {
        std::lock_guard lock(mutex_);
        slot& s = at(fd, "remove");
        ::epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
        s = slot{};
        --count_;
    }

    /// True when @p fd is registered.
    bool contains(int fd) const {
        std::lock_guard lock(mutex_);
        return fd >= 0 && static_cast<std::size_t>(fd) < slots_.size() && slots_[fd].cb;
    }

    /// Number of registered descriptors (the wake-up eventfd not counted).
    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return count_;
    }

    /// Makes a wait() in progress (or the next one) return at once. Any thread.
    void wake() noexcept {
        const std::uint64_t one = 1;
        // A full counter (EAGAIN) already means "wake up": nothing is lost.
        [[maybe_unused]] auto n = ::write(wakefd_, &one, sizeof one);
    }

    // [wait]
    /**
     * @brief Waits up to @p timeout_ms milliseconds (-1: no limit, 0: do not block)
     * and calls the callback of every ready descriptor.
     * @return the number of callbacks called.
     */
    std::size_t wait(int timeout_ms) {
        int n;
        do {
            n = ::epoll_wait(epfd_, events_, max_events, timeout_ms);
        } while (n < 0 && errno == EINTR);
        if (n < 0) throw error("epoll_wait");
        std::size_t called = 0;
        for (int i = 0; i < n; ++i) {
            const std::uint64_t t = events_[i].data.u64;
            if (t == wake_token) {
                std::uint64_t drained;
                [[maybe_unused]] auto r = ::read(wakefd_, &drained, sizeof drained);
                continue;
            }
            std::shared_ptr<callback> cb = lookup(t);
            if (!cb) continue;  // removed since the kernel reported it
            (*cb)(events_[i].events);
            ++called;
        }
        return called;
    }
    // [/wait]

private:
    struct slot {
        std::uint32_t generation = 0;
        std::shared_ptr<callback> cb;
    };
    static constexpr int max_events = 256;
    static constexpr std::uint64_t wake_token = ~std::uint64_t{0};

    static std::uint64_t token(int fd, std::uint32_t generation) {
        return (std::uint64_t{generation} << 32) | static_cast<std::uint32_t>(fd);
    }
    static std::system_error error(const char* what) {
        return std::system_error(errno, std::generic_category(),
                                 std::string("poller: ") + what);
    }
    slot& at(int fd, const char* what) {
        if (fd < 0 || static_cast<std::size_t>(fd) >= slots_.size() || !slots_[fd].cb)
            throw std::logic_error(std::string("poller::") + what +
                                   ": descriptor not registered");
        return slots_[fd];
    }
    std::shared_ptr<callback> lookup(std::uint64_t t) {
        const int fd = static_cast<int>(t & 0xffffffffu);
        const auto generation = static_cast<std::uint32_t>(t >> 32);
        std::lock_guard lock(mutex_);
        if (static_cast<std::size_t>(fd) >= slots_.size()) return nullptr;
        const slot& s = slots_[fd];
        return s.generation == generation ? s.cb : nullptr;
    }

    int epfd_ = -1;
    int wakefd_ = -1;
    mutable std::mutex mutex_;
    std::vector<slot> slots_;
    std::uint32_t generation_ = 0;
    std::size_t count_ = 0;
    epoll_event events_[max_events];
};

}  // namespace book::loop
