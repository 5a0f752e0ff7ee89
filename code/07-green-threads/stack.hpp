// stack.hpp: stacks for green threads (mmap regions with a PROT_NONE guard page), a pool
// that reuses them, and the per-thread alternate signal stack that reports an overflow.
#pragma once

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include "context.hpp"

#if defined(BOOK_GREEN_ASAN)
extern "C" void __asan_unpoison_memory_region(void const volatile* addr,
                                              std::size_t size);
#endif

namespace book::green {

/// The size of a memory page on this machine, in bytes.
inline std::size_t page_size() {
    static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    return size;
}

/**
 * @brief A green thread's stack: a private anonymous mapping, optionally with a guard
 * page below it.
 *
 * Stacks grow down, so the guard page sits at the low end: a function that runs past
 * the bottom touches the guard page and the kernel raises SIGSEGV instead of letting it
 * overwrite whatever lies below. The mapping reserves address space only; the kernel
 * commits a page of memory when it is first touched. A guarded stack costs two entries
 * of the process's memory map (see vm.max_map_count); an unguarded one from a
 * StackPool's arena costs none of its own.
 *
 * @code
 * book::green::Stack s(64 * 1024, book::green::Stack::Guard::yes);
 * auto ctx = book::green::Context::fresh(s.low(), s.size(), entry);
 * @endcode
 */
class Stack {
public:
    /// Whether a PROT_NONE page is placed below the usable stack.
    enum class Guard : bool {
        no,  ///< no guard page: an overflow silently corrupts memory below
        yes  ///< a guard page: an overflow faults
    };

    /// An empty stack (owns nothing).
    Stack() = default;

    // [stack-map]
    /// Maps a stack of @p size usable bytes (rounded up to whole pages).
    Stack(std::size_t size, Guard guard) {
        const std::size_t page = page_size();
        size_ = (size + page - 1) / page * page;
        const std::size_t guard_bytes = guard == Guard::yes ? page : 0;
        void* p = mmap(nullptr, size_ + guard_bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (p == MAP_FAILED)
            throw std::system_error(errno, std::generic_category(), "mmap");
        // The lowest page becomes the guard: no access at all.
        if (guard_bytes != 0 && mprotect(p, guard_bytes, PROT_NONE) != 0) {
            int err = errno;
            munmap(p, size_ + guard_bytes);
            throw std::system_error(err, std::generic_category(), "mprotect");
        }
        mapping_ = p;
        mapping_size_ = size_ + guard_bytes;
        low_ = static_cast<char*>(p) + guard_bytes;
        guard_bytes_ = guard_bytes;
    }
    // [/stack-map]

    /// A stack of @p size bytes at @p low inside memory someone else owns (an arena).
    static Stack borrowed(void* low, std::size_t size) {
        Stack s;
        s.low_ = low;
        s.size_ = size;
        return s;
    }

    /// Takes over @p o's mapping.
    Stack(Stack&& o) noexcept { swap(o); }
    /// Takes over @p o's mapping, unmapping this one's.
    Stack& operator=(Stack&& o) noexcept {
        Stack tmp(std::move(o));
        swap(tmp);
        return *this;
    }
    /// Not copyable: one owner per mapping.
    Stack(const Stack&) = delete;
    /// Not copyable.
    Stack& operator=(const Stack&) = delete;
    /// Unmaps the stack and its guard page, if this object owns them.
    ~Stack() {
        if (mapping_ != nullptr) {
#if defined(BOOK_GREEN_ASAN)
            __asan_unpoison_memory_region(low_, size_);
#endif
            munmap(mapping_, mapping_size_);
        }
    }

    /// The lowest usable address (the stack pointer starts at low() + size()).
    void* low() const { return low_; }
    /// The usable size in bytes.
    std::size_t size() const { return size_; }
    /// True when a guard page lies directly below low().
    bool guarded() const { return guard_bytes_ != 0; }
    /// The first address of the guard page (nullptr when unguarded).
    void* guard_low() const {
        return guard_bytes_ ? static_cast<char*>(low_) - guard_bytes_ : nullptr;
    }
    /// True when this object owns a mapping (false when empty or borrowed).
    bool owns_mapping() const { return mapping_ != nullptr; }

private:
    void swap(Stack& o) noexcept {
        std::swap(mapping_, o.mapping_);
        std::swap(mapping_size_, o.mapping_size_);
        std::swap(low_, o.low_);
        std::swap(size_, o.size_);
        std::swap(guard_bytes_, o.guard_bytes_);
    }

    void* mapping_ = nullptr;
    std::size_t mapping_size_ = 0;
    void* low_ = nullptr;
    std::size_t size_ = 0;
    std::size_t guard_bytes_ = 0;
};

/**
 * @brief Hands out stacks of one size and takes them back for reuse.
 *
 * Guarded stacks are mapped one by one (two map entries each). Unguarded stacks are
 * carved from arenas of @p arena_stacks stacks each, one mapping per arena, so that
 * 100,000 of them stay far below vm.max_map_count. A returned stack is kept for the
 * next acquire() (up to @p keep of them); memory its previous owner touched stays
 * committed. The pool does not synchronise: one OS thread uses it at a time, and the
 * user of a reused stack orders it after its previous owner (the scheduler does, for
 * ThreadSanitizer, with a release and an acquire on the stack's address).
 *
 * @code
 * book::green::StackPool pool(16 * 1024, book::green::Stack::Guard::no);
 * book::green::Stack s = pool.acquire();
 * pool.release(std::move(s));  // the next acquire() returns it again
 * @endcode
 */
class StackPool {
public:
    /// A pool of stacks of @p stack_size bytes, guarded or not.
    StackPool(std::size_t stack_size, Stack::Guard guard, std::size_t keep = 1024,
              std::size_t arena_stacks = 256)
        : stack_size_((stack_size + page_size() - 1) / page_size() * page_size()),
          guard_(guard),
          keep_(keep),
          arena_stacks_(arena_stacks == 0 ? 1 : arena_stacks) {}
    /// Not copyable.
    StackPool(const StackPool&) = delete;
    /// Not copyable.
    StackPool& operator=(const StackPool&) = delete;
    /// Unmaps every kept stack and every arena.
    ~StackPool() {
        free_.clear();
        for (auto& [p, n] : arenas_) {
#if defined(BOOK_GREEN_ASAN)
            __asan_unpoison_memory_region(p, n);
#endif
            munmap(p, n);
        }
    }

    /// A stack: a kept one if any, else a new one.
    Stack acquire() {
        if (!free_.empty()) {
            Stack s = std::move(free_.back());
            free_.pop_back();
#if defined(BOOK_GREEN_ASAN)
            // Frames that never returned (an entry function) left their redzones
            // poisoned.
            __asan_unpoison_memory_region(s.low(), s.size());
#endif
            return s;
        }
        if (guard_ == Stack::Guard::yes) return Stack(stack_size_, Stack::Guard::yes);
        if (arena_next_ == arena_end_) new_arena();
        Stack s = Stack::borrowed(arena_next_, stack_size_);
        arena_next_ += stack_size_;
        return s;
    }

    /// Takes @p s back: kept for reuse, or unmapped when the pool keeps enough already.
    void release(Stack s) {
        if (s.low() == nullptr) return;
        if (free_.size() < keep_ || !s.owns_mapping()) free_.push_back(std::move(s));
    }

    /// The usable size of every stack of this pool.
    std::size_t stack_size() const { return stack_size_; }
    /// Whether this pool's stacks have guard pages.
    bool guarded() const { return guard_ == Stack::Guard::yes; }

private:
    void new_arena() {
        const std::size_t bytes = stack_size_ * arena_stacks_;
        void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (p == MAP_FAILED)
            throw std::system_error(errno, std::generic_category(), "mmap");
        arenas_.emplace_back(p, bytes);
        arena_next_ = static_cast<char*>(p);
        arena_end_ = arena_next_ + bytes;
    }

    std::size_t stack_size_;
    Stack::Guard guard_;
    std::size_t keep_;
    std::size_t arena_stacks_;
    std::vector<Stack> free_;
    std::vector<std::pair<void*, std::size_t>> arenas_;
    char* arena_next_ = nullptr;
    char* arena_end_ = nullptr;
};

namespace detail {
/// What the overflow handler knows about the green thread running on this OS thread.
struct RunningGuard {
    std::uintptr_t guard_low = 0;   ///< first byte of its guard page (0: none)
    std::uintptr_t guard_high = 0;  ///< one past the last byte of its guard page
    std::uint64_t id = 0;           ///< its number, for the report
};
inline thread_local RunningGuard running_guard;

// Formats @p v in decimal or hexadecimal into @p out, without allocating (signal-safe).
inline char* format_unsigned(char* out, std::uint64_t v, unsigned base) {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v != 0);
    while (n > 0) *out++ = digits[--n];
    return out;
}

// [overflow-handler]
// Runs on the alternate signal stack, since the faulting stack has no room left. It
// may only call async-signal-safe functions: it formats by hand and uses write(2).
inline void on_segv(int sig, siginfo_t* info, void*) {
    const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
    const RunningGuard g = running_guard;
    char msg[160];
    char* p = msg;
    auto put = [&p](const char* s) {
        while (*s) *p++ = *s++;
    };
    if (g.guard_low != 0 && addr >= g.guard_low && addr < g.guard_high) {
        put("green thread ");
        p = format_unsigned(p, g.id, 10);
        put(" overflowed its stack (touched the guard page at 0x");
        p = format_unsigned(p, addr, 16);
        put(")\n");
    } else {
        put("segmentation fault outside any green thread's guard page\n");
    }
    [[maybe_unused]] ssize_t n =
        write(STDERR_FILENO, msg, static_cast<std::size_t>(p - msg));
    // Back to the default action: returning re-executes the faulting access, which now
    // ends the process with SIGSEGV, as it would have without this handler.
    signal(sig, SIG_DFL);
}
// [/overflow-handler]
}  // namespace detail

/**
 * @brief Installs (once per process) the SIGSEGV handler that names the green thread
 * whose stack overflowed, then lets the signal end the process as usual.
 *
 * The handler runs on the calling OS thread's alternate signal stack, which each OS
 * thread that runs green threads must set up with an AltSignalStack (sigaltstack is
 * per thread). The scheduler tells the handler which green thread is running.
 */
inline void install_overflow_reporter() {
    static std::atomic<bool> done{false};
    if (done.exchange(true)) return;
    struct sigaction sa {};
    sa.sa_sigaction = detail::on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, nullptr) != 0)
        throw std::system_error(errno, std::generic_category(), "sigaction");
}

/**
 * @brief An alternate signal stack for the calling OS thread, for as long as this object
 * lives: where a signal handler runs when the thread's own stack is unusable.
 *
 * @code
 * book::green::AltSignalStack alt;          // this thread
 * book::green::install_overflow_reporter();  // the process
 * @endcode
 */
class AltSignalStack {
public:
    /// Maps and installs an alternate stack of @p size bytes for the calling thread.
    explicit AltSignalStack(std::size_t size = 64 * 1024)
        : stack_(size, Stack::Guard::yes) {
        stack_t ss{};
        ss.ss_sp = stack_.low();
        ss.ss_size = stack_.size();
        ss.ss_flags = 0;
        if (sigaltstack(&ss, &previous_) != 0)
            throw std::system_error(errno, std::generic_category(), "sigaltstack");
    }
    /// Not copyable.
    AltSignalStack(const AltSignalStack&) = delete;
    /// Not copyable.
    AltSignalStack& operator=(const AltSignalStack&) = delete;
    /// Restores the thread's previous alternate stack (usually none).
    ~AltSignalStack() {
        if (previous_.ss_sp == nullptr) previous_.ss_flags = SS_DISABLE;
        sigaltstack(&previous_, nullptr);
    }

private:
    Stack stack_;
    stack_t previous_{};
};

}  // namespace book::green
