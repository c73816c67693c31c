package preview

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/site"
)

func TestHostAllowed(t *testing.T) {
	local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	for host, want := range map[string]bool{
		"127.0.0.1:8080":         true,
		"localhost:8080":         true,
		"LocalHost:8080":         true,
		"[::1]:8080":             true,
		"evil.example":           false,
		"evil.example:8080":      false,
		"127.0.0.1:9999":         false, // another port
		"localhost":              false, // port 80, not ours
		"localhost.:8080":        false,
		"127.0.0.1.evil.io:8080": false,
		"":                       false,
		"[::1]":                  false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = host
		r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, local))
		if got := hostAllowed(r, nil); got != want {
			t.Errorf("Host %q: allowed = %v, want %v", host, got, want)
		}
	}
}

// Through a real listener: a foreign Host is refused on every route,
// the event stream included, before anything is streamed; the right Host
// is served, and nothing is sniffed.
func TestServeRefusesForeignHost(t *testing.T) {
	srv, err := New(t.TempDir(), build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv.files = site.Files{"index.html": []byte("<!doctype html><title>t</title><body><p>secret figures</p></body>")}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()
	for _, route := range []string{"/", "/index.html", "/_briefing/events", "/_briefing/live.js", "/nope.html"} {
		req, _ := http.NewRequest("GET", ts.URL+route, nil)
		req.Host = "evil.example"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body) // ends: a refused stream is not held open
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || strings.Contains(string(body), "secret") || strings.Contains(string(body), "connected") {
			t.Errorf("%s with Host evil.example: %d %q, want 403", route, resp.StatusCode, body)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s refused without nosniff", route)
		}
	}
	srv.mu.Lock()
	subs := len(srv.subs)
	srv.mu.Unlock()
	if subs != 0 {
		t.Errorf("%d event subscribers after refused requests", subs)
	}

	for route, wantCSP := range map[string]bool{"/": false, "/_briefing/live.js": true, "/nope.html": true} {
		resp, err := http.Get(ts.URL + route)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusForbidden || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d, nosniff %q", route, resp.StatusCode, resp.Header.Get("X-Content-Type-Options"))
		}
		if csp := resp.Header.Get("Content-Security-Policy"); (csp == ownPolicy) != wantCSP {
			t.Errorf("%s: Content-Security-Policy %q", route, csp)
		}
		if route == "/" && !strings.Contains(string(body), "secret figures") {
			t.Errorf("GET / = %q", body)
		}
	}
}
