package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/rie"
)

// built holds the binaries TestMain builds once for every test of the package.
var built struct {
	bootstrap, emulator string
	bootErr, rieErr     error
}

// TestMain builds the function's bootstrap for this machine, as `make package` does for Lambda
// (CGO_ENABLED=0, -tags lambda.norpc), and the emulator, once for the whole package run.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lambda-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	built.bootstrap, built.emulator = filepath.Join(dir, "bootstrap"), filepath.Join(dir, "aws-lambda-rie")
	if goBin, err := exec.LookPath("go"); err != nil {
		built.bootErr = fmt.Errorf("the go command is not on PATH, so bootstrap cannot be built: %w", err)
	} else {
		var wg sync.WaitGroup
		wg.Go(func() { built.bootErr = goBuild(goBin, built.bootstrap, "-tags", "lambda.norpc", "-trimpath", ".") })
		wg.Go(func() { built.rieErr = goBuild(goBin, built.emulator, rie.Module) })
		wg.Wait()
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// binaries returns what TestMain built. A bootstrap that does not build fails the test; an
// emulator that cannot be built here skips it.
func binaries(t *testing.T) (bootstrap, emulator string) {
	t.Helper()
	if built.bootErr != nil {
		t.Fatalf("building bootstrap: %v", built.bootErr)
	}
	if built.rieErr != nil {
		t.Skipf("the Lambda Runtime Interface Emulator (%s) cannot be built here, so the function is not run under it: %v", rie.Module, built.rieErr)
	}
	return built.bootstrap, built.emulator
}

func goBuild(goBin, out string, args ...string) error {
	cmd := exec.Command(goBin, append([]string{"build", "-o", out}, args...)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%w: %s", err, msg)
	}
	return nil
}

// function is a bootstrap running under the emulator, for one test.
type function struct {
	*rie.Function
}

// startFunction runs bootstrap under the emulator with exactly the given environment (nothing of
// this machine's AWS settings leaks in) and waits until it accepts invocations.
func startFunction(t *testing.T, emulator, bootstrap string, env map[string]string) *function {
	t.Helper()
	home := t.TempDir()
	vars := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AWS_CONFIG_FILE=" + filepath.Join(home, "none"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"), "AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=30", "LOG_LEVEL=warn"}
	for k, v := range env {
		vars = append(vars, k+"="+v)
	}
	f, err := rie.Start(context.Background(), emulator, []string{bootstrap}, filepath.Dir(bootstrap), vars)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		f.Stop()
		if t.Failed() {
			t.Logf("emulator output:\n%s", f.Output())
		}
	})
	return &function{f}
}

// invoke posts a payload as the Lambda Invoke API would and returns the function's answer.
func (f *function) invoke(t *testing.T, payload []byte) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	body, err := f.Invoke(ctx, payload)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(body)
}
