// patterns.cpp: the classic goroutine patterns on the book's runtime: pipeline, fan-out
// and fan-in, a bounded worker pool, cancellation with a done channel, the prime sieve.
#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "chan.hpp"
#include "cli.hpp"
#include "runtime.hpp"

namespace go = book::go;

// [pipeline]
// Each stage is a goroutine that owns its output channel and closes it when done.
go::Chan<long> generate(long n) {
    go::Chan<long> out;
    go::go([=]() mutable {
        for (long i = 1; i <= n; ++i) out.send(i);
        out.close();
    });
    return out;
}

go::Chan<long> square(go::Chan<long> in) {
    go::Chan<long> out;
    go::go([=]() mutable {
        for (long v; in.recv(v);) out.send(v * v);
        out.close();
    });
    return out;
}

void pipeline(long n) {
    long sum = 0;
    go::Chan<long> squares = square(generate(n));
    for (long v; squares.recv(v);) sum += v;
    std::printf("sum of the squares of 1..%ld = %ld\n", n, sum);
}
// [/pipeline]

// [fan]
// Fan-out: several workers receive from one channel. Fan-in: their outputs merge into
// one channel, closed when the last worker is done (counted by a channel of tokens).
void fan_out_in(long n, int workers) {
    go::Chan<long> jobs = generate(n);
    go::Chan<std::pair<int, long>> merged(16);
    go::Chan<int> finished(static_cast<std::size_t>(workers));
    for (int w = 0; w < workers; ++w)
        go::go([=]() mutable {
            for (long v; jobs.recv(v);) merged.send({w, v * v});
            finished.send(w);
        });
    go::go([=]() mutable {  // closes merged once every worker has finished
        for (int i = 0; i < workers; ++i) finished.recv();
        merged.close();
    });
    std::vector<long> per_worker(workers);
    long sum = 0;
    for (std::pair<int, long> r; merged.recv(r);) {
        ++per_worker[r.first];
        sum += r.second;
    }
    long total = 0;
    std::printf("results per worker:");
    for (long c : per_worker) std::printf(" %ld", c), total += c;
    std::printf("\n%ld results, sum of squares %ld\n", total, sum);
}
// [/fan]

// [pool]
// A bounded pool: k goroutines take tasks from one channel, so at most k run at once
// however many tasks there are.
void worker_pool(int tasks, int k) {
    go::Chan<int> queue(4);
    go::Chan<int> results(static_cast<std::size_t>(tasks));
    std::atomic<int> busy{0}, most{0};
    for (int w = 0; w < k; ++w)
        go::go([&, queue, results]() mutable {
            for (int t; queue.recv(t);) {
                int now = busy.fetch_add(1) + 1;
                for (int m = most.load();
                     now > m && !most.compare_exchange_weak(m, now);) {
                }
                go::sleep_for(std::chrono::milliseconds(1));  // the task waits for I/O
                busy.fetch_sub(1);
                results.send(t * 10);
            }
        });
    for (int t = 0; t < tasks; ++t) queue.send(t);
    queue.close();
    long sum = 0;
    for (int t = 0; t < tasks; ++t) sum += results.recv();
    std::printf("%d tasks on %d workers: sum %ld, at most %d at once\n", tasks, k, sum,
                most.load());
}
// [/pool]

// [cancel]
// Cancellation: the consumer closes `done`; the producer's select sees it and stops.
void cancellation(int wanted) {
    go::Chan<long> values;
    go::Chan<int> done;
    go::Chan<long> stopped(1);
    go::go([=]() mutable {
        long sent = 0;
        int unused = 0;
        for (long v = 0;; ++v) {
            if (go::select({go::send_case(values, v), go::recv_case(done, unused)}) == 1)
                break;
            ++sent;
        }
        stopped.send(sent);
    });
    for (int i = 0; i < wanted; ++i) values.recv();
    done.close();  // every goroutine selecting on done sees it at once
    std::printf("took %d values, then cancelled: the producer sent %ld and stopped\n",
                wanted, stopped.recv());
}
// [/cancel]

// [sieve]
// The concurrent prime sieve: each prime found gets a filter goroutine that passes on
// the numbers it does not divide.
void sieve(int count) {
    go::Chan<long> src;
    go::Chan<int> done;
    go::go([=]() mutable {
        int unused = 0;
        for (long i = 2;; ++i)
            if (go::select({go::send_case(src, i), go::recv_case(done, unused)}) == 1) {
                src.close();
                return;
            }
    });
    go::Chan<long> in = src;
    std::printf("the first %d primes:", count);
    for (int i = 0; i < count; ++i) {
        long prime = in.recv();
        std::printf(" %ld", prime);
        go::Chan<long> out;
        go::go([in, out, prime]() mutable {
            for (long v; in.recv(v);)
                if (v % prime != 0) out.send(v);
            out.close();
        });
        in = out;
    }
    std::printf("\n");
    done.close();  // the generator closes src; each filter then closes its output
    for (long v; in.recv(v);) {
    }
}
// [/sieve]

int main(int argc, char** argv) {
    int procs = 0, workers = 4, tasks = 40, primes = 25;
    long n = 1000;
    book::cli::Parser cli("patterns",
                          "Runs the classic goroutine patterns on the book's "
                          "M:N runtime.");
    cli.option("procs", procs, 0, 64, "Ps (GOMAXPROCS); 0: one per CPU")
        .option("n", n, 1L, 1000000L, "numbers through the pipeline and the fan-out")
        .option("workers", workers, 1, 64, "workers of the fan-out and of the pool")
        .option("tasks", tasks, 1, 100000, "tasks given to the pool")
        .option("primes", primes, 1, 2000, "primes the sieve prints");
    cli.parse(argc, argv);
    go::Runtime rt(go::Options{.procs = static_cast<unsigned>(procs)});
    rt.run([&] {
        std::printf("== pipeline\n");
        pipeline(n);
        std::printf("== fan-out, fan-in\n");
        fan_out_in(n, workers);
        std::printf("== worker pool\n");
        worker_pool(tasks, workers);
        std::printf("== cancellation\n");
        cancellation(5);
        std::printf("== prime sieve\n");
        sieve(primes);
    });
    std::printf("== end: %llu goroutines on %u Ps and %llu OS threads, all finished\n",
                static_cast<unsigned long long>(rt.stats().spawned), rt.procs(),
                static_cast<unsigned long long>(rt.stats().threads));
    return 0;
}
