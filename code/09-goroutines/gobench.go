// gobench.go: the Go twin of gobench.cpp: one workload, printed as
// "result <workload> <value>".
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func pingpong(n int) float64 {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	t := time.Now()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	ns := float64(time.Since(t).Nanoseconds()) / (2 * float64(n))
	close(ping)
	return ns
}

func skynet(out chan int64, num, size int64, div int) {
	if size == 1 {
		out <- num
		return
	}
	sums := make(chan int64)
	for i := 0; i < div; i++ {
		sub := num + int64(i)*(size/int64(div))
		go skynet(sums, sub, size/int64(div), div)
	}
	var sum int64
	for i := 0; i < div; i++ {
		sum += <-sums
	}
	out <- sum
}

func buffered(n, capacity int) float64 {
	ch := make(chan int, capacity)
	result := make(chan int)
	go func() {
		sum := 0
		for v := range ch {
			sum += v
		}
		result <- sum
	}()
	t := time.Now()
	for i := 0; i < n; i++ {
		ch <- i
	}
	close(ch)
	sum := <-result
	ns := float64(time.Since(t).Nanoseconds()) / float64(n)
	if sum != n*(n-1)/2 {
		panic("buffered: lost items")
	}
	return ns
}

func sieve(count int) int {
	src := make(chan int)
	done := make(chan struct{})
	go func() {
		for i := 2; ; i++ {
			select {
			case src <- i:
			case <-done:
				close(src)
				return
			}
		}
	}()
	in := src
	prime := 0
	for i := 0; i < count; i++ {
		prime = <-in
		out := make(chan int)
		go func(in, out chan int, p int) {
			for v := range in {
				if v%p != 0 {
					out <- v
				}
			}
			close(out)
		}(in, out, prime)
		in = out
	}
	close(done)
	for range in {
	}
	return prime
}

func spawnWait(n int) float64 {
	done := make(chan int)
	t := time.Now()
	for i := 0; i < n; i++ {
		go func() { done <- 1 }()
		<-done
	}
	return float64(time.Since(t).Nanoseconds()) / float64(n)
}

func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func memory(n int) float64 {
	gate := make(chan int)
	parked := make(chan int, n)
	before := rssBytes()
	for i := 0; i < n; i++ {
		go func() {
			parked <- 1
			<-gate
		}()
	}
	for i := 0; i < n; i++ {
		<-parked
	}
	runtime.Gosched()
	after := rssBytes()
	close(gate)
	return float64(after-before) / float64(n)
}

func main() {
	workload := flag.String("workload", "pingpong",
		"pingpong, skynet, buffered, sieve, spawn or memory")
	n := flag.Int("n", 200000, "messages, leaves (skynet), items, primes, goroutines")
	procs := flag.Int("procs", 0, "GOMAXPROCS; 0: one per CPU")
	capacity := flag.Int("cap", 128, "capacity of the buffered channel")
	flag.Parse()
	if *n < 1 || *procs < 0 || *capacity < 1 || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr,
			"usage: gobench [--workload W] [--n N] [--procs P] [--cap C]")
		os.Exit(2)
	}
	if *procs > 0 {
		runtime.GOMAXPROCS(*procs)
	}
	var value float64
	unit := "ns"
	extra := ""
	switch *workload {
	case "pingpong":
		value = pingpong(*n)
	case "skynet":
		out := make(chan int64, 1)
		t := time.Now()
		go skynet(out, 0, int64(*n), 10)
		sum := <-out
		value = float64(time.Since(t).Nanoseconds()) / 1e6
		unit = "ms"
		extra = fmt.Sprintf(" sum=%d", sum)
	case "buffered":
		value = buffered(*n, *capacity)
	case "sieve":
		t := time.Now()
		last := sieve(*n)
		value = float64(time.Since(t).Nanoseconds()) / 1e6
		unit = "ms"
		extra = fmt.Sprintf(" last=%d", last)
	case "spawn":
		value = spawnWait(*n)
	case "memory":
		value = memory(*n)
		unit = "bytes"
	default:
		fmt.Fprintln(os.Stderr, "gobench: unknown workload", *workload)
		os.Exit(2)
	}
	fmt.Printf("result %s %.6g %s procs=%d%s\n",
		*workload, value, unit, runtime.GOMAXPROCS(0), extra)
}
