package email

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
)

// systemCA stands for a public CA that the machine trusts: TestMain makes
// it the system's only root through SSL_CERT_FILE, before crypto/x509
// first reads the system roots.
var systemCA *authority

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "email-test")
	if err != nil {
		panic(err)
	}
	systemCA = newAuthority("System Root")
	file := filepath.Join(dir, "system.pem")
	if err := os.WriteFile(file, systemCA.pem, 0o600); err != nil {
		panic(err)
	}
	os.Setenv("SSL_CERT_FILE", file)
	os.Setenv("SSL_CERT_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// A ca_file is trusted as well as the system's roots, not instead of
// them: a relay with a private certificate and a public provider both
// verify.
func TestTransportCAFileAddsToSystemRoots(t *testing.T) {
	private := newAuthority("Private Relay CA")
	cfg := siteConfig(t, "[email.smtp]\nhost = \"relay.example.org\"\nca_file = \"ca.pem\"\n")
	s, err := Transport(cfg, func(string) string { return "" }, func(name string) ([]byte, error) {
		if name != "ca.pem" {
			return nil, fs.ErrNotExist
		}
		return private.pem, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, ca := range []*authority{private, systemCA} {
		leaf := ca.issue(t, "relay.example.org")
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: s.RootCAs, DNSName: "relay.example.org"}); err != nil {
			t.Errorf("a server certificate from %s does not verify: %v", ca.cert.Subject.CommonName, err)
		}
	}
	stranger := newAuthority("Stranger").issue(t, "relay.example.org")
	if _, err := stranger.Verify(x509.VerifyOptions{Roots: s.RootCAs, DNSName: "relay.example.org"}); err == nil {
		t.Error("a certificate from an unknown CA verifies: the pool trusts too much")
	}
}

func TestTransportErrorsNameTheKey(t *testing.T) {
	read := func(string) ([]byte, error) { return []byte("not a certificate"), nil }
	for _, c := range []struct {
		name, toml, password, want string
	}{
		{"no host", "[email]\nfrom = \"a@example.org\"\n", "",
			`site.toml:2:2: no SMTP server: set host in [email.smtp] of site.toml`},
		{"no password", "[email.smtp]\nhost = \"h\"\nusername = \"bot\"\n", "",
			`site.toml:2:2: no SMTP password for bot: set the environment variable BRIEFING_SMTP_PASSWORD`},
		{"no certificate", "[email.smtp]\nhost = \"h\"\nca_file = \"ca.pem\"\n", "",
			`site.toml:4:11: ca_file: no PEM certificate in ca.pem`},
	} {
		_, err := Transport(siteConfig(t, c.toml), func(string) string { return c.password }, read)
		var de *diag.Error
		if !errors.As(err, &de) || de.Kind != diag.Config || err.Error() != c.want {
			t.Errorf("%s: %v\nwant the config error %s", c.name, err, c.want)
		}
	}
}

func siteConfig(t *testing.T, extra string) *config.Site {
	t.Helper()
	cfg, err := config.Parse([]byte("title = \"T\"\n" + extra))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// authority is a CA made for a test.
type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newAuthority(name string) *authority {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &authority{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue signs a server certificate for host.
func (a *authority) issue(t *testing.T, host string) *x509.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}
