// Runs each ordering script with Node.js and its C++ twin on the book's loop, and
// prints the two outputs side by side.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli.hpp"
#include "loop.hpp"
#include "promise.hpp"

extern char** environ;

namespace {

using book::loop::event_loop;
using book::loop::promise;

// What a twin prints, and the phase of the loop that printed each line.
struct transcript {
    event_loop* loop = nullptr;
    std::vector<std::string> lines;
    std::vector<std::string> phases;
    std::vector<std::uint64_t> turns;
    void log(const std::string& s) {
        lines.push_back(s);
        phases.push_back(book::loop::phase_name(loop->current_phase()));
        turns.push_back(loop->turns());
    }
};

std::string message_of(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        return ex.what();
    }
}

// [basics]
void basics(event_loop& loop, transcript& t) {
    t.log("script start");
    loop.set_timeout([&] { t.log("timeout"); }, 0);
    book::loop::resolved(loop, 0).then([&](int) { t.log("promise 1"); }).then([&] {
        t.log("promise 2");
    });
    loop.next_tick([&] { t.log("nextTick 1"); });
    loop.queue_microtask([&] { t.log("microtask"); });
    loop.next_tick([&] { t.log("nextTick 2"); });
    t.log("script end");
}
// [/basics]

void nested(event_loop& loop, transcript& t) {
    loop.next_tick([&] {
        t.log("tick A");
        book::loop::resolved(loop, 0).then([&](int) { t.log("promise from tick A"); });
        loop.next_tick([&] { t.log("tick from tick A"); });
    });
    book::loop::resolved(loop, 0).then([&](int) {
        t.log("promise B");
        loop.next_tick([&] { t.log("tick from promise B"); });
        book::loop::resolved(loop, 0).then([&](int) { t.log("promise from promise B"); });
    });
    loop.set_timeout(
        [&] {
            t.log("timeout 1");
            loop.next_tick([&] { t.log("tick from timeout 1"); });
            book::loop::resolved(loop, 0).then(
                [&](int) { t.log("promise from timeout 1"); });
        },
        0);
    loop.set_timeout([&] { t.log("timeout 2"); }, 0);
}

// [async-await]
promise<void> b(event_loop& loop, transcript& t) {
    t.log("b start");
    co_await book::loop::resolved(loop, 0);
    t.log("b after await");
}

promise<std::string> a(event_loop& loop, transcript& t) {
    t.log("a start");
    co_await book::loop::resolved(loop, 0);
    t.log("a after await 1");
    co_await b(loop, t);
    t.log("a after await b");
    co_return "a done";
}

void async_await(event_loop& loop, transcript& t) {
    t.log("script start");
    a(loop, t).then([&](const std::string& v) { t.log(v); });
    book::loop::resolved(loop, 0)
        .then([&](int) { t.log("promise 1"); })
        .then([&] { t.log("promise 2"); })
        .then([&] { t.log("promise 3"); });
    t.log("script end");
}
// [/async-await]

// [immediate-io]
void immediate_io(event_loop& loop, transcript& t) {
    loop.set_timeout([&] { t.log("main: timeout"); }, 0);
    loop.set_immediate([&] {
        t.log("main: immediate");
        // Real I/O: a pipe with a byte in it is readable, so its callback runs in the
        // poll phase, as fs.readFile's does.
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe");
        [[maybe_unused]] auto n = ::write(fds[1], "x", 1);
        loop.watch(fds[0], EPOLLIN, [&, fds](std::uint32_t) {
            t.log("io: callback");
            loop.close(fds[0]);
            loop.close(fds[1]);
            loop.set_timeout([&] { t.log("io: timeout"); }, 0);
            loop.set_immediate([&] { t.log("io: immediate"); });
        });
    });
    // Busy-wait 2 ms: the timer is due before the loop's first turn begins.
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2)) {
    }
}
// [/immediate-io]

void microtask_timer(event_loop& loop, transcript& t) {
    loop.set_timeout(
        [&] {
            t.log("timeout A");
            book::loop::resolved(loop, 0).then([&](int) {
                t.log("promise in timeout A");
                loop.set_timeout([&] { t.log("timeout from promise in A"); }, 0);
            });
        },
        0);
    book::loop::resolved(loop, 0).then([&](int) {
        t.log("promise");
        loop.set_timeout([&] { t.log("timeout from promise"); }, 0);
    });
    loop.set_timeout([&] { t.log("timeout B"); }, 0);
}

// [interval]
void interval_cleared(event_loop& loop, transcript& t) {
    auto n = std::make_shared<int>(0);
    auto id = std::make_shared<event_loop::timer_id>();
    *id = loop.set_interval(
        [&, n, id] {
            *n += 1;
            t.log("interval " + std::to_string(*n));
            if (*n == 3) {
                book::loop::resolved(loop, 0).then([&, id](int) {
                    t.log("promise clears the interval");
                    loop.clear_timer(*id);
                    loop.set_timeout([&] { t.log("timeout after the interval"); }, 0);
                });
            }
        },
        1);
}
// [/interval]

// [promise-chain]
void promise_chain(event_loop& loop, transcript& t) {
    book::loop::resolved(loop, 1)
        .then([&](int v) {
            t.log("a " + std::to_string(v));
            return book::loop::resolved(loop, 2);  // adopted: two more microtasks
        })
        .then([&](int v) { t.log("a got " + std::to_string(v)); });
    book::loop::resolved(loop, 0)
        .then([&](int) { t.log("b 1"); })
        .then([&] { t.log("b 2"); })
        .then([&] { t.log("b 3"); })
        .then([&] { t.log("b 4"); });
    promise<void> failed(loop);
    failed.reject(std::runtime_error("boom"));
    failed.catch_([&](std::exception_ptr e) { t.log("caught " + message_of(e)); });
}
// [/promise-chain]

void unhandled(event_loop& loop, transcript& t) {
    loop.on_unhandled_rejection(
        [&](std::exception_ptr e) { t.log("unhandled: " + message_of(e)); });
    promise<void> lost(loop);
    lost.reject(std::runtime_error("nobody catches me"));
    book::loop::resolved(loop, 0).then([&](int) { t.log("microtask 1"); }).then([&] {
        t.log("microtask 2");
    });
    promise<void> late(loop);
    late.reject(std::runtime_error("caught in time"));
    book::loop::resolved(loop, 0).then([&, late](int) {
        late.catch_([&](std::exception_ptr e) { t.log("caught: " + message_of(e)); });
    });
    loop.set_timeout([&] { t.log("timeout"); }, 0);
}

struct script {
    const char* name;
    const char* what;
    void (*twin)(event_loop&, transcript&);
};

const script scripts[] = {
    {"basics", "synchronous code, nextTick, promises, a timer", basics},
    {"nested", "ticks and microtasks queued from ticks, microtasks and timers", nested},
    {"async_await", "async functions with several awaits", async_await},
    {"immediate_io", "setImmediate against a 0 ms timer, outside and inside I/O",
     immediate_io},
    {"microtask_timer", "timers queued from microtasks", microtask_timer},
    {"interval_cleared", "an interval cleared from a promise", interval_cleared},
    {"promise_chain", "adopting a returned promise; catch", promise_chain},
    {"unhandled", "unhandled rejections, reported after the drain", unhandled},
};

// Runs `node file` and returns its standard output, one string per line.
std::vector<std::string> run_node(const std::string& node, const std::string& file) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    std::vector<char*> argv{const_cast<char*>(node.c_str()),
                            const_cast<char*>(file.c_str()), nullptr};
    pid_t pid;
    const int rc = posix_spawn(&pid, node.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    if (rc != 0) {
        ::close(out[0]);
        throw std::runtime_error("cannot start " + node);
    }
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) text.append(buf, n);
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(node + " " + file + " failed");
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        lines.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

}  // namespace

int main(int argc, char** argv) {
    std::string which = "all", node, dir, csv;
    book::cli::Parser cli(
        "ordering", "Runs Node.js ordering scripts and their C++ twins side by side.");
    cli.option("script", which, "one script's name, or all")
        .option("node", node, "path of node (without it, only the twins run)")
        .option("scripts", dir, "folder of the .cjs scripts (needed with --node)")
        .option("csv", csv, "write each twin line and its phase to this CSV file");
    cli.parse(argc, argv);
    bool known = which == "all";
    for (const auto& s : scripts) known = known || which == s.name;
    if (!known || (!node.empty() && dir.empty())) {
        std::fprintf(stderr, "ordering: %s\n%s",
                     known ? "--node needs --scripts" : "unknown --script",
                     cli.usage().c_str());
        return 2;
    }
    std::ofstream trace;
    if (!csv.empty()) {
        trace.open(csv);
        trace << "script,line,turn,phase,text\n";
    }
    int differing = 0;
    for (const auto& s : scripts) {
        if (which != "all" && which != s.name) continue;
        event_loop loop;
        transcript t;
        t.loop = &loop;
        loop.run([&] { s.twin(loop, t); });
        std::printf("== %s.cjs: %s\n", s.name, s.what);
        if (node.empty()) {
            for (const auto& l : t.lines) std::printf("%s\n", l.c_str());
        } else {
            const auto js = run_node(node, dir + "/" + s.name + ".cjs");
            std::printf("%-36s | %s\n", "node", "book loop");
            const std::size_t n = std::max(js.size(), t.lines.size());
            int same = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const std::string l = i < js.size() ? js[i] : "(missing)";
                const std::string r = i < t.lines.size() ? t.lines[i] : "(missing)";
                same += l == r;
                std::printf("%-36s | %s\n", l.c_str(), r.c_str());
            }
            const bool identical = same == static_cast<int>(n);
            differing += !identical;
            std::printf("identical: %s (%zu lines)\n", identical ? "yes" : "NO", n);
        }
        for (std::size_t i = 0; i < t.lines.size(); ++i)
            if (trace.is_open())
                trace << s.name << ',' << i + 1 << ',' << t.turns[i] << ',' << t.phases[i]
                      << ",\"" << t.lines[i] << "\"\n";
    }
    if (!node.empty()) std::printf("scripts whose orders differ: %d\n", differing);
    return differing == 0 ? 0 : 1;
}
