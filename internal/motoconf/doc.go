// Package motoconf is a conformance suite that runs the project's AWS adapters, wired as the
// engine wires them, against moto (moto_server), an AWS emulator written independently of this
// project, for S3, STS, Organizations and the Resource Groups Tagging API, while Macie stays on
// the project's sandbox; and SQS, where the function sends the steps of a sharded sweep. Its tests are the package; there is no library code.
//
// Run with `go test ./internal/motoconf/`; moto_server (pip package moto) must be on PATH. The
// suite skips under -short, and when moto_server is missing outside CI (CI set): in CI a missing
// moto_server fails it.
package motoconf
