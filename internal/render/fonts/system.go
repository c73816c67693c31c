package fonts

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/image/font/sfnt"
)

// SystemDirs are the standard font folders searched for fallback fonts,
// those that do not exist skipped: on Linux and the BSDs the XDG folders
// (/usr/share/fonts, /usr/local/share/fonts, ~/.local/share/fonts,
// ~/.fonts), on macOS /System/Library/Fonts, /Library/Fonts and
// ~/Library/Fonts, on Windows %WINDIR%\Fonts and the user's fonts.
// Tests may replace it before the first fallback.
var SystemDirs = systemDirs()

func systemDirs() []string {
	home, _ := os.UserHomeDir()
	inHome := func(p ...string) string {
		if home == "" {
			return ""
		}
		return filepath.Join(append([]string{home}, p...)...)
	}
	switch runtime.GOOS {
	case "darwin":
		return []string{"/System/Library/Fonts", "/Library/Fonts", inHome("Library", "Fonts")}
	case "windows":
		return []string{filepath.Join(os.Getenv("WINDIR"), "Fonts"), filepath.Join(os.Getenv("LOCALAPPDATA"), "Microsoft", "Windows", "Fonts")}
	}
	dirs := []string{"/usr/share/fonts", "/usr/local/share/fonts", inHome(".local", "share", "fonts"), inHome(".fonts")}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		dirs = append(dirs, filepath.Join(x, "fonts"))
	}
	return dirs
}

// maxSystemFonts bounds the files indexed, so that a folder of thousands
// of fonts cannot make one missing character slow.
const maxSystemFonts = 1000

// index is the system's font files, opened as they are first searched.
type index struct {
	files       []string // in order of preference
	fingerprint string   // of their names, sizes and times

	mu     sync.Mutex
	opened int    // files[:opened] are parsed into faces
	faces  []face // of the opened files, in order
}

var (
	indexOnce sync.Once
	sysIndex  *index
)

// systemIndex lists the system's fonts once per process.
func systemIndex() *index {
	indexOnce.Do(func() { sysIndex = scan(SystemDirs) })
	return sysIndex
}

// scan lists the font files under dirs: sans-serif faces first, then
// others, monospaced and symbol fonts last; by path within a rank.
func scan(dirs []string) *index {
	type file struct {
		path string
		rank int
		info string
	}
	var files []file
	seen := map[string]bool{}
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || len(files) >= maxSystemFonts {
				return nil
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".ttf", ".otf", ".ttc", ".otc":
			default:
				return nil
			}
			info, err := d.Info()
			if err != nil || seen[p] {
				return nil
			}
			seen[p] = true
			files = append(files, file{p, rank(filepath.Base(p)), fmt.Sprintf("%s %d %d", p, info.Size(), info.ModTime().UnixNano())})
			return nil
		})
	}
	slices.SortFunc(files, func(a, b file) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return strings.Compare(a.path, b.path)
	})
	h := sha256.New()
	ix := &index{}
	for _, f := range files {
		ix.files = append(ix.files, f.path)
		fmt.Fprintln(h, f.info)
	}
	ix.fingerprint = hex.EncodeToString(h.Sum(nil)[:12])
	return ix
}

// rank orders font files by name: sans-serif first.
func rank(name string) int {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "mono") || strings.Contains(n, "awesome") || strings.Contains(n, "symbol") ||
		strings.Contains(n, "emoji") || strings.Contains(n, "math"):
		return 3
	case strings.Contains(n, "serif") && !strings.Contains(n, "sans"):
		return 2
	case strings.Contains(n, "sans") || strings.Contains(n, "gothic") || strings.Contains(n, "arial") || strings.Contains(n, "helvet"):
		return 0
	}
	return 1
}

// find returns the system font for r, opening files in order until one
// has it. The choice among opened files follows pick; files are opened
// one at a time, so a common character does not open every font.
func (ix *index) find(r rune, bold bool) choice {
	var buf sfnt.Buffer
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for {
		if c, ok := pick(&buf, ix.faces, r, bold); ok && ix.settled(c, bold) {
			return c
		}
		if ix.opened == len(ix.files) {
			c, _ := pick(&buf, ix.faces, r, bold)
			return c
		}
		ix.open(ix.files[ix.opened])
		ix.opened++
	}
}

// settled reports whether c is the best the opened files can give: a face
// of the wanted weight, or (for a family whose bold is a separate file
// further on) good enough once the next file is another family.
func (ix *index) settled(c choice, bold bool) bool {
	for _, f := range ix.faces {
		if f.font == c.font {
			return f.bold == bold && !f.italic
		}
	}
	return false
}

// bigFont is the size from which a font file is read where needed, the
// file kept open for the process, rather than loaded whole: a CJK
// collection is 20 MB or more, and there are few such files, while a
// system may have hundreds of small ones (and a low limit on open files).
const bigFont = 4 << 20

// open parses one font file.
func (ix *index) open(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	var c *sfnt.Collection
	if st, err := f.Stat(); err == nil && st.Size() >= bigFont {
		if c, err = sfnt.ParseCollectionReaderAt(f); err != nil {
			f.Close()
			return
		}
	} else {
		data, err := io.ReadAll(io.LimitReader(f, bigFont))
		f.Close()
		if err != nil {
			return
		}
		if c, err = sfnt.ParseCollection(data); err != nil {
			return
		}
	}
	if faces, err := collectionFaces(c); err == nil {
		ix.faces = append(ix.faces, faces...)
	}
}
