// Command briefing builds a static briefing site from a folder of
// spreadsheets, TOML, markdown, chart definitions and templates.
//
// Usage:
//
//	briefing build [-o DIR] [--base-url URL] [-q] [SITE_DIR]
//	briefing version
//	briefing help [COMMAND]
//
// Exit codes: 0 success, 1 an error in the briefing's sources, 2 a usage
// or configuration error, 3 an internal or I/O failure.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
