// Rejected: the chapter-4 counter, `counter += 1` from two threads at once. Both closures
// need `&mut counter` at the same time, and Rust allows one mutable borrow at a time.
use std::thread;

fn main() {
    let mut counter = 0u64;
    thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..1_000_000 {
                counter += 1;
            }
        });
        s.spawn(|| {
            for _ in 0..1_000_000 {
                counter += 1;
            }
        });
    });
    println!("{}", counter);
}
