//go:build !linux

package build

import (
	"errors"
	"io/fs"
	"os"
	"path"
)

// dirs is empty: elsewhere than Linux every file is written through the
// output's root, and nothing is linked from the previous output.
type dirs struct{}

func (o *Output) closeDirs() {}

// writeFile creates name in the new output, never opening a file that
// exists: a name written twice is removed first.
func (o *Output) writeFile(name string, data []byte) error {
	p := path.Join(o.tmp, name)
	for attempt := 0; ; attempt++ {
		f, err := o.root.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) && attempt == 0 {
			_ = o.root.Remove(p)
			continue
		}
		if err != nil {
			return err
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		return werr
	}
}
