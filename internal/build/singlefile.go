package build

import (
	"bytes"
	"encoding/base64"
	"io"
	"io/fs"
	"mime"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/html"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/site"
)

// NewSingleFile returns a writer that makes every page (.html) need no
// other file before passing it to w: its stylesheets become <style>
// elements, its scripts inline <script> elements, and its local images
// data: URLs. Pages are read with the HTML tokenizer of
// golang.org/x/net/html, so attribute order, quoting and case do not
// matter, and everything not inlined is kept byte for byte.
//
// Files under assets/ are kept back: the pages carry what they need. Other
// files (static/) pass through to w; when w can read them back (it has
// ReadFile, as Output and site.Memory do), pages inline them too. A page
// inlines only what was written before it: the build writes pages last.
func NewSingleFile(w site.Writer) site.Writer {
	s := &singleFile{w: w, assets: map[string][]byte{}}
	if r, ok := w.(interface {
		ReadFile(string) ([]byte, error)
	}); ok {
		s.read = r.ReadFile
	}
	return s
}

// SingleFile applies NewSingleFile to files held in memory: other files
// first, then the pages.
func SingleFile(files site.Files) (site.Files, error) {
	var m site.Memory
	w := NewSingleFile(&m)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if x, y := isPage(a), isPage(b); x != y {
			if x {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	for _, n := range names {
		if err := w.WriteFile(n, files[n]); err != nil {
			return nil, err
		}
	}
	return m.Files(), nil
}

type singleFile struct {
	w    site.Writer
	read func(string) ([]byte, error) // reads back what w was given, or nil

	mu     sync.RWMutex
	assets map[string][]byte
}

func isPage(name string) bool { return path.Ext(name) == ".html" }

func (s *singleFile) WriteFile(name string, data []byte) error {
	switch {
	case strings.HasPrefix(name, "assets/"):
		s.mu.Lock()
		s.assets[name] = data
		s.mu.Unlock()
		return nil
	case isPage(name):
		page, err := s.inline(name, data)
		if err != nil {
			return err
		}
		return s.w.WriteFile(name, page)
	}
	return s.w.WriteFile(name, data)
}

// file returns the local file that ref, written on page, points to.
func (s *singleFile) file(page, ref string) ([]byte, bool) {
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" || strings.HasPrefix(u.Path, "/") {
		return nil, false
	}
	p := path.Join(path.Dir(page), u.Path)
	if !fs.ValidPath(p) {
		return nil, false
	}
	s.mu.RLock()
	b, ok := s.assets[p]
	s.mu.RUnlock()
	if ok || s.read == nil {
		return b, ok
	}
	b, err = s.read(p)
	return b, err == nil
}

// inline rewrites one page.
func (s *singleFile) inline(name string, page []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(page))
	if err := s.rewrite(&out, name, page); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// rewrite copies the HTML src to out token by token, replacing the tags
// that load a local file. The content of <noscript>, which the tokenizer
// reads as text, is rewritten the same way.
func (s *singleFile) rewrite(out *bytes.Buffer, name string, src []byte) error {
	z := html.NewTokenizer(bytes.NewReader(src))
	var raw []byte
	inNoscript := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() == io.EOF {
				return nil
			}
			return z.Err()
		}
		raw = append(raw[:0], z.Raw()...)
		if tt == html.TextToken && inNoscript {
			inNoscript = false
			if err := s.rewrite(out, name, raw); err != nil {
				return err
			}
			continue
		}
		inNoscript = false
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		tok := z.Token()
		inNoscript = tok.Data == "noscript" && tt == html.StartTagToken
		done, err := s.replaceTag(out, name, tok)
		if err != nil {
			return err
		}
		if !done {
			out.Write(raw)
		}
	}
}

// replaceTag writes an inlined version of tok and reports true, or writes
// nothing and reports false when tok loads no local file.
func (s *singleFile) replaceTag(out *bytes.Buffer, name string, tok html.Token) (bool, error) {
	switch tok.Data {
	case "link":
		if !isStylesheet(attr(tok, "rel")) {
			return false, nil
		}
		css, ok := s.file(name, attr(tok, "href"))
		if !ok {
			return false, nil
		}
		out.WriteString("<style")
		writeAttrs(out, tok, "media")
		out.WriteString(">\n")
		out.WriteString(closeStyle.ReplaceAllString(string(css), `<\/style`))
		out.WriteString("</style>")
		return true, nil
	case "script":
		js, ok := s.file(name, attr(tok, "src"))
		if !ok {
			return false, nil
		}
		if closeScript.Match(js) {
			return false, diag.Internal.Errorf(diag.Pos{}, "%s: cannot inline %s: it contains </script", name, attr(tok, "src"))
		}
		out.WriteString("<script")
		writeAttrs(out, tok, "", "src", "integrity", "crossorigin")
		out.WriteString(">")
		out.Write(js)
		return true, nil // the empty text and </script> follow as they were
	case "img":
		src := attr(tok, "src")
		img, ok := s.file(name, src)
		if !ok {
			return false, nil
		}
		typ := mime.TypeByExtension(path.Ext(strings.SplitN(src, "?", 2)[0]))
		if typ == "" {
			typ = "application/octet-stream"
		}
		for i, a := range tok.Attr {
			if a.Key == "src" {
				tok.Attr[i].Val = "data:" + typ + ";base64," + base64.StdEncoding.EncodeToString(img)
			}
		}
		out.WriteString("<img")
		writeAttrs(out, tok, "")
		if tok.Type == html.SelfClosingTagToken {
			out.WriteString("/")
		}
		out.WriteString(">")
		return true, nil
	}
	return false, nil
}

var (
	closeStyle  = regexp.MustCompile(`(?i)</style`)
	closeScript = regexp.MustCompile(`(?i)</script`)
)

// isStylesheet reports whether a rel list loads a stylesheet that applies
// (an alternate one does not, until the reader picks it).
func isStylesheet(rel string) bool {
	words := strings.Fields(strings.ToLower(rel))
	return slices.Contains(words, "stylesheet") && !slices.Contains(words, "alternate")
}

func attr(tok html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// writeAttrs writes tok's attributes, escaped: only the one named keep
// when keep is set, else all but those in drop.
func writeAttrs(out *bytes.Buffer, tok html.Token, keep string, drop ...string) {
	for _, a := range tok.Attr {
		if keep != "" && a.Key != keep || slices.Contains(drop, a.Key) {
			continue
		}
		out.WriteString(" " + a.Key + `="` + html.EscapeString(a.Val) + `"`)
	}
}
