package motoconf

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// startupWait bounds how long moto_server may take to answer its first request.
const startupWait = 60 * time.Second

// startMoto starts moto_server on a free loopback port and returns its base URL; the process is
// killed when the test ends. Under -short, or outside CI without moto_server, the test is
// skipped; in CI a missing moto_server fails it.
func startMoto(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("moto conformance suite: skipped under -short")
	}
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("moto_server not found (pip install moto[server]); the suite runs in CI")
		}
		t.Fatalf("moto_server not found in CI: install the pip packages moto and flask (pip install 'moto[server]'): %v", err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	logs := &tail{max: 4096}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", port)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait() // the exit status of a killed process says nothing
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	url := "http://127.0.0.1:" + port
	if err := waitReady(url, startupWait, exited); err != nil {
		t.Fatalf("moto_server on %s: %v\n%s", url, err, logs)
	}
	return url
}

// tail keeps the last max bytes written to it: moto logs every request.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (w *tail) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = w.buf[over:]
	}
	return len(p), nil
}

func (w *tail) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}

// freePort asks the kernel for a free loopback port.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer func() { _ = ln.Close() }()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	return port, nil
}

// waitReady polls moto's own API until it answers, the process exits or the wait is over.
func waitReady(url string, wait time.Duration, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(wait)
	for {
		resp, err := client.Get(url + "/moto-api/data.json")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = errors.New(resp.Status)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %s: %w", wait, err)
		}
		select {
		case <-exited:
			return fmt.Errorf("exited before answering: %w", err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
