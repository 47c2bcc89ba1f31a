// Command pack zips the Lambda function's bootstrap for deployment: `make package` runs it.
//
//	go run ./cmd/lambda/pack -o dist/lambda.zip dist/bootstrap
//
// The zip holds one file, bootstrap, at its root, executable, with a fixed modification time so
// that the same binary always gives the same zip. Next to the zip it writes its SHA-256 in
// sha256sum's format (lambda.zip.sha256), and it prints the zip's size.
package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// modTime is the fixed modification time of the zipped bootstrap.
var modTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func main() {
	out := flag.String("o", "dist/lambda.zip", "the zip to write")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pack -o dist/lambda.zip path/to/bootstrap")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pack:", err)
		os.Exit(1)
	}
}

// run zips bootstrap into out, writes out.sha256 and reports the size on w.
func run(bootstrap, out string, w io.Writer) error {
	bin, err := os.ReadFile(bootstrap)
	if err != nil {
		return fmt.Errorf("reading the bootstrap: %w", err)
	}
	data, err := zipBootstrap(bin)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	sum := sha256.Sum256(data)
	line := hex.EncodeToString(sum[:]) + "  " + filepath.Base(out) + "\n"
	if err := os.WriteFile(out+".sha256", []byte(line), 0o644); err != nil {
		return fmt.Errorf("writing %s.sha256: %w", out, err)
	}
	_, err = fmt.Fprintf(w, "%s: %d bytes (%.1f MiB), bootstrap %d bytes, sha256 %x\n",
		out, len(data), float64(len(data))/(1<<20), len(bin), sum)
	return err
}

// zipBootstrap returns a zip holding bin as an executable file named bootstrap.
func zipBootstrap(bin []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: modTime}
	hdr.SetMode(0o755)
	f, err := zw.CreateHeader(hdr)
	if err != nil {
		return nil, fmt.Errorf("zipping the bootstrap: %w", err)
	}
	if _, err := f.Write(bin); err != nil {
		return nil, fmt.Errorf("zipping the bootstrap: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("zipping the bootstrap: %w", err)
	}
	return buf.Bytes(), nil
}
