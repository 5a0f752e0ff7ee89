// Producers and consumers share a BoundedQueue: every item arrives once, in order per
// producer, and close() ends the consumers.
#include <cstdio>
#include <thread>
#include <vector>

#include "bounded_queue.hpp"
#include "cli.hpp"

namespace {

struct Item {
    int producer;
    long seq;  // 0, 1, 2, ... per producer
};

struct ConsumerReport {
    long received = 0;
    long out_of_order = 0;  // an item older than one already seen from the same producer
    long long sum = 0;
};

}  // namespace

int main(int argc, char** argv) {
    int producers = 3, consumers = 2, capacity = 4;
    long items = 20'000;
    book::cli::Parser cli("producers",
                          "Producers and consumers sharing one bounded blocking queue.");
    cli.option("producers", producers, 1, 32, "producer threads")
        .option("consumers", consumers, 1, 32, "consumer threads")
        .option("capacity", capacity, 1, 1'000'000, "queue capacity")
        .option("items", items, 1L, 10'000'000L, "items per producer");
    cli.parse(argc, argv);

    // [pipeline]
    book::shared::BoundedQueue<Item> queue(static_cast<std::size_t>(capacity));
    std::vector<long> waited(static_cast<std::size_t>(producers), 0);
    std::vector<ConsumerReport> reports(static_cast<std::size_t>(consumers));

    std::vector<std::thread> consumer_threads;
    for (int c = 0; c < consumers; ++c) {
        consumer_threads.emplace_back([&, c] {
            ConsumerReport& r = reports[static_cast<std::size_t>(c)];
            std::vector<long> last(static_cast<std::size_t>(producers), -1);
            while (std::optional<Item> item =
                       queue.pop()) {  // nullopt: closed and drained
                long& prev = last[static_cast<std::size_t>(item->producer)];
                if (item->seq <= prev) ++r.out_of_order;
                prev = item->seq;
                ++r.received;
                r.sum += item->seq;
            }
        });
    }
    std::vector<std::thread> producer_threads;
    for (int p = 0; p < producers; ++p) {
        producer_threads.emplace_back([&, p] {
            for (long i = 0; i < items; ++i) {
                if (queue.try_push({p, i})) continue;
                ++waited[static_cast<std::size_t>(
                    p)];  // full just now: push() waits unless a slot frees first
                queue.push({p, i});
            }
        });
    }
    for (auto& t : producer_threads) t.join();
    queue.close();  // no more items: consumers drain the rest, then pop() returns nullopt
    for (auto& t : consumer_threads) t.join();
    // [/pipeline]

    long received = 0, disorder = 0;
    long long sum = 0;
    std::printf("%d producers x %ld items, %d consumers, capacity %d\n", producers, items,
                consumers, capacity);
    for (int c = 0; c < consumers; ++c) {
        const auto& r = reports[static_cast<std::size_t>(c)];
        std::printf("  consumer %d received %7ld items\n", c, r.received);
        received += r.received;
        disorder += r.out_of_order;
        sum += r.sum;
    }
    long blocked = 0;
    for (long w : waited) blocked += w;
    const long long expected_sum =
        static_cast<long long>(producers) * items * (items - 1) / 2;
    std::printf("sent %ld, received %ld, out of order per producer %ld, checksum %s\n",
                producers * items, received, disorder,
                sum == expected_sum ? "ok" : "WRONG");
    std::printf("pushes that found the queue full: %ld\n", blocked);
    return 0;
}
