// Rejected: Arc shares ownership, but only as shared (&) access; changing the counter
// through it needs a lock or an atomic.
use std::sync::Arc;
use std::thread;

fn main() {
    let counter = Arc::new(0u64);
    let mine = Arc::clone(&counter);
    let t = thread::spawn(move || {
        *mine += 1;
    });
    t.join().unwrap();
    println!("{}", counter);
}
