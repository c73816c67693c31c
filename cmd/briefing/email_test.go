package main

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// emailSite copies testdata/emailsite into a temporary folder, appending
// extra to its site.toml.
func emailSite(t *testing.T, extra string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if err := os.CopyFS(dir, os.DirFS("testdata/emailsite")); err != nil {
		t.Fatal(err)
	}
	if extra != "" {
		f, err := os.OpenFile(filepath.Join(dir, "site.toml"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(f, extra)
		f.Close()
	}
	echarts, err := filepath.Abs("../../node_modules/echarts/dist/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BRIEFING_ECHARTS", echarts)
	t.Setenv("BRIEFING_CACHE_DIR", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "1648771200") // 2022-04-01
	return dir
}

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return o.String(), e.String(), code
}

// TestEmailEdition checks the message a mail client would get.
func TestEmailEdition(t *testing.T) {
	dir := emailSite(t, "")
	if _, stderr, code := runCLI(t, "email", "-q", dir); code != 0 {
		t.Fatalf("briefing email: exit %d\n%s", code, stderr)
	}
	out := filepath.Join(dir, "output", "email")
	raw, err := os.ReadFile(filepath.Join(out, "briefing.eml"))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail cannot read the message: %v", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != "Acme is 80% of spend" {
		t.Errorf("Subject = %q (%v), want the figure expanded", subject, err)
	}
	for _, h := range []string{"From", "To", "Date", "Message-Id", "Mime-Version"} {
		if msg.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if to, _ := msg.Header.AddressList("To"); len(to) != 2 || to[1].Address != "cfo@example.org" {
		t.Errorf("To = %v", to)
	}
	if d, _ := msg.Header.Date(); !d.Equal(time.Unix(1648771200, 0)) {
		t.Errorf("Date = %v, want SOURCE_DATE_EPOCH", d)
	}
	text, html, images := parts(t, msg)
	for _, want := range []string{"$20M", "80%", "$25M", "Spend by customer", "https://briefing.example.org/q1/detail.html"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text part lacks %q:\n%s", want, text)
		}
	}
	head, body, _ := strings.Cut(html, "<body")
	for _, bad := range []string{"<script", "<style", "alert("} {
		if strings.Contains(strings.ToLower(body), bad) {
			t.Errorf("the HTML's body holds %q", bad)
		}
	}
	if regexp.MustCompile(`(?i)<img[^>]+src="https?:`).MatchString(html) {
		t.Error("the HTML loads an image from the network")
	}
	cids := regexp.MustCompile(`src="cid:([^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(cids) != 2 {
		t.Errorf("the HTML has %d cid: images, want 2 (one per chart)", len(cids))
	}
	for _, m := range cids {
		png, ok := images[m[1]]
		if !ok {
			t.Errorf("cid:%s has no part", m[1])
			continue
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("part %s is not a PNG", m[1])
		}
	}
	for _, want := range []string{`width="584"`, `alt="Spend by customer. Mar 2022: Acme $20,000,000, Globex $5,000,000"`,
		`href="https://briefing.example.org/q1/detail.html"`, `max-width:640px`} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML lacks %s", want)
		}
	}
	// Styles are inline; the only classes are those the head's <style>
	// (dark mode, phones) names.
	for _, m := range regexp.MustCompile(`class="([^"]*)"`).FindAllStringSubmatch(html, -1) {
		for _, c := range strings.Fields(m[1]) {
			if !strings.Contains(head, "."+c+" ") {
				t.Errorf("class %q: no rule of the <style> names it; styles must be inline", c)
			}
		}
	}
	// A second run writes the same bytes.
	if _, stderr, code := runCLI(t, "email", "-q", dir); code != 0 {
		t.Fatal(stderr)
	}
	again, _ := os.ReadFile(filepath.Join(out, "briefing.eml"))
	if !bytes.Equal(raw, again) {
		t.Error("two runs made different messages")
	}
	// Building the site keeps the email edition.
	if _, stderr, code := runCLI(t, "build", "-q", dir); code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "briefing.eml")); err != nil {
		t.Errorf("briefing build removed the email edition: %v", err)
	}
}

// parts walks the MIME tree: the text part, the HTML part and the images
// by Content-ID.
func parts(t *testing.T, msg *mail.Message) (text, html string, images map[string][]byte) {
	t.Helper()
	images = map[string][]byte{}
	var walk func(ctype string, body io.Reader)
	walk = func(ctype string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			t.Fatalf("Content-Type %q: %v", ctype, err)
		}
		if !strings.HasPrefix(mt, "multipart/") {
			t.Fatalf("unexpected %s at the top", mt)
		}
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			pt := p.Header.Get("Content-Type")
			data, err := io.ReadAll(decode(p))
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case strings.HasPrefix(pt, "multipart/"):
				walk(pt, bytes.NewReader(data))
			case strings.HasPrefix(pt, "text/plain"):
				text = string(data)
			case strings.HasPrefix(pt, "text/html"):
				html = string(data)
			case strings.HasPrefix(pt, "image/png"):
				images[strings.Trim(p.Header.Get("Content-Id"), "<>")] = data
			}
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Body)
	if mt, _, _ := mime.ParseMediaType(msg.Header.Get("Content-Type")); mt != "multipart/alternative" {
		t.Errorf("top-level type %s, want multipart/alternative", mt)
	}
	return text, html, images
}

func decode(p *multipart.Part) io.Reader {
	switch p.Header.Get("Content-Transfer-Encoding") {
	case "quoted-printable":
		return quotedPrintable(p)
	case "base64":
		return base64Reader(p)
	}
	return p
}

// TestEmailSend sends to a real SMTP server on loopback (aiosmtpd) and
// checks that what arrives is what --dry-run shows, and that a refused
// recipient, a wrong password and an untrusted certificate are clear
// errors with exit status 3 (a failure to deliver, not a fault in the
// sources).
func TestEmailSend(t *testing.T) {
	tmp := t.TempDir()
	certFile, keyFile := selfSigned(t, tmp)
	port, inbox := startSMTPD(t, "--cert", certFile, "--key", keyFile)
	smtp := fmt.Sprintf("\n[email.smtp]\nhost = \"127.0.0.1\"\nport = %d\nusername = \"briefing\"\npassword_env = \"TEST_SMTP_PASSWORD\"\ntls = \"required\"\nca_file = \"ca.pem\"\n", port)
	dir := emailSite(t, smtp)
	ca, _ := os.ReadFile(certFile)
	os.WriteFile(filepath.Join(dir, "ca.pem"), ca, 0o644)
	t.Setenv("TEST_SMTP_PASSWORD", "s3cret")

	shown, stderr, code := runCLI(t, "email", "--dry-run", dir)
	if code != 0 || !strings.Contains(stderr, "would send") {
		t.Fatalf("--dry-run: exit %d\n%s", code, stderr)
	}
	if entries, _ := os.ReadDir(inbox); len(entries) != 0 {
		t.Fatal("--dry-run sent a message")
	}
	if _, stderr, code := runCLI(t, "email", "--send", dir); code != 0 {
		t.Fatalf("--send: exit %d\n%s", code, stderr)
	}
	got, err := os.ReadFile(filepath.Join(inbox, "1.eml"))
	if err != nil {
		t.Fatalf("no message arrived: %v", err)
	}
	if !bytes.Equal(got, []byte(shown)) {
		t.Errorf("the message that arrived (%d bytes) differs from what --dry-run showed (%d bytes)", len(got), len(shown))
	}
	env, _ := os.ReadFile(filepath.Join(inbox, "1.eml.envelope"))
	if string(env) != "strategy@example.org\nboard@example.org cfo@example.org\n" {
		t.Errorf("envelope = %q", env)
	}

	_, stderr, code = runCLI(t, "email", "--send", "--to", "ok@example.org,refused@example.org", dir)
	if code != 3 || !strings.Contains(stderr, "the server refused the recipient refused@example.org: 550") {
		t.Errorf("refused recipient: exit %d, stderr %q", code, stderr)
	}
	// The journal records the message sent above: a plain rerun sends
	// nothing and connects to no one, --force sends again.
	out, _, code := runCLI(t, "email", "--send", dir)
	if code != 0 || !strings.Contains(out, "1 message: 1 sent before (in the journal)") {
		t.Errorf("rerun: exit %d, stdout %q; want nothing sent", code, out)
	}
	t.Setenv("TEST_SMTP_PASSWORD", "wrong")
	_, stderr, code = runCLI(t, "email", "--send", "--force", dir)
	if code != 3 || !strings.Contains(stderr, "authentication as briefing failed: 535") {
		t.Errorf("wrong password: exit %d, stderr %q", code, stderr)
	}
	t.Setenv("TEST_SMTP_PASSWORD", "s3cret")
	os.Remove(filepath.Join(dir, "ca.pem"))
	os.WriteFile(filepath.Join(dir, "ca.pem"), otherCA(t), 0o644)
	_, stderr, code = runCLI(t, "email", "--send", "--force", dir)
	if code != 3 || !strings.Contains(stderr, "STARTTLS with 127.0.0.1") || !strings.Contains(stderr, "certificate") {
		t.Errorf("untrusted certificate: exit %d, stderr %q", code, stderr)
	}
	if entries, _ := os.ReadDir(inbox); len(entries) != 2 { // 1.eml and its envelope
		t.Errorf("the failed sends delivered something: %d files in the inbox", len(entries))
	}
}

// startSMTPD starts the loopback SMTP server of testdata/smtp (aiosmtpd)
// with extra arguments, and returns its port and the folder that receives
// the messages.
func startSMTPD(t *testing.T, extra ...string) (port int, inbox string) {
	t.Helper()
	port = freePort(t)
	inbox = filepath.Join(t.TempDir(), "inbox")
	os.Mkdir(inbox, 0o755)
	startSMTPDAt(t, port, inbox, extra...)
	return port, inbox
}

// startSMTPDAt starts the test server on port, writing into inbox (which
// may hold an earlier server's messages), and returns a function that
// stops it. It skips the test when aiosmtpd is missing, unless
// BRIEFING_REQUIRE_SMTP=1.
func startSMTPDAt(t *testing.T, port int, inbox string, extra ...string) (stop func()) {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import aiosmtpd").Run(); err != nil {
		if os.Getenv("BRIEFING_REQUIRE_SMTP") == "1" {
			t.Fatalf("python3-aiosmtpd is required (BRIEFING_REQUIRE_SMTP=1): %v", err)
		}
		t.Skip("python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd); skipping the SMTP test")
	}
	args := append([]string{"testdata/smtp/smtpd.py", "--port", fmt.Sprint(port), "--outdir", inbox, "--password", "s3cret"}, extra...)
	srv := exec.Command(py, args...)
	stdout, _ := srv.StdoutPipe()
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop = func() { once.Do(func() { srv.Process.Kill(); srv.Wait() }) }
	t.Cleanup(stop)
	ready := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			if s.Text() == "READY" {
				ready <- true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("the SMTP server did not start")
	}
	return stop
}

// TestEmailNoSTARTTLS: with the default tls = "starttls", a server that
// offers no STARTTLS gets nothing (exit 2, at [email.smtp]); the site must
// choose plaintext with tls = "none".
func TestEmailNoSTARTTLS(t *testing.T) {
	port, inbox := startSMTPD(t) // no certificate: no STARTTLS
	smtp := fmt.Sprintf("\n[email.smtp]\nhost = \"127.0.0.1\"\nport = %d\n", port)
	dir := emailSite(t, smtp)
	_, stderr, code := runCLI(t, "email", "--send", dir)
	first, _, _ := strings.Cut(stderr, "\n")
	want := regexp.MustCompile(`^briefing: site.toml:\d+:\d+: 127\.0\.0\.1:\d+ offers no STARTTLS: not sending the briefing in plaintext \(set tls = "none" in \[email.smtp\] to allow it\)$`)
	if code != 2 || !want.MatchString(first) {
		t.Errorf("no STARTTLS: exit %d, first line %q; want exit 2 and %s", code, first, want)
	}
	if entries, _ := os.ReadDir(inbox); len(entries) != 0 {
		t.Fatalf("a message went out in plaintext: %d files in the inbox", len(entries))
	}

	dir = emailSite(t, smtp+"tls = \"none\"\n")
	if _, stderr, code := runCLI(t, "email", "--send", "-q", dir); code != 0 {
		t.Fatalf("tls = \"none\": exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(inbox, "1.eml")); err != nil {
		t.Errorf("with tls = \"none\" the message did not arrive: %v", err)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(k)
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, key
}

func otherCA(t *testing.T) []byte {
	dir := t.TempDir()
	c, _ := selfSigned(t, dir)
	b, _ := os.ReadFile(c)
	return b
}
