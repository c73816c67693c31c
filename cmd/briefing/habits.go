package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/table"
)

// flagName is a flag as users type it: -o for one letter, --base-url for
// more.
func flagName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// aliasRE finds a flag whose usage says it is another's long name.
var aliasRE = regexp.MustCompile("^same as -([a-z]) ?")

// flagHelp lists a command's flags as users type them, one letter and
// long name together ("-o, --out DIR"), each with its usage below it.
func flagHelp(fs *flag.FlagSet) string {
	aliases := map[string]string{} // short → long
	fs.VisitAll(func(f *flag.Flag) {
		if m := aliasRE.FindStringSubmatch(f.Usage); m != nil {
			aliases[m[1]] = f.Name
		}
	})
	var b strings.Builder
	fs.VisitAll(func(f *flag.Flag) {
		if m := aliasRE.FindStringSubmatch(f.Usage); m != nil && fs.Lookup(m[1]) != nil {
			return // printed with its one-letter name
		}
		arg, usage := flag.UnquoteUsage(f)
		names := flagName(f.Name)
		if long, ok := aliases[f.Name]; ok {
			names += ", " + flagName(long)
		}
		if arg != "" {
			names += " " + arg
		}
		fmt.Fprintf(&b, "  %s\n    \t%s", names, strings.ReplaceAll(usage, "\n", "\n    \t"))
		if def := f.DefValue; def != "" && def != "false" && def != "0" {
			fmt.Fprintf(&b, " (default %s)", def)
		}
		b.WriteString("\n")
	})
	return b.String()
}

// flagErrorRE finds the flag package's names of flags in its errors: "-frob".
var flagErrorRE = regexp.MustCompile(`(^|\s)-([\w-]+)`)

// flagError is a bad flag, on one line, with the flag as users type it
// and, for an unknown flag, the close matches.
func flagError(cmd string, fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		msg = "unknown flag " + flagName(name)
		if close := table.Close(name, names); len(close) > 0 {
			for i, c := range close {
				close[i] = flagName(c)
			}
			return usagef("%s: %s (did you mean %s? run `briefing help %s`)", cmd, msg, strings.Join(close, " or "), cmd)
		}
	} else {
		msg = flagErrorRE.ReplaceAllStringFunc(msg, func(s string) string {
			lead := s[:len(s)-len(strings.TrimLeft(s, " \t"))]
			name := strings.TrimPrefix(strings.TrimLeft(s, " \t"), "-")
			if fs.Lookup(name) == nil {
				return s
			}
			return lead + flagName(name)
		})
	}
	return usagef("%s: %s (run `briefing help %s`)", cmd, msg, cmd)
}

// unknownCommand names the close matches among the commands.
func unknownCommand(name string) error {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	close := table.Close(name, names)
	for _, n := range names {
		if len(close) == 0 && sameLetters(n, name) {
			close = append(close, n) // two letters swapped: biuld
		}
	}
	if len(close) > 0 && !strings.HasPrefix(name, "-") {
		return usagef("unknown command %q (did you mean %s? run `briefing help`)", name, strings.Join(close, " or "))
	}
	return usagef("unknown command %q (run `briefing help`)", name)
}

// sameLetters reports whether a and b have the same letters, in any order.
func sameLetters(a, b string) bool {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	slices.Sort(ra)
	slices.Sort(rb)
	return slices.Equal(ra, rb)
}

// useColor reports whether problems written to w get colours: w is a
// terminal and NO_COLOR (no-color.org) is unset or empty; FORCE_COLOR set
// to anything but 0 asks for them anywhere, as in CI logs that show them.
func useColor(w io.Writer, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" {
		return false
	}
	if f := getenv("FORCE_COLOR"); f != "" && f != "0" {
		return true
	}
	if getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && !slices.Contains([]string{os.DevNull}, f.Name())
}
