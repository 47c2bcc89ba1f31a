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

// binaries builds the function's bootstrap for this machine, as `make package` does for Lambda
// (CGO_ENABLED=0, -tags lambda.norpc), and the emulator. It skips the test when the emulator
// cannot be built; a bootstrap that does not build fails it.
func binaries(t *testing.T) (bootstrap, emulator string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH, so bootstrap cannot be built: %v", err)
	}
	dir := t.TempDir()
	bootstrap, emulator = filepath.Join(dir, "bootstrap"), filepath.Join(dir, "aws-lambda-rie")
	var wg sync.WaitGroup
	var bootErr, rieErr error
	wg.Go(func() {
		bootErr = goBuild(goBin, bootstrap, "-tags", "lambda.norpc", "-trimpath", ".")
	})
	wg.Go(func() { rieErr = goBuild(goBin, emulator, rie.Module) })
	wg.Wait()
	if bootErr != nil {
		t.Fatalf("building bootstrap: %v", bootErr)
	}
	if rieErr != nil {
		t.Skipf("the Lambda Runtime Interface Emulator (%s) cannot be built here, so the function is not run under it: %v", rie.Module, rieErr)
	}
	return bootstrap, emulator
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
