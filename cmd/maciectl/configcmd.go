package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/macieselfservice/macie-selfservice/internal/config"
)

// configShowOptions holds what `maciectl config show` needs.
type configShowOptions struct {
	IO  streams
	Org orgFlags
}

// newConfigCmd builds `maciectl config` and its subcommands.
func newConfigCmd(io streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show the configuration the function and every command use",
		Args:  cobra.ArbitraryArgs,
		RunE:  unknownSubcommand,
	}
	cmd.AddCommand(newConfigShowCmd(io, nil))
	return cmd
}

func newConfigShowCmd(io streams, runF func(context.Context, *configShowOptions) error) *cobra.Command {
	opts := &configShowOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print the effective configuration and where each value came from",
		Long: `Show reads the configuration the central stack deployed (the SSM parameter
--config-parameter, in the current Region), layers the flags given over it, and prints every
setting with its source: deployed, default (the deployed document leaves it out, or nothing is
deployed), flag (nothing deployed, or a setting that only tunes the command) or flag override
(differs from the deployed value: plan, apply and the other commands refuse it without
--override). It changes nothing.

--json prints {"parameter", "region", "found", "resolved": {"config", "sources", "overrides"}}.`,
		Example: `  maciectl config show
  maciectl config show --excluded-accounts 111111111111      # what an override would change
  maciectl config show --config-parameter /acme/macie/config --json | jq '.resolved.sources'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return configShowRun(cmd.Context(), opts)
		},
	}
	opts.Org.register(cmd.Flags())
	return cmd
}

func configShowRun(ctx context.Context, opts *configShowOptions) error {
	o, err := opts.Org.resolve(ctx)
	if err != nil {
		return err
	}
	if opts.Org.JSON {
		return writeJSON(opts.IO.Out, o.Deployed)
	}
	return writeConfigText(opts, o.Deployed)
}

func writeConfigText(opts *configShowOptions, d deployed) error {
	var b strings.Builder
	if d.Found {
		fmt.Fprintf(&b, "Deployed configuration: %s\n\n", d.where())
	} else {
		fmt.Fprintf(&b, "No deployed configuration (%s does not exist): flags and defaults apply\n\n", d.where())
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE\tFLAG")
	for _, k := range config.Keys {
		v := d.Resolved.Document.Value(k)
		if v == "" {
			v = `""`
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k, v, d.Resolved.Sources[k], flagOrNone(k))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing the configuration: %w", err)
	}
	if ov := d.Resolved.Overrides; len(ov) > 0 {
		fmt.Fprintf(&b, "\nFlags that differ from the deployed value (applied by the other commands only with --override):\n%s\n", overrideLines(ov))
	}
	_, err := fmt.Fprint(opts.IO.Out, b.String())
	return err
}

func flagOrNone(k config.Key) string {
	if f, ok := flagOf[k]; ok {
		return "--" + f
	}
	return "-"
}
