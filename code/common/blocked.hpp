// blocked.hpp: for tests, wait (without sleeping) until given threads are asleep in the
// kernel in a futex wait, so that a wake-up is sent only once every waiter really waits.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace book::testing {

/// The calling thread's kernel thread id, to pass to all_in_futex_wait().
inline pid_t this_thread_tid() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

namespace detail {

// The number /proc/self/task/TID/syscall shows for a thread blocked in the futex system
// call: SYS_futex natively, but the host's number when the program runs under an emulator
// (qemu-user on x86-64 shows 202 to an AArch64 program, whose SYS_futex is 98). Learned
// once from a thread that blocks in futex on purpose.
inline long futex_number_shown() {
    static const long number = [] {
        std::atomic<std::uint32_t> word{0};
        std::atomic<pid_t> tid{0};
        std::thread sleeper([&] {
            tid.store(static_cast<pid_t>(::syscall(SYS_gettid)));
            while (word.load() == 0)
                ::syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
        });
        while (tid.load() == 0) std::this_thread::yield();
        long seen = SYS_futex;
        const std::string path =
            "/proc/self/task/" + std::to_string(tid.load()) + "/syscall";
        for (;;) {  // bounded by the test binary's watchdog
            std::ifstream file(path);
            std::string first;
            if (!(file >> first)) break;  // no such file here: keep SYS_futex
            if (first != "running") {
                try {
                    seen = std::stol(first);
                } catch (...) {
                }
                break;
            }
            std::this_thread::yield();
        }
        word.store(1);
        ::syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
        sleeper.join();
        return seen;
    }();
    return number;
}

// Whether thread @p tid of this process is blocked in the futex system call. Linux shows
// a blocked thread's system call number as the first field of /proc/self/task/TID/syscall
// ("running" while it runs); where that file cannot be read, the state letter S
// (interruptible sleep) of /proc/self/task/TID/stat is the weaker fallback.
inline bool in_futex_wait(pid_t tid) {
    const std::string dir = "/proc/self/task/" + std::to_string(tid);
    std::ifstream syscall_file(dir + "/syscall");
    std::string first;
    if (syscall_file >> first) {
        if (first == "running") return false;
        try {
            long number = std::stol(first);
#ifdef SYS_futex_waitv
            if (number == SYS_futex_waitv) return true;
#endif
            return number == SYS_futex || number == futex_number_shown();
        } catch (...) {
            return false;
        }
    }
    std::ifstream stat_file(dir + "/stat");
    std::string line;
    if (!std::getline(stat_file, line)) return false;
    auto close = line.rfind(')');  // the command name may hold spaces and parentheses
    return close != std::string::npos && close + 2 < line.size() &&
           line[close + 2] == 'S';
}

}  // namespace detail

/// Returns true once every thread in @p tids has been seen blocked in a futex wait twice
/// in a row, or false as soon as @p gave_up() is true (for example: a waiter returned
/// without blocking). It polls with yield(), never sleeps, and has no time limit of its
/// own: a thread that never blocks is reported by the test binary's watchdog.
template <class GaveUp>
bool wait_until_in_futex_wait(const std::vector<pid_t>& tids, GaveUp gave_up) {
    for (;;) {
        if (gave_up()) return false;
        bool all = true;
        for (int pass = 0; pass < 2 && all; ++pass) {
            for (pid_t tid : tids)
                if (!detail::in_futex_wait(tid)) {
                    all = false;
                    break;
                }
        }
        if (all) return true;
        std::this_thread::yield();
    }
}

}  // namespace book::testing
