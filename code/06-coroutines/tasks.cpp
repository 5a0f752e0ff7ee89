// Shows tasks awaiting tasks: the order of control transfer, an exception crossing
// co_await, and how symmetric transfer keeps a deep chain from overflowing the stack.
#include "task.hpp"

#include "cli.hpp"

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

using book::coro::task;

// [trace]
task<int> leaf(int x) {
    std::printf("      leaf: running, returns %d\n", x * 10);
    co_return x * 10;
}

task<int> middle(int x) {
    std::printf("    middle: started, awaits leaf(%d)\n", x);
    const int v = co_await leaf(x);
    std::printf("    middle: resumed with %d, returns %d\n", v, v + 1);
    co_return v + 1;
}

task<int> top() {
    std::printf("  top: started, awaits middle(4)\n");
    const int v = co_await middle(4);
    std::printf("  top: resumed with %d\n", v);
    co_return v;
}
// [/trace]

// [exception]
task<int> failing_leaf() {
    throw std::runtime_error("disk not found");
    co_return 0;  // never reached; makes this function a coroutine
}

task<int> caller_of_failing() { co_return 1 + co_await failing_leaf(); }

task<std::string> catcher() {
    try {
        co_await caller_of_failing();
        co_return "no exception";
    } catch (const std::runtime_error& e) {
        co_return std::string("caught std::runtime_error: ") + e.what();
    }
}
// [/exception]

// [nested-task]
// The design symmetric transfer replaced: each hand-over is an ordinary call to
// resume(), made from inside the coroutine that hands over, so every level of a chain
// adds stack frames.
template <class T>
class nested_task {
public:
    struct promise_type {
        std::coroutine_handle<> continuation;
        T value{};
        nested_task get_return_object() {
            return nested_task{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() noexcept { return {}; }
        // [nested-final]
        auto final_suspend() noexcept {
            struct resume_caller {
                bool await_ready() noexcept { return false; }
                void await_suspend(std::coroutine_handle<promise_type> self) noexcept {
                    if (auto c = self.promise().continuation)
                        c.resume();  // a call: the stack grows
                }
                void await_resume() noexcept {}
            };
            return resume_caller{};
        }
        // [/nested-final]
        void return_value(T v) { value = v; }
        void unhandled_exception() { std::terminate(); }
    };
    nested_task(nested_task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
    ~nested_task() {
        if (h_) h_.destroy();
    }
    // [nested-await]
    auto operator co_await() && noexcept {
        struct awaiter {
            std::coroutine_handle<promise_type> callee;
            bool await_ready() noexcept { return false; }
            void await_suspend(std::coroutine_handle<> caller) {
                callee.promise().continuation = caller;
                callee.resume();  // a call: the stack grows
            }
            T await_resume() { return callee.promise().value; }
        };
        return awaiter{h_};
    }
    // [/nested-await]
    std::coroutine_handle<promise_type> handle() const { return h_; }

private:
    explicit nested_task(std::coroutine_handle<promise_type> h) : h_(h) {}
    std::coroutine_handle<promise_type> h_;
};
// [/nested-task]

// [chains]
// The deepest coroutine records where the stack is, to measure how much the chain used.
char* g_stack_top = nullptr;
std::size_t g_stack_used = 0;

[[gnu::noinline]] void record_stack_depth() {
    char* here = static_cast<char*>(__builtin_frame_address(0));
    g_stack_used = static_cast<std::size_t>(g_stack_top - here);
}

task<std::uint64_t> symmetric_chain(int depth) {
    if (depth == 0) {
        record_stack_depth();
        co_return 0;
    }
    co_return 1 + co_await symmetric_chain(depth - 1);
}

nested_task<std::uint64_t> nested_chain(int depth) {
    if (depth == 0) {
        record_stack_depth();
        co_return 0;
    }
    co_return 1 + co_await nested_chain(depth - 1);
}
// [/chains]

struct chain_result {
    std::uint64_t value;
    std::size_t stack_bytes;
};

[[gnu::noinline]] chain_result run_chain(bool symmetric, int depth) {
    g_stack_top = static_cast<char*>(__builtin_frame_address(0));
    g_stack_used = 0;
    if (symmetric) {
        const std::uint64_t v = book::coro::run_to_completion(symmetric_chain(depth));
        return {v, g_stack_used};
    }
    nested_task<std::uint64_t> t = nested_chain(depth);
    t.handle().resume();
    return {t.handle().promise().value, g_stack_used};
}

// [overflow]
// Runs one chain in a child process, on a thread with a small stack of known size, so
// that an overflow kills only the child. The parent reports what happened.
std::string run_in_child(bool symmetric, int depth, std::size_t stack_bytes) {
    std::fflush(stdout);
    int fds[2];
    if (pipe(fds) != 0) return std::string("pipe failed: ") + std::strerror(errno);
    const pid_t pid = fork();
    if (pid < 0) return std::string("fork failed: ") + std::strerror(errno);
    if (pid == 0) {
        close(fds[0]);
        struct job {
            bool symmetric;
            int depth;
            chain_result result;
        } j{symmetric, depth, {}};
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, stack_bytes);
        pthread_t thread;
        auto body = [](void* p) -> void* {
            auto* jj = static_cast<job*>(p);
            jj->result = run_chain(jj->symmetric, jj->depth);
            return nullptr;
        };
        if (pthread_create(&thread, &attr, body, &j) != 0) _exit(3);
        pthread_join(thread, nullptr);
        char line[128];
        const int len = std::snprintf(
            line, sizeof line, "completed: result %llu, stack used %zu bytes",
            static_cast<unsigned long long>(j.result.value), j.result.stack_bytes);
        if (write(fds[1], line, static_cast<std::size_t>(len)) != len) _exit(4);
        _exit(0);
    }
    close(fds[1]);
    std::string text;
    char buf[256];
    for (ssize_t got; (got = read(fds[0], buf, sizeof buf)) > 0;)
        text.append(buf, static_cast<std::size_t>(got));
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status))
        return "crashed: signal " + std::to_string(WTERMSIG(status)) + " (" +
               strsignal(WTERMSIG(status)) + "), the stack overflowed";
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return text;
    return "crashed: exit status " + std::to_string(WEXITSTATUS(status)) +
           " (how a sanitizer reports a stack overflow)";
}
// [/overflow]

// [build]
// What this binary was built with: symmetric transfer's stack use depends on it.
std::string compiler() {
#if defined(__clang__)
    return "clang++ " + std::to_string(__clang_major__) + "." +
           std::to_string(__clang_minor__) + "." + std::to_string(__clang_patchlevel__);
#else
    return "g++ " __VERSION__;
#endif
}

bool optimised() {
#if defined(__OPTIMIZE__)
    return true;
#else
    return false;
#endif
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BOOK_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define BOOK_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BOOK_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define BOOK_TSAN 1
#endif

const char* sanitizer() {
#if defined(BOOK_ASAN)
    return "address";
#elif defined(BOOK_TSAN)
    return "thread";
#else
    return "none";
#endif
}
// [/build]

int main(int argc, char** argv) {
    int depth = 100'000;
    int stack_kib = 1024;
    book::cli::Parser cli("tasks",
                          "Shows co_await between tasks and measures the stack a deep "
                          "chain of awaits uses.");
    cli.option("depth", depth, 1, 1'000'000,
               "length of the deep co_await chain run in a child process")
        .option("stack-kib", stack_kib, 64, 65536,
                "stack size of the thread that runs the deep chain, in KiB");
    cli.parse(argc, argv);

    std::printf("== control transfer\n");
    std::printf("main: calling top(); nothing runs yet\n");
    task<int> t = top();
    std::printf("main: resuming top\n");
    const int v = book::coro::run_to_completion(std::move(t));
    std::printf("main: top finished with %d\n", v);

    std::printf("== exception through co_await\n");
    std::printf("%s\n", book::coro::run_to_completion(catcher()).c_str());

    std::printf(
        "== stack used by a chain of co_await (bytes from the caller to the deepest "
        "coroutine)\n");
    std::printf("built with: %s, optimisation %s, sanitizer: %s\n", compiler().c_str(),
                optimised() ? "on" : "off", sanitizer());
    std::printf("%8s %22s %22s\n", "depth", "symmetric transfer", "nested resume()");
    for (int d : {10, 100, 1000}) {
        const chain_result s = run_chain(true, d), n = run_chain(false, d);
        if (s.value != static_cast<std::uint64_t>(d) ||
            n.value != static_cast<std::uint64_t>(d)) {
            std::fprintf(stderr, "tasks: a chain of depth %d returned a wrong result\n",
                         d);
            return 1;
        }
        std::printf("%8d %22zu %22zu\n", d, s.stack_bytes, n.stack_bytes);
    }

    std::printf("== a chain of depth %d on a %d KiB stack, each in a child process\n",
                depth, stack_kib);
    const std::size_t stack_bytes = static_cast<std::size_t>(stack_kib) * 1024;
    std::printf("symmetric transfer: %s\n",
                run_in_child(true, depth, stack_bytes).c_str());
    std::printf("nested resume():    %s\n",
                run_in_child(false, depth, stack_bytes).c_str());
}
