// gobench.cpp: one workload of the Go comparison on the book's runtime (ping-pong,
// skynet, buffered channel, prime sieve, spawn, memory), printed as "result <workload>
// <value>".
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <unistd.h>

#include "chan.hpp"
#include "cli.hpp"
#include "runtime.hpp"

namespace go = book::go;
using Clock = std::chrono::steady_clock;

static double ns_since(Clock::time_point t) {
    return std::chrono::duration<double, std::nano>(Clock::now() - t).count();
}

// [pingpong]
// One-way time of one message: two goroutines pass a value back and forth.
static double pingpong(long n) {
    go::Chan<long> ping, pong;
    go::go([=]() mutable {
        for (long v; ping.recv(v);) pong.send(v + 1);
    });
    const auto t = Clock::now();
    for (long i = 0; i < n; ++i) ping.send(i), pong.recv();
    const double ns = ns_since(t) / (2.0 * n);
    ping.close();
    return ns;
}
// [/pingpong]

// [skynet]
// Each goroutine spawns `div` children and sums what they send back; leaves send
// their number. size 1,000,000 and div 10 make 1,111,111 goroutines.
static void skynet(go::Chan<long long> out, long long num, long long size, int div) {
    if (size == 1) {
        out.send(num);
        return;
    }
    go::Chan<long long> sums;  // unbuffered, as in the original benchmark
    for (int i = 0; i < div; ++i) {
        const long long sub = num + i * (size / div);
        go::go([=] { skynet(sums, sub, size / div, div); });
    }
    long long sum = 0;
    for (int i = 0; i < div; ++i) sum += sums.recv();
    out.send(sum);
}
// [/skynet]

static double buffered(long n, int cap) {
    go::Chan<long> ch(static_cast<std::size_t>(cap));
    go::Chan<long> result;
    go::go([=]() mutable {
        long sum = 0;
        for (long v; ch.recv(v);) sum += v;
        result.send(sum);
    });
    const auto t = Clock::now();
    for (long i = 0; i < n; ++i) ch.send(i);
    ch.close();
    const long sum = result.recv();
    const double ns = ns_since(t) / n;
    if (sum != n * (n - 1) / 2) throw std::runtime_error("buffered: lost items");
    return ns;
}

// [sieve]
// The concurrent prime sieve: a generator, then one filter goroutine per prime found.
static long sieve(int count) {
    go::Chan<long> src;
    go::Chan<int> done;
    go::go([=]() mutable {
        int stop = 0;
        for (long i = 2;; ++i) {
            if (go::select({go::send_case(src, i), go::recv_case(done, stop)}) == 1) {
                src.close();
                return;
            }
        }
    });
    go::Chan<long> in = src;
    long prime = 0;
    for (int i = 0; i < count; ++i) {
        prime = in.recv();
        go::Chan<long> out;
        go::go([in, out, p = prime]() mutable {
            for (long v; in.recv(v);)
                if (v % p != 0) out.send(v);
            out.close();
        });
        in = out;
    }
    // Shut the chain down from its source: every filter sees its input closed.
    done.close();
    for (long v; in.recv(v);) {
    }
    return prime;
}
// [/sieve]

static double spawn_wait(long n) {
    go::Chan<int> done;
    const auto t = Clock::now();
    for (long i = 0; i < n; ++i) {
        go::go([=]() mutable { done.send(1); });
        done.recv();
    }
    return ns_since(t) / n;
}

static long rss_bytes() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * sysconf(_SC_PAGESIZE);
}

// [memory]
// Bytes of resident memory per parked goroutine: n goroutines wait on one channel.
static double memory(long n) {
    go::Chan<int> gate;
    go::Chan<int> parked(static_cast<std::size_t>(n));
    const long before = rss_bytes();
    for (long i = 0; i < n; ++i)
        go::go([=]() mutable {
            parked.send(1);
            gate.recv();
        });
    for (long i = 0; i < n; ++i) parked.recv();  // all n have started and will park
    go::yield();
    const long after = rss_bytes();
    gate.close();
    return static_cast<double>(after - before) / n;
}
// [/memory]

int main(int argc, char** argv) {
    std::string workload = "pingpong";
    long n = 200000;
    int procs = 0;
    int cap = 128;
    bool guard = true;
    book::cli::Parser cli("gobench",
                          "Runs one workload of the Go comparison on the book's "
                          "runtime and prints 'result WORKLOAD VALUE UNIT'.");
    cli.option("workload", workload, "pingpong, skynet, buffered, sieve, spawn or memory")
        .option("n", n, 1L, 100000000L,
                "messages, leaves (skynet: a power of 10), items, primes, goroutines")
        .option("procs", procs, 0, 256, "Ps (GOMAXPROCS); 0: one per CPU")
        .option("cap", cap, 1, 1 << 20, "capacity of the buffered channel")
        .flag("no-guard", guard, "stacks without guard pages (in arenas)");
    cli.parse(argc, argv);
    guard = !guard;  // the flag says "no guard"
    const char* names[] = {"pingpong", "skynet", "buffered", "sieve", "spawn", "memory"};
    if (std::find(std::begin(names), std::end(names), workload) == std::end(names)) {
        std::fprintf(stderr, "gobench: unknown workload '%s'\n", workload.c_str());
        return 2;
    }
    if (workload == "skynet") {
        long p = 1;
        while (p < n) p *= 10;
        if (p != n) {
            std::fprintf(stderr, "gobench: skynet needs --n a power of 10\n");
            return 2;
        }
    }
    go::Runtime rt(go::Options{
        .procs = static_cast<unsigned>(procs), .stack_size = 64 * 1024, .guard = guard});
    double value = 0;
    const char* unit = "ns";
    std::string extra;
    rt.run([&] {
        if (workload == "pingpong") {
            value = pingpong(n);
        } else if (workload == "skynet") {
            go::Chan<long long> out(1);
            const auto t = Clock::now();
            go::go([=] { skynet(out, 0, n, 10); });
            const long long sum = out.recv();
            value = ns_since(t) / 1e6;
            unit = "ms";
            extra = " sum=" + std::to_string(sum);
            if (sum != static_cast<long long>(n) * (n - 1) / 2)
                throw std::runtime_error("skynet: wrong sum");
        } else if (workload == "buffered") {
            value = buffered(n, cap);
        } else if (workload == "sieve") {
            const auto t = Clock::now();
            const long last = sieve(static_cast<int>(n));
            value = ns_since(t) / 1e6;
            unit = "ms";
            extra = " last=" + std::to_string(last);
        } else if (workload == "spawn") {
            value = spawn_wait(n);
        } else {
            value = memory(n);
            unit = "bytes";
        }
    });
    std::printf("result %s %.6g %s procs=%u goroutines=%llu threads=%llu%s\n",
                workload.c_str(), value, unit, rt.procs(),
                static_cast<unsigned long long>(rt.stats().spawned),
                static_cast<unsigned long long>(rt.stats().threads), extra.c_str());
    return 0;
}
