// Rejected: a thread that borrows a local of the function that started it. The thread
// may run after `start` has returned and its `data` is gone.
use std::thread;

fn start() -> thread::JoinHandle<u64> {
    let data = vec![1u64, 2, 3];
    thread::spawn(|| data.iter().sum())
}

fn main() {
    println!("{}", start().join().unwrap());
}
