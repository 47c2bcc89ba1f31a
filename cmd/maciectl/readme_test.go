package main

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// readme returns the project's README.md.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// section returns the part of the README from heading to the next heading of its level.
func section(t *testing.T, doc, heading string) string {
	t.Helper()
	i := strings.Index(doc, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README has no %q section", heading)
	}
	rest := doc[i+1+len(heading):]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

var flagRE = regexp.MustCompile(`--[a-z][a-z-]*`)

// documentedCommands reads the commands table: each row's command path and the flags its usage
// names, with the common flags where the row says [common flags].
func documentedCommands(t *testing.T, sec string) map[string][]string {
	t.Helper()
	var common []string
	for para := range strings.SplitSeq(sec, "\n\n") {
		if strings.HasPrefix(para, "Common flags:") {
			common = flagRE.FindAllString(para, -1)
		}
	}
	if len(common) == 0 {
		t.Fatal(`the Commands section has no "Common flags:" paragraph`)
	}
	out := map[string][]string{}
	for line := range strings.Lines(sec) {
		if !strings.HasPrefix(line, "| `maciectl") {
			continue
		}
		usage := strings.SplitN(line, "`", 3)[1]
		var path []string
		for _, w := range strings.Fields(usage)[1:] {
			if !regexp.MustCompile(`^[a-z]+$`).MatchString(w) {
				break
			}
			path = append(path, w)
		}
		flags := flagRE.FindAllString(usage, -1)
		if strings.Contains(usage, "[common flags]") {
			flags = append(flags, common...)
		}
		slices.Sort(flags)
		out[strings.Join(path, " ")] = slices.Compact(flags)
	}
	return out
}

// commandTree lists every command that runs (not the groups, help and completion) with its
// flags, and the root with --version.
func commandTree() map[string][]string {
	out := map[string][]string{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimPrefix(strings.TrimPrefix(c.CommandPath(), "maciectl"), " ")
		if (c.Runnable() && !c.HasSubCommands() || path == "") && c.Name() != "help" && !strings.HasPrefix(path, "completion") {
			var flags []string
			c.Flags().VisitAll(func(f *pflag.Flag) {
				if f.Name != "help" {
					flags = append(flags, "--"+f.Name)
				}
			})
			slices.Sort(flags)
			out[path] = flags
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := newRootCmd(streams{})
	root.InitDefaultVersionFlag()
	walk(root)
	return out
}

func TestREADMECommandsTableMatchesTheCommandTree(t *testing.T) {
	doc := documentedCommands(t, section(t, readme(t), "## Commands"))
	tree := commandTree()
	for _, path := range slices.Sorted(maps.Keys(tree)) {
		flags, ok := doc[path]
		switch {
		case !ok:
			t.Errorf("maciectl %s is not in the README's commands table", path)
		case !slices.Equal(flags, tree[path]):
			t.Errorf("maciectl %s: the README documents %v, the command has %v", path, flags, tree[path])
		}
	}
	for path := range doc {
		if _, ok := tree[path]; !ok {
			t.Errorf("the README documents maciectl %s, which does not exist", path)
		}
	}
}

func TestREADMEQuickStart(t *testing.T) {
	qs := strings.Join(strings.Fields(section(t, readme(t), "## Quick start")), " ")
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod)
	if goVersion == nil {
		t.Fatal("go.mod has no go directive")
	}
	for _, want := range []string{
		"Go " + string(goVersion[1]) + " or later",
		"go install github.com/macieselfservice/macie-selfservice/cmd/maciectl@latest",
		"fetches from the Go module proxy on first use",
	} {
		if !strings.Contains(qs, want) {
			t.Errorf("the quick start lacks %q", want)
		}
	}
}
