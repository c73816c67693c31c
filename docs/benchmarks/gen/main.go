// Command gen writes the generated sites of the scale benchmarks
// (package benchgen) into folders:
//
//	go run ./docs/benchmarks/gen -pages 1000 -out /tmp/p1k -hugo /tmp/p1k-hugo
//	go run ./docs/benchmarks/gen -rows 1000 -out /tmp/r1k
//
// Run it from the repository root after `npm ci`: a briefing folder gets
// a copy of the pinned ECharts from node_modules, where a briefing looks
// for it.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/briefing-dev/briefing/internal/benchgen"
)

func main() {
	pages := flag.Int("pages", 0, "write a briefing of this many generated pages")
	rows := flag.Int("rows", 0, "write a briefing with a page per row of a table of this many rows")
	out := flag.String("out", "", "folder for the briefing (must not exist)")
	hugo := flag.String("hugo", "", "with -pages: also write the same corpus as a Hugo site into this folder")
	flag.Parse()
	if err := run(*pages, *rows, *out, *hugo); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(pages, rows int, out, hugo string) error {
	if out == "" || (pages > 0) == (rows > 0) {
		return fmt.Errorf("give -out and one of -pages N or -rows N")
	}
	files := benchgen.Pages(pages)
	if rows > 0 {
		files = benchgen.Rows(rows)
	}
	if err := fresh(out); err != nil {
		return err
	}
	if err := benchgen.Write(out, files); err != nil {
		return err
	}
	if err := copyECharts(out); err != nil {
		return err
	}
	if hugo == "" || pages == 0 {
		return nil
	}
	if err := fresh(hugo); err != nil {
		return err
	}
	return benchgen.Write(hugo, benchgen.HugoPages(pages))
}

// fresh refuses a folder that exists, so that nothing is overwritten.
func fresh(dir string) error {
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("%s exists; remove it first", dir)
	}
	return nil
}

// copyECharts copies the repository's echarts.min.js into the site.
func copyECharts(site string) error {
	const rel = "node_modules/echarts/dist/echarts.min.js"
	b, err := os.ReadFile(rel)
	if err != nil {
		return fmt.Errorf("%v (run npm ci at the repository root first)", err)
	}
	return benchgen.Write(site, benchgen.Files{rel: b})
}
