package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/describe")

// TestDescribeExample pins `briefing describe` on the example briefing at
// the repository root, as text and as JSON. Run with -update after a
// deliberate change to the example's data or to the output, and read the
// diff.
func TestDescribeExample(t *testing.T) {
	for _, c := range []struct {
		golden string
		args   []string
	}{
		{"example.txt", []string{"describe", "--site", "../.."}},
		{"example.json", []string{"describe", "--format", "json", "--site", "../.."}},
		{"example_one.txt", []string{"describe", "--site", "../..", "--rows", "1", "monthly_spend", "concentration"}},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(c.args, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d\n%s", c.args, code, stderr.String())
		}
		if stderr.Len() > 0 {
			t.Errorf("%v: stderr:\n%s", c.args, stderr.String())
		}
		path := filepath.Join("testdata", "describe", c.golden)
		if *update {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, stdout.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestDescribeExample -update to write it)", err)
		}
		if !bytes.Equal(stdout.Bytes(), want) {
			t.Errorf("%v: output differs from %s (rerun with -update and read the diff):\n%s", c.args, path, stdout.String())
		}
	}
}
