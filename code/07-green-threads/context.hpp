// context.hpp: a context switch written by hand (x86-64 and AArch64), announced to the
// sanitizers, so that a thread of execution can leave one stack and resume on another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include <pthread.h>

// [switch-x86]
// book_green_switch(void** save, void* target, void* arg): saves the callee-saved state
// on the current stack, stores the stack pointer in *save, loads target as the stack
// pointer, restores the state saved there and continues where target left off; arg is
// returned there (rax) and passed in rdi to a fresh context's entry.
#if defined(__x86_64__)
asm(R"(
    .pushsection .text.book_green_switch,"axG",@progbits,book_green_switch,comdat
    .globl book_green_switch
    .type  book_green_switch,@function
    .p2align 4
book_green_switch:
    .cfi_startproc
    pushq %rbp
    pushq %rbx
    pushq %r15
    pushq %r14
    pushq %r13
    pushq %r12
    subq  $16, %rsp
    stmxcsr 8(%rsp)
    fnstcw  12(%rsp)
    movq  %rsp, (%rdi)
    movq  %rsi, %rsp
    ldmxcsr 8(%rsp)
    fldcw   12(%rsp)
    addq  $16, %rsp
    popq  %r12
    popq  %r13
    popq  %r14
    popq  %r15
    popq  %rbx
    popq  %rbp
    movq  %rdx, %rax
    movq  %rdx, %rdi
    popq  %r8
    jmpq  *%r8
    .cfi_endproc
    .size book_green_switch,.-book_green_switch
    .popsection
)");
// [/switch-x86]

// [switch-x86-ret]
// The same switch ending in `ret`: shorter, but the return does not match a call, so
// the return-stack buffer predicts the wrong target on almost every switch.
asm(R"(
    .pushsection .text.book_green_switch_ret,"axG",@progbits,book_green_switch_ret,comdat
    .globl book_green_switch_ret
    .type  book_green_switch_ret,@function
    .p2align 4
book_green_switch_ret:
    .cfi_startproc
    pushq %rbp
    pushq %rbx
    pushq %r15
    pushq %r14
    pushq %r13
    pushq %r12
    subq  $16, %rsp
    stmxcsr 8(%rsp)
    fnstcw  12(%rsp)
    movq  %rsp, (%rdi)
    movq  %rsi, %rsp
    ldmxcsr 8(%rsp)
    fldcw   12(%rsp)
    addq  $16, %rsp
    popq  %r12
    popq  %r13
    popq  %r14
    popq  %r15
    popq  %rbx
    popq  %rbp
    movq  %rdx, %rax
    movq  %rdx, %rdi
    ret
    .cfi_endproc
    .size book_green_switch_ret,.-book_green_switch_ret
    .popsection
)");
// [/switch-x86-ret]

// [trampoline-x86]
// The first code a fresh context runs: r12 holds the entry function, rdi its argument,
// and the stack pointer is 16-byte aligned, as a call requires. The entry never
// returns; if it did, ud2 stops the program instead of returning into nothing.
asm(R"(
    .pushsection .text.book_green_trampoline,"axG",@progbits,book_green_trampoline,comdat
    .globl book_green_trampoline
    .type  book_green_trampoline,@function
    .p2align 4
book_green_trampoline:
    .cfi_startproc
    .cfi_undefined rip
    callq *%r12
    ud2
    .cfi_endproc
    .size book_green_trampoline,.-book_green_trampoline
    .popsection
)");
// [/trampoline-x86]
#elif defined(__aarch64__)
// [switch-arm]
// AArch64: x19-x28, the frame pointer x29, the link register x30 and the low halves
// of v8-v15 (d8-d15) are callee-saved. The frame is 160 bytes, a multiple of 16, so
// that sp stays 16-byte aligned as the architecture requires.
asm(R"(
    .pushsection .text.book_green_switch,"axG",@progbits,book_green_switch,comdat
    .globl book_green_switch
    .type  book_green_switch,%function
    .p2align 4
book_green_switch:
    .cfi_startproc
    sub  sp, sp, #160
    stp  x19, x20, [sp, #0]
    stp  x21, x22, [sp, #16]
    stp  x23, x24, [sp, #32]
    stp  x25, x26, [sp, #48]
    stp  x27, x28, [sp, #64]
    stp  x29, x30, [sp, #80]
    stp  d8,  d9,  [sp, #96]
    stp  d10, d11, [sp, #112]
    stp  d12, d13, [sp, #128]
    stp  d14, d15, [sp, #144]
    mov  x9, sp
    str  x9, [x0]
    mov  sp, x1
    ldp  x19, x20, [sp, #0]
    ldp  x21, x22, [sp, #16]
    ldp  x23, x24, [sp, #32]
    ldp  x25, x26, [sp, #48]
    ldp  x27, x28, [sp, #64]
    ldp  x29, x30, [sp, #80]
    ldp  d8,  d9,  [sp, #96]
    ldp  d10, d11, [sp, #112]
    ldp  d12, d13, [sp, #128]
    ldp  d14, d15, [sp, #144]
    add  sp, sp, #160
    mov  x0, x2
    ret
    .cfi_endproc
    .size book_green_switch,.-book_green_switch
    .popsection

    .pushsection .text.book_green_trampoline,"axG",@progbits,book_green_trampoline,comdat
    .globl book_green_trampoline
    .type  book_green_trampoline,%function
    .p2align 4
book_green_trampoline:
    .cfi_startproc
    .cfi_undefined x30
    blr  x19
    brk  #0
    .cfi_endproc
    .size book_green_trampoline,.-book_green_trampoline
    .popsection
)");
// [/switch-arm]
#else
#error "book::green has a context switch for x86-64 and AArch64 only"
#endif

extern "C" {
/// The hand-written switch (see %context.hpp); use book::green::switch_to instead.
void* book_green_switch(void** save, void* target, void* arg);
/// The first instructions of a fresh context; never called directly.
void book_green_trampoline();
#if defined(__x86_64__)
/// The same switch ending in `ret` instead of pop + indirect jump (measured only).
void* book_green_switch_ret(void** save, void* target, void* arg);
#endif
}

#if defined(__SANITIZE_ADDRESS__)
#define BOOK_GREEN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BOOK_GREEN_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define BOOK_GREEN_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BOOK_GREEN_TSAN 1
#endif
#endif

#if defined(BOOK_GREEN_ASAN)
extern "C" {
void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom,
                                    std::size_t size);
void __sanitizer_finish_switch_fiber(void* fake_stack_save, const void** bottom_old,
                                     std::size_t* size_old);
}
#endif
#if defined(BOOK_GREEN_TSAN)
extern "C" {
void* __tsan_get_current_fiber();
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
void __tsan_ignore_thread_begin();
void __tsan_ignore_thread_end();
}
#endif

namespace book::green {

class Context;

/**
 * @brief What ThreadSanitizer is told a switch means.
 *
 * A direct hand-off (ping-pong, a generator) really orders what one side did before the
 * switch before what the other does after it. A scheduler that switches between
 * independent green threads must not say so, or TSan would order every green thread
 * after every other and miss the races between them.
 */
enum class Sync {
    handoff,  ///< flags 0: the switch synchronises, as a lock hand-off would
    none      ///< `__tsan_switch_to_fiber_no_sync`: the caller marks real hand-offs
};

inline void* switch_to(Context& from, Context& to, void* arg, Sync sync = Sync::handoff);
[[noreturn]] inline void switch_to_final(Context& from, Context& to, void* arg,
                                         Sync sync = Sync::handoff);
#if defined(__x86_64__)
inline void* switch_to_ret(Context& from, Context& to, void* arg);
#endif

/// The function a fresh context starts with; it receives the argument of the switch
/// that first entered it and must never return (switch away for good instead).
using EntryFunction = void (*)(void* arg);

/**
 * @brief A suspended thread of execution: its saved stack pointer and, for the
 * sanitizers, the bounds of its stack.
 *
 * A Context is either the *current* one of an OS thread (made with current_thread(),
 * which describes the stack the thread already runs on) or a *fresh* one (made with
 * fresh(), which prepares a stack so that the first switch into it calls an entry
 * function). %switch_to() saves the running context in one Context and resumes another.
 * A Context does not own its stack (see Stack in %stack.hpp).
 *
 * @code
 * static book::green::Context main_ctx, fiber_ctx;
 * static void entry(void*) {
 *     book::green::switch_to(fiber_ctx, main_ctx, nullptr);  // back to main, forever
 * }
 * main_ctx = book::green::Context::current_thread();
 * fiber_ctx = book::green::Context::fresh(stack_low, stack_size, entry);
 * book::green::switch_to(main_ctx, fiber_ctx, nullptr);  // runs entry until it switches
 * @endcode
 */
class Context {
public:
    /// An empty context: a place to save the running one into.
    Context() = default;

    /// The context of the calling OS thread's own stack.
    static Context current_thread() {
        Context c;
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            void* low = nullptr;
            std::size_t size = 0;
            pthread_attr_getstack(&attr, &low, &size);
            pthread_attr_destroy(&attr);
            c.stack_low_ = low;
            c.stack_size_ = size;
        }
#if defined(BOOK_GREEN_TSAN)
        c.tsan_fiber_ = __tsan_get_current_fiber();
#endif
        return c;
    }

    // [fresh]
    /// A context that, when first switched to, calls @p entry on the stack
    /// [@p low, @p low + @p size) with the switch's argument.
    static Context fresh(void* low, std::size_t size, EntryFunction entry) {
        if (low == nullptr || size < 4096)
            throw std::invalid_argument("Context::fresh: a stack of at least 4 KiB");
        auto top = reinterpret_cast<std::uintptr_t>(low) + size;
        top &= ~std::uintptr_t{15};  // 16-byte aligned, as the ABI wants at a call
        auto* frame = reinterpret_cast<std::uintptr_t*>(top) - frame_words;
        std::memset(frame, 0, frame_words * sizeof(std::uintptr_t));
#if defined(__x86_64__)
        // Layout from the saved stack pointer up: mxcsr/x87 control words, r12..r15,
        // rbx, rbp, the address the switch jumps to. The trampoline then runs with
        // rsp == top, 16-byte aligned, and its call pushes the return address.
        auto* words = reinterpret_cast<std::uint32_t*>(frame);
        asm volatile("stmxcsr %0" : "=m"(words[2]));
        asm volatile("fnstcw %0" : "=m"(words[3]));
        frame[2] = reinterpret_cast<std::uintptr_t>(entry);  // r12
        frame[8] = reinterpret_cast<std::uintptr_t>(&book_green_trampoline);
#elif defined(__aarch64__)
        // Layout: x19..x28, x29 (frame pointer, 0 ends backtraces), x30 (link register:
        // where `ret` goes), d8..d15. Entry runs with sp == top.
        frame[0] = reinterpret_cast<std::uintptr_t>(entry);                    // x19
        frame[11] = reinterpret_cast<std::uintptr_t>(&book_green_trampoline);  // x30
#endif
        Context c;
        c.sp_ = frame;
        c.stack_low_ = low;
        c.stack_size_ = size;
#if defined(BOOK_GREEN_TSAN)
        c.tsan_fiber_ = __tsan_create_fiber(0);
        c.owns_tsan_fiber_ = true;
#endif
        return c;
    }
    // [/fresh]

    /// Takes over @p other's saved state (and its ThreadSanitizer fiber).
    Context(Context&& other) noexcept { *this = static_cast<Context&&>(other); }
    /// Takes over @p other's saved state, releasing this one's.
    Context& operator=(Context&& other) noexcept {
        if (this != &other) {
            release();
            sp_ = other.sp_;
            stack_low_ = other.stack_low_;
            stack_size_ = other.stack_size_;
            fake_stack_ = other.fake_stack_;
            tsan_fiber_ = other.tsan_fiber_;
            owns_tsan_fiber_ = other.owns_tsan_fiber_;
            other.owns_tsan_fiber_ = false;
            other.tsan_fiber_ = nullptr;
            other.sp_ = nullptr;
        }
        return *this;
    }
    /// Not copyable: a saved context can be resumed only once.
    Context(const Context&) = delete;
    /// Not copyable.
    Context& operator=(const Context&) = delete;
    /// Releases the ThreadSanitizer fiber of a fresh context (never the running one).
    ~Context() { release(); }

    /// The lowest address of this context's stack (nullptr when unknown).
    void* stack_low() const { return stack_low_; }
    /// The size of this context's stack in bytes (0 when unknown).
    std::size_t stack_size() const { return stack_size_; }

private:
    friend void* switch_to(Context& from, Context& to, void* arg, Sync sync);
    friend void switch_to_final(Context& from, Context& to, void* arg, Sync sync);
#if defined(__x86_64__)
    friend void* switch_to_ret(Context& from, Context& to, void* arg);
#endif

    // The initial frame: 72 bytes on x86-64 (see switch-x86), 160 on AArch64.
#if defined(__x86_64__)
    static constexpr std::size_t frame_words = 9;
#else
    static constexpr std::size_t frame_words = 20;
#endif

    void release() {
#if defined(BOOK_GREEN_TSAN)
        if (owns_tsan_fiber_ && tsan_fiber_ != nullptr) __tsan_destroy_fiber(tsan_fiber_);
#endif
        owns_tsan_fiber_ = false;
        tsan_fiber_ = nullptr;
    }

    void* sp_ = nullptr;
    void* stack_low_ = nullptr;
    std::size_t stack_size_ = 0;
    void* fake_stack_ = nullptr;  // AddressSanitizer's fake stack of this context
    void* tsan_fiber_ = nullptr;  // ThreadSanitizer's fiber of this context
    bool owns_tsan_fiber_ = false;
};

namespace detail {
// [announce]
// Tells the sanitizers that the running context is about to leave for `to`. ASan needs
// the bounds of the stack it will run on and saves this context's fake stack (nullptr:
// this context will never run again); TSan switches its shadow thread.
inline void before_switch(void** fake_save, const void* low, std::size_t size,
                          void* tsan_fiber, Sync sync) {
    (void)fake_save, (void)low, (void)size, (void)tsan_fiber, (void)sync;
#if defined(BOOK_GREEN_ASAN)
    __sanitizer_start_switch_fiber(fake_save, low, size);
#endif
#if defined(BOOK_GREEN_TSAN)
    __tsan_switch_to_fiber(tsan_fiber, sync == Sync::handoff ? 0u : 1u);
#endif
}

// Tells ASan that the switch into the running context has completed.
inline void after_switch(void* fake_stack) {
    (void)fake_stack;
#if defined(BOOK_GREEN_ASAN)
    __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
}
// [/announce]
}  // namespace detail

// [switch-to]
/**
 * @brief Saves the running context in @p from and resumes @p to; returns when another
 * context switches back to @p from, with that switch's argument.
 *
 * @p arg is what the resumed context receives: the return value of its own switch_to,
 * or, for a fresh context, the argument of its entry function (which must first call
 * started()). The switch is announced to AddressSanitizer and ThreadSanitizer when the
 * program is built with them; @p sync says whether TSan sees it as synchronisation.
 */
inline void* switch_to(Context& from, Context& to, void* arg, Sync sync) {
    detail::before_switch(&from.fake_stack_, to.stack_low_, to.stack_size_,
                          to.tsan_fiber_, sync);
    void* got = book_green_switch(&from.sp_, to.sp_, arg);
    detail::after_switch(from.fake_stack_);
    return got;
}
// [/switch-to]

/**
 * @brief Like %switch_to(), for a context that will never be resumed (a finished green
 * thread): AddressSanitizer may then drop its fake stack.
 */
[[noreturn]] inline void switch_to_final(Context& from, Context& to, void* arg,
                                         Sync sync) {
    detail::before_switch(nullptr, to.stack_low_, to.stack_size_, to.tsan_fiber_, sync);
    book_green_switch(&from.sp_, to.sp_, arg);
    __builtin_trap();  // a finished context was resumed
}

#if defined(__x86_64__)
/// %switch_to() through the `ret`-ending switch: for measurements only (x86-64).
inline void* switch_to_ret(Context& from, Context& to, void* arg) {
    detail::before_switch(&from.fake_stack_, to.stack_low_, to.stack_size_,
                          to.tsan_fiber_, Sync::handoff);
    void* got = book_green_switch_ret(&from.sp_, to.sp_, arg);
    detail::after_switch(from.fake_stack_);
    return got;
}
#endif

/**
 * @brief The first call of every entry function: completes the switch into a fresh
 * context for the sanitizers, and returns the entry's argument.
 */
inline void* started(void* arg) {
    detail::after_switch(nullptr);
    return arg;
}

}  // namespace book::green
