// Store buffering in Rust: with Relaxed both threads can read the old value; with
// SeqCst they cannot. Rust's atomics follow the C++20 memory model, so C++ agrees.
use rust_or_cpp::cli::Parser;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::thread;

static X: AtomicI32 = AtomicI32::new(0);
static Y: AtomicI32 = AtomicI32::new(0);

// [side]
// One side of the test: store 1 to `mine`, then read `other`, both with `order`.
fn store_then_load(mine: &AtomicI32, other: &AtomicI32, order: Ordering) -> i32 {
    mine.store(1, order);
    other.load(order)
}
// [/side]

// Both threads start round i together (a spinning rendezvous, as in chapter 4).
fn wait_round(arrived: &AtomicU64, round: u64) {
    arrived.fetch_add(1, Ordering::SeqCst);
    let mut spins = 0u64;
    while arrived.load(Ordering::SeqCst) < 2 * round {
        spins += 1;
        if spins % 1024 == 0 {
            thread::yield_now();
        }
    }
}

fn both_old(rounds: u64, order: Ordering) -> u64 {
    let (start, done) = (AtomicU64::new(0), AtomicU64::new(0));
    let mut ra = vec![0; rounds as usize];
    let mut rb = vec![0; rounds as usize];
    thread::scope(|s| {
        s.spawn(|| {
            for (i, r) in rb.iter_mut().enumerate() {
                wait_round(&start, i as u64 + 1);
                *r = store_then_load(&Y, &X, order);
                wait_round(&done, i as u64 + 1);
            }
        });
        for (i, r) in ra.iter_mut().enumerate() {
            X.store(0, Ordering::SeqCst);
            Y.store(0, Ordering::SeqCst);
            wait_round(&start, i as u64 + 1);
            *r = store_then_load(&X, &Y, order);
            wait_round(&done, i as u64 + 1);
        }
    });
    ra.iter()
        .zip(&rb)
        .filter(|(a, b)| **a == 0 && **b == 0)
        .count() as u64
}

fn main() {
    let args = Parser::new("litmus", "Store buffering with Rust's atomics.")
        .number("rounds", 100_000, 1, 100_000_000, "rounds per variant")
        .parse();
    let rounds = args.num("rounds");
    for (name, order) in [("Relaxed", Ordering::Relaxed), ("SeqCst", Ordering::SeqCst)] {
        let n = both_old(rounds, order);
        println!("{:<8} rounds {} both read 0: {}", name, rounds, n);
    }
}
