// The Rust side of the chapter's side-by-side measurements: one workload per run, timed
// once after one warm-up, printed as `workload=... result=... ns=...` for the driver.
use rayon::prelude::*;
use rust_or_cpp::cli::Parser;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Mutex};
use std::thread;
use std::time::Instant;

// [pin]
// Where the counters' threads run: "any" leaves it to the kernel, "spread" pins thread t
// to the t-th CPU of the process's mask (one CPU each, the line bounces between them),
// "one" pins every thread to the first (they take turns). sched_setaffinity with pid 0
// pins the calling thread (Linux); the mask is 16 words, 1,024 CPUs.
extern "C" {
    fn sched_getaffinity(pid: i32, size: usize, mask: *mut u64) -> i32;
    fn sched_setaffinity(pid: i32, size: usize, mask: *const u64) -> i32;
}

fn pin(index: u64, placement: &str) {
    if placement == "any" {
        return;
    }
    let mut mask = [0u64; 16];
    // SAFETY: the kernel writes at most the 128 bytes it is given.
    if unsafe { sched_getaffinity(0, 128, mask.as_mut_ptr()) } != 0 {
        return;
    }
    let cpus: Vec<usize> = (0..1024)
        .filter(|c| mask[c / 64] >> (c % 64) & 1 == 1)
        .collect();
    let cpu = if placement == "one" {
        cpus[0]
    } else {
        cpus[index as usize % cpus.len()]
    };
    let mut one = [0u64; 16];
    one[cpu / 64] = 1 << (cpu % 64);
    // SAFETY: the kernel reads the 128 bytes it is given.
    unsafe { sched_setaffinity(0, 128, one.as_ptr()) };
}
// [/pin]

// [mutex]
fn mutex_counter(threads: u64, n: u64, placement: &str) -> u64 {
    let counter = Mutex::new(0u64);
    let counter_ref = &counter;
    thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                pin(t, placement);
                for _ in 0..n {
                    *counter_ref.lock().unwrap() += 1;
                }
            });
        }
    });
    counter.into_inner().unwrap()
}
// [/mutex]

fn atomic_counter(threads: u64, n: u64, placement: &str) -> u64 {
    let counter = AtomicU64::new(0);
    let counter_ref = &counter;
    thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                pin(t, placement);
                for _ in 0..n {
                    counter_ref.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}

// [channels]
// One producer sends 1..=n through a channel of `capacity` slots; the consumer adds up.
fn std_sync_channel(capacity: u64, n: u64) -> u64 {
    let (tx, rx) = mpsc::sync_channel::<u64>(capacity as usize);
    let producer = thread::spawn(move || {
        for i in 1..=n {
            tx.send(i).unwrap();
        }
    }); // tx is dropped when the producer ends: the receiver's loop then ends
    let sum = rx.iter().sum();
    producer.join().unwrap();
    sum
}

fn crossbeam_channel(capacity: u64, n: u64) -> u64 {
    let (tx, rx) = crossbeam_channel::bounded::<u64>(capacity as usize);
    let producer = thread::spawn(move || {
        for i in 1..=n {
            tx.send(i).unwrap();
        }
    });
    let sum = rx.iter().sum();
    producer.join().unwrap();
    sum
}
// [/channels]

// [sums]
fn scope_sum(data: &[u64], threads: u64) -> u64 {
    let chunk = (data.len() + threads as usize - 1) / threads as usize;
    thread::scope(|s| {
        let parts: Vec<_> = data
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().sum::<u64>()))
            .collect();
        parts.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn rayon_sum(data: &[u64]) -> u64 {
    data.par_iter().sum()
}
// [/sums]

fn main() {
    const NAMES: &[&str] = &[
        "mutex",
        "atomic",
        "sync_channel",
        "crossbeam",
        "scope_sum",
        "rayon_sum",
    ];
    let args = Parser::new(
        "workloads",
        "Runs one workload once after a warm-up; prints ns.",
    )
    .choice("workload", "mutex", NAMES, "what to run")
    .number("threads", 2, 1, 64, "threads (counters, scope_sum)")
    .number(
        "n",
        100_000,
        1,
        1_000_000_000,
        "increments per thread, items or elements",
    )
    .number("capacity", 64, 1, 1_000_000, "channel capacity")
    .choice(
        "placement",
        "any",
        &["any", "spread", "one"],
        "counters' threads: kernel's choice, one CPU each, or all on one",
    )
    .parse();
    let (workload, t, n, cap, placement) = (
        args.text("workload"),
        args.num("threads"),
        args.num("n"),
        args.num("capacity"),
        args.text("placement"),
    );
    // The same data as the C++ side: element i is (i * 7) % 1000.
    let data: Vec<u64> = if workload.ends_with("_sum") {
        (0..n).map(|i| (i * 7) % 1000).collect()
    } else {
        Vec::new()
    };
    let run = || match workload {
        "mutex" => mutex_counter(t, n, placement),
        "atomic" => atomic_counter(t, n, placement),
        "sync_channel" => std_sync_channel(cap, n),
        "crossbeam" => crossbeam_channel(cap, n),
        "scope_sum" => scope_sum(&data, t),
        _ => rayon_sum(&data),
    };
    let warm = run();
    let start = Instant::now();
    let result = run();
    let ns = start.elapsed().as_nanos();
    assert_eq!(warm, result, "two runs of one workload disagree");
    println!(
        "workload={} threads={} n={} result={} ns={}",
        workload, t, n, result, ns
    );
}
