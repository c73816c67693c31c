// Command briefing builds a static briefing site from a folder of
// spreadsheets, TOML, markdown, chart definitions and templates, and the
// email edition from the same sources.
//
// Usage:
//
//	briefing build [-o DIR] [--base-url URL] [--single-file] [--strict] [--format text|json] [-q] [SITE_DIR]
//	briefing email [-o DIR] [--to ADDR,…] [--from ADDR] [--subject TEXT] [--send | --dry-run] [--format text|json] [-q] [SITE_DIR]
//	briefing serve [-p PORT] [--format text|json] [SITE_DIR]
//	briefing check [--strict] [--format text|json] [-q] [SITE_DIR]
//	briefing new [--title TEXT] [--templates] [--force] DIR
//	briefing version
//	briefing help [COMMAND]
//
// Each command is a small type in a file of its name (build.go, email.go,
// …) holding its flags; cli.go parses them and prints every problem with
// one printer, as text with source excerpts or, with --format json, one
// JSON object per line.
//
// Exit codes come from the kind of the problem (diag.ExitCode): 0 success,
// 1 an error in the briefing's sources, 2 a usage or configuration error
// or a refused output folder, 3 an internal or I/O failure.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
