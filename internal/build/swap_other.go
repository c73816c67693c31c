//go:build !linux

package build

import "os"

// exchangeDirs reports false: this OS has no atomic exchange of folders,
// and the output is swapped with two renames.
func exchangeDirs(root *os.Root, a, b string) (bool, error) { return false, nil }
