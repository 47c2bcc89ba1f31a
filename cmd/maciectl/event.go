package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/macieselfservice/macie-selfservice/internal/event"
)

// eventDecodeOptions holds what `maciectl event decode` needs.
type eventDecodeOptions struct {
	IO streams
	// File is the file to read; "" or "-" reads standard input.
	File string
}

// newEventCmd builds `maciectl event` and its subcommands.
func newEventCmd(io streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "event",
		Short: "Inspect the S3 CloudTrail events that drive Macie Self-Service",
		Args:  cobra.ArbitraryArgs,
		RunE:  unknownSubcommand,
	}
	cmd.AddCommand(newEventDecodeCmd(io, nil))
	return cmd
}

// newEventDecodeCmd builds `maciectl event decode`; runF, when not nil, replaces eventDecodeRun
// so that tests can check argument parsing alone.
func newEventDecodeCmd(io streams, runF func(*eventDecodeOptions) error) *cobra.Command {
	opts := &eventDecodeOptions{IO: io}
	return &cobra.Command{
		Use:   "decode [FILE|-]",
		Short: "Decode CloudTrail events as the engine sees them",
		Long: `Decode reads EventBridge events of S3 API calls ("AWS API Call via CloudTrail"), bare or
inside an SQS batch as Lambda receives it, and prints the change each event means, one JSON
object per line.

The input is one event, an SQS batch ({"Records":[...]}), a JSON array of them, or several of
them one after another. It is read from FILE, or from standard input when FILE is "-" or absent.

kind is TagsReplaced (with the whole new tag set), TagsRemoved, BucketDeleted, BucketCreated,
or Ignored (with a reason: another event, a failed call, a missing or forged field).
account is the bucket owner (recipientAccountId), not the caller.

Exit status: 0 when decoded, 1 when the input cannot be read, 2 when it is not JSON or too
large or too deeply nested.`,
		Example: `  # Decode an event saved from the EventBridge console
  maciectl event decode put-bucket-tagging.json

  # Decode an SQS batch as the Lambda function received it, keeping relevant changes
  maciectl event decode - < sqs-batch.json | jq -c 'select(.kind != "Ignored")'

  # Decode many events at once
  cat events/*.json | maciectl event decode`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return eventDecodeRun(opts)
		},
	}
}

// eventDecodeRun decodes the input and prints one change per line. Nothing is printed unless
// the whole input decodes.
func eventDecodeRun(opts *eventDecodeOptions) error {
	data, err := readInput(opts)
	if err != nil {
		return err
	}
	changes, err := event.Decode(data)
	if err != nil {
		return withExit(2, fmt.Errorf("decoding %s: %w", inputName(opts.File), err))
	}
	enc := json.NewEncoder(opts.IO.Out)
	enc.SetEscapeHTML(false)
	for _, c := range changes {
		if err := enc.Encode(c); err != nil {
			return fmt.Errorf("writing change: %w", err)
		}
	}
	return nil
}

// readInput reads the file or standard input, refusing more than event.MaxInputBytes.
func readInput(opts *eventDecodeOptions) ([]byte, error) {
	r := opts.IO.In
	if opts.File != "" && opts.File != "-" {
		f, err := os.Open(opts.File)
		if err != nil {
			return nil, fmt.Errorf("reading events: %w", err)
		}
		defer func() { _ = f.Close() }()
		r = f
	}
	if r == nil {
		return nil, errors.New("reading events: no standard input")
	}
	data, err := io.ReadAll(io.LimitReader(r, event.MaxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", inputName(opts.File), err)
	}
	if len(data) > event.MaxInputBytes {
		return nil, withExit(2, fmt.Errorf("decoding %s: %w: more than %d bytes",
			inputName(opts.File), event.ErrTooLarge, event.MaxInputBytes))
	}
	return data, nil
}

// inputName names the input in messages.
func inputName(file string) string {
	if file == "" || file == "-" {
		return "standard input"
	}
	return file
}
