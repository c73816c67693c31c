package main

import (
	"flag"
	"fmt"
	"runtime/debug"

	"github.com/briefing-dev/briefing/internal/build"
)

// versionCommand prints the version of briefing and of the ECharts it
// pins.
type versionCommand struct{}

func (versionCommand) usage() string       { return "briefing version" }
func (versionCommand) summary() string     { return "print the version" }
func (versionCommand) flags(*flag.FlagSet) {}

func (versionCommand) run(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("version takes no arguments")
	}
	v := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		v = info.Main.Version
	}
	fmt.Fprintf(e.stdout, "briefing %s (ECharts %s)\n", v, build.EChartsVersion)
	return nil
}

// helpCommand lists the commands, or shows one command's usage and flags.
type helpCommand struct{}

func (helpCommand) usage() string       { return "briefing help [COMMAND]" }
func (helpCommand) summary() string     { return "show help for a command" }
func (helpCommand) flags(*flag.FlagSet) {}

func (helpCommand) run(e *env, args []string) error {
	switch len(args) {
	case 0:
		printHelp(e.stdout)
		return nil
	case 1:
		c, ok := lookup(args[0])
		if !ok {
			return usagef("unknown command %q (run `briefing help`)", args[0])
		}
		fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
		c.flags(fs)
		printUsage(e.stdout, c, fs)
		return nil
	}
	return usagef("help takes one COMMAND")
}
