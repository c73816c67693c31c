package sitefs

import (
	"os"
	"testing"
)

// TestWriteSynced: truncating replaces a file, appending adds to it, and a
// name that leads outside the root is refused.
func TestWriteSynced(t *testing.T) {
	root, err := os.OpenRoot(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for _, step := range []struct {
		flag int
		data string
		want string
	}{
		{os.O_TRUNC, "one\n", "one\n"},
		{os.O_APPEND, "two\n", "one\ntwo\n"},
		{os.O_TRUNC, "three\n", "three\n"},
	} {
		if err := WriteSynced(root, "journal.tsv", step.flag, []byte(step.data)); err != nil {
			t.Fatal(err)
		}
		if got, _ := root.ReadFile("journal.tsv"); string(got) != step.want {
			t.Errorf("after writing %q: %q, want %q", step.data, got, step.want)
		}
	}
	if err := WriteSynced(root, "../outside", os.O_TRUNC, []byte("x")); err == nil {
		t.Error("a name outside the root was written")
	}
}
