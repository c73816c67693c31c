package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/preview"
)

// serveCommand serves the briefing on loopback, rebuilding on every
// change.
type serveCommand struct {
	problems
	port   int
	images *imageFlags
}

func (c *serveCommand) usage() string {
	return "briefing serve [-p PORT] [--cache-dir DIR | --no-cache] [--format text|json] [SITE_DIR]"
}

func (c *serveCommand) summary() string {
	return "preview the briefing, rebuilding as sources change"
}

func (c *serveCommand) flags(fs *flag.FlagSet) {
	fs.IntVar(&c.port, "p", 8080, "`PORT` to listen on (0: any free port)")
	fs.IntVar(&c.port, "port", 8080, "same as -p")
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
	opt := build.Options{UserECharts: userECharts(e.stderr)}
	if p := os.Getenv("BRIEFING_ECHARTS"); p != "" {
		if opt.ECharts, err = os.ReadFile(p); err != nil {
			return usagef("BRIEFING_ECHARTS: %v", err)
		}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)))
	if err != nil {
		return usagef("cannot listen: %v", err)
	}
	defer ln.Close()
	opt.Images = c.images.service(e.site)
	defer opt.Images.Close()
	srv, err := preview.New(siteDir, opt)
	if err != nil {
		return err
	}
	srv.OnBuild = func(took time.Duration, err error) { e.built(took, err) }
	srv.Build()
	fmt.Fprintf(e.stdout, "serving %s at http://%s/ (Ctrl-C to stop)\n", siteDir, ln.Addr())
	return serveUntilStopped(srv, ln)
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
