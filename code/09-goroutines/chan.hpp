// chan.hpp: Go's channels (unbuffered and buffered, close) and select, safe across Ms.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "runtime.hpp"

namespace book::go {

namespace detail {

// A goroutine waiting in one channel's queue (Go's sudog): where the value comes from or
// goes to, and, once woken, whether the operation succeeded.
struct Sudog {
    G* g = nullptr;
    void* elem = nullptr;  // T* to send from or receive into
    bool ok = false;       // completed by a partner (false: woken by close)
    bool woken = false;    // a partner or close took it off the queue
    bool is_select = false;
    int case_index = -1;
    Sudog* prev = nullptr;
    Sudog* next = nullptr;
};

struct WaitQueue {
    Sudog* first = nullptr;
    Sudog* last = nullptr;
    void push(Sudog* s) {
        s->prev = last;
        s->next = nullptr;
        if (last)
            last->next = s;
        else
            first = s;
        last = s;
    }
    void remove(Sudog* s) {
        if (s->prev)
            s->prev->next = s->next;
        else if (first == s)
            first = s->next;
        else
            return;  // not queued
        if (s->next)
            s->next->prev = s->prev;
        else
            last = s->prev;
        s->prev = s->next = nullptr;
    }
    // The first waiter that can still be completed: a select claims its goroutine with
    // a CAS (another case may have won already); an unwinding goroutine is skipped.
    Sudog* dequeue() {
        while (Sudog* s = first) {
            remove(s);
            if (s->g->unwind) continue;
            if (s->is_select) {
                int zero = 0;
                if (!s->g->select_done.compare_exchange_strong(zero, 1)) continue;
                s->g->select_case = s->case_index;
            }
            s->woken = true;
            return s;
        }
        return nullptr;
    }
    bool empty() const { return first == nullptr; }
};

// The channel proper, shared by the Chan handles (Go's hchan).
class ChanBase {
public:
    explicit ChanBase(std::size_t cap) : cap_(cap) {}
    virtual ~ChanBase() = default;

    SpinLock lock;
    WaitQueue recvq;
    WaitQueue sendq;
    bool closed = false;
    std::size_t count = 0;
    char sync = 0;  // ThreadSanitizer's address for this channel's hand-offs

    std::size_t cap() const { return cap_; }

    // [try-ops]
    // Lock held. True when the send completed; throws on a closed channel. A woken
    // partner is appended to @p wake (made ready after the unlock).
    bool try_send(void* src, G*& wake) {
        if (closed) return fail_closed_send();
        if (Sudog* r = recvq.dequeue()) {  // a receiver waits: hand the value over
            move_value(r->elem, src);
            r->ok = true;
            wake = r->g;
            return true;
        }
        if (count < cap_) {
            push_buf(src);
            return true;
        }
        return false;
    }

    // Lock held. True when the receive completed (@p ok false: closed and drained).
    bool try_recv(void* dst, bool& ok, G*& wake) {
        if (Sudog* s = sendq.dequeue()) {  // a sender waits: the buffer is full or absent
            if (cap_ == 0) {
                move_value(dst, s->elem);
            } else {  // take the oldest, let the sender's value join at the tail
                pop_buf(dst);
                push_buf(s->elem);
            }
            s->ok = true;
            wake = s->g;
            ok = true;
            return true;
        }
        if (count > 0) {
            pop_buf(dst);
            ok = true;
            return true;
        }
        if (closed) {
            zero(dst);
            ok = false;
            return true;
        }
        return false;
    }
    // [/try-ops]

    bool fail_closed_send() {
        lock.unlock();
        throw std::logic_error("send on closed channel");
    }

    virtual void move_value(void* dst, void* src) = 0;
    virtual void push_buf(void* src) = 0;
    virtual void pop_buf(void* dst) = 0;
    virtual void zero(void* dst) = 0;

private:
    std::size_t cap_;
};

template <class T>
class ChanState final : public ChanBase {
public:
    explicit ChanState(std::size_t cap) : ChanBase(cap), buf_(cap) {}
    void move_value(void* dst, void* src) override {
        *static_cast<T*>(dst) = std::move(*static_cast<T*>(src));
    }
    void push_buf(void* src) override {
        buf_[(head_ + count) % buf_.size()] = std::move(*static_cast<T*>(src));
        ++count;
    }
    void pop_buf(void* dst) override {
        *static_cast<T*>(dst) = std::move(buf_[head_]);
        buf_[head_] = T{};
        head_ = (head_ + 1) % buf_.size();
        --count;
    }
    void zero(void* dst) override { *static_cast<T*>(dst) = T{}; }

private:
    std::vector<T> buf_;
    std::size_t head_ = 0;
};

inline void unlock_one(void* lock) { static_cast<SpinLock*>(lock)->unlock(); }

inline G* running_g(const char* what) {
    G* g = Runtime::current_g();
    if (g == nullptr)
        throw std::logic_error(std::string(what) + ": call it from a goroutine");
    return g;
}

// [blocking-op]
// Parks g in queue @p q of channel @p c (lock held) until a partner or close() takes it
// off; returns the sudog's outcome. Throws Unwind when the runtime gives up on g.
inline bool wait_in(ChanBase* c, WaitQueue& q, void* elem, G* g, Wait why) {
    Sudog s;
    s.g = g;
    s.elem = elem;
    q.push(&s);
    Runtime::park(g, why, unlock_one, &c->lock);  // g0 unlocks after the switch
    if (!s.woken) {  // unwound after a deadlock: leave the queue, then unwind
        c->lock.lock();
        q.remove(&s);
        c->lock.unlock();
        throw Unwind{};
    }
    return s.ok;
}
// [/blocking-op]

inline void send_op(ChanBase* c, void* src) {
    G* g = running_g("send");
    release(&c->sync);
    {
        Quiet quiet;
        c->lock.lock();
        G* wake = nullptr;
        if (c->try_send(src, wake)) {
            c->lock.unlock();
            if (wake) g->rt->ready(wake);
        } else if (!wait_in(c, c->sendq, src, g, Wait::chan_send)) {
            throw std::logic_error("send on closed channel");
        }
    }
    acquire(&c->sync);
}

inline bool recv_op(ChanBase* c, void* dst) {
    G* g = running_g("receive");
    release(&c->sync);
    bool ok = false;
    {
        Quiet quiet;
        c->lock.lock();
        G* wake = nullptr;
        if (c->try_recv(dst, ok, wake)) {
            c->lock.unlock();
            if (wake) g->rt->ready(wake);
        } else {
            ok = wait_in(c, c->recvq, dst, g, Wait::chan_receive);
        }
    }
    acquire(&c->sync);
    return ok;
}

inline void close_op(ChanBase* c) {
    G* g = running_g("close");
    release(&c->sync);
    Quiet quiet;
    std::vector<G*> wake;
    c->lock.lock();
    if (c->closed) {
        c->lock.unlock();
        throw std::logic_error("close of closed channel");
    }
    c->closed = true;
    while (Sudog* r = c->recvq.dequeue()) {  // receivers get the zero value and false
        c->zero(r->elem);
        r->ok = false;
        wake.push_back(r->g);
    }
    while (Sudog* s = c->sendq.dequeue()) {  // senders panic: "send on closed channel"
        s->ok = false;
        wake.push_back(s->g);
    }
    c->lock.unlock();
    for (G* w : wake) g->rt->ready(w);
}

}  // namespace detail

/**
 * @brief A channel of T (Go's `chan T`): a handle; copies refer to the same channel.
 *
 * Capacity 0 makes an unbuffered channel: a send completes only when a receiver takes
 * the value (a rendezvous). Capacity n buffers up to n values. close() with Go's
 * semantics: receives drain the buffer, then return T{} and false; a send on a closed
 * channel, and closing twice, throw std::logic_error ("send on closed channel",
 * "close of closed channel"). Every operation is safe from any goroutine on any M; the
 * blocking ones park the goroutine, never its OS thread.
 *
 * @code
 * book::go::Chan<int> ch(3);            // buffered, capacity 3
 * book::go::go([ch]() mutable {
 *     for (int i = 0; i < 5; ++i) ch.send(i);
 *     ch.close();
 * });
 * for (int v; ch.recv(v);) use(v);      // 0 1 2 3 4, then closed
 * @endcode
 */
template <class T>
class Chan {
public:
    /// A new channel with room for @p capacity buffered values (0: unbuffered).
    explicit Chan(std::size_t capacity = 0)
        : state_(std::make_shared<detail::ChanState<T>>(capacity)) {}

    /// Sends @p value; parks while no receiver or buffer slot takes it.
    void send(T value) { detail::send_op(state_.get(), &value); }

    /// Receives into @p out; false (and T{} in @p out) once closed and drained.
    bool recv(T& out) { return detail::recv_op(state_.get(), &out); }

    /// Receives a value (T{} once closed and drained).
    T recv() {
        T out{};
        recv(out);
        return out;
    }

    /// Closes the channel: receivers drain it and then get T{} and false.
    void close() { detail::close_op(state_.get()); }

    /// The capacity given at construction.
    std::size_t cap() const { return state_->cap(); }

    /// The channel proper (for select cases).
    detail::ChanBase* base() const { return state_.get(); }

private:
    std::shared_ptr<detail::ChanState<T>> state_;
};

/// One case of select(): made by recv_case() or send_case().
struct Case {
    /// @cond INTERNAL
    detail::ChanBase* chan = nullptr;  // the channel (nullptr: never ready, Go's nil)
    /// @endcond
    bool is_send = false;  ///< send or receive
    void* elem = nullptr;  ///< T* the value comes from or goes to
    bool* ok = nullptr;    ///< receive: set to false when closed (optional)
};

/// A receive case: the value goes to @p out, and @p ok (if given) is false when closed.
template <class T>
Case recv_case(Chan<T>& ch, T& out, bool* ok = nullptr) {
    return Case{ch.base(), false, &out, ok};
}

/// A send case: sends @p value (moved from when the case is chosen).
template <class T>
Case send_case(Chan<T>& ch, T& value) {
    return Case{ch.base(), true, &value, nullptr};
}

namespace detail {
struct LockSet {
    std::vector<ChanBase*> chans;  // distinct, in address order (no lock-order cycles)
    void lock_all() {
        for (ChanBase* c : chans) c->lock.lock();
    }
    void unlock_all() {
        for (ChanBase* c : chans) c->lock.unlock();
    }
};
inline void unlock_set(void* a) { static_cast<LockSet*>(a)->unlock_all(); }

// [select]
inline int select_op(std::vector<Case> cases, bool has_default) {
    G* g = running_g("select");
    for (const Case& k : cases)
        if (k.chan) release(&k.chan->sync);
    int chosen = -1;
    {
        Quiet quiet;
        LockSet set;
        for (const Case& k : cases)
            if (k.chan) set.chans.push_back(k.chan);
        std::sort(set.chans.begin(), set.chans.end());
        set.chans.erase(std::unique(set.chans.begin(), set.chans.end()), set.chans.end());
        // Pass 1: the ready cases, polled in a uniformly random order (Fisher-Yates).
        std::vector<int> order(cases.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
        for (std::size_t i = order.size(); i > 1; --i)
            std::swap(order[i - 1], order[Runtime::random() % i]);
        set.lock_all();
        G* wake = nullptr;
        for (int i : order) {
            Case& k = cases[i];
            if (!k.chan) continue;
            bool ok = true;
            bool done;
            if (k.is_send) {
                if (k.chan->closed) {
                    set.unlock_all();
                    throw std::logic_error("send on closed channel");
                }
                done = k.chan->try_send(k.elem, wake);
            } else {
                done = k.chan->try_recv(k.elem, ok, wake);
            }
            if (done) {
                if (k.ok) *k.ok = ok;
                chosen = i;
                break;
            }
        }
        if (chosen >= 0 || has_default || set.chans.empty()) {
            set.unlock_all();
            if (wake) g->rt->ready(wake);
            if (chosen < 0 && !has_default)
                throw std::logic_error("select with no cases blocks forever");
        } else {
            // Pass 2: wait on every channel at once; the first partner claims g.
            g->select_done.store(0);
            g->select_case = -1;
            std::vector<Sudog> waits(cases.size());
            for (std::size_t i = 0; i < cases.size(); ++i) {
                if (!cases[i].chan) continue;
                Sudog& s = waits[i];
                s.g = g;
                s.elem = cases[i].elem;
                s.is_select = true;
                s.case_index = static_cast<int>(i);
                (cases[i].is_send ? cases[i].chan->sendq : cases[i].chan->recvq).push(&s);
            }
            Runtime::park(g, Wait::select, unlock_set, &set);
            // Pass 3: leave the queues of the cases that did not fire.
            set.lock_all();
            for (std::size_t i = 0; i < cases.size(); ++i) {
                if (!cases[i].chan || static_cast<int>(i) == g->select_case) continue;
                (cases[i].is_send ? cases[i].chan->sendq : cases[i].chan->recvq)
                    .remove(&waits[i]);
            }
            set.unlock_all();
            chosen = g->select_case;
            if (chosen < 0) throw Unwind{};  // unwound after a deadlock
            const Sudog& won = waits[chosen];
            if (cases[chosen].is_send && !won.ok)
                throw std::logic_error("send on closed channel");
            if (cases[chosen].ok) *cases[chosen].ok = won.ok;
        }
    }
    if (chosen >= 0) acquire(&cases[chosen].chan->sync);
    return chosen;
}
// [/select]
}  // namespace detail

/**
 * @brief Waits until one of @p cases can proceed, performs it and returns its index
 * (Go's `select` without `default`). When several are ready, each is chosen with equal
 * probability (the runtime's seeded random source).
 *
 * @code
 * int v; std::string s;
 * switch (book::go::select({book::go::recv_case(ints, v),
 *                           book::go::recv_case(strings, s)})) {
 * case 0: use(v); break;
 * case 1: use(s); break;
 * }
 * @endcode
 */
inline int select(std::initializer_list<Case> cases) {
    return detail::select_op(std::vector<Case>(cases), false);
}

/// Like select(), with a `default` case: returns -1 at once when no case is ready.
inline int try_select(std::initializer_list<Case> cases) {
    return detail::select_op(std::vector<Case>(cases), true);
}

}  // namespace book::go
