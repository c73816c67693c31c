package main

import (
	"bufio"
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/table"
)

// account is one row of the per-recipient test site.
type account struct {
	customer, manager, email, greeting string
	spend                              float64
}

// accounts makes n rows; refused lists rows (1-based) whose address the
// test server refuses.
func accounts(n int, refused ...int) []account {
	rows := make([]account, n)
	for i := range rows {
		k := i + 1
		rows[i] = account{
			customer: fmt.Sprintf("Acct%02d", k), manager: fmt.Sprintf("Manager %02d", k),
			email: fmt.Sprintf("m%02d@example.org", k), greeting: fmt.Sprintf("Dear Manager %02d,", k),
			spend: float64(k)*1_111_111 + 7,
		}
		if slices.Contains(refused, k) {
			rows[i].email = fmt.Sprintf("refused%02d@example.org", k)
		}
	}
	return rows
}

// recipientSite writes a briefing that sends one message per row of
// data/accounts.csv: a shared page and the row's own page. emailExtra
// goes into [email], smtp after it.
func recipientSite(t *testing.T, rows []account, emailExtra, smtp string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	var csv strings.Builder
	csv.WriteString("customer,manager,email,greeting,spend\n")
	for _, r := range rows {
		fmt.Fprintf(&csv, "%s,%s,%s,%q,%.0f\n", r.customer, r.manager, r.email, r.greeting, r.spend)
	}
	files := map[string]string{
		"site.toml": `title = "Accounts"
period = "March 2022"

[data.accounts]
file = "data/accounts.csv"
[data.accounts.columns]
spend = "money"

[email]
from = "Strategy team <strategy@example.org>"
subject = "Your account {{row customer}}: {{row spend}}"
pages = ["index", "account"]
each = "accounts"
to_column = "email"
name_column = "manager"
greeting_column = "greeting"
rate = 60000
` + emailExtra + smtp,
		"data/accounts.csv": csv.String(),
		"content/index.md":  "+++\ntitle = \"All accounts\"\n+++\nEvery account manager gets this page.\n",
		"content/account.md": "+++\ntitle = \"{{row customer}}\"\neach = \"accounts\"\nslug = \"customer\"\n+++\n" +
			"{{row customer}} spent {{row spend}} in March; {{row manager}} looks after it.\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("BRIEFING_CACHE_DIR", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "1648771200")
	return dir
}

// money shows a spend as the briefing shows it.
func money(t *testing.T, v float64) string {
	fm, err := format.New(format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := format.ParseSpec(format.ForKind(table.Money))
	s, err := fm.Show(sp, table.Money, table.Value{F: v})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func plainSMTP(port int) string {
	return fmt.Sprintf("\n[email.smtp]\nhost = \"127.0.0.1\"\nport = %d\ntls = \"none\"\n", port)
}

// messageIDs reads the Message-IDs the test server logged, in order.
func messageIDs(t *testing.T, inbox string) []string {
	t.Helper()
	b, err := os.ReadFile(inbox + ".log")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var ids []string
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		_, id, _ := strings.Cut(s.Text(), " ")
		ids = append(ids, id)
	}
	return ids
}

// sentOnce returns the Message-IDs the server got, reporting any it got
// more than once.
func sentOnce(t *testing.T, inbox string) []string {
	t.Helper()
	ids := messageIDs(t, inbox)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("%s was sent twice", id)
		}
		seen[id] = true
	}
	return ids
}

func connections(inbox string) int {
	b, _ := os.ReadFile(inbox + ".connections")
	return bytes.Count(b, []byte("\n"))
}

// readMessage parses a message and returns it with its text part.
// recipientServer writes recipientSite with a mail server started for it,
// and returns the site and the server's inbox.
func recipientServer(t *testing.T, rows []account, emailExtra string) (dir, inbox string) {
	t.Helper()
	port := freePort(t)
	dir = recipientSite(t, rows, emailExtra, plainSMTP(port))
	inbox = filepath.Join(t.TempDir(), "inbox")
	os.Mkdir(inbox, 0o755)
	startSMTPDAt(t, port, inbox)
	return dir, inbox
}

func readMessage(t *testing.T, raw []byte) (*mail.Message, string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail cannot read the message: %v", err)
	}
	text, _, _ := parts(t, msg)
	msg, _ = mail.ReadMessage(bytes.NewReader(raw)) // parts consumed the body
	return msg, text
}

// TestEmailPerRecipient: 50 rows make 50 messages, each to its row's
// address with only its row's figures; a server that stops taking
// messages after the 20th stops the run at the 21st, named with its row;
// the same command again sends exactly the other 30.
func TestEmailPerRecipient(t *testing.T) {
	rows := accounts(50)
	port := freePort(t)
	dir := recipientSite(t, rows, "", plainSMTP(port))
	out := filepath.Join(dir, "output", "email")

	stdout, stderr, code := runCLI(t, "email", "--dry-run", dir)
	if code != 0 {
		t.Fatalf("--dry-run: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote 50 messages") || strings.Count(stderr, "would send messages/") != 50 {
		t.Errorf("--dry-run said:\n%s\n%s", stdout, stderr)
	}
	written := map[string][]byte{} // Message-ID → message
	for i, row := range rows {
		raw, err := os.ReadFile(filepath.Join(out, "messages", fmt.Sprintf("%04d.eml", i+1)))
		if err != nil {
			t.Fatal(err)
		}
		msg, text := readMessage(t, raw)
		written[msg.Header.Get("Message-Id")] = raw
		to, _ := msg.Header.AddressList("To")
		if len(to) != 1 || to[0].Address != row.email || to[0].Name != row.manager {
			t.Errorf("message %d: To = %v, want %s <%s>", i+1, to, row.manager, row.email)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if want := "Your account " + row.customer + ": " + money(t, row.spend); subject != want {
			t.Errorf("message %d: Subject = %q, want %q", i+1, subject, want)
		}
		for _, want := range []string{row.greeting, row.customer + " spent " + money(t, row.spend), "Every account manager gets this page."} {
			if !strings.Contains(text, want) {
				t.Errorf("message %d lacks %q:\n%s", i+1, want, text)
			}
		}
		for j, other := range rows {
			if j != i && (strings.Contains(text, other.customer) || strings.Contains(text, money(t, other.spend))) {
				t.Errorf("message %d (%s) shows row %d's figures", i+1, row.customer, j+1)
			}
		}
	}
	if len(written) != 50 {
		t.Fatalf("%d distinct Message-IDs in 50 messages", len(written))
	}
	// The same sources and SOURCE_DATE_EPOCH make the same bytes.
	first, _ := os.ReadFile(filepath.Join(out, "messages", "0033.eml"))
	if _, stderr, code := runCLI(t, "email", "-q", dir); code != 0 {
		t.Fatal(stderr)
	}
	if again, _ := os.ReadFile(filepath.Join(out, "messages", "0033.eml")); !bytes.Equal(first, again) {
		t.Error("two runs made different bytes for message 33")
	}

	inbox := filepath.Join(t.TempDir(), "inbox")
	os.Mkdir(inbox, 0o755)
	stop := startSMTPDAt(t, port, inbox, "--limit", "20")
	_, stderr, code = runCLI(t, "email", "--send", dir)
	want := regexp.MustCompile(`(?m)^briefing: data/accounts\.csv:22:\d+: stopped at message 21 of 50 \(messages/0021\.eml to m21@example\.org\): the server refused the sender strategy@example\.org: 421 .*; 20 sent in this run, 30 not sent yet`)
	if code != 3 || !want.MatchString(stderr) {
		t.Fatalf("server stopping after 20: exit %d, stderr:\n%s\nwant exit 3 and %s", code, stderr, want)
	}
	if n := len(messageIDs(t, inbox)); n != 20 {
		t.Fatalf("the server took %d messages, want 20", n)
	}
	stop()

	startSMTPDAt(t, port, inbox)
	stdout, stderr, code = runCLI(t, "email", "--send", dir)
	if code != 0 || !strings.Contains(stdout, "50 messages: 30 sent, 20 sent before (in the journal)") {
		t.Fatalf("rerun: exit %d\n%s%s", code, stdout, stderr)
	}
	ids := sentOnce(t, inbox)
	for _, id := range ids {
		if written[id] == nil {
			t.Errorf("the server got %s, which --dry-run did not write", id)
		}
	}
	if len(ids) != 50 {
		t.Errorf("the server logged %d messages; want 50", len(ids))
	}
	// What arrived is what --dry-run wrote, byte for byte.
	for n := 1; n <= 50; n++ {
		got, _ := os.ReadFile(filepath.Join(inbox, fmt.Sprintf("%d.eml", n)))
		if msg, _ := readMessage(t, got); !bytes.Equal(got, written[msg.Header.Get("Message-Id")]) {
			t.Errorf("message %d arrived different from what --dry-run wrote", n)
		}
	}
	// Once all is sent, another run connects to no one.
	before := connections(inbox)
	stdout, _, code = runCLI(t, "email", "--send", dir)
	if code != 0 || !strings.Contains(stdout, "50 sent before") || connections(inbox) != before {
		t.Errorf("third run: exit %d, %q, %d new connections", code, stdout, connections(inbox)-before)
	}
}

// TestEmailPerRecipientRefused: a recipient the server refuses is
// reported at the end, at its row; the others are sent.
func TestEmailPerRecipientRefused(t *testing.T) {
	rows := accounts(5, 3)
	dir, inbox := recipientServer(t, rows, "")
	stdout, stderr, code := runCLI(t, "email", "--send", dir)
	want := regexp.MustCompile(`(?m)^briefing: data/accounts\.csv:4:\d+: messages/0003\.eml: the server refused the recipient refused03@example\.org: 550 `)
	if code != 3 || !want.MatchString(stderr) || !strings.Contains(stdout, "5 messages: 4 sent, 1 refused") {
		t.Fatalf("refused row 3: exit %d\nstdout %s\nstderr %s\nwant exit 3 and %s", code, stdout, stderr, want)
	}
	var got []string
	for n := 1; n <= 4; n++ {
		env, err := os.ReadFile(filepath.Join(inbox, fmt.Sprintf("%d.eml.envelope", n)))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Fields(string(env))[1])
	}
	if w := []string{"m01@example.org", "m02@example.org", "m04@example.org", "m05@example.org"}; !slices.Equal(got, w) {
		t.Errorf("delivered to %v, want %v", got, w)
	}
}

// TestEmailSendIf: a false send_if sends nothing and opens no connection,
// exits 0 and says why; --force sends; a true one sends.
func TestEmailSendIf(t *testing.T) {
	port := freePort(t)
	inbox := filepath.Join(t.TempDir(), "inbox")
	os.Mkdir(inbox, 0o755)
	startSMTPDAt(t, port, inbox)
	smtp := plainSMTP(port)

	dir := emailSite(t, "send_if = \"acme_share > 90%\"\n"+smtp)
	stdout, stderr, code := runCLI(t, "email", "--send", dir)
	if code != 0 || !strings.Contains(stdout, `not sending: send_if "acme_share > 90%" is false (acme_share = 80%)`) {
		t.Errorf("false send_if: exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	if n := connections(inbox); n != 0 {
		t.Errorf("a false send_if opened %d connections to the server", n)
	}
	if _, stderr, code := runCLI(t, "email", "--send", "--force", "-q", dir); code != 0 {
		t.Fatalf("--force: exit %d\n%s", code, stderr)
	}
	if n := len(messageIDs(t, inbox)); n != 1 {
		t.Errorf("--force: the server got %d messages, want 1", n)
	}

	dir = emailSite(t, "send_if = \"acme_share > 50% and acme_share < 90%\"\n"+smtp)
	if stdout, stderr, code := runCLI(t, "email", "--send", dir); code != 0 || !strings.Contains(stdout, "sent \"Acme is 80% of spend\"") {
		t.Fatalf("true send_if: exit %d\n%s%s", code, stdout, stderr)
	}
	if n := len(messageIDs(t, inbox)); n != 2 {
		t.Errorf("true send_if: the server has %d messages, want 2", n)
	}

	dir = emailSite(t, "send_if = \"acme_shar > 1\"\n"+smtp)
	_, stderr, code = runCLI(t, "email", "--send", dir)
	if code != 2 || !regexp.MustCompile(`site\.toml:\d+:12: send_if: unknown figure "acme_shar"`).MatchString(stderr) {
		t.Errorf("unknown figure: exit %d, %q", code, stderr)
	}
}

// TestEmailPerRecipientSendIf: with each, send_if reads row.COLUMN and
// holds back the rows where it is false.
func TestEmailPerRecipientSendIf(t *testing.T) {
	rows := accounts(4)
	dir, inbox := recipientServer(t, rows, "send_if = \"row.spend > 2500000\"\n")
	stdout, stderr, code := runCLI(t, "email", "--send", dir)
	if code != 0 || !strings.Contains(stdout, "4 messages: 2 sent, 2 held back by send_if") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if n := len(messageIDs(t, inbox)); n != 2 {
		t.Errorf("the server got %d messages, want 2 (rows 3 and 4)", n)
	}
}

// TestEmailImplicitTLSAndXOAUTH2: TLS from the first byte, and a login
// with an OAuth 2 token read from the environment variable site.toml
// names.
func TestEmailImplicitTLSAndXOAUTH2(t *testing.T) {
	tmp := t.TempDir()
	certFile, keyFile := selfSigned(t, tmp)
	port := freePort(t)
	inbox := filepath.Join(tmp, "inbox")
	os.Mkdir(inbox, 0o755)
	startSMTPDAt(t, port, inbox, "--cert", certFile, "--key", keyFile, "--implicit-tls", "--token", "ya29.token")
	smtp := fmt.Sprintf("\n[email.smtp]\nhost = \"127.0.0.1\"\nport = %d\ntls = \"implicit\"\nusername = \"briefing\"\nauth = \"xoauth2\"\ntoken_env = \"TEST_SMTP_TOKEN\"\nca_file = \"ca.pem\"\n", port)
	dir := emailSite(t, smtp)
	ca, _ := os.ReadFile(certFile)
	os.WriteFile(filepath.Join(dir, "ca.pem"), ca, 0o644)

	t.Setenv("TEST_SMTP_TOKEN", "")
	_, stderr, code := runCLI(t, "email", "--send", dir)
	if code != 2 || !strings.Contains(stderr, "no SMTP OAuth 2 access token for briefing: set the environment variable TEST_SMTP_TOKEN") {
		t.Errorf("no token: exit %d, %q", code, stderr)
	}
	t.Setenv("TEST_SMTP_TOKEN", "expired")
	_, stderr, code = runCLI(t, "email", "--send", dir)
	if code != 3 || !strings.Contains(stderr, "authentication as briefing failed: 535") {
		t.Errorf("wrong token: exit %d, %q", code, stderr)
	}
	t.Setenv("TEST_SMTP_TOKEN", "ya29.token")
	if _, stderr, code := runCLI(t, "email", "--send", "-q", dir); code != 0 {
		t.Fatalf("implicit TLS + XOAUTH2: exit %d\n%s", code, stderr)
	}
	if n := len(messageIDs(t, inbox)); n != 1 {
		t.Errorf("the server got %d messages, want 1", n)
	}
}

// Two runs of briefing email --send at once (two scheduled jobs that
// overlap) send each message once: the second waits for the first and
// finds everything in the journal.
func TestEmailSendConcurrent(t *testing.T) {
	rows := accounts(20)
	dir, inbox := recipientServer(t, rows, "")
	outs := make([]string, 2)
	codes := make([]int, 2)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Go(func() {
			var stderr string
			outs[i], stderr, codes[i] = runCLI(t, "email", "--send", dir)
			if codes[i] != 0 {
				t.Errorf("run %d: exit %d\n%s", i, codes[i], stderr)
			}
		})
	}
	wg.Wait()
	ids := sentOnce(t, inbox)
	if len(ids) != 20 {
		t.Errorf("the server got %d messages, want 20", len(ids))
	}
	all := outs[0] + outs[1]
	if !strings.Contains(all, "20 sent") || !strings.Contains(all, "20 sent before (in the journal)") {
		t.Errorf("the two runs said:\n%s\n%s", outs[0], outs[1])
	}
}
