package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// Machine describes where the figures were measured.
func Machine(ctx context.Context) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- CPUs (`nproc`): %d; %s\n", runtime.NumCPU(), cpuModel(ctx))
	if mem := statusBytes("/proc/meminfo", "MemTotal"); mem > 0 {
		fmt.Fprintf(&b, "- memory: %.1f GiB\n", float64(mem)/(1<<30))
	}
	fmt.Fprintf(&b, "- Go: %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if out, err := exec.CommandContext(ctx, "python3", "-c",
		"import sys, boto3; print(sys.version.split()[0], 'boto3', boto3.__version__)").Output(); err == nil {
		fmt.Fprintf(&b, "- Python: %s\n", strings.TrimSpace(string(out)))
	}
	return b.String()
}

// cpuModel is lscpu's model name, or /proc/cpuinfo's.
func cpuModel(ctx context.Context) string {
	if out, err := exec.CommandContext(ctx, "lscpu").Output(); err == nil {
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "Model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return "CPU model unknown"
}
