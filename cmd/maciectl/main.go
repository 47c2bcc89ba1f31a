// Command maciectl operates Macie Self-Service: it decodes events, plans and applies Macie
// membership for an organization, and runs the local multi-account AWS sandbox.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// exitError carries a process exit status with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withExit wraps err so that maciectl exits with code.
func withExit(code int, err error) error { return &exitError{code: code, err: err} }

// errQuiet is an exit status that is an answer, not a failure: nothing is printed for it.
var errQuiet = errors.New("")

// quietExit makes maciectl exit with code without printing anything more.
func quietExit(code int) error { return withExit(code, errQuiet) }

// streams is where a command reads and writes.
type streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

func newRootCmd(io streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "maciectl",
		Short: "Scope Amazon Macie to the S3 buckets that teams tag, across an AWS Organization",
		Long: `maciectl operates Macie Self-Service. Teams tag a bucket macie=true; the bucket's
account becomes an enabled Macie member of the delegated administrator, and one daily
classification job scans exactly the tagged buckets. Accounts with nothing tagged are paused.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	root.AddCommand(newEventCmd(io))
	root.AddCommand(newSandboxCmd(io))
	root.AddCommand(newSimulateCmd(io, nil), newDemoCmd(io, nil))
	root.AddCommand(newPlanCmd(io, nil), newApplyCmd(io, nil))
	root.AddCommand(newCostCmd(io, nil), newStatusCmd(io, nil), newDoctorCmd(io, nil))
	root.AddCommand(newReplayCmd(io, nil))
	return root
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd(streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}).ExecuteContext(ctx)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err, if any, as one line and returns the status to exit with.
func exitCode(err error, w io.Writer) int {
	if err == nil {
		return 0
	}
	if !errors.Is(err, errQuiet) {
		fmt.Fprintln(w, "maciectl:", err)
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}
