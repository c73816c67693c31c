package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/preview"
	"github.com/briefing-dev/briefing/internal/render"
)

// serveCommand serves the briefing on loopback, rebuilding on every
// change.
type serveCommand struct {
	problems
	port         int
	bind         string
	open, drafts bool
	images       *imageFlags
}

func (c *serveCommand) usage() string {
	return "briefing serve [-p PORT] [--bind ADDR] [--open] [--drafts] [--cache-dir DIR | --no-cache] [--format text|json] [SITE_DIR]"
}

func (c *serveCommand) summary() string {
	return "preview the briefing, rebuilding as sources change"
}

func (c *serveCommand) flags(fs *flag.FlagSet) {
	fs.IntVar(&c.port, "p", 8080, "`PORT` to listen on (0: any free port)")
	fs.IntVar(&c.port, "port", 8080, "same as -p")
	fs.StringVar(&c.bind, "bind", "127.0.0.1", "`ADDR` to listen on; anything but loopback lets other machines read the briefing")
	fs.BoolVar(&c.open, "open", false, "open the briefing in the browser ($BROWSER, else the system's)")
	fs.BoolVar(&c.drafts, "drafts", false, "show the pages marked draft = true, which build leaves out")
	c.images = addImageFlags(fs)
	c.formatFlag(fs)
}

func (c *serveCommand) run(e *env, args []string) error {
	siteDir, err := siteArg("serve", args)
	if err != nil {
		return err
	}
	if e.site, err = filepath.Abs(siteDir); err != nil {
		return err
	}
	opt := build.Options{UserECharts: userECharts(e.stderr), Drafts: c.drafts}
	if p := os.Getenv("BRIEFING_ECHARTS"); p != "" {
		if opt.ECharts, err = os.ReadFile(p); err != nil {
			return usagef("BRIEFING_ECHARTS: %v", err)
		}
		// npm ci beside it may have made the smaller drawing build.
		opt.DrawECharts, _ = os.ReadFile(filepath.Join(filepath.Dir(p), filepath.FromSlash(render.BesidePath)))
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(c.bind, strconv.Itoa(c.port)))
	if err != nil {
		return usagef("cannot listen: %v", err)
	}
	defer ln.Close()
	// The address as asked for: 0.0.0.0 listens on [::] too.
	addr := net.JoinHostPort(c.bind, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	if !isLoopback(c.bind) {
		e.printer(e.stderr).Print(&diag.Error{Kind: diag.Config, Warning: true, Msg: fmt.Sprintf(
			"serving on %s, which other machines can reach: anyone who can reach this address can read the briefing, its data and its source excerpts", addr)})
	}
	opt.Images = c.images.service(e.site)
	defer opt.Images.Close()
	srv, err := preview.New(siteDir, opt)
	if err != nil {
		return err
	}
	srv.OnBuild = func(took time.Duration, err error) { e.built(took, err) }
	if net.ParseIP(c.bind) == nil && !isLoopback(c.bind) {
		srv.Hosts = []string{c.bind} // a name it was bound by answers too
	}
	srv.Build()
	url := "http://" + addr + "/"
	fmt.Fprintf(e.stdout, "serving %s at %s (Ctrl-C to stop)\n", siteDir, url)
	if c.open {
		openBrowser(e, url)
	}
	return serveUntilStopped(srv, ln)
}

// isLoopback reports whether a --bind address reaches this machine only.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// openBrowser opens url with $BROWSER, else the system's opener, and does
// not wait for it; a failure is a line on stderr, not an error.
func openBrowser(e *env, url string) {
	prog, args := os.Getenv("BROWSER"), []string{url}
	if prog == "" {
		switch runtime.GOOS {
		case "darwin":
			prog = "open"
		case "windows":
			prog, args = "rundll32", []string{"url.dll,FileProtocolHandler", url}
		default:
			prog = "xdg-open"
		}
	}
	cmd := exec.Command(prog, args...)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(e.stderr, "briefing: could not open the browser (%s): %v\n", prog, err)
		return
	}
	fmt.Fprintf(e.stdout, "opened %s with %s\n", url, prog)
	go cmd.Wait()
}

// built reports one rebuild: the time it took, or its problems, printed
// as every command prints them.
func (e *env) built(took time.Duration, err error) {
	now := time.Now().Format("15:04:05")
	if err == nil {
		fmt.Fprintf(e.stdout, "%s built in %s\n", now, took.Round(time.Millisecond))
		return
	}
	if !e.json {
		fmt.Fprintf(e.stderr, "%s build failed (%d problems); serving the last good pages:\n", now, len(diag.Problems(err)))
	}
	e.printer(e.stderr).Report(err)
}

// serveUntilStopped serves and watches until an interrupt or a failure.
func serveUntilStopped(srv *preview.Server, ln net.Listener) error {
	stop := make(chan struct{})
	watchErr := make(chan error, 1)
	go func() { watchErr <- srv.Watch(stop) }()
	httpErr := make(chan error, 1)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { httpErr <- hs.Serve(ln) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	var err error
	select {
	case <-sig:
	case err = <-watchErr:
	case err = <-httpErr:
	}
	close(stop)
	srv.Close()
	hs.Close()
	return err
}
