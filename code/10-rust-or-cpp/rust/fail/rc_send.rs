// Rejected: an Rc sent to another thread. Rc's reference count is a plain integer, so two
// threads cloning or dropping it at once would race; Rc is therefore not Send.
use std::rc::Rc;
use std::thread;

fn main() {
    let shared = Rc::new(42u64);
    let mine = Rc::clone(&shared);
    let t = thread::spawn(move || *mine + 1);
    println!("{} {}", shared, t.join().unwrap());
}
