// What the Rust compiler accepts and still gets wrong: a check-then-act race across two
// lock scopes, a data race inside `unsafe`, and a deadlock, detected by a time limit.
use rust_or_cpp::cli::Parser;
use std::sync::atomic::{compiler_fence, AtomicU32, Ordering};
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;

// [check-then-act]
// Two clerks withdraw 100 from an account holding 100. The check and the withdrawal
// each take the lock, but not together: between them the other clerk acts. The barrier
// makes that interleaving happen on every run.
fn withdraw_twice(atomic_check_and_act: bool) -> (i64, u32) {
    let balance = Mutex::new(100i64);
    let paid = Mutex::new(0u32);
    let both_checked = Barrier::new(2);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                if atomic_check_and_act {
                    let mut b = balance.lock().unwrap(); // one scope: check and act
                    if *b >= 100 {
                        *b -= 100;
                        *paid.lock().unwrap() += 1;
                    }
                } else {
                    let enough = *balance.lock().unwrap() >= 100; // lock, check, unlock
                    both_checked.wait();
                    if enough {
                        *balance.lock().unwrap() -= 100; // lock again, act
                        *paid.lock().unwrap() += 1;
                    }
                }
            });
        }
    });
    let result = (balance.into_inner().unwrap(), paid.into_inner().unwrap());
    result
}
// [/check-then-act]

// [unsafe-race]
// A raw pointer is neither Send nor Sync; a wrapper that promises it is (`unsafe impl`)
// lets two threads write one counter without synchronisation. The compiler takes the
// promise on trust: this is a data race, undefined behaviour, exactly as in C++.
struct SharedPtr(*mut u64);
unsafe impl Send for SharedPtr {}
unsafe impl Sync for SharedPtr {}

fn unsafe_counter(increments: u64) -> u64 {
    let mut counter = 0u64;
    let shared = SharedPtr(&mut counter);
    // Both loops start together, to overlap as much as they can.
    let ready = AtomicU32::new(0);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let p = &shared; // capture the whole wrapper, not its raw-pointer field
                ready.fetch_add(1, Ordering::SeqCst);
                while ready.load(Ordering::SeqCst) < 2 {
                    std::hint::spin_loop();
                }
                for _ in 0..increments {
                    // A separate load and store per increment, as chapter 4's
                    // counter; the fence stops LLVM from fusing them into one
                    // add-to-memory instruction (which races too, but loses far fewer).
                    let v = unsafe { p.0.read_volatile() };
                    compiler_fence(Ordering::SeqCst);
                    unsafe { p.0.write_volatile(v + 1) };
                }
            });
        }
    });
    counter
}
// [/unsafe-race]

// [deadlock]
// Two threads take two locks in opposite orders; the barrier makes each hold its first
// lock before either asks for its second, so they always deadlock. Rust has no timed
// lock on std::sync::Mutex: the main thread waits for a "done" message with a limit.
fn opposite_orders(limit: Duration) -> bool {
    let a = Arc::new(Mutex::new(0));
    let b = Arc::new(Mutex::new(0));
    let barrier = Arc::new(Barrier::new(2));
    let (done_tx, done_rx) = mpsc::channel();
    for (first, second) in [(a.clone(), b.clone()), (b, a)] {
        let (barrier, done_tx) = (barrier.clone(), done_tx.clone());
        thread::spawn(move || {
            let _g1 = first.lock().unwrap();
            barrier.wait();
            let _g2 = second.lock().unwrap(); // waits for the other thread forever
            done_tx.send(()).unwrap();
        });
    }
    let finished = (0..2).all(|_| done_rx.recv_timeout(limit).is_ok());
    !finished // the stuck threads cannot be joined: the process exit ends them
}
// [/deadlock]

fn main() {
    let args = Parser::new("limits", "What the borrow checker does not prevent.")
        .number(
            "increments",
            1_000_000,
            1,
            1_000_000_000,
            "increments per thread",
        )
        .number(
            "limit-ms",
            500,
            1,
            60_000,
            "time after which a lock wait is a deadlock",
        )
        .parse();
    println!("== check-then-act (two lock scopes)");
    let (balance, paid) = withdraw_twice(false);
    println!("withdrawals paid {} final balance {}", paid, balance);
    println!("== check-then-act (one lock scope)");
    let (balance, paid) = withdraw_twice(true);
    println!("withdrawals paid {} final balance {}", paid, balance);
    println!("== data race inside unsafe");
    let n = args.num("increments");
    let got = unsafe_counter(n);
    println!("expected {} got {} lost {}", 2 * n, got, 2 * n - got);
    println!("== two locks in opposite orders");
    let limit = Duration::from_millis(args.num("limit-ms"));
    if opposite_orders(limit) {
        println!("deadlock detected: no thread finished within {:?}", limit);
    } else {
        println!("no deadlock");
    }
    // The two deadlocked threads still hold their locks; exiting the process ends them.
    std::process::exit(0);
}
