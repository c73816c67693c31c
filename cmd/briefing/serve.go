package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/preview"
)

const serveUsage = "briefing serve [-p PORT] [--cache-dir DIR | --no-cache] [SITE_DIR]"

// runServe serves the briefing on loopback, rebuilding on every change.
func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", serveUsage, args, stdout, stderr)
	port := fs.Int("p", 8080, "`PORT` to listen on (0: any free port)")
	fs.IntVar(port, "port", 8080, "same as -p")
	images := addImageFlags(fs)
	siteDir, err := parseSiteArgs(fs, args)
	if err != nil {
		return err
	}
	opt := build.Options{}
	if p := os.Getenv("BRIEFING_ECHARTS"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return usageError{fmt.Sprintf("BRIEFING_ECHARTS: %v", err)}
		}
		opt.ECharts = b
	}
	opt.Images = images.service(absOr(siteDir))
	defer opt.Images.Close()
	srv, err := preview.New(siteDir, opt)
	if err != nil {
		return err
	}
	srv.OnBuild = func(took time.Duration, err error) {
		if err != nil {
			n := len(diag.Flatten(err))
			fmt.Fprintf(stderr, "%s build failed (%d problems); serving the last good pages:\n%s", time.Now().Format("15:04:05"), n, srv.Problem())
			return
		}
		fmt.Fprintf(stdout, "%s built in %s\n", time.Now().Format("15:04:05"), took.Round(time.Millisecond))
	}
	srv.Build()
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(*port)))
	if err != nil {
		return usageError{fmt.Sprintf("cannot listen: %v", err)}
	}
	fmt.Fprintf(stdout, "serving %s at http://%s/ (Ctrl-C to stop)\n", siteDir, ln.Addr())
	stop := make(chan struct{})
	watchErr := make(chan error, 1)
	go func() { watchErr <- srv.Watch(stop) }()
	httpErr := make(chan error, 1)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { httpErr <- hs.Serve(ln) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
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
