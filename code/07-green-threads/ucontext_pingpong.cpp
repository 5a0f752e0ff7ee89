// ucontext_pingpong.cpp: the same ping-pong with makecontext/swapcontext and with the
// book's switch, each run fenced by marker writes so that strace can count the system
// calls each one makes.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <ucontext.h>
#include <unistd.h>

#include "cli.hpp"
#include "context.hpp"
#include "stack.hpp"

namespace green = book::green;

namespace {

int switches_done = 0;

// [ucontext]
ucontext_t uc_main, uc_ping;
void uc_ping_loop() {
    for (;;) {
        ++switches_done;
        swapcontext(&uc_ping, &uc_main);  // saves and restores the signal mask too
    }
}
void setup_ucontext(std::vector<char>& stack) {
    stack.resize(64 * 1024);
    getcontext(&uc_ping);
    uc_ping.uc_stack.ss_sp = stack.data();
    uc_ping.uc_stack.ss_size = stack.size();
    uc_ping.uc_link = nullptr;
    makecontext(&uc_ping, uc_ping_loop, 0);
}
void run_ucontext(int rounds) {
    for (int i = 0; i < rounds; ++i) swapcontext(&uc_main, &uc_ping);
}
// [/ucontext]

green::Context g_main, g_ping;
void g_ping_loop(void* arg) {
    green::started(arg);
    for (;;) {
        ++switches_done;
        green::switch_to(g_ping, g_main, nullptr);
    }
}
void run_book(int rounds) {
    for (int i = 0; i < rounds; ++i) green::switch_to(g_main, g_ping, nullptr);
}

// A write(2) that strace shows, to fence the measured part.
void marker(const std::string& text) {
    std::string line = "MARK " + text + "\n";
    [[maybe_unused]] ssize_t n = write(STDOUT_FILENO, line.data(), line.size());
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 1000;
    std::string impl = "both";
    book::cli::Parser cli("ucontext_pingpong",
                          "Ping-pong through swapcontext and the book's switch.");
    cli.option("rounds", rounds, 1, 10000000, "round trips (two switches each)")
        .option("impl", impl, "ucontext, book or both");
    cli.parse(argc, argv);
    if (impl != "ucontext" && impl != "book" && impl != "both") {
        std::fprintf(stderr, "%s", cli.usage().c_str());
        return 2;
    }
    std::fflush(stdout);
    if (impl != "book") {
        switches_done = 0;
        std::vector<char> stack;
        setup_ucontext(stack);
        marker("begin ucontext");
        run_ucontext(rounds);
        marker("end ucontext");
        std::printf("ucontext: %d round trips, %d switches\n", rounds, 2 * switches_done);
        std::fflush(stdout);
    }
    if (impl != "ucontext") {
        switches_done = 0;
        green::Stack stack(64 * 1024, green::Stack::Guard::yes);
        g_main = green::Context::current_thread();
        g_ping = green::Context::fresh(stack.low(), stack.size(), g_ping_loop);
        marker("begin book");
        run_book(rounds);
        marker("end book");
        g_ping = green::Context();
        std::printf("book: %d round trips, %d switches\n", rounds, 2 * switches_done);
        std::fflush(stdout);
    }
    return 0;
}
