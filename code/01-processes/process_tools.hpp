// process_tools.hpp: owned descriptors, pipes, child creation and waiting, and a page
// buffer for copy-on-write experiments.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace book::processes {

namespace detail {
[[noreturn]] inline void throw_errno(int error, const char* what) {
    throw std::system_error(error, std::generic_category(), what);
}
}  // namespace detail

/**
 * @brief An open file descriptor that this object owns and closes when destroyed.
 *
 * A descriptor is a small integer naming an entry of the process's table of
 * open files. After fork the child has a copy of that table, so both processes
 * hold the same open file; each must close its own copy.
 *
 * @code
 * book::processes::FileDescriptor fd(::open("/etc/hostname", O_RDONLY));
 * std::string text = book::processes::read_all(fd.get());
 * @endcode
 */
class FileDescriptor {
public:
    /// An empty descriptor (owns nothing).
    FileDescriptor() = default;
    /// Takes ownership of @p fd; throws std::invalid_argument if it is negative.
    explicit FileDescriptor(int fd) : fd_(fd) {
        if (fd < 0)
            throw std::invalid_argument(
                "FileDescriptor: negative descriptor (did the call that made it "
                "fail?)");
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    /// Moves ownership; @p other is left empty.
    FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    /// Closes the descriptor this object owns, then takes @p other's.
    FileDescriptor& operator=(FileDescriptor&& other) noexcept {
        if (this != &other) {
            close();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    ~FileDescriptor() { close(); }

    /// The descriptor number, or -1 when empty.
    int get() const noexcept { return fd_; }
    /// Gives up ownership and returns the descriptor (the caller must close it);
    /// the object is left empty.
    int release() noexcept { return std::exchange(fd_, -1); }
    /// True when this object owns a descriptor.
    bool is_open() const noexcept { return fd_ >= 0; }
    /// Closes the descriptor now (no effect when empty).
    void close() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

/**
 * @brief A one-way channel in the kernel: bytes written to `write_end` are read
 * from `read_end`.
 *
 * Both ends are created close-on-exec, so a program started with exec or
 * posix_spawn does not inherit them by accident. A reader sees end of file
 * only when every copy of the write end, in every process, is closed: a
 * process that forgets to close its own copy waits forever.
 *
 * @code
 * auto pipe = book::processes::Pipe::create();
 * pid_t pid = book::processes::fork_child([&] {
 *     pipe.read_end.close();
 *     book::processes::write_all(pipe.write_end.get(), "hello");
 *     return 0;
 * });
 * pipe.write_end.close();  // or read_all never sees end of file
 * std::string got = book::processes::read_all(pipe.read_end.get());
 * book::processes::wait_for(pid);
 * @endcode
 */
struct Pipe {
    FileDescriptor read_end;   ///< bytes come out here
    FileDescriptor write_end;  ///< bytes go in here

    /// Creates a pipe with both ends close-on-exec; throws std::system_error on
    /// failure.
    static Pipe create() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) detail::throw_errno(errno, "pipe2");
        return Pipe{FileDescriptor(fds[0]), FileDescriptor(fds[1])};
    }
};

/**
 * @brief Writes every byte of @p bytes to @p fd, retrying after partial writes and
 * EINTR; throws std::system_error on failure.
 *
 * One failure does not reach the caller as an exception by default: a write to a
 * pipe (or socket) whose read ends are all closed makes the kernel send the
 * process SIGPIPE, whose default action ends the process. Only a process that
 * ignores or blocks SIGPIPE sees the write fail with EPIPE, which this function
 * then throws as std::system_error. A single write of at most PIPE_BUF bytes
 * (4096 on Linux) to a pipe is atomic: it never interleaves with another
 * writer's bytes. A longer one may be split, and so may the several writes
 * this function makes after a partial write.
 */
inline void write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            detail::throw_errno(errno, "write");
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

/// Reads from @p fd until end of file and returns everything read; throws
/// std::system_error on failure.
inline std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            detail::throw_errno(errno, "read");
        }
        if (n == 0) return out;
        out.append(buf, static_cast<std::size_t>(n));
    }
}

/**
 * @brief How a child process ended, decoded from the status that wait returns.
 */
struct ExitStatus {
    bool exited =
        false;       ///< true: the child called exit or _exit (or returned from main)
    int code = 0;    ///< the exit code when `exited`
    int signal = 0;  ///< the signal that killed the child when not `exited`

    /// Decodes a raw status word from waitpid or wait4.
    static ExitStatus from_wait_status(int status) {
        if (WIFEXITED(status)) return {true, WEXITSTATUS(status), 0};
        if (WIFSIGNALED(status)) return {false, 0, WTERMSIG(status)};
        return {};
    }
    /// True when the child exited with code 0.
    bool success() const noexcept { return exited && code == 0; }
    /// "exited with code N" or "killed by signal N (name)".
    std::string describe() const {
        if (exited) return "exited with code " + std::to_string(code);
        const char* name = ::strsignal(signal);
        return "killed by signal " + std::to_string(signal) + " (" + (name ? name : "?") +
               ")";
    }
};

/**
 * @brief What wait_for learns about a finished child: how it ended and what it
 * cost.
 */
struct ChildReport {
    ExitStatus status;  ///< how the child ended
    /// page faults the child took that needed no disk I/O (copy-on-write copies among
    /// them)
    long minor_faults = 0;
    long major_faults = 0;  ///< page faults the child took that needed disk I/O
};

/**
 * @brief Waits for child @p pid to end, reaps it, and reports its status and page
 * faults.
 *
 * Uses wait4, which returns the resource usage of that one child. Until a
 * child is waited for, it stays in the process table as a zombie. Retries
 * after EINTR; throws std::system_error if @p pid is not a child of this
 * process.
 */
inline ChildReport wait_for(pid_t pid) {
    int status = 0;
    rusage usage{};
    for (;;) {
        pid_t r = ::wait4(pid, &status, 0, &usage);
        if (r == pid) break;
        if (r < 0 && errno == EINTR) continue;
        detail::throw_errno(errno, "wait4");
    }
    return {ExitStatus::from_wait_status(status), usage.ru_minflt, usage.ru_majflt};
}

/**
 * @brief Forks; the child runs @p body and ends with `_exit(body())`; the parent
 * gets the child's PID.
 *
 * The child never returns into the caller's code. It ends with `_exit`, not
 * `exit`, so it neither runs the parent's atexit handlers nor flushes stdio
 * buffers it inherited (which would print their contents a second time; some
 * sanitizers, ThreadSanitizer among them, intercept `_exit` and do flush, so
 * flush stdio before fork whatever the child does). An
 * exception escaping @p body ends the child with code 125. In a program with
 * several threads, the child has only the thread that called fork: @p body
 * should then use async-signal-safe calls only (those POSIX allows in a signal
 * handler, such as write and _exit; printf and malloc are not among them).
 *
 * @code
 * pid_t pid = book::processes::fork_child([] { return 7; });
 * assert(book::processes::wait_for(pid).status.code == 7);
 * @endcode
 *
 * @return the child's PID, in the parent. Throws std::system_error if fork fails.
 */
template <class Body>
pid_t fork_child(Body&& body) {
    pid_t pid = ::fork();
    if (pid < 0) detail::throw_errno(errno, "fork");
    if (pid == 0) {
        int code = 125;
        try {
            code = static_cast<int>(body());
        } catch (...) {
        }
        ::_exit(code);
    }
    return pid;
}

/**
 * @brief Starts program @p argv[0] (a path, not searched in PATH) with posix_spawn.
 *
 * The new process inherits this process's environment and every descriptor
 * not marked close-on-exec. glibc creates it without copying the parent's
 * page tables (a vfork-like clone), so the cost does not grow with the
 * parent's memory, unlike fork followed by exec, whose page-table copy grows
 * with the private memory the parent has written.
 *
 * @code
 * pid_t pid = book::processes::spawn({"/bin/true"});
 * assert(book::processes::wait_for(pid).status.success());
 * @endcode
 *
 * @return the child's PID. Throws std::invalid_argument for an empty @p argv and
 *         std::system_error when the program cannot be started (for example
 *         ENOENT). Reporting a failed exec as an error is glibc's behaviour
 *         since 2.24 (and musl's); POSIX also allows posix_spawn to succeed and
 *         the child to exit with status 127.
 */
inline pid_t spawn(const std::vector<std::string>& argv) {
    if (argv.empty()) throw std::invalid_argument("spawn: argv is empty");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ);
    if (rc != 0) detail::throw_errno(rc, "posix_spawn");
    return pid;
}

/// The size of one page of virtual memory, in bytes.
inline std::size_t page_size() {
    return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

/**
 * @brief A private anonymous memory region in small pages, for experiments that
 * count pages.
 *
 * The region is mapped with mmap and marked MADV_NOHUGEPAGE, so the kernel
 * backs it with ordinary pages (4 KiB on x86-64) and every page is a separate
 * unit of copy-on-write. A page has no physical memory until it is first
 * touched; `discard` gives the memory back while keeping the mapping.
 *
 * @code
 * book::processes::PageBuffer buf(64 << 20);   // 64 MiB, nothing touched yet
 * buf.write_pages(buf.pages());                 // with 4 KiB pages, 16384 are now
 * resident
 * @endcode
 */
class PageBuffer {
public:
    /// Maps @p bytes (rounded up to whole pages); throws std::system_error on
    /// failure.
    explicit PageBuffer(std::size_t bytes) : page_(page_size()) {
        pages_ = (bytes + page_ - 1) / page_;
        if (pages_ == 0) return;
        void* p = ::mmap(nullptr, pages_ * page_, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) detail::throw_errno(errno, "mmap");
        data_ = static_cast<unsigned char*>(p);
#ifdef MADV_NOHUGEPAGE
        // advice only: fine if unsupported
        (void)::madvise(data_, pages_ * page_, MADV_NOHUGEPAGE);
#endif
    }
    PageBuffer(const PageBuffer&) = delete;
    PageBuffer& operator=(const PageBuffer&) = delete;
    ~PageBuffer() {
        if (data_ != nullptr) ::munmap(data_, pages_ * page_);
    }

    /// Number of pages in the region.
    std::size_t pages() const noexcept { return pages_; }
    /// Size of the region in bytes.
    std::size_t bytes() const noexcept { return pages_ * page_; }

    /// Writes one byte in each of the first @p n pages (n is clamped to pages()).
    void write_pages(std::size_t n, unsigned char value = 1) noexcept {
        n = std::min(n, pages_);
        for (std::size_t i = 0; i < n; ++i) data_[i * page_] = value;
    }
    /// Reads one byte from each of the first @p n pages and returns their sum (so
    /// the reads are not optimised away).
    std::uint64_t read_pages(std::size_t n) const noexcept {
        n = std::min(n, pages_);
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < n; ++i)
            sum += static_cast<const volatile unsigned char*>(data_)[i * page_];
        return sum;
    }
    /// Gives every page's memory back to the kernel (MADV_DONTNEED); later reads
    /// see zeros.
    void discard() noexcept {
        if (data_ != nullptr) (void)::madvise(data_, pages_ * page_, MADV_DONTNEED);
    }

private:
    std::size_t page_;
    std::size_t pages_ = 0;
    unsigned char* data_ = nullptr;
};

}  // namespace book::processes
