// Async in Rust: three simulated downloads as futures, which do nothing until an
// executor (tokio's single-threaded runtime) polls them; they wait concurrently.
use rust_or_cpp::cli::Parser;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

// [download]
// An async fn returns a future at once; its body runs only when the future is polled.
async fn download(name: &'static str, delay_ms: u64, bytes: u64) -> u64 {
    println!("{}: started", name);
    tokio::time::sleep(Duration::from_millis(delay_ms)).await; // Pending until the timer
    println!("{}: finished after {} ms, {} bytes", name, delay_ms, bytes);
    bytes
}
// [/download]

// [counted]
// A future that wraps another and counts how often the executor polls it.
struct Counted<F> {
    name: &'static str,
    inner: Pin<Box<F>>,
    polls: u32,
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls += 1;
        let result = self.inner.as_mut().poll(cx); // registers cx's waker if Pending
        if result.is_ready() {
            println!("{}: ready after {} polls", self.name, self.polls);
        }
        result
    }
}

fn counted<F: Future>(name: &'static str, f: F) -> Counted<F> {
    Counted {
        name,
        inner: Box::pin(f),
        polls: 0,
    }
}
// [/counted]

fn main() {
    let args = Parser::new("timers", "Three simulated downloads, awaited concurrently.")
        .number(
            "scale-ms",
            10,
            1,
            1000,
            "delay unit: downloads take 3, 1 and 2 units",
        )
        .parse();
    let unit = args.num("scale-ms");
    // [main]
    let runtime = tokio::runtime::Builder::new_current_thread() // all on this thread
        .enable_time()
        .build()
        .expect("a tokio runtime");
    let a = counted("a", download("a", 3 * unit, 300));
    let b = counted("b", download("b", unit, 100));
    let c = counted("c", download("c", 2 * unit, 200));
    println!("three futures created; none has started");
    let start = Instant::now();
    let total = runtime.block_on(async {
        let (x, y, z) = tokio::join!(a, b, c); // poll all three until all are ready
        x + y + z
    });
    println!("sum {} bytes", total);
    println!(
        "elapsed {} ms (the delays add up to {} ms)",
        start.elapsed().as_millis(),
        6 * unit
    );
    // [/main]
}
