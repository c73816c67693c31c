package chartimage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/render"
)

// store is the cache folder. Every failure to read it is a miss; a failure
// to write it loses the entry, nothing else.
type store struct {
	dir      string // holds the entries
	explicit bool   // chosen by the user, not the default: report failures
}

// magic opens every entry's header line: magic, the SHA-256 of the image,
// its length, "\n".
const magic = "briefing-chart-image"

// maxEntry bounds what is read back: no image briefing draws is larger.
const maxEntry = 64 << 20

// touchAfter is how old an entry's time may get before a hit renews it,
// so that pruning removes the least recently used first without a write
// on every hit.
const touchAfter = time.Hour

// key names the entry of r: a hash of everything the image depends on.
func (ss *Session) key(r Request) string {
	h := sha256.New()
	h.Write([]byte(magic + "\x00" + Version + "\x00"))
	h.Write(ss.sum[:])
	h.Write(ss.svc.scriptSum[:])
	h.Write([]byte(ss.fonts.Fingerprint() + "\x00"))
	var n [24]byte
	binary.BigEndian.PutUint64(n[:8], uint64(r.Width))
	binary.BigEndian.PutUint64(n[8:16], uint64(r.Height))
	binary.BigEndian.PutUint64(n[16:], math.Float64bits(r.Scale))
	h.Write(n[:])
	h.Write(r.Option)
	ext := ".svg"
	if r.Scale != 0 {
		ext = ".png"
	}
	return hex.EncodeToString(h.Sum(nil)) + ext
}

// read returns the entry key when it is there and whole.
func (ss *Session) read(key string, r Request) ([]byte, bool) {
	if ss.store == nil {
		return nil, false
	}
	p := filepath.Join(ss.store.dir, key)
	info, err := os.Stat(p)
	if err != nil || !info.Mode().IsRegular() || info.Size() > maxEntry {
		return nil, false
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	img, ok := decode(b)
	if ok {
		ok = valid(img, r)
	}
	if !ok {
		ss.svc.rejected.Add(1)
		return nil, false
	}
	ss.svc.hits.Add(1)
	ss.markUsed(key)
	if now := time.Now(); now.Sub(info.ModTime()) > touchAfter {
		_ = os.Chtimes(p, now, now) // only orders pruning
	}
	return img, true
}

func (ss *Session) markUsed(key string) {
	ss.mu.Lock()
	ss.used[key] = true
	ss.mu.Unlock()
}

// write stores img as the entry key: into a temporary file, renamed into
// place, so that a reader never sees half an entry.
func (ss *Session) write(key string, r Request, img []byte) {
	if ss.store == nil {
		return
	}
	ss.markUsed(key)
	err := ss.store.put(key, encode(img))
	if err != nil && ss.store.explicit {
		ss.mu.Lock()
		if ss.problem == nil {
			ss.problem = fmt.Errorf("chart image cache %s: %w", filepath.Dir(ss.store.dir), err)
		}
		ss.mu.Unlock()
	}
}

func (st *store) put(key string, entry []byte) error {
	if err := os.MkdirAll(st.dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(st.dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(entry)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(st.dir, key))
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

func encode(img []byte) []byte {
	sum := sha256.Sum256(img)
	head := fmt.Sprintf("%s %s %d\n", magic, hex.EncodeToString(sum[:]), len(img))
	return append([]byte(head), img...)
}

// decode returns the image in entry when its header, length and checksum
// agree.
func decode(entry []byte) ([]byte, bool) {
	head, img, ok := bytes.Cut(entry, []byte("\n"))
	if !ok {
		return nil, false
	}
	f := strings.Fields(string(head))
	if len(f) != 3 || f[0] != magic {
		return nil, false
	}
	n, err := strconv.Atoi(f[2])
	if err != nil || n != len(img) {
		return nil, false
	}
	sum := sha256.Sum256(img)
	return img, hex.EncodeToString(sum[:]) == f[1]
}

// valid checks an image read back as the image it should be: an SVG must
// pass the same check as a fresh one, a PNG must have the size asked for.
// A cache folder is outside the site: it is not trusted to hold markup.
func valid(img []byte, r Request) bool {
	if r.Scale == 0 {
		return render.Sanitize(img) == nil
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	return err == nil &&
		cfg.Width == int(math.Ceil(float64(r.Width)*r.Scale-1e-9)) &&
		cfg.Height == int(math.Ceil(float64(r.Height)*r.Scale-1e-9))
}

// staleTemp is how old a temporary file must be before pruning takes it
// for the leftover of a killed build.
const staleTemp = time.Hour

// prune removes the least recently used entries that used does not name
// until the folder holds at most max bytes, and leftover temporary files.
func (st *store) prune(used map[string]bool, max int64) {
	list, err := os.ReadDir(st.dir)
	if err != nil {
		return
	}
	type entry struct {
		name  string
		size  int64
		mtime time.Time
	}
	var all []entry
	var total int64
	for _, d := range list {
		info, err := d.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if strings.HasPrefix(d.Name(), ".tmp-") {
			if time.Since(info.ModTime()) > staleTemp {
				os.Remove(filepath.Join(st.dir, d.Name()))
			}
			continue
		}
		total += info.Size()
		if !used[d.Name()] {
			all = append(all, entry{d.Name(), info.Size(), info.ModTime()})
		}
	}
	slices.SortFunc(all, func(a, b entry) int { return a.mtime.Compare(b.mtime) })
	for _, e := range all {
		if total <= max {
			return
		}
		if os.Remove(filepath.Join(st.dir, e.name)) == nil {
			total -= e.size
		}
	}
}
