package build

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"path"
	"regexp"
	"strings"

	"github.com/briefing-dev/briefing/internal/site"
)

var (
	stylesheetTag = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)"\s*/?>`)
	scriptTag     = regexp.MustCompile(`<script src="([^"]+)"([^>]*)></script>`)
	imgSrc        = regexp.MustCompile(`(<img\b[^>]*\bsrc=")([^"]+)(")`)
)

// SingleFile rewrites every page so that it needs no other file: its
// stylesheets become <style> elements, its scripts inline <script>
// elements, and its local images data: URLs. The files the pages no
// longer need (assets/) are left out; other files (static/) stay.
func SingleFile(files site.Files) (site.Files, error) {
	out := site.Files{}
	used := map[string]bool{}
	for name, data := range files {
		if path.Ext(name) != ".html" {
			continue
		}
		page, err := inlinePage(name, data, files, used)
		if err != nil {
			return nil, err
		}
		out[name] = page
	}
	for name, data := range files {
		if _, done := out[name]; !done && !strings.HasPrefix(name, "assets/") {
			out[name] = data
		}
	}
	return out, nil
}

func inlinePage(name string, page []byte, files site.Files, used map[string]bool) ([]byte, error) {
	var err error
	local := func(ref string) ([]byte, bool) {
		if strings.Contains(ref, "://") || strings.HasPrefix(ref, "data:") {
			return nil, false
		}
		p := path.Join(path.Dir(name), ref)
		b, ok := files[p]
		if ok {
			used[p] = true
		}
		return b, ok
	}
	page = stylesheetTag.ReplaceAllFunc(page, func(tag []byte) []byte {
		ref := string(stylesheetTag.FindSubmatch(tag)[1])
		css, ok := local(ref)
		if !ok {
			return tag
		}
		return []byte("<style>\n" + strings.ReplaceAll(string(css), "</style", `<\/style`) + "</style>")
	})
	page = scriptTag.ReplaceAllFunc(page, func(tag []byte) []byte {
		ref := string(scriptTag.FindSubmatch(tag)[1])
		js, ok := local(ref)
		if !ok {
			return tag
		}
		if bytes.Contains(bytes.ToLower(js), []byte("</script")) {
			err = fmt.Errorf("%s: cannot inline %s: it contains </script", name, ref)
			return tag
		}
		return []byte("<script>" + string(js) + "</script>")
	})
	page = imgSrc.ReplaceAllFunc(page, func(tag []byte) []byte {
		m := imgSrc.FindSubmatch(tag)
		data, ok := local(string(m[2]))
		if !ok {
			return tag
		}
		typ := mime.TypeByExtension(path.Ext(string(m[2])))
		if typ == "" {
			typ = "application/octet-stream"
		}
		uri := "data:" + typ + ";base64," + base64.StdEncoding.EncodeToString(data)
		return []byte(string(m[1]) + uri + string(m[3]))
	})
	return page, err
}
