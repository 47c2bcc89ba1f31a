package main

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
	"runtime"
	"sync"
	"testing"
	"time"
)

// rieModule is the official Lambda Runtime Interface Emulator, a tool of this module (go.mod).
const rieModule = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// binaries builds the function's bootstrap for this machine, as `make package` does for Lambda
// (CGO_ENABLED=0, -tags lambda.norpc), and the emulator. It skips the test when the emulator
// cannot be built; a bootstrap that does not build fails it.
func binaries(t *testing.T) (bootstrap, rie string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH, so bootstrap cannot be built: %v", err)
	}
	dir := t.TempDir()
	bootstrap, rie = filepath.Join(dir, "bootstrap"), filepath.Join(dir, "aws-lambda-rie")
	var wg sync.WaitGroup
	var bootErr, rieErr error
	wg.Go(func() {
		bootErr = goBuild(goBin, bootstrap, "-tags", "lambda.norpc", "-trimpath", ".")
	})
	wg.Go(func() { rieErr = goBuild(goBin, rie, rieModule) })
	wg.Wait()
	if bootErr != nil {
		t.Fatalf("building bootstrap: %v", bootErr)
	}
	if rieErr != nil {
		t.Skipf("the Lambda Runtime Interface Emulator (%s) cannot be built here, so the function is not run under it: %v", rieModule, rieErr)
	}
	return bootstrap, rie
}

func goBuild(goBin, out string, args ...string) error {
	cmd := exec.Command(goBin, append([]string{"build", "-o", out}, args...)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%w: %s", err, msg)
	}
	return nil
}

// function is a bootstrap running under the emulator.
type function struct {
	url string
	out *syncBuffer
}

// syncBuffer collects the emulator's output (the function's logs among it).
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

// startFunction runs bootstrap under the emulator with exactly the given environment (nothing of
// this machine's AWS settings leaks in) and waits until it accepts invocations.
func startFunction(t *testing.T, rie, bootstrap string, env map[string]string) *function {
	t.Helper()
	rieAddr, apiAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", rieAddr, "--runtime-api-address", apiAddr, bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	home := t.TempDir()
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AWS_CONFIG_FILE=" + filepath.Join(home, "none"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"), "AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=30", "LOG_LEVEL=warn"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	f := &function{url: "http://" + rieAddr + "/2015-03-31/functions/function/invocations", out: &syncBuffer{}}
	cmd.Stdout, cmd.Stderr = f.out, f.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // the bootstrap exits once its runtime API is gone
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("emulator output:\n%s", f.out.String())
		}
	})
	waitListening(t, rieAddr)
	return f
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String()
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			_ = c.Close()
			return
		}
	}
	t.Fatalf("the emulator does not listen on %s", addr)
}

// invoke posts a payload as the Lambda Invoke API would and returns the function's answer.
func (f *function) invoke(t *testing.T, payload []byte) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("invoking: %v", err)
	}
	defer func() { _ = res.Body.Close() }()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("invoking: HTTP %d %s (%v)", res.StatusCode, body, err)
	}
	return body
}
