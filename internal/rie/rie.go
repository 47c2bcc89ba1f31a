// Package rie runs a Lambda function's bootstrap under the official Lambda Runtime Interface
// Emulator, as the end-to-end tests and the cold-start benchmark do.
package rie

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"sync"
	"time"
)

// Module is the emulator's command, a tool of this module (go.mod), so the go command builds it.
const Module = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// Function is a bootstrap running under the emulator.
type Function struct {
	// URL is where the Lambda Invoke API of the function listens.
	URL string
	cmd *exec.Cmd
	out syncBuffer
}

// Start runs command (a bootstrap and its arguments) under the emulator binary rie, in dir, with
// exactly env, and waits until it accepts invocations. Stop ends it.
func Start(ctx context.Context, rie string, command []string, dir string, env []string) (*Function, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	apiAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := append([]string{"--runtime-interface-emulator-address", addr, "--runtime-api-address", apiAddr}, command...)
	f := &Function{URL: "http://" + addr + "/2015-03-31/functions/function/invocations"}
	f.cmd = exec.CommandContext(ctx, rie, args...)
	f.cmd.Dir, f.cmd.Env = dir, env
	f.cmd.Stdout, f.cmd.Stderr = &f.out, &f.out
	if err := f.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	if err := waitListening(addr); err != nil {
		f.Stop()
		return nil, fmt.Errorf("%w; emulator output:\n%s", err, f.Output())
	}
	return f, nil
}

// Stop ends the emulator; the bootstrap exits once its runtime API is gone.
func (f *Function) Stop() {
	_ = f.cmd.Process.Kill()
	_ = f.cmd.Wait()
}

// Pid is the emulator's process id; the bootstrap is its child.
func (f *Function) Pid() int { return f.cmd.Process.Pid }

// Output is what the emulator and the function wrote so far (the function's logs among it).
func (f *Function) Output() string { return f.out.String() }

// Invoke posts a payload as the Lambda Invoke API would and returns the function's answer.
func (f *Function) Invoke(ctx context.Context, payload []byte) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.URL, bytes.NewReader(payload))
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
