package sitefs

import "os"

// WriteSynced writes data to name under root, opened with flag (O_WRONLY
// and O_CREATE are added), and syncs it to disk before it returns: what a
// journal line or a file about to be renamed into place needs to survive
// a crash.
func WriteSynced(root *os.Root, name string, flag int, data []byte) error {
	f, err := root.OpenFile(name, flag|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
