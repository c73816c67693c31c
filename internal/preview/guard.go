package preview

import (
	"net"
	"net/http"
	"slices"
	"strings"
)

// A page on another site can point a name it controls at 127.0.0.1 (DNS
// rebinding) and then read whatever the preview serves, including the
// event stream that carries source excerpts. The browser still sends the
// other site's name in the Host header, so the server answers only to the
// names of loopback and to the address it is bound to, on its own port.

// ownPolicy is the Content-Security-Policy of the pages and streams the
// server itself writes (the problem page, live.js, the event stream, its
// refusals): its own script, the event stream, and the overlay's inline
// styles; nothing else. The briefing's pages keep their own policy, since
// their templates are the author's and the preview must show them as the
// published site will.
const ownPolicy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

var loopbackNames = map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}

// hostAllowed reports whether r was addressed to this server by a loopback
// name, by the address it listens on, or by one of the extra names it was
// bound with (serve --bind NAME), with the port it listens on.
func hostAllowed(r *http.Request, extra []string) bool {
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = r.Host, "80" // no port: the default one
	}
	host = strings.ToLower(host)
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if local == nil {
		return loopbackNames[host] // not from a listener: no port to compare
	}
	lhost, lport, err := net.SplitHostPort(local.String())
	if err != nil || port != lport {
		return false
	}
	return loopbackNames[host] || host == strings.ToLower(lhost) || slices.ContainsFunc(extra, func(n string) bool { return strings.EqualFold(n, host) })
}

// refuseForeignHost answers a request for another host with 403 and
// reports whether it did.
func refuseForeignHost(w http.ResponseWriter, r *http.Request, extra []string) bool {
	if hostAllowed(r, extra) {
		return false
	}
	w.Header().Set("Content-Security-Policy", ownPolicy)
	http.Error(w, "briefing serve answers only to localhost, 127.0.0.1 and [::1] on its own port", http.StatusForbidden)
	return true
}
