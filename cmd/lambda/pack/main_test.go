package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunZipsBootstrapAtTheRoot(t *testing.T) {
	dir := t.TempDir()
	bin := []byte("\x7fELF pretend binary content")
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "lambda.zip")
	var report bytes.Buffer
	if err := run(filepath.Join(dir, "bootstrap"), out, &report); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode().Perm() != 0o755 {
		t.Fatalf("zip holds %v, want one executable bootstrap", zr.File)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	_ = rc.Close()
	if !bytes.Equal(got, bin) {
		t.Error("zipped bootstrap differs from the binary")
	}
	sum := sha256.Sum256(data)
	line, _ := os.ReadFile(out + ".sha256")
	if string(line) != hex.EncodeToString(sum[:])+"  lambda.zip\n" {
		t.Errorf("sha256 file = %q", line)
	}
	if !strings.Contains(report.String(), " bytes") {
		t.Errorf("report %q does not give the size", report.String())
	}
	again, _ := zipBootstrap(bin)
	if !bytes.Equal(again, data) {
		t.Error("zipping the same binary twice gave different zips")
	}
}

func TestRunFailsWithoutBootstrap(t *testing.T) {
	dir := t.TempDir()
	if err := run(filepath.Join(dir, "missing"), filepath.Join(dir, "x.zip"), io.Discard); err == nil {
		t.Error("a missing bootstrap was zipped")
	}
}
