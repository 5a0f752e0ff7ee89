// pool.hpp: a work-stealing thread pool for loops, with parallel_for and parallel_reduce.
//
// Purpose: run the iterations of a loop on every CPU, keeping them all busy when
// iterations cost different amounts, at a cost per chunk of one uncontended lock.
//
// Glossary:
//   participant  a thread working on one loop: the caller (slot 0) or a pool worker
//   slot         one participant's share of the loop: a range [begin, end) under a lock
//   grain        how many iterations a participant claims from its own slot at a time
//   steal        an idle participant takes the upper half of another slot's range
//
// Rejected approaches: one shared counter claimed by everyone (OpenMP's dynamic
// schedule) makes every claim a contended atomic on one cache line; a fixed split
// (static schedule) leaves CPUs idle when iterations cost different amounts; a queue of
// one task per chunk allocates and synchronises per chunk. Splitting ranges keeps the
// common case (taking from one's own slot) private and makes stealing rare: each steal
// moves half of what is left.
//
// Protocol of one loop, parallel_for(begin, end, grain, body):
//   1. The caller makes a Job with one slot per participant, splits the range evenly
//      over the slots, and publishes the Job (publish); idle workers wake and join it,
//      each taking the next free slot (worker_loop).
//   2. Every participant runs participate(): it claims `grain` iterations from the front
//      of its own slot (claim_own) and runs them; when its slot is empty it steals the
//      upper half of another slot's range (steal), puts it in its own slot, and goes on.
//   3. A participant that finds every slot empty leaves. Every unfinished iteration is
//      always in a slot or in the hands of a participant that has not left.
//   4. The caller, when its own participate() returns, withdraws the Job (no one else
//      can join) and waits until every worker that joined has left (finish); then the
//      loop is complete and the first exception a body threw, if any, is rethrown.
// A body may itself call parallel_for (nested use): its thread becomes the caller of an
// inner Job that idle workers join.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace book::par {

namespace detail {

/// Two objects further apart than this never share a cache line (x86-64 and AArch64).
inline constexpr std::size_t cache_line = 64;

struct alignas(cache_line) Slot {
    std::mutex lock;
    std::size_t begin = 0;
    std::size_t end = 0;
};

struct Job {
    std::size_t grain = 1;
    void (*run)(void* body, std::size_t lo, std::size_t hi, unsigned slot) = nullptr;
    void* body = nullptr;
    unsigned slot_count = 0;
    std::unique_ptr<Slot[]> slots;
    unsigned joined = 1;  // slots handed out (slot 0 is the caller's); under Pool::lock_
    unsigned inside = 0;  // workers that joined and have not left; under done_lock
    std::atomic<bool> failed{false};
    std::exception_ptr error;  // the first exception; written once, under done_lock
    std::mutex done_lock;
    std::condition_variable done;
};

// [claim-steal]
// Takes up to `grain` iterations from the front of slot s.
inline bool claim_own(Job& job, unsigned s, std::size_t& lo, std::size_t& hi) {
    Slot& slot = job.slots[s];
    std::lock_guard guard(slot.lock);
    if (slot.begin == slot.end) return false;
    lo = slot.begin;
    hi = std::min(slot.end, lo + job.grain);
    slot.begin = hi;
    return true;
}

// Moves the upper half of some other slot's range into slot s (or, when only a grain
// or less is left there, takes all of it for immediate use in [lo, hi)).
inline bool steal(Job& job, unsigned s, std::size_t& lo, std::size_t& hi) {
    for (unsigned k = 1; k < job.slot_count; ++k) {
        Slot& victim = job.slots[(s + k) % job.slot_count];
        std::size_t from = 0, to = 0;
        {
            std::lock_guard guard(victim.lock);
            const std::size_t left = victim.end - victim.begin;
            if (left == 0) continue;
            from = left > job.grain ? victim.begin + left / 2 : victim.begin;
            to = victim.end;
            victim.end = from;
        }
        Slot& mine = job.slots[s];
        std::lock_guard guard(mine.lock);
        mine.begin = from;
        mine.end = to;
        lo = from;
        hi = std::min(to, from + job.grain);
        mine.begin = hi;
        return true;
    }
    return false;
}
// [/claim-steal]

}  // namespace detail

/**
 * @brief A fixed set of worker threads that run loops by work stealing.
 *
 * A pool of size `n` has `n - 1` worker threads; the thread that calls parallel_for()
 * or parallel_reduce() is the n-th participant and returns only when the loop is done.
 * Iterations are handed out in chunks of `grain`; idle participants steal half of
 * what another has left. A body may throw (the first exception is rethrown by the
 * caller, the rest of the loop is abandoned) and may call the pool again (nested use).
 *
 * @code
 * book::par::ThreadPool pool(4);
 * std::vector<double> v(1'000'000, 1.0);
 * double sum = pool.parallel_reduce(
 *     0, v.size(), 65536, 0.0,
 *     [&](std::size_t lo, std::size_t hi) {
 *         return std::accumulate(v.begin() + lo, v.begin() + hi, 0.0); },
 *     std::plus<>());
 * @endcode
 */
class ThreadPool {
public:
    /// Starts `participants - 1` workers; @p participants counts the calling thread.
    /// @throws std::invalid_argument when @p participants is 0.
    explicit ThreadPool(unsigned participants = std::thread::hardware_concurrency()) {
        if (participants == 0)
            throw std::invalid_argument("ThreadPool: at least one participant");
        for (unsigned i = 1; i < participants; ++i)
            workers_.emplace_back([this, i] { worker_loop(i); });
    }

    /// Stops and joins the workers; no loop may be running.
    ~ThreadPool() {
        {
            std::lock_guard guard(lock_);
            stopping_ = true;
        }
        wake_.notify_all();
        for (auto& w : workers_) w.join();
    }

    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    /// The number of participants: the workers and the calling thread.
    unsigned size() const { return static_cast<unsigned>(workers_.size()) + 1; }

    /// The calling thread's index in its pool: 1..size()-1 for a worker, 0 otherwise.
    static unsigned this_worker() { return detail_index(); }

    /**
     * @brief Calls `body(lo, hi)` on disjoint ranges that cover [@p begin, @p end)
     * exactly once, each at most @p grain long, on all participants.
     * @throws std::invalid_argument when @p grain is 0; rethrows the body's first
     * exception.
     */
    template <class Body>
    void parallel_for(std::size_t begin, std::size_t end, std::size_t grain,
                      Body&& body) {
        auto with_slot = [&body](std::size_t lo, std::size_t hi, unsigned) {
            body(lo, hi);
        };
        run_job(begin, end, grain, with_slot);
    }

    /**
     * @brief Reduces [@p begin, @p end): `map(lo, hi)` gives one chunk's value, and
     * `combine` merges values. Each participant accumulates in its own cache line; the
     * partial results are combined at the end. @p identity must be neutral for
     * @p combine, and @p combine associative (the grouping depends on the schedule).
     */
    template <class T, class Map, class Combine>
    T parallel_reduce(std::size_t begin, std::size_t end, std::size_t grain, T identity,
                      Map map, Combine combine) {
        struct alignas(detail::cache_line) Partial {
            T value;
        };
        std::vector<Partial> partial(size(), Partial{identity});
        auto accumulate = [&](std::size_t lo, std::size_t hi, unsigned slot) {
            partial[slot].value = combine(std::move(partial[slot].value), map(lo, hi));
        };
        run_job(begin, end, grain, accumulate);
        T total = std::move(identity);
        for (auto& p : partial) total = combine(std::move(total), std::move(p.value));
        return total;
    }

private:
    static unsigned& detail_index() {
        thread_local unsigned index = 0;
        return index;
    }

    // [run-job]
    // Step 1: the Job lives on the caller's stack; slots start as an even split.
    template <class Body>
    void run_job(std::size_t begin, std::size_t end, std::size_t grain, Body& body) {
        if (grain == 0) throw std::invalid_argument("parallel_for: grain must be >= 1");
        if (begin >= end) return;
        detail::Job job;
        job.grain = grain;
        job.body = &body;
        job.run = [](void* b, std::size_t lo, std::size_t hi, unsigned slot) {
            (*static_cast<Body*>(b))(lo, hi, slot);
        };
        job.slot_count = size();
        job.slots = std::make_unique<detail::Slot[]>(job.slot_count);
        const std::size_t n = end - begin;
        for (unsigned s = 0; s < job.slot_count; ++s) {
            job.slots[s].begin = begin + n * s / job.slot_count;
            job.slots[s].end = begin + n * (s + 1) / job.slot_count;
        }
        if (job.slot_count > 1) publish(job);
        participate(job, 0);
        finish(job);
    }
    // [/run-job]

    void publish(detail::Job& job) {
        {
            std::lock_guard guard(lock_);
            open_.push_back(&job);
        }
        wake_.notify_all();
    }

    // [participate]
    // Step 2: claim from one's own slot, steal when it is empty, leave when all are.
    static void participate(detail::Job& job, unsigned slot) {
        std::size_t lo = 0, hi = 0;
        while (
            !job.failed.load(std::memory_order_relaxed) &&
            (detail::claim_own(job, slot, lo, hi) || detail::steal(job, slot, lo, hi))) {
            try {
                job.run(job.body, lo, hi, slot);
            } catch (...) {
                std::lock_guard guard(job.done_lock);
                if (!job.error) job.error = std::current_exception();
                job.failed.store(true, std::memory_order_relaxed);
            }
        }
    }
    // [/participate]

    // [finish]
    // Step 4: no one joins after this; wait for those inside, then report.
    void finish(detail::Job& job) {
        if (job.slot_count > 1) {
            std::lock_guard guard(lock_);
            open_.erase(std::find(open_.begin(), open_.end(), &job));
        }
        std::unique_lock wait(job.done_lock);
        job.done.wait(wait, [&] { return job.inside == 0; });
        if (job.error) std::rethrow_exception(job.error);
    }
    // [/finish]

    // [worker-loop]
    void worker_loop(unsigned index) {
        detail_index() = index;
        std::unique_lock guard(lock_);
        for (;;) {
            wake_.wait(guard, [&] { return stopping_ || joinable() != nullptr; });
            detail::Job* job = joinable();
            if (job == nullptr) return;  // stopping, and nothing left to join
            const unsigned slot = job->joined++;
            {
                std::lock_guard in(job->done_lock);
                ++job->inside;
            }
            guard.unlock();
            participate(*job, slot);
            {
                std::lock_guard out(job->done_lock);
                if (--job->inside == 0) job->done.notify_all();
            }
            guard.lock();
        }
    }
    // [/worker-loop]

    // The newest published job with a free slot (inner loops first); under lock_.
    detail::Job* joinable() const {
        for (auto it = open_.rbegin(); it != open_.rend(); ++it)
            if ((*it)->joined < (*it)->slot_count) return *it;
        return nullptr;
    }

    std::mutex lock_;
    std::condition_variable wake_;
    std::vector<detail::Job*> open_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace book::par
