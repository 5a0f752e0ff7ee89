// stuck.cpp: the runtime detects and reports what Go's runtime reports (all goroutines
// asleep, closing twice, sending on a closed channel) and a goroutine leak Go leaves
// silent.
#include <cstdio>
#include <stdexcept>
#include <string>

#include "chan.hpp"
#include "cli.hpp"
#include "runtime.hpp"

namespace go = book::go;

template <class F>
void attempt(const char* title, int procs, F body) {
    std::printf("== %s\n", title);
    go::Runtime rt(go::Options{.procs = static_cast<unsigned>(procs)});
    try {
        rt.run(body);
        std::printf("finished normally\n");
    } catch (const go::Deadlock& d) {
        std::printf("%s\n", d.what());
    } catch (const std::logic_error& e) {
        std::printf("panic: %s\n", e.what());
    }
}

int main(int argc, char** argv) {
    int procs = 2, senders = 3;
    book::cli::Parser cli("stuck",
                          "Shows the runtime's reports of a deadlock, a leak, "
                          "a double close and a send on a closed channel.");
    cli.option("procs", procs, 1, 64, "Ps (GOMAXPROCS)")
        .option("senders", senders, 1, 100, "goroutines leaked by the first example");
    cli.parse(argc, argv);
    // [leak]
    // The first answer wins; the other senders block forever on an unbuffered channel.
    attempt("leak: the first of several answers", procs, [&] {
        go::Chan<int> answers;
        for (int i = 0; i < senders; ++i)
            go::go([answers, i]() mutable { answers.send(i); });
        answers.recv();  // main takes one answer and returns
    });
    // [/leak]
    // [deadlock]
    attempt("deadlock: main waits for a result nobody sends", procs, [] {
        go::Chan<int> results;
        go::Chan<int> requests;
        go::go([=]() mutable {
            int r = requests.recv();  // waits for a request main never sends
            results.send(r * 2);
        });
        results.recv();
    });
    // [/deadlock]
    attempt("close twice", procs, [] {
        go::Chan<int> ch;
        ch.close();
        ch.close();
    });
    attempt("send on a closed channel", procs, [] {
        go::Chan<int> ch(1);
        ch.close();
        ch.send(1);
    });
    // [fixed]
    attempt("leak fixed: a buffer with room for every answer", procs, [&] {
        go::Chan<int> answers(static_cast<std::size_t>(senders));
        for (int i = 0; i < senders; ++i)
            go::go([answers, i]() mutable { answers.send(i); });
        answers.recv();
    });
    // [/fixed]
    return 0;
}
