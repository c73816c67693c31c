// Package preview is the author's server (briefing serve): it builds the
// briefing into memory, serves it on loopback, rebuilds when any source
// changes, and reloads open pages by server-sent events.
//
// A failed build does not stop the server: the last good pages stay
// available, and every open page shows the error, with its position and a
// source excerpt, in an overlay until a build succeeds again. A rebuild
// redoes only what the edit reaches (build.Cache: tables, the data stage,
// each content file's pages, each page's HTML, the record), and chart images
// come from the same persistent cache as briefing build's when
// build.Options.Images is set (package chartimage).
//
// /_briefing/data shows the data the last good build saw, as `briefing
// describe` prints it, and /_briefing/data.json the same as JSON (data.go).
package preview

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/site"
	"github.com/briefing-dev/briefing/internal/sitefs"
	"github.com/briefing-dev/briefing/internal/table"
)

// Server serves a briefing from memory.
type Server struct {
	dir   string // the site folder, absolute
	opt   build.Options
	cache build.Cache

	mu      sync.Mutex
	out     string          // the output folder site.toml names, not watched
	images  string          // the chart image cache folder, not watched
	files   site.Files      // the last good build
	data    []table.Summary // its tables, for the data view (data.go)
	problem string          // the last build's errors as text, or ""
	version int             // bumped after every build
	subs    map[chan event]bool

	// OnBuild, if set, is called after every build with its duration and
	// error (for the command's log line).
	OnBuild func(took time.Duration, err error)
	// Hosts are names the server answers to besides loopback and the
	// address it listens on: the name it was bound to (serve --bind).
	Hosts []string
}

type event struct {
	name string // "reload" or "problem"
	data string
}

// New returns a server for the site in dir. opt configures the builds.
func New(dir string, opt build.Options) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	s := &Server{dir: abs, opt: opt, subs: map[chan event]bool{}}
	s.opt.Cache = &s.cache
	return s, nil
}

// Build builds once, keeping the previous pages if it fails, and tells
// every open page.
func (s *Server) Build() error {
	start := time.Now()
	files, err := s.build()
	s.mu.Lock()
	s.version++
	var ev event
	if err != nil {
		s.problem = s.describe(err)
		ev = event{"problem", s.problem}
	} else {
		s.files, s.problem = files, ""
		ev = event{"reload", fmt.Sprint(s.version)}
	}
	for ch := range s.subs {
		select {
		case ch <- ev:
		default: // a slow client misses one event; it will get the next
		}
	}
	s.mu.Unlock()
	if s.OnBuild != nil {
		s.OnBuild(time.Since(start), err)
	}
	return err
}

func (s *Server) build() (site.Files, error) {
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	res, err := build.Build(sitefs.New(root), s.opt)
	if err != nil {
		return nil, err
	}
	out := res.Config.Output
	if !filepath.IsAbs(out) {
		out = filepath.Join(s.dir, out)
	}
	data := table.SummarizeAll(res.Tables, res.Config.TableNames(), dataSamples)
	s.mu.Lock()
	s.out, s.data = out, data
	if res.Images != nil {
		s.images = res.Images.Dir()
	}
	s.mu.Unlock()
	return res.Files, nil
}

// describe prints the errors as the command line would, with excerpts.
func (s *Server) describe(err error) string {
	var b bytes.Buffer
	p := &diag.Printer{W: &b, Source: func(file string) ([]byte, error) {
		root, err := os.OpenRoot(s.dir)
		if err != nil {
			return nil, err
		}
		defer root.Close()
		return root.ReadFile(file)
	}}
	list := diag.Flatten(err)
	if len(list) == 0 {
		return err.Error()
	}
	for _, e := range list {
		p.Print(e)
	}
	return b.String()
}

// Close ends every event stream, so that an HTTP server can shut down.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs {
		delete(s.subs, ch)
		close(ch)
	}
}

// Problem returns the last build's errors, or "".
func (s *Server) Problem() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.problem
}

// ServeHTTP serves the pages, the event stream and the reload script, to
// requests addressed to this server by a loopback name (see guard.go);
// others get 403. No answer is sniffed for another content type.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if refuseForeignHost(w, r, s.Hosts) || s.serveData(w, r) {
		return
	}
	switch r.URL.Path {
	case "/_briefing/events":
		w.Header().Set("Content-Security-Policy", ownPolicy)
		s.events(w, r)
		return
	case "/_briefing/live.js":
		w.Header().Set("Content-Security-Policy", ownPolicy)
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(liveJS))
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" || strings.HasSuffix(r.URL.Path, "/") {
		name = path.Join(name, "index.html")
	}
	s.mu.Lock()
	data, ok := s.files[name]
	problem := s.problem
	s.mu.Unlock()
	if !ok {
		w.Header().Set("Content-Security-Policy", ownPolicy)
		if problem != "" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write(inject([]byte("<!doctype html><title>briefing</title><body></body>"), problem))
			return
		}
		http.NotFound(w, r)
		return
	}
	typ := mime.TypeByExtension(path.Ext(name))
	if typ == "" {
		typ = http.DetectContentType(data)
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "no-store")
	if path.Ext(name) == ".html" {
		data = inject(data, problem)
	}
	w.Write(data)
}

// inject adds the live-reload script, and the overlay when the last build
// failed, before </body>.
func inject(page []byte, problem string) []byte {
	add := `<script src="/_briefing/live.js"></script>`
	if problem != "" {
		add = overlay(problem) + add
	}
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return append(page, add...)
	}
	out := append([]byte{}, page[:i]...)
	out = append(out, add...)
	return append(out, page[i:]...)
}

func overlay(problem string) string {
	return `<div id="briefing-problem" role="alert" style="position:fixed;inset:0;z-index:99999;background:rgba(20,24,33,.92);color:#fff;overflow:auto;padding:2rem;font:14px/1.5 Menlo,Consolas,monospace">` +
		`<p style="font:600 16px/1.4 sans-serif;margin:0 0 1rem">The last build failed; these pages are from the build before it.</p>` +
		`<pre style="white-space:pre-wrap;margin:0">` + html.EscapeString(problem) + `</pre></div>`
}

// events streams server-sent events: reload after a good build, problem
// (with the text) after a failed one.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	ch := make(chan event, 4)
	s.mu.Lock()
	s.subs[ch] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.subs[ch] {
			delete(s.subs, ch)
			close(ch)
		}
		s.mu.Unlock()
	}()
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case ev, open := <-ch:
			if !open {
				return
			}
			b, _ := json.Marshal(ev.data)
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.name, b)
			flusher.Flush()
		}
	}
}

const liveJS = `(function () {
  var es = new EventSource("/_briefing/events");
  es.addEventListener("reload", function () { location.reload(); });
  es.addEventListener("problem", function (e) {
    var text = JSON.parse(e.data), box = document.getElementById("briefing-problem");
    if (!box) {
      box = document.createElement("div");
      box.id = "briefing-problem";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:99999;background:rgba(20,24,33,.92);color:#fff;overflow:auto;padding:2rem;font:14px/1.5 Menlo,Consolas,monospace";
      document.body.appendChild(box);
    }
    box.textContent = "The last build failed; these pages are from the build before it.\n\n" + text;
    box.style.whiteSpace = "pre-wrap";
  });
})();
`

// Watch rebuilds whenever a source changes, until stop is closed. Output
// folders, the chart image cache, node_modules and hidden folders are not
// watched.
func (s *Server) Watch(stop <-chan struct{}) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	s.mu.Lock()
	out, images := s.out, s.images
	s.mu.Unlock()
	if out == "" {
		out = filepath.Join(s.dir, "output")
	}
	add := func(dir string) error {
		return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			base := d.Name()
			if p != s.dir && (strings.HasPrefix(base, ".") || base == "node_modules" || p == out || p == images) {
				return filepath.SkipDir
			}
			return w.Add(p)
		})
	}
	if err := add(s.dir); err != nil {
		return err
	}
	var timer <-chan time.Time
	for {
		select {
		case <-stop:
			return nil
		case ev := <-w.Events:
			if ev.Op&fsnotify.Create != 0 {
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
					_ = add(ev.Name)
				}
			}
			if ignored(ev.Name) {
				continue
			}
			// Editors write a file in several steps: wait until they pause.
			timer = time.After(15 * time.Millisecond)
		case err := <-w.Errors:
			return err
		case <-timer:
			timer = nil
			s.Build()
		}
	}
}

// ignored is true for editors' temporary files.
func ignored(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, ".#") || strings.HasSuffix(base, "~") ||
		strings.HasSuffix(base, ".swp") || strings.HasPrefix(base, "~$")
}
