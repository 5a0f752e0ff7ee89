// Shows a process's life beyond fork and wait: the states ps reports, the open file
// description that parent and child share after fork, and reaping children without
// blocking (SIGCHLD with a WNOHANG loop, a pidfd with poll, a subreaper).
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.hpp"
#include "process_tools.hpp"

namespace bp = book::processes;

namespace {

// Builds a line of text in a fixed buffer, without allocating memory.
struct Line {
    char buf[128] = {};
    std::size_t len = 0;
    Line& operator<<(const char* s) {
        while (*s && len < sizeof buf) buf[len++] = *s++;
        return *this;
    }
    Line& operator<<(long long v) { return *this << std::to_string(v).c_str(); }
    std::string_view view() const { return {buf, len}; }
};

// The state letter of process `pid` from /proc/PID/stat (the field after the
// command name in parentheses), or '?' if it cannot be read.
char state_of(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(stat, text);
    const auto close_paren = text.rfind(')');
    return close_paren == std::string::npos || close_paren + 2 >= text.size()
               ? '?'
               : text[close_paren + 2];
}

// Waits until process `pid` is in state `letter`: the kernel changes the state
// when the process reaches the call that blocks it, which the parent cannot
// observe any other way. Bounded: gives up after many checks.
bool await_state(pid_t pid, char letter) {
    for (long i = 0; i < 50'000'000; ++i) {
        if (state_of(pid) == letter) return true;
        sched_yield();
    }
    return false;
}

// Runs `ps` on the given PIDs, its output going straight to ours.
void run_ps(const std::vector<pid_t>& pids) {
    std::string list;
    for (pid_t p : pids) list += (list.empty() ? "" : ",") + std::to_string(p);
    std::fflush(stdout);
    const char* ps = ::access("/usr/bin/ps", X_OK) == 0 ? "/usr/bin/ps" : "/bin/ps";
    if (::access(ps, X_OK) != 0) {
        std::printf("ps is not installed; the letters above are what it would show\n");
        return;
    }
    const auto status = bp::wait_for(bp::spawn({ps, "-o", "pid,stat,comm", "-p", list}));
    if (!status.status.success())
        std::printf("ps %s\n", status.status.describe().c_str());
}

// [states]
void show_states() {
    std::printf("== process states\n");
    std::fflush(stdout);
    auto pipe = bp::Pipe::create();  // nobody writes: a reader blocks
    const pid_t running = bp::fork_child([] {
        ::prctl(PR_SET_NAME, "spinning");
        std::atomic<unsigned long> spins{0};
        for (;;) spins.fetch_add(1, std::memory_order_relaxed);  // R until killed
        return 0;
    });
    const pid_t sleeping = bp::fork_child([&] {
        ::prctl(PR_SET_NAME, "reading");
        char c;
        return static_cast<int>(::read(pipe.read_end.get(), &c, 1));  // blocks (S)
    });
    const pid_t stopped = bp::fork_child([&] {
        ::prctl(PR_SET_NAME, "stopped");
        char c;
        return static_cast<int>(::read(pipe.read_end.get(), &c, 1));
    });
    const pid_t ended = bp::fork_child([] {
        ::prctl(PR_SET_NAME, "ended");
        return 0;  // exits at once; a zombie (Z) until reaped
    });
    const bool settled = await_state(sleeping, 'S') && await_state(stopped, 'S');
    ::kill(stopped, SIGSTOP);  // stopped (T), as Ctrl-Z does to a foreground job
    int st = 0;
    ::waitpid(stopped, &st, WUNTRACED);  // returns once it has stopped
    siginfo_t info{};
    ::waitid(P_PID, static_cast<id_t>(ended), &info, WEXITED | WNOWAIT);
    std::printf("/proc/PID/stat says: spinning %c, reading %c, stopped %c, ended %c%s\n",
                state_of(running), state_of(sleeping), state_of(stopped), state_of(ended),
                settled ? "" : " (the reader had not blocked yet)");
    run_ps({running, sleeping, stopped, ended});
    for (pid_t p : {running, sleeping, stopped}) ::kill(p, SIGKILL);
    for (pid_t p : {running, sleeping, stopped, ended}) bp::wait_for(p);
}
// [/states]

// The file status flags of `fd` (shared by every descriptor of one open file
// description) and its descriptor flags (this descriptor's own).
std::string flags_of(int fd) {
    const int status = ::fcntl(fd, F_GETFL);
    const int own = ::fcntl(fd, F_GETFD);
    return std::string("O_NONBLOCK ") + ((status & O_NONBLOCK) ? "set" : "clear") +
           ", FD_CLOEXEC " + ((own & FD_CLOEXEC) ? "set" : "clear");
}

// [open-file]
void show_open_file_description() {
    std::printf("\n== one open file, two descriptors\n");
    char name[] = "/tmp/book-lifecycle-XXXXXX";
    bp::FileDescriptor file(::mkstemp(name));  // opened O_RDWR, offset 0
    if (file.get() < 0)
        throw std::system_error(errno, std::generic_category(), "mkstemp");
    ::unlink(name);  // the file lives on while a descriptor refers to it
    std::printf("parent before fork: offset %ld, %s\n",
                static_cast<long>(::lseek(file.get(), 0, SEEK_CUR)),
                flags_of(file.get()).c_str());
    std::fflush(stdout);
    const pid_t child = bp::fork_child([&] {
        bp::write_all(file.get(), "child\n");  // moves the shared offset
        ::fcntl(file.get(), F_SETFL, ::fcntl(file.get(), F_GETFL) | O_NONBLOCK);
        ::fcntl(file.get(), F_SETFD, FD_CLOEXEC);  // this descriptor only
        return 0;
    });
    bp::wait_for(child);
    std::printf("parent after the child wrote 6 bytes: offset %ld, %s\n",
                static_cast<long>(::lseek(file.get(), 0, SEEK_CUR)),
                flags_of(file.get()).c_str());
    bp::write_all(file.get(), "parent\n");
    bp::FileDescriptor again(
        ::open(("/proc/self/fd/" + std::to_string(file.get())).c_str(),
               O_WRONLY | O_CLOEXEC));  // a second open file
    std::printf("a second open of the same file: offset %ld\n",
                static_cast<long>(::lseek(again.get(), 0, SEEK_CUR)));
    bp::write_all(again.get(), "AGAIN");
    char buf[64] = {};
    const ssize_t n = ::pread(file.get(), buf, sizeof buf - 1, 0);
    std::string content(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    for (auto& c : content)
        if (c == '\n') c = '|';
    std::printf("the file now holds: \"%s\" (| marks a newline)\n", content.c_str());
}
// [/open-file]

std::atomic<int> sigchld_count{0};
int wake_write_end = -1;

// [reap-sigchld]
// A SIGCHLD handler does only async-signal-safe work: count, and wake the loop.
void on_sigchld(int) {
    const int saved = errno;
    sigchld_count.fetch_add(1, std::memory_order_relaxed);
    const char byte = 1;
    (void)!::write(wake_write_end, &byte, 1);  // the pipe is non-blocking
    errno = saved;
}

// Reaps every child that has ended, without blocking; returns how many.
int reap_ended_children() {
    int reaped = 0;
    for (;;) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            ++reaped;
            continue;
        }
        if (pid == 0 || errno == ECHILD) return reaped;  // none ended yet, or none left
        if (errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "waitpid");
    }
}

void show_sigchld_reaping(int children) {
    std::printf("\n== reaping without blocking: SIGCHLD and WNOHANG\n");
    int wake[2];
    if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    wake_write_end = wake[1];
    struct sigaction action {};
    action.sa_handler = on_sigchld;
    action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGCHLD, &action, nullptr);
    std::fflush(stdout);
    for (int k = 0; k < children; ++k) bp::fork_child([] { return 0; });
    int reaped = 0, wakeups = 0;
    while (reaped < children) {
        pollfd p{wake[0], POLLIN, 0};
        // A server would watch its sockets here as well. The timeout only guards the
        // loop; the handler's byte in the pipe is what wakes it.
        ::poll(&p, 1, 100);
        char drain[64];
        while (::read(wake[0], drain, sizeof drain) > 0) {
        }
        ++wakeups;
        reaped += reap_ended_children();  // loop: one signal may stand for several
    }
    ::signal(SIGCHLD, SIG_DFL);
    ::close(wake[0]);
    ::close(wake[1]);
    std::printf("%d children reaped; SIGCHLD handled %d times for %d exits, %s\n", reaped,
                sigchld_count.load(), children,
                sigchld_count.load() < children
                    ? "fewer: signals of one kind are not queued"
                    : "once per exit this time");
    std::printf("loop iterations: %d\n", wakeups);
}
// [/reap-sigchld]

// [reap-pidfd]
void show_pidfd_reaping() {
    std::printf("\n== reaping without blocking: a pidfd in poll\n");
#ifdef SYS_pidfd_open
    std::fflush(stdout);
    auto go = bp::Pipe::create();
    const pid_t child = bp::fork_child([&] {
        go.write_end.close();
        char c;
        (void)!::read(go.read_end.get(), &c, 1);  // waits until the parent says go
        return 7;
    });
    go.read_end.close();
    bp::FileDescriptor pidfd(static_cast<int>(::syscall(SYS_pidfd_open, child, 0)));
    if (pidfd.get() < 0) {
        std::printf("pidfd_open: %s\n", std::strerror(errno));
        go.write_end.close();
        bp::wait_for(child);
        return;
    }
    pollfd p{pidfd.get(), POLLIN, 0};
    std::printf("before the child exits, pidfd readable: %s\n",
                ::poll(&p, 1, 0) == 1 ? "yes" : "no");  // 0 ms: do not wait
    go.write_end.close();  // end of file for the child: it exits
    ::poll(&p, 1, -1);     // an event loop waits here, among its other descriptors
    std::printf("after it exits, pidfd readable: %s; ",
                (p.revents & POLLIN) ? "yes" : "no");
    std::printf("the child %s\n", bp::wait_for(child).status.describe().c_str());
#else
    std::printf("pidfd_open is not known to this C library's headers\n");
#endif
}
// [/reap-pidfd]

// [subreaper]
void show_subreaper() {
    std::printf("\n== an orphan adopted by a subreaper\n");
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);  // orphans below us come to us, not to PID 1
    std::fflush(stdout);
    auto report = bp::Pipe::create();
    const pid_t middle = bp::fork_child([&] {
        report.read_end.close();
        const pid_t first_parent = ::getpid();
        bp::fork_child([&] {
            while (::getppid() == first_parent) sched_yield();  // until orphaned
            Line line;
            line << static_cast<long long>(first_parent) << " "
                 << static_cast<long long>(::getppid());
            bp::write_all(report.write_end.get(), line.view());
            return 0;
        });
        return 0;  // exits at once: its child becomes an orphan
    });
    report.write_end.close();
    bp::wait_for(middle);
    const std::string parents = bp::read_all(report.read_end.get());  // "first now"
    int status = 0;
    const pid_t orphan = ::waitpid(-1, &status, 0);  // we are its parent now
    std::printf("this process: %d; the middle process: %d, which exited\n",
                static_cast<int>(::getpid()), static_cast<int>(middle));
    std::printf("the orphan's parent, before and after: %s\n", parents.c_str());
    std::printf("this process reaped the orphan: %s\n", orphan > 0 ? "yes" : "no");
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
}
// [/subreaper]

}  // namespace

int main(int argc, char** argv) {
    int children = 5;
    book::cli::Parser cli("lifecycle",
                          "Shows process states, the open file description shared "
                          "after fork, and reaping children without blocking.");
    cli.option("children", children, 1, 100, "children to reap with SIGCHLD");
    cli.parse(argc, argv);
    try {
        show_states();
        show_open_file_description();
        show_sigchld_reaping(children);
        show_pidfd_reaping();
        show_subreaper();
    } catch (const std::exception& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "lifecycle: %s\n", e.what());
        return 1;
    }
    return 0;
}
