// Predict, then run: a scope that starts a std::async task, a deferred task and a
// std::jthread, then ends. Which lines appear, and in which orders?
#include <cstdio>
#include <future>
#include <string_view>
#include <thread>

#include <unistd.h>

#include "cli.hpp"

namespace {
void say(std::string_view line) {  // one write(2) per line: lines never mix
    (void)!write(STDOUT_FILENO, line.data(), line.size());
}
}  // namespace

int main(int argc, char** argv) {
    book::cli::Parser cli("predict",
                          "Starts an async task, a deferred task and a jthread in a "
                          "scope; each prints one line. Takes no options.");
    cli.parse(argc, argv);
    // [scope]
    {
        auto eager = std::async(std::launch::async, [] { say("async task\n"); });
        auto lazy = std::async(std::launch::deferred, [] { say("deferred task\n"); });
        std::jthread worker([] { say("jthread\n"); });
        say("end of scope\n");
    }  // destroyed in reverse order: worker, lazy, eager
    say("after the scope\n");
    // [/scope]
    return 0;
}
