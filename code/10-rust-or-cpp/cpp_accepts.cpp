// The C++ versions of the five programs rustc rejects in this chapter; g++ and clang++
// compile all of them without a single warning. Running them would be undefined
// behaviour (data races, a dangling reference), so this file is only compiled.
#include <cstdio>
#include <memory>
#include <numeric>
#include <thread>
#include <vector>

// [shared-mut]
// E0499 in Rust: two threads increment one counter.
void shared_mut() {
    unsigned long counter = 0;
    std::jthread a([&] {
        for (int i = 0; i < 1'000'000; ++i) ++counter;
    });
    std::jthread b([&] {
        for (int i = 0; i < 1'000'000; ++i) ++counter;
    });
}
// [/shared-mut]

// [borrow-local]
// E0373 in Rust: a thread borrows a local of a function that returns before it ends.
std::jthread start() {
    std::vector<unsigned long> data{1, 2, 3};
    return std::jthread(
        [&] { std::printf("%lu\n", std::accumulate(data.begin(), data.end(), 0UL)); });
}
// [/borrow-local]

// [not-send]
// E0277 in Rust (Rc is not Send): the nearest C++ analogue is a non-atomic reference
// count shared by two threads, which is what a hand-rolled intrusive pointer has.
struct Node {
    long refs = 1;  // not atomic
};
void not_send() {
    Node* node = new Node;
    std::jthread a([node] { ++node->refs; });
    ++node->refs;
    a.join();
    delete node;
}
// [/not-send]

// [no-mut]
// E0594 and E0277 (RefCell is not Sync) in Rust: a shared_ptr's count is atomic, the
// value it points to is not protected at all.
void shared_pointee() {
    auto counter = std::make_shared<long>(0);
    std::jthread a([counter] { ++*counter; });
    ++*counter;
}
// [/no-mut]

int main() {
    shared_mut();
    start();
    not_send();
    shared_pointee();
}
