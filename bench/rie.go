package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rieModule is the official Lambda Runtime Interface Emulator, a tool of this module (go.mod).
const rieModule = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// Invocation is one cold start under the emulator: the first invoke starts the function's
// process (the emulator starts it on the first invoke, as Lambda does on a cold start), the
// second one finds it warm.
type Invocation struct {
	// First is from sending the first invoke to its answer: process start, init, one event.
	First time.Duration
	// Warm is the same for the second invoke, the process already running.
	Warm time.Duration
	// PeakRSSBytes is the function process's peak resident set after both invokes.
	PeakRSSBytes uint64
	// Answer is the first invoke's answer.
	Answer string
}

// runUnderRIE starts the emulator serving cmd (the function's bootstrap and its arguments) with
// exactly env, invokes it twice with payload and stops it.
func runUnderRIE(ctx context.Context, rie string, cmd []string, env []string, payload []byte) (Invocation, error) {
	addr, err := freeAddr()
	if err != nil {
		return Invocation{}, err
	}
	apiAddr, err := freeAddr()
	if err != nil {
		return Invocation{}, err
	}
	args := append([]string{"--runtime-interface-emulator-address", addr, "--runtime-api-address", apiAddr}, cmd...)
	p := exec.CommandContext(ctx, rie, args...)
	p.Env = env
	var out syncBuffer
	p.Stdout, p.Stderr = &out, &out
	if err := p.Start(); err != nil {
		return Invocation{}, fmt.Errorf("starting the emulator: %w", err)
	}
	defer func() {
		_ = p.Process.Kill() // the function exits once its runtime API is gone
		_ = p.Wait()
	}()
	if err := waitListening(addr); err != nil {
		return Invocation{}, err
	}
	url := "http://" + addr + "/2015-03-31/functions/function/invocations"
	inv, err := invokeTwice(ctx, url, payload)
	if err != nil {
		return inv, fmt.Errorf("%w; emulator output:\n%s", err, tail(out.String(), 2000))
	}
	inv.PeakRSSBytes = childPeakRSS(p.Process.Pid)
	return inv, nil
}

func invokeTwice(ctx context.Context, url string, payload []byte) (Invocation, error) {
	var inv Invocation
	start := time.Now()
	answer, err := invoke(ctx, url, payload)
	inv.First, inv.Answer = time.Since(start), answer
	if err != nil {
		return inv, err
	}
	start = time.Now()
	if _, err := invoke(ctx, url, payload); err != nil {
		return inv, err
	}
	inv.Warm = time.Since(start)
	return inv, nil
}

func invoke(ctx context.Context, url string, payload []byte) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return "", fmt.Errorf("invoking: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("invoking: %w", err)
	}
	defer func() { _ = res.Body.Close() }()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return "", fmt.Errorf("invoking: reading the answer: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		return string(body), fmt.Errorf("invoking: HTTP %d %s", res.StatusCode, body)
	}
	return string(body), nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String(), nil
}

func waitListening(addr string) error {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			_ = c.Close()
			return nil
		}
	}
	return fmt.Errorf("the emulator does not listen on %s", addr)
}

// childPeakRSS returns the peak resident set (VmHWM) of the first child of pid, 0 if unknown. Any
// thread of pid may have started the child, so every task's children are looked at.
func childPeakRSS(pid int) uint64 {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if child, err := strconv.Atoi(f); err == nil {
				return statusBytes(fmt.Sprintf("/proc/%d/status", child), "VmHWM")
			}
		}
	}
	return 0
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// syncBuffer collects a process's output.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
