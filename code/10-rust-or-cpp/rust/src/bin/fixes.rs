// The chapter-4 counter, fixed four ways that the Rust compiler accepts: Arc<Mutex<_>>,
// an atomic, scoped threads, and a channel. Each prints its total and the expected one.
use rust_or_cpp::cli::Parser;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;

// [arc-mutex]
// Shared ownership (Arc) of a counter that can only be reached through its lock (Mutex).
fn arc_mutex(threads: u64, increments: u64) -> u64 {
    let counter = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter); // each thread owns one reference
            thread::spawn(move || {
                for _ in 0..increments {
                    *counter.lock().unwrap() += 1; // the guard unlocks at the `;`
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let total = *counter.lock().unwrap();
    total
}
// [/arc-mutex]

// [atomic]
// An atomic needs no lock, and a shared reference (&AtomicU64) is enough to change it.
fn atomic(threads: u64, increments: u64) -> u64 {
    let counter = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..increments {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    counter.load(Ordering::Relaxed)
}
// [/atomic]

// [scoped]
// Scoped threads may borrow locals: the scope joins every thread before it returns.
// Each thread gets its own `&mut` slot, so no two threads ever share a mutable borrow.
fn scoped(threads: u64, increments: u64) -> u64 {
    let mut partial = vec![0u64; threads as usize];
    thread::scope(|s| {
        for slot in partial.iter_mut() {
            s.spawn(move || {
                for _ in 0..increments {
                    *slot += 1;
                }
            });
        }
    }); // every thread has been joined here
    partial.iter().sum()
}
// [/scoped]

// [channel]
// No shared counter at all: the threads send their counts; one owner adds them up.
fn channel(threads: u64, increments: u64) -> u64 {
    let (tx, rx) = mpsc::channel::<u64>();
    for _ in 0..threads {
        let tx = tx.clone(); // one sender per thread
        thread::spawn(move || {
            let mut mine = 0;
            for _ in 0..increments {
                mine += 1;
            }
            tx.send(mine).unwrap();
        });
    }
    drop(tx); // the loop below ends when every sender is gone
    rx.iter().sum()
}
// [/channel]

fn main() {
    let args = Parser::new("fixes", "The racy counter of chapter 4, fixed four ways.")
        .number("threads", 4, 1, 64, "threads that increment")
        .number(
            "increments",
            100_000,
            1,
            100_000_000,
            "increments per thread",
        )
        .parse();
    let (t, n) = (args.num("threads"), args.num("increments"));
    let expected = t * n;
    let fixes: [(&str, fn(u64, u64) -> u64); 4] = [
        ("Arc<Mutex<u64>>", arc_mutex),
        ("AtomicU64", atomic),
        ("thread::scope", scoped),
        ("mpsc::channel", channel),
    ];
    println!("{} threads x {} increments", t, n);
    for (name, fix) in fixes {
        let got = fix(t, n);
        println!(
            "{:<16} expected {} got {} lost {}",
            name,
            expected,
            got,
            expected - got
        );
    }
}
