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
	"runtime/debug"
	"strconv"
	"strings"
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
		Version:       version(),
		Args:          cobra.ArbitraryArgs,
		RunE:          unknownSubcommand,
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
	root.AddCommand(newConfigCmd(io))
	usageErrorsExit2(root)
	return root
}

// usageErrorsExit2 makes bad flags and bad arguments exit with status 2 in every command, as
// their help says, and prints the usage line to look at.
func usageErrorsExit2(root *cobra.Command) {
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return withExit(2, fmt.Errorf("%w (see '%s --help')", err, c.CommandPath()))
	})
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.SuggestionsMinimumDistance = 2
		if check := c.Args; check != nil {
			c.Args = func(cmd *cobra.Command, args []string) error {
				if err := check(cmd, args); err != nil {
					return withExit(2, fmt.Errorf("%w (usage: %s)", err, cmd.UseLine()))
				}
				return nil
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// unknownSubcommand runs a command that only groups subcommands: without arguments it prints
// its help; otherwise the first argument is an unknown subcommand, refused with suggestions.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cmd.Help()
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %s?", strings.Join(quoteAll(s), " or "))
	}
	return withExit(2, fmt.Errorf("%s (see '%s --help')", msg, cmd.CommandPath()))
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = strconv.Quote(v)
	}
	return out
}

// version is the module version and the commit maciectl was built from, from its build info.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (no build info)"
	}
	v := info.Main.Version
	var commit, at, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = ", modified"
			}
		}
	}
	if commit == "" {
		return fmt.Sprintf("%s (%s)", v, info.GoVersion)
	}
	return fmt.Sprintf("%s (commit %s, %s%s, %s)", v, commit, at, dirty, info.GoVersion)
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
