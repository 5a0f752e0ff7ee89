// preempt.go: the same tight loop in Go on GOMAXPROCS=1: since Go 1.14 the runtime
// preempts it asynchronously (a signal), so the ticker keeps ticking.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

// spin has no function call and no allocation in its loop: no cooperative preemption
// point, so only an asynchronous preemption can take the P away from it.
func spin(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

func main() {
	spinMs := flag.Int("spin-ms", 200, "how long the loop computes")
	flag.Parse()
	if *spinMs < 1 || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: preempt-go [--spin-ms N]")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(1)
	// Calibrate the loop to last about spinMs.
	t := time.Now()
	spin(10000000)
	perIter := float64(time.Since(t).Nanoseconds()) / 1e7
	n := int(float64(*spinMs) * 1e6 / perIter)

	ticks := []time.Time{}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				close(done)
				return
			default:
			}
			time.Sleep(time.Millisecond)
			ticks = append(ticks, time.Now())
		}
	}()
	time.Sleep(5 * time.Millisecond)
	fmt.Printf("== spin %d ms without yielding; a ticker sleeps 1 ms at a time "+
		"(GOMAXPROCS=%d, %s)\n", *spinMs, runtime.GOMAXPROCS(0), runtime.Version())
	begin := time.Now()
	x := spin(n)
	end := time.Now()
	close(stop)
	<-done
	during := 0
	longest := 0.0
	prev := begin
	for _, tk := range ticks {
		if !tk.After(begin) {
			continue
		}
		if tk.Before(end) {
			during++
		}
		if gap := float64(tk.Sub(prev).Microseconds()) / 1000; gap > longest {
			longest = gap
		}
		prev = tk
	}
	lasted := float64(end.Sub(begin).Microseconds()) / 1000
	fmt.Printf("spin lasted %.1f ms (x=%d)\n", lasted, x%10)
	fmt.Printf("ticks during the spin: %d\n", during)
	fmt.Printf("longest gap between ticks: %.1f ms\n", longest)
}
