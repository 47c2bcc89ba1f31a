package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestCfnLint runs cfn-lint (the pip package cfn-lint, AWS's CloudFormation linter) on every
// template: it must report nothing. Without cfn-lint the test skips, except in CI (CI set), where
// it fails.
func TestCfnLint(t *testing.T) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("cfn-lint not found (pip install cfn-lint); it runs in CI")
		}
		t.Fatalf("cfn-lint not found in CI: install the pip package cfn-lint: %v", err)
	}
	files, err := filepath.Glob("cloudformation/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no template found: %v", err)
	}
	out, err := exec.CommandContext(t.Context(), bin, append([]string{"--format", "parseable", "--"}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("cfn-lint %v: %v\n%s", files, err, out)
	}
}
