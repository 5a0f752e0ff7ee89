// Rejected: RefCell allows mutation through a shared reference, but its borrow flag is
// not atomic; RefCell is not Sync, so an Arc<RefCell<_>> cannot cross to another thread.
use std::cell::RefCell;
use std::sync::Arc;
use std::thread;

fn main() {
    let counter = Arc::new(RefCell::new(0u64));
    let mine = Arc::clone(&counter);
    let t = thread::spawn(move || {
        *mine.borrow_mut() += 1;
    });
    t.join().unwrap();
    println!("{}", counter.borrow());
}
