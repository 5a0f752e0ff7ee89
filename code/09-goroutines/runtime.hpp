// runtime.hpp: an M:N scheduler of goroutines in the manner of Go's runtime: G
// (goroutine), M (OS thread), P (processor: the right to run goroutines, with a local run
// queue).
#pragma once

// [design]
// Purpose. Run many goroutines (green threads with their own stacks, chapter 7) on a few
// OS threads, keep every allowed CPU busy while there is work, and let an OS thread
// sleep in the kernel when there is none.
//
// Glossary.
// - G: a goroutine: a function, its Stack and its Context (book::green).
// - M: a machine: an OS thread. Its own stack (g0) runs the scheduler; it runs a G by
//   switching to the G's context, and the G switches back to g0 when it parks.
// - P: a processor: the right to run Go code. There are exactly `procs` Ps. A P holds a
//   local run queue (RunQueue, 256 entries), a runnext slot and a cache of stacks. An M
//   must hold a P to run a G; an M blocked in a system call gives its P away.
// - global queue: runnable Gs nobody's local queue holds (overflow, yields, Gs made
//   ready by an M without a P); protected by the scheduler lock.
// - spinning M: an M with a P that looks for work (queues, timers, other Ps' queues)
//   before it parks. At most about half as many Ms spin as there are busy Ps.
// - parking an M: sleeping on a futex word of its own (notesleep/notewakeup in Go).
//
// Rejected.
// - One global queue under one lock: every spawn and wake would contend on it.
// - Waking an M for every new G: with 2 CPUs and a ping-pong, two Gs would bounce
//   between Ms through futex wake-ups (microseconds each) instead of running on one M.
// - Spinning forever instead of parking: burns a CPU the other programs need.
// - A Chase-Lev deque: unbounded, but the owner's pop (LIFO) and thieves' take (FIFO)
//   fight over the last element; Go's bounded FIFO ring with a runnext slot and the
//   global queue as overflow is simpler and gives FIFO fairness.
// - Preempting a G by a timer signal (Go 1.14's asynchronous preemption): the signal
//   handler must know that the interrupted instruction is a safe point, which Go's
//   compiler records for the code it emits; a C++ compiler records nothing of the kind,
//   so here a G runs until it blocks, yields or finishes (cooperative).
//
// Protocol (the numbers are referred to in the chapter).
// 1. go(fn) (spawn): make a G, put it in the current P's runnext slot (the G that was
//    there moves to the tail of the local queue, a full queue moves half to the global
//    queue), then wakep().
// 2. wakep(): if a P is idle and no M is spinning, take the idle P and start an M on it
//    (an idle M if there is one, else a new thread), marked spinning.
// 3. schedule() on every M, find_runnable(): expired timers (and every 61st tick the
//    ready descriptors, polled without blocking), runnext, the local queue, the global
//    queue (first every 61st tick of the M, for fairness), then, spinning,
//    steal half of a random victim's queue (four rounds; the last may take the victim's
//    runnext).
// 4. A spinning M that found work stops spinning and calls wakep(): the next M spins.
// 5. Found nothing: put the P on the idle list, stop spinning, re-check every queue
//    (a producer that saw "someone spins" may have pushed meanwhile), then park: on the
//    M's futex (stopm), or, when sleepers or descriptors wait and nobody polls, in the
//    poller (chapter 8) until the next deadline.
// 6. A G parks (channel, sleep, descriptor) by switching to g0, which then runs the
//    park's commit function (unlock the channel): the waker can only find the G after
//    its context is saved. ready(g) puts g in the waker's runnext and calls wakep().
// 7. blocking(f): before f, the M hands its P to another M if there is work, or if
//    sleepers or descriptors wait and nobody polls (Go's entersyscallblock, handoffp);
//    after f, it takes an idle P back or queues the G globally, both decided under
//    sched_mu_ (Go's exitsyscall0).
// 8. The last M to go idle with no sleeper, no descriptor and no system call in flight
//    while goroutines remain has proved that all goroutines are asleep: it reports a
//    deadlock (or, when main has returned, a goroutine leak) and unwinds them.
// [/design]

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <queue>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <linux/futex.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "context.hpp"
#include "poller.hpp"
#include "runq.hpp"
#include "stack.hpp"

#if defined(BOOK_GREEN_TSAN)
extern "C" {
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
}
#endif

namespace book::go {

/// The clock of sleeps and traces.
using Clock = std::chrono::steady_clock;

/// How a Runtime runs: processors, stacks, tracing.
struct Options {
    unsigned procs = 0;                  ///< number of Ps (GOMAXPROCS); 0: one per CPU
    std::size_t stack_size = 64 * 1024;  ///< usable bytes per goroutine stack
    bool guard = true;                   ///< a guard page below every stack
    bool trace = false;                  ///< record the scheduler trace (trace())
    std::uint32_t seed = 1;  ///< seeds the random choices (steal order, select)
    bool steal_one = false;  ///< steal one G instead of half (exercise)
};

/// Why a goroutine is parked, as Go's tracebacks say it.
enum class Wait : std::uint8_t {
    none,          ///< not parked
    chan_send,     ///< blocked sending on a channel
    chan_receive,  ///< blocked receiving from a channel
    select,        ///< blocked in select
    sleep,         ///< sleeping (sleep_for)
    io,            ///< waiting for a file descriptor
};

/// The words Go prints for @p w ("chan send", "chan receive", ...).
inline const char* wait_name(Wait w) {
    switch (w) {
        case Wait::chan_send:
            return "chan send";
        case Wait::chan_receive:
            return "chan receive";
        case Wait::select:
            return "select";
        case Wait::sleep:
            return "sleep";
        case Wait::io:
            return "IO wait";
        default:
            return "running";
    }
}

/**
 * @brief Thrown by Runtime::run() when every remaining goroutine is blocked forever.
 *
 * what() starts with Go's words "all goroutines are asleep - deadlock!" when the main
 * goroutine was among them, and with "goroutine leak:" when main had returned and others
 * could never finish. The goroutines have been unwound (their destructors ran).
 */
class Deadlock : public std::runtime_error {
public:
    /// A report; @p leak: main had returned.
    Deadlock(const std::string& what, bool leak, std::vector<std::string> stuck)
        : std::runtime_error(what), leak_(leak), stuck_(std::move(stuck)) {}
    /// True for a leak (main returned), false for a deadlock of main too.
    bool leak() const { return leak_; }
    /// One line per blocked goroutine: "goroutine 7 [chan send]".
    const std::vector<std::string>& goroutines() const { return stuck_; }

private:
    bool leak_;
    std::vector<std::string> stuck_;
};

/// One event of the scheduler trace.
struct TraceEvent {
    /// What the event records.
    enum Kind : std::uint8_t {
        run,   ///< a goroutine ran on a P from begin_ns to end_ns
        steal  ///< a P took goroutines from another P's queue
    };
    Kind kind;               ///< run: G ran from begin to end; steal: P took from victim
    std::int64_t begin_ns;   ///< since Runtime::run() began
    std::int64_t end_ns;     ///< equal to begin_ns for a steal
    unsigned m;              ///< the M (OS thread) number
    unsigned p;              ///< the P number
    std::uint64_t g;         ///< the G number (run) or the first G taken (steal)
    unsigned victim;         ///< steal: the victim P
    unsigned count;          ///< steal: Gs taken
    unsigned victim_before;  ///< steal: entries in the victim's queue before
};

/// Counters a run leaves behind (Runtime::stats()).
struct Stats {
    std::uint64_t spawned = 0;      ///< goroutines created
    std::uint64_t steals = 0;       ///< successful steals
    std::uint64_t stolen = 0;       ///< goroutines moved by them
    std::uint64_t threads = 0;      ///< Ms (OS threads) used, the caller's included
    std::uint64_t futex_parks = 0;  ///< times an M slept on its futex
};

class Runtime;

namespace detail {

/// A lock that may be released by another fiber than the one that took it (g0 releases a
/// channel's lock for the G that parked): a test-and-test-and-set spin lock.
class SpinLock {
public:
    void lock() noexcept {
        for (unsigned n = 0;; ++n) {
            if (!flag_.exchange(true, std::memory_order_acquire)) return;
            while (flag_.load(std::memory_order_relaxed)) {
                if (n++ > 64) std::this_thread::yield();
            }
        }
    }
    void unlock() noexcept { flag_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> flag_{false};
};

// ThreadSanitizer: the runtime's own accesses and locks are invisible to it (the same
// choice as chapter 7's scheduler), so that they do not order every goroutine after every
// other; the hand-offs Go's memory model promises are announced with release/acquire.
struct Quiet {
#if defined(BOOK_GREEN_TSAN)
    Quiet() {
        __tsan_ignore_thread_begin();
        AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
    }
    ~Quiet() {
        AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
        __tsan_ignore_thread_end();
    }
#else
    Quiet() {}
    ~Quiet() {}
#endif
    Quiet(const Quiet&) = delete;
    Quiet& operator=(const Quiet&) = delete;
};
inline void release(void* a) {
    (void)a;
#if defined(BOOK_GREEN_TSAN)
    __tsan_release(a);
#endif
}
inline void acquire(void* a) {
    (void)a;
#if defined(BOOK_GREEN_TSAN)
    __tsan_acquire(a);
#endif
}

struct M;
struct P;

/// Thrown inside a goroutine that the runtime unwinds after a deadlock.
struct Unwind {};

// What a G asks g0 to do when it switches back.
enum class Action : std::uint8_t { park, yield, exit, exit_syscall };

struct G {
    std::uint64_t id = 0;
    std::function<void()> fn;
    green::Stack stack;
    green::Context ctx;
    Runtime* rt = nullptr;
    M* m = nullptr;  // the M running it (valid while it runs)
    Action action = Action::park;
    Wait wait = Wait::none;
    void (*commit)(void*) = nullptr;  // run by g0 after the switch (step 6)
    void* commit_arg = nullptr;
    bool unwind = false;
    bool is_main = false;
    std::atomic<int> select_done{0};  // a select's cases race to set it
    int select_case = -1;             // the case that won
    bool dead = false;                // finished; the record waits in a free list
};

struct M {
    unsigned id = 0;
    Runtime* rt = nullptr;
    P* p = nullptr;
    P* nextp = nullptr;
    bool spinning = false;
    std::atomic<std::uint32_t> note{0};
    green::Context g0;
    G* curg = nullptr;
    std::thread thread;
    std::uint32_t rng = 1;
    std::uint64_t tick = 0;
    std::vector<TraceEvent> events;
};

struct P {
    unsigned id = 0;
    RunQueue<G*, 256> runq;
    std::atomic<G*> runnext{nullptr};
    green::StackPool stacks;
    std::vector<G*> gfree;  // finished goroutines' records, stacks attached, for reuse
    P(unsigned i, std::size_t size, green::Stack::Guard guard)
        : id(i), stacks(size, guard, 1024) {}
};

inline thread_local M* tls_m = nullptr;

// Not inlined: a G may resume on another OS thread, and a caller must not keep the
// address of the previous thread's variable across a switch.
[[gnu::noinline]] inline M* current_m() {
    asm volatile("" ::: "memory");
    Quiet quiet;  // the M's g0 wrote it: not an access of the goroutine's own
    return tls_m;
}

inline std::uint32_t next_random(std::uint32_t& s) {  // xorshift32
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
}

inline void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                       const timespec* timeout) {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE,
            expected, timeout, nullptr, 0);
}
inline void futex_wake(std::atomic<std::uint32_t>& word) {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, 1,
            nullptr, nullptr, 0);
}

}  // namespace detail

/**
 * @brief An M:N scheduler: goroutines on `procs` processors, run by as many OS threads
 * as needed (one per processor, plus those blocked in blocking()).
 *
 * run() turns the calling thread into the first M, starts the others lazily, runs @p
 * main as goroutine 1 and returns when every goroutine has finished. Inside a goroutine,
 * the free functions go(), yield(), sleep_for(), wait_readable() and blocking(), and the
 * channels of %chan.hpp, talk to the runtime that runs it. The design comment at the top
 * of %runtime.hpp gives the protocol.
 *
 * @code
 * book::go::Runtime rt(book::go::Options{.procs = 2});
 * rt.run([] {
 *     book::go::Chan<int> ch;
 *     book::go::go([ch]() mutable { ch.send(42); });
 *     int v = ch.recv();  // 42
 * });
 * @endcode
 */
class Runtime {
public:
    /// A runtime configured by @p options (not started: see run()).
    explicit Runtime(Options options = {}) : opt_(options) {
        nprocs_ =
            opt_.procs ? opt_.procs : std::max(1u, std::thread::hardware_concurrency());
        const auto guard =
            opt_.guard ? green::Stack::Guard::yes : green::Stack::Guard::no;
        for (unsigned i = 0; i < nprocs_; ++i)
            allp_.push_back(std::make_unique<detail::P>(i, opt_.stack_size, guard));
    }
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;
    /// Frees the processors, their stack caches and the Ms' records.
    ~Runtime() {
        detail::Quiet quiet;  // goroutines read these records without TSan's knowledge
        for (detail::G* g : allgs_) {
#if defined(BOOK_GREEN_ASAN)
            __asan_unpoison_memory_region(g->stack.low(), g->stack.size());
#endif
            delete g;  // a guarded stack is unmapped with it
        }
        allgs_.clear();
        allm_.clear();
        allp_.clear();
    }

    /// Number of processors (GOMAXPROCS).
    unsigned procs() const { return nprocs_; }

    // [run]
    /// Runs @p main as goroutine 1 and every goroutine it spawns, until all have
    /// finished. Throws Deadlock when the remaining ones are all blocked forever, and
    /// rethrows the first exception that escaped a goroutine.
    void run(std::function<void()> main) {
        reset();
        {
            detail::Quiet quiet;
            green::install_overflow_reporter();
            epoch_ = Clock::now();
            detail::M* m0 = new_m();
            detail::tls_m = m0;
            m0->g0 = green::Context::current_thread();
            m0->p = pidle_get_locked();
        }
        green::AltSignalStack alt;
        detail::G* mg = create(std::move(main), true);
        {
            detail::Quiet quiet;
            detail::M* m0 = detail::tls_m;
            queue_new(m0, mg);
            std::exception_ptr err;
            try {
                m_loop(m0);
            } catch (...) {
                err = std::current_exception();  // a bug of the runtime: stop every M
                shutdown();
            }
            detail::tls_m = nullptr;
            for (auto& m : allm_)
                if (m.get() != m0 && m->thread.joinable()) m->thread.join();
            stats_.threads = allm_.size();
            stats_.spawned = spawned_.load();
            std::stable_sort(
                trace_.begin(), trace_.end(),
                [](const auto& a, const auto& b) { return a.begin_ns < b.begin_ns; });
            if (err) std::rethrow_exception(err);
        }
        detail::acquire(&done_sync_);  // every goroutine's last step comes before this
        if (!stuck_.empty()) {
            std::string what = main_done_at_dead_
                                   ? "goroutine leak: main returned, but " +
                                         std::to_string(stuck_.size()) +
                                         " goroutine(s) can never finish:"
                                   : std::string("all goroutines are asleep - deadlock!");
            for (const auto& s : stuck_) what += "\n  " + s;
            throw Deadlock(what, main_done_at_dead_, stuck_);
        }
        if (first_error_) std::rethrow_exception(first_error_);
    }
    // [/run]

    /// Counters of the last run.
    Stats stats() const { return stats_; }
    /// The trace of the last run (Options::trace), ordered by M, then time.
    const std::vector<TraceEvent>& trace() const { return trace_; }

    /// Writes the trace as Chrome trace-event JSON: one lane per P, one slice per run of
    /// a goroutine, an instant event per steal.
    void write_chrome_trace(std::ostream& out) const {
        out << "{\"traceEvents\": [\n";
        bool first = true;
        for (unsigned p = 0; p < nprocs_; ++p) {
            out << (first ? "" : ",\n") << "{\"name\": \"thread_name\", \"ph\": \"M\", "
                << "\"pid\": 1, \"tid\": " << p << ", \"args\": {\"name\": \"P" << p
                << "\"}}";
            first = false;
        }
        for (const auto& e : trace_) {
            out << ",\n";
            if (e.kind == TraceEvent::run)
                out << "{\"name\": \"G" << e.g
                    << "\", \"ph\": \"X\", \"pid\": 1, \"tid\": " << e.p
                    << ", \"ts\": " << e.begin_ns / 1000.0
                    << ", \"dur\": " << (e.end_ns - e.begin_ns) / 1000.0
                    << ", \"args\": {\"M\": " << e.m << "}}";
            else
                out << "{\"name\": \"steal " << e.count << " from P" << e.victim
                    << "\", \"ph\": \"i\", \"s\": \"t\", \"pid\": 1, \"tid\": " << e.p
                    << ", \"ts\": " << e.begin_ns / 1000.0 << "}";
        }
        out << "\n]}\n";
    }

    // ---- used by the free functions and the channels (inside a goroutine) ----

    /// Makes a goroutine that will run @p fn, not yet runnable (see go()). Call it
    /// outside the runtime's quiet sections: ThreadSanitizer's fiber for the goroutine
    /// starts after everything the caller did, and after the stack's previous owner.
    detail::G* create(std::function<void()> fn, bool is_main = false) {
        detail::G* g;
        void* low;
        std::size_t size;
        {
            detail::Quiet quiet;
            g = new_g(std::move(fn), is_main);
            low = g->stack.low();
            size = g->stack.size();
        }
        detail::acquire(low);  // the previous owner of the stack released it at its end
        green::Context ctx = green::Context::fresh(low, size, &Runtime::entry);
        detail::Quiet quiet;
        g->ctx = std::move(ctx);
        return g;
    }

    /// The record of a new goroutine, with its stack but no context yet: a finished
    /// goroutine's record and stack from the P's free list (Go's gfget), else new ones.
    detail::G* new_g(std::function<void()> fn, bool is_main = false) {
        detail::M* m = detail::current_m();
        detail::P* p = m != nullptr ? m->p : nullptr;
        detail::G* g = nullptr;
        if (p != nullptr && p->gfree.empty() && gfree_count_.load() != 0) {
            std::lock_guard lock(allg_mu_);  // refill from the global free list
            while (p->gfree.size() < 32 && !gfree_.empty()) {
                p->gfree.push_back(gfree_.back());
                gfree_.pop_back();
            }
            gfree_count_.store(gfree_.size());
        }
        if (p != nullptr && !p->gfree.empty()) {
            g = p->gfree.back();
            p->gfree.pop_back();
#if defined(BOOK_GREEN_ASAN)
            // Frames that never returned (the entry function) left their redzones.
            __asan_unpoison_memory_region(g->stack.low(), g->stack.size());
#endif
        } else {
            g = new detail::G;
            std::lock_guard lock(allg_mu_);
            g->stack = p != nullptr ? p->stacks.acquire() : spare_stacks_.acquire();
            allgs_.push_back(g);
        }
        g->fn = std::move(fn);
        g->rt = this;
        g->is_main = is_main;
        g->dead = false;
        g->unwind = false;
        g->wait = Wait::none;
        g->commit = nullptr;
        g->id = next_id_.fetch_add(1);
        spawned_.fetch_add(1);
        live_.fetch_add(1);
        return g;
    }

    /// Step 1: puts new goroutine @p g in the current P's runnext slot and wakes an M.
    void queue_new(detail::M* m, detail::G* g) {
        if (m != nullptr && m->p != nullptr) {
            put_local(m->p, g, true);
        } else {
            std::lock_guard lock(sched_mu_);
            global_push(g);
        }
        if (!g->is_main) wakep();
    }

    /// The running goroutine (nullptr outside one).
    static detail::G* current_g() {
        detail::M* m = detail::current_m();
        return m ? m->curg : nullptr;
    }

    /// Parks the running goroutine @p g (step 6); @p commit(@p arg) runs on g0 after
    /// the switch. Returns when someone called ready(g). Throws detail::Unwind when the
    /// runtime gave up on it (deadlock).
    static void park(detail::G* g, Wait why, void (*commit)(void*), void* arg) {
        g->wait = why;
        g->commit = commit;
        g->commit_arg = arg;
        g->action = detail::Action::park;
        green::switch_to(g->ctx, g->m->g0, nullptr, green::Sync::none);
        g->wait = Wait::none;
    }

    /// Makes parked @p g runnable: into the current P's runnext (or the global queue
    /// from an M without a P), then wakep() (step 6).
    void ready(detail::G* g) {
        detail::M* m = detail::current_m();
        if (m != nullptr && m->p != nullptr) {
            put_local(m->p, g, true);
        } else {
            std::lock_guard lock(sched_mu_);
            global_push(g);
        }
        wakep();
    }

    /// Puts the running goroutine at the back of the global queue (Gosched).
    void yield_now() {
        detail::G* g = current_g();
        g->action = detail::Action::yield;
        green::switch_to(g->ctx, g->m->g0, nullptr, green::Sync::none);
    }

    /// Parks the running goroutine until @p deadline.
    void sleep_until(Clock::time_point deadline) {
        detail::G* g = current_g();
        timer_lock_.lock();
        timers_.push(Timer{deadline, timer_seq_++, g});
        ntimers_.fetch_add(1);
        const bool earliest = timers_.top().g == g;
        // A poller waiting for a later deadline must wake up to see this one.
        if (earliest) {
            if (polling_.load())
                poller_.wake();
            else
                wakep(true);
        }
        park(g, Wait::sleep, unlock_timers, this);
    }

    /// Parks the running goroutine until @p fd reports @p events (EPOLLIN, EPOLLOUT).
    void wait_fd(int fd, std::uint32_t events) {
        detail::G* g = current_g();
        struct Req {
            Runtime* rt;
            detail::G* g;
            int fd;
            std::uint32_t events;
        } req{this, g, fd, events};
        io_waiters_.fetch_add(1);
        // The registration happens on g0, after the switch: the callback may run at once
        // on the polling M and make g runnable.
        park(
            g, Wait::io,
            [](void* a) {
                auto* r = static_cast<Req*>(a);
                Runtime* rt = r->rt;
                detail::G* gg = r->g;
                const int fdd = r->fd;
                rt->poller_.add(fdd, r->events | EPOLLONESHOT,
                                [rt, gg, fdd](std::uint32_t) {
                                    rt->poller_.remove(fdd);
                                    rt->io_waiters_.fetch_sub(1);
                                    rt->ready(gg);
                                });
                if (rt->polling_.load())
                    rt->poller_.wake();
                else
                    rt->wakep(true);
            },
            &req);
    }

    /// Step 7 before a blocking call: gives the P away; returns it.
    void enter_syscall() {
        detail::M* m = detail::current_m();
        detail::P* p = m->p;
        m->p = nullptr;
        syscalls_.fetch_add(1);
        handoff_p(p);
    }
    /// Step 7 after a blocking call: takes an idle P or queues the goroutine globally.
    void exit_syscall() {
        detail::M* m = detail::current_m();
        syscalls_.fetch_sub(1);
        {
            std::lock_guard lock(sched_mu_);
            m->p = pidle_get_locked();
        }
        if (m->p != nullptr) return;
        detail::G* g = m->curg;
        g->action = detail::Action::exit_syscall;
        green::switch_to(g->ctx, g->m->g0, nullptr, green::Sync::none);
    }

    /// The random source of the running M (select's choice).
    static std::uint32_t random() {
        detail::M* m = detail::current_m();
        return detail::next_random(m->rng);
    }

private:
    struct Timer {
        Clock::time_point deadline;
        std::uint64_t seq;
        detail::G* g;
        bool operator>(const Timer& o) const {
            return deadline != o.deadline ? deadline > o.deadline : seq > o.seq;
        }
    };

    static void unlock_timers(void* a) { static_cast<Runtime*>(a)->timer_lock_.unlock(); }

    void reset() {
        trace_.clear();
        stats_ = {};
        stuck_.clear();
        first_error_ = nullptr;
        main_done_.store(false);
        main_done_at_dead_ = false;
        done_.store(false);
        live_.store(0);
        next_id_.store(1);
        spawned_.store(0);
        allm_.clear();
        midle_.clear();
        pidle_.clear();
        for (auto it = allp_.rbegin(); it != allp_.rend(); ++it)
            pidle_.push_back(it->get());
        npidle_.store(nprocs_);
        nmspinning_.store(0);
    }

    std::int64_t now_ns() const {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - epoch_)
            .count();
    }

    // ---- Gs ----
    // [entry]
    static void entry(void* arg) {
        auto* g = static_cast<detail::G*>(green::started(arg));
        Runtime* rt;
        void* stack_low;
        std::function<void()> fn;
        {
            detail::Quiet quiet;
            rt = g->rt;
            stack_low = g->stack.low();
            fn = std::move(g->fn);
        }
        try {
            std::function<void()> body = std::move(fn);
            body();
        } catch (const detail::Unwind&) {
            // unwound after a deadlock: its destructors have run
        } catch (...) {
            detail::Quiet quiet;
            std::lock_guard lock(rt->allg_mu_);
            if (!rt->first_error_) rt->first_error_ = std::current_exception();
        }
        detail::release(&rt->done_sync_);
        detail::release(stack_low);
        detail::M* m;
        {
            detail::Quiet quiet;
            g->action = detail::Action::exit;
            m = g->m;
        }
        // No ignore may be left open: the fiber ends with this switch.
        green::switch_to_final(g->ctx, m->g0, nullptr, green::Sync::none);
    }
    // [/entry]

    // [execute]
    // Runs g on m until it switches back, then carries out what it asked for.
    void execute(detail::M* m, detail::G* g) {
        g->m = m;
        m->curg = g;
        if (g->stack.guarded()) {
            auto low = reinterpret_cast<std::uintptr_t>(g->stack.guard_low());
            green::detail::running_guard = {low, low + green::page_size(), g->id};
        }
        const std::int64_t begin = opt_.trace ? now_ns() : 0;
        const unsigned p_id = m->p ? m->p->id : 0;
        green::switch_to(m->g0, g->ctx, g, green::Sync::none);
        if (opt_.trace)
            m->events.push_back(
                {TraceEvent::run, begin, now_ns(), m->id, p_id, g->id, 0, 0, 0});
        green::detail::running_guard = {};
        m->curg = nullptr;
        switch (g->action) {
            case detail::Action::park:
                if (g->commit) g->commit(g->commit_arg);
                break;
            case detail::Action::yield: {
                std::lock_guard lock(sched_mu_);
                global_push(g);
                break;
            }
            case detail::Action::exit_syscall: {
                // Ask for an idle P again under the lock that drop_p() takes: an M that
                // gave its P up after exit_syscall() looked either sees g in the global
                // queue or left the P for us (Go's exitsyscall0). Queueing g without
                // this second look lost it once: the only P idle, g queued, every M
                // asleep.
                {
                    std::lock_guard lock(sched_mu_);
                    m->p = pidle_get_locked();
                    if (m->p == nullptr) global_push(g);
                }
                if (m->p != nullptr) put_local(m->p, g, true);
                break;
            }
            case detail::Action::exit:
                finish(m, g);
                break;
        }
    }
    // [/execute]

    // A finished goroutine's record and stack go to the P's free list (Go's gfput); a
    // long list gives half to the global one, where Ps that spawn more than they finish
    // find them.
    void finish(detail::M* m, detail::G* g) {
        g->ctx = green::Context();  // ends its ThreadSanitizer fiber
        if (g->is_main) main_done_.store(true);
        g->dead = true;
        detail::P* p = m->p;
        if (p != nullptr) p->gfree.push_back(g);
        if (p == nullptr || p->gfree.size() > 64) {
            std::lock_guard lock(allg_mu_);
            if (p == nullptr) {
                gfree_.push_back(g);
            } else {
                while (p->gfree.size() > 32) {
                    gfree_.push_back(p->gfree.back());
                    p->gfree.pop_back();
                }
            }
            gfree_count_.store(gfree_.size());
        }
        if (live_.fetch_sub(1) == 1) shutdown();
    }

    void shutdown() {
        std::lock_guard lock(sched_mu_);
        done_.store(true);
        for (auto& m : allm_) {
            m->note.store(1);
            detail::futex_wake(m->note);
        }
        poller_.wake();
    }

    // ---- queues ----
    void global_push(detail::G* g) {  // sched_mu_ held
        global_.push_back(g);
        global_size_.fetch_add(1);
    }
    detail::G* global_pop() {  // sched_mu_ held
        if (global_.empty()) return nullptr;
        detail::G* g = global_.front();
        global_.pop_front();
        global_size_.fetch_sub(1);
        return g;
    }

    // runqput with next: g into runnext; the previous runnext to the local queue.
    void put_local(detail::P* p, detail::G* g, bool next) {
        if (next) {
            g = p->runnext.exchange(g);
            if (g == nullptr) {
                // Dekker with step 5: the re-check of an M going idle reads runnext.
                global_size_.fetch_add(0);
                return;
            }
        }
        p->runq.push(g, [this](detail::G** batch, std::size_t n) {
            std::lock_guard lock(sched_mu_);
            for (std::size_t i = 0; i < n; ++i) global_push(batch[i]);
        });
    }

    detail::G* get_local(detail::P* p) {
        if (detail::G* g = p->runnext.exchange(nullptr)) return g;
        return p->runq.pop();
    }

    bool p_has_work(detail::P* p) const {
        return p->runnext.load() != nullptr || !p->runq.empty();
    }

    // ---- Ps and Ms ----
    detail::P* pidle_get_locked() {
        if (pidle_.empty()) return nullptr;
        detail::P* p = pidle_.back();
        pidle_.pop_back();
        npidle_.fetch_sub(1);
        return p;
    }
    void pidle_put_locked(detail::P* p) {
        pidle_.push_back(p);
        npidle_.fetch_add(1);
    }

    detail::M* new_m() {  // sched_mu_ held, or before any other M exists
        auto m = std::make_unique<detail::M>();
        m->id = static_cast<unsigned>(allm_.size());
        m->rt = this;
        m->rng = opt_.seed * 2654435761u + m->id * 40503u + 1;
        if (m->rng == 0) m->rng = 1;
        allm_.push_back(std::move(m));
        return allm_.back().get();
    }

    // [wakep]
    // Step 2: one more M looks for work, if a P is idle and nobody is looking already.
    void wakep(bool force = false) {
        if (npidle_.load() == 0 && !force) return;
        if (nmspinning_.load() != 0) return;
        unsigned zero = 0;
        if (!nmspinning_.compare_exchange_strong(zero, 1)) return;
        detail::P* p;
        {
            std::lock_guard lock(sched_mu_);
            p = pidle_get_locked();
        }
        if (p == nullptr) {
            nmspinning_.fetch_sub(1);
            return;
        }
        start_m(p, true);
    }

    void start_m(detail::P* p, bool spinning) {
        std::unique_lock lock(sched_mu_);
        if (done_.load()) {
            pidle_put_locked(p);
            if (spinning) nmspinning_.fetch_sub(1);
            return;
        }
        if (!midle_.empty()) {
            detail::M* m = midle_.back();
            midle_.pop_back();
            m->nextp = p;
            m->spinning = spinning;
            lock.unlock();
            m->note.store(1);
            detail::futex_wake(m->note);
            return;
        }
        detail::M* m = new_m();
        m->nextp = p;
        m->spinning = spinning;
        m->thread = std::thread([this, m] {
            detail::tls_m = m;
            green::AltSignalStack alt;
            {
                detail::Quiet quiet;
                m->g0 = green::Context::current_thread();
                m->p = m->nextp;
                m->nextp = nullptr;
                m_loop(m);
            }
        });
    }
    // [/wakep]

    // Hands a P given up by an M in a system call to another M when there is work, or
    // when sleepers or descriptor waiters need an M in the poller (Go's handoffp).
    void handoff_p(detail::P* p) {
        if (p_has_work(p) || global_size_.load() != 0) {
            start_m(p, false);
            return;
        }
        {
            std::lock_guard lock(sched_mu_);
            // Looked at again under the lock that exit_syscall() queues under: a
            // goroutine queued between the look above and this put would otherwise
            // sit beside an idle P with no M awake to run it.
            const bool queued = !global_.empty();
            // With no M polling, nothing would fire a timer or ask epoll until this
            // call returns: a sleeper that the call waits for would never wake.
            const bool waiters =
                (ntimers_.load() != 0 || io_waiters_.load() != 0) && !polling_.load();
            if (!queued && !waiters) {
                pidle_put_locked(p);
                return;
            }
        }
        start_m(p, false);
    }

    // Parks m on its futex until start_m() gives it a P (or the runtime ends).
    void stop_m(detail::M* m) {
        {
            std::lock_guard lock(sched_mu_);
            if (done_.load()) return;
            m->note.store(0);
            midle_.push_back(m);
            if (check_dead()) {
                midle_.pop_back();  // this M runs the unwinding goroutines
                m->p = pidle_get_locked();
                return;
            }
            if (done_.load()) return;
        }
        ++futex_parks_;
        while (m->note.load() == 0) detail::futex_wait(m->note, 0, nullptr);
        std::lock_guard lock(sched_mu_);
        m->p = m->nextp;
        m->nextp = nullptr;
    }

    // [check-dead]
    // Step 8, sched_mu_ held by an M that is about to sleep on its futex.
    bool check_dead() {
        if (midle_.size() != allm_.size()) return false;  // an M runs, polls, calls
        if (syscalls_.load() != 0 || ntimers_.load() != 0 || io_waiters_.load() != 0)
            return false;
        if (live_.load() == 0 || !global_.empty()) return false;
        for (auto& p : allp_)
            if (p_has_work(p.get())) return false;
        std::lock_guard lock(allg_mu_);
        main_done_at_dead_ = main_done_.load();
        std::vector<detail::G*> blocked;
        for (detail::G* g : allgs_)
            if (!g->dead) blocked.push_back(g);
        std::sort(blocked.begin(), blocked.end(),
                  [](const detail::G* a, const detail::G* b) { return a->id < b->id; });
        for (detail::G* g : blocked) {
            stuck_.push_back("goroutine " + std::to_string(g->id) + " [" +
                             wait_name(g->wait) + "]" + (g->is_main ? " (main)" : ""));
            g->unwind = true;
            global_push(g);  // resumed, it throws detail::Unwind from its wait
        }
        return true;
    }
    // [/check-dead]

    // [find-runnable]
    // Step 3 to 5; returns nullptr when the runtime is done.
    detail::G* find_runnable(detail::M* m) {
        for (;;) {
            if (done_.load()) return nullptr;
            if (m->p == nullptr) {  // after polling or a blocking call: no P yet
                poll_or_sleep(m);
                continue;
            }
            detail::P* p = m->p;
            ++m->tick;
            fire_timers();  // expired sleepers first, as Go's checkTimers
            if (m->tick % 61 == 0) {
                poll_ready();
                if (global_size_.load() != 0) {
                    std::lock_guard lock(sched_mu_);
                    if (detail::G* g = global_pop()) return g;
                }
            }
            if (detail::G* g = get_local(p)) return g;
            if (global_size_.load() != 0) {
                std::lock_guard lock(sched_mu_);
                if (detail::G* g = global_pop()) {
                    // take a batch along, as Go's globrunqget does
                    std::size_t n =
                        std::min<std::size_t>(global_.size() / nprocs_ + 1, 64);
                    while (n-- > 0)
                        if (detail::G* more = global_pop()) put_local(p, more, false);
                    return g;
                }
            }
            if (p_has_work(p)) continue;
            // Spin: steal, but only while fewer than half of the busy Ps spin.
            if (!m->spinning && 2 * nmspinning_.load() < nprocs_ - npidle_.load()) {
                m->spinning = true;
                nmspinning_.fetch_add(1);
            }
            if (m->spinning) {
                if (detail::G* g = steal_work(m)) return g;
            }
            if (drop_p(m)) continue;  // step 5 found work after all
            poll_or_sleep(m);
        }
    }

    detail::G* steal_work(detail::M* m) {
        detail::P* self = m->p;
        for (int round = 0; round < 4; ++round) {
            const unsigned start = detail::next_random(m->rng) % nprocs_;
            for (unsigned i = 0; i < nprocs_; ++i) {
                detail::P* victim = allp_[(start + i) % nprocs_].get();
                if (victim == self) continue;
                std::uint32_t before = 0;  // the victim's entries when the steal happened
                detail::G* g = opt_.steal_one
                                   ? self->runq.steal_one(victim->runq, &before)
                                   : self->runq.steal_half(victim->runq, &before);
                if (g == nullptr && round == 3) {
                    g = victim->runnext.exchange(nullptr);
                    before = g != nullptr ? 1 : 0;
                }
                if (g != nullptr) {
                    const unsigned n = 1 + static_cast<unsigned>(self->runq.size());
                    {
                        std::lock_guard lock(allg_mu_);
                        ++stats_.steals;
                        stats_.stolen += n;
                    }
                    if (opt_.trace)
                        m->events.push_back({TraceEvent::steal, now_ns(), now_ns(), m->id,
                                             self->id, g->id, victim->id, n, before});
                    return g;
                }
            }
        }
        return nullptr;
    }

    // Step 5: releases the P; returns true when a re-check found work and a P again.
    bool drop_p(detail::M* m) {
        {
            std::lock_guard lock(sched_mu_);
            if (detail::G* g = global_pop()) {
                // someone queued meanwhile: keep the P and run it
                put_local(m->p, g, false);
                return true;
            }
            pidle_put_locked(m->p);
            m->p = nullptr;
        }
        if (m->spinning) {
            m->spinning = false;
            nmspinning_.fetch_sub(1);
        }
        bool work = global_size_.load() != 0;
        for (auto& p : allp_) work = work || p_has_work(p.get());
        if (work) {
            std::lock_guard lock(sched_mu_);
            m->p = pidle_get_locked();
            if (m->p != nullptr) {
                m->spinning = true;
                nmspinning_.fetch_add(1);
                return true;
            }
        }
        return false;
    }

    // Without a P: wait in the poller when sleepers or descriptors wait and nobody polls,
    // else sleep on the futex.
    void poll_or_sleep(detail::M* m) {
        if ((ntimers_.load() != 0 || io_waiters_.load() != 0) &&
            !polling_.exchange(true)) {
            int timeout = -1;
            {
                std::lock_guard lock(timer_lock_);
                if (!timers_.empty()) {
                    auto d = timers_.top().deadline - Clock::now();
                    auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
                    timeout = static_cast<int>(std::clamp<long long>(ms, 0, INT_MAX));
                }
            }
            if (!done_.load()) poller_.wait(timeout);  // callbacks ready Gs globally
            polling_.store(false);
            fire_timers();
            std::lock_guard lock(sched_mu_);
            if (!global_.empty()) m->p = pidle_get_locked();
            return;  // find_runnable parks this M (stop_m) when it got no P
        }
        stop_m(m);
    }

    // Every 61st tick an M with a P also asks the poller, without blocking, which
    // descriptors are ready. Otherwise a P that never runs out of work never reaches
    // poll_or_sleep(), and a goroutine whose descriptor is ready waits as long as the
    // others keep it busy (Go's sysmon polls when nobody has for 10 ms).
    void poll_ready() {
        if (io_waiters_.load() == 0 || polling_.exchange(true)) return;
        if (!done_.load()) poller_.wait(0);  // callbacks ready Gs into this P
        polling_.store(false);
        // An M that went idle meanwhile found the poller taken and parked on its futex:
        // if a P is idle, start an M on it, which waits in the poller in its place.
        if (npidle_.load() != 0) wakep(true);
    }

    void fire_timers() {
        if (ntimers_.load() == 0) return;
        const auto now = Clock::now();
        std::vector<detail::G*> due;
        {
            std::lock_guard lock(timer_lock_);
            while (!timers_.empty() && timers_.top().deadline <= now) {
                due.push_back(timers_.top().g);
                timers_.pop();
                ntimers_.fetch_sub(1);
            }
        }
        for (detail::G* g : due) ready(g);
    }
    // [/find-runnable]

    void m_loop(detail::M* m) {
        while (detail::G* g = find_runnable(m)) {
            if (m->spinning) {  // step 4
                m->spinning = false;
                if (nmspinning_.fetch_sub(1) == 1) wakep();
            }
            execute(m, g);
        }
        std::lock_guard lock(allg_mu_);
        trace_.insert(trace_.end(), m->events.begin(), m->events.end());
        stats_.futex_parks = futex_parks_.load();
    }

    Options opt_;
    unsigned nprocs_ = 1;
    std::vector<std::unique_ptr<detail::P>> allp_;
    std::vector<std::unique_ptr<detail::M>> allm_;  // under sched_mu_
    std::mutex sched_mu_;
    std::deque<detail::G*> global_;
    std::atomic<std::size_t> global_size_{0};
    std::vector<detail::P*> pidle_;
    std::atomic<unsigned> npidle_{0};
    std::vector<detail::M*> midle_;
    std::atomic<unsigned> nmspinning_{0};
    std::atomic<bool> done_{false};
    std::atomic<std::int64_t> live_{0};
    std::atomic<int> syscalls_{0};
    std::atomic<int> io_waiters_{0};
    std::atomic<bool> polling_{false};
    loop::poller poller_;
    detail::SpinLock timer_lock_;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
    std::atomic<std::size_t> ntimers_{0};
    std::uint64_t timer_seq_ = 0;
    std::mutex allg_mu_;
    std::vector<detail::G*> allgs_;  // every record ever made (Go's allgs), dead or not
    std::vector<detail::G*> gfree_;  // global free list of records, under allg_mu_
    std::atomic<std::size_t> gfree_count_{0};
    std::atomic<std::uint64_t> next_id_{1};
    std::atomic<std::uint64_t> spawned_{0};
    std::atomic<bool> main_done_{false};
    bool main_done_at_dead_ = false;
    std::vector<std::string> stuck_;
    std::exception_ptr first_error_;
    Stats stats_;
    std::atomic<std::uint64_t> futex_parks_{0};
    green::StackPool spare_stacks_{
        opt_.stack_size, opt_.guard ? green::Stack::Guard::yes : green::Stack::Guard::no};
    std::vector<TraceEvent> trace_;
    Clock::time_point epoch_;
    char done_sync_ = 0;
};

// [free-functions]
/// Starts @p fn as a new goroutine of the runtime that runs the caller (Go's `go fn()`).
inline void go(std::function<void()> fn) {
    detail::G* g = Runtime::current_g();
    if (g == nullptr) throw std::logic_error("go: call it from a goroutine");
    // The new goroutine's fiber starts after everything this one did so far: the go
    // statement is synchronised before the goroutine's start.
    detail::G* ng = g->rt->create(std::move(fn));
    detail::Quiet quiet;
    g->rt->queue_new(detail::current_m(), ng);
}

/// Lets the other goroutines run; the caller continues later (Go's runtime.Gosched).
inline void yield() {
    detail::G* g = Runtime::current_g();
    if (g == nullptr) throw std::logic_error("yield: call it from a goroutine");
    detail::Quiet quiet;
    g->rt->yield_now();
}

/// Parks the calling goroutine for at least @p d (Go's time.Sleep).
inline void sleep_for(Clock::duration d) {
    detail::G* g = Runtime::current_g();
    if (g == nullptr) throw std::logic_error("sleep_for: call it from a goroutine");
    detail::Quiet quiet;
    g->rt->sleep_until(Clock::now() + d);
}

/// Parks the calling goroutine until @p fd is readable; its M runs other goroutines.
inline void wait_readable(int fd) {
    detail::G* g = Runtime::current_g();
    if (g == nullptr) throw std::logic_error("wait_readable: call it from a goroutine");
    detail::Quiet quiet;
    g->rt->wait_fd(fd, EPOLLIN);
}

/// Runs @p f, a blocking call, on the calling goroutine's OS thread after handing the
/// goroutine's P to another M (step 7), so that the other goroutines keep running.
template <class F>
auto blocking(F&& f) -> decltype(f()) {
    detail::G* g = Runtime::current_g();
    if (g == nullptr) throw std::logic_error("blocking: call it from a goroutine");
    {
        detail::Quiet quiet;
        g->rt->enter_syscall();
    }
    struct Exit {
        detail::G* g;
        ~Exit() {
            detail::Quiet quiet;
            g->rt->exit_syscall();
        }
    } exit{g};
    return f();
}

/// The number of the calling goroutine (1 is main); 0 outside goroutines.
inline std::uint64_t goroutine_id() {
    detail::G* g = Runtime::current_g();
    return g ? g->id : 0;
}

/// The P the calling goroutine runs on now (it may change at every park or yield).
inline unsigned current_p() {
    detail::M* m = detail::current_m();
    return m && m->p ? m->p->id : 0;
}
// [/free-functions]

}  // namespace book::go
