package email

import (
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/briefing-dev/briefing/internal/diag"
)

// fakeServer takes messages until it has taken limit (0: no limit) and
// refuses addresses that start with "refused".
type fakeServer struct {
	limit, dials int
	got          []string // Message-IDs, in order
}

type fakeConn struct{ s *fakeServer }

func (s *fakeServer) dial() (Sender, error) { s.dials++; return fakeConn{s}, nil }

func (c fakeConn) Send(from string, rcpt []string, msg []byte) error {
	if strings.HasPrefix(rcpt[0], "refused") {
		return &RefusedError{Rcpt: rcpt, Err: &textproto.Error{Code: 550, Msg: "no such user"}}
	}
	if c.s.limit > 0 && len(c.s.got) >= c.s.limit {
		return errors.New("421 closing")
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(string(msg), "Message-ID: "), "\r\n")
	c.s.got = append(c.s.got, id)
	return nil
}

func (fakeConn) Close() error { return nil }

// batchOf makes a sealed per-row batch to these addresses.
func batchOf(t *testing.T, addrs ...string) *Batch {
	b := &Batch{PerRow: true, cfg: siteConfig(t, "")}
	for i, a := range addrs {
		ed := &Edition{HTML: fmt.Appendf(nil, "<p>row %d</p>", i), Text: fmt.Appendf(nil, "row %d", i)}
		m := &Composed{Edition: ed, Row: i, At: diag.Pos{File: "data/t.csv", Line: i + 2, Col: 1},
			Header: Header{From: "s@example.org", To: []string{a}}}
		b.Messages = append(b.Messages, m)
	}
	if err := b.Seal(time.Unix(1648771200, 0)); err != nil {
		t.Fatal(err)
	}
	for _, m := range b.Messages { // the fake server reads the id from the first line
		m.Message = []byte("Message-ID: " + m.Header.MessageID + "\r\n")
	}
	return b
}

// clock is a fake clock that moves only when Sleep is called.
type clock struct {
	now    time.Time
	sleeps []time.Duration
}

func (c *clock) Now() time.Time { return c.now }
func (c *clock) Sleep(d time.Duration) {
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
}

func delivery(s *fakeServer, j *Journal, c *clock, journal *strings.Builder) *Delivery {
	return &Delivery{Dial: s.dial, Journal: j, Rate: 60, Now: c.Now, Sleep: c.Sleep,
		Record: func(line []byte) error { journal.Write(line); return nil }}
}

// Messages are spaced by a minute / rate, a refused recipient does not
// stop the others, and the journal read back skips what was sent.
func TestDeliveryThrottleRefusedAndResume(t *testing.T) {
	b := batchOf(t, "a@example.org", "refused@example.org", "c@example.org", "d@example.org", "e@example.org")
	s := &fakeServer{limit: 2}
	var file strings.Builder
	c := &clock{now: time.Unix(0, 0)}
	out, err := delivery(s, ReadJournal(nil), c, &file).Run(b)
	var de *diag.Error
	if !errors.As(err, &de) || de.Pos.Line != 5 || !strings.Contains(err.Error(), "stopped at message 4 of 5") ||
		!strings.Contains(err.Error(), "2 sent in this run, 2 not sent yet") {
		t.Fatalf("Run = %v; want a stop at message 4, row line 5", err)
	}
	if out.Sent != 2 || len(out.Refused) != 1 || !strings.Contains(out.Refused[0].Error(), "refused@example.org: 550") {
		t.Errorf("outcome %+v", out)
	}
	// Three messages went to the server (a, refused, c): two waits of a
	// second between them, and one before the fourth.
	if len(c.sleeps) != 3 || c.sleeps[0] != time.Second {
		t.Errorf("sleeps %v; want 3 of 1s at 60 a minute", c.sleeps)
	}

	// Started again, from the journal as written: only d and e go.
	s.limit = 0
	j := ReadJournal([]byte(file.String() + "sent\t<cut short")) // a line a crash cut short is ignored
	out, err = delivery(s, j, c, &file).Run(b)
	if err != nil || out.Sent != 2 || out.Already != 2 || len(out.Refused) != 1 {
		t.Fatalf("rerun: %+v, %v", out, err)
	}
	seen := map[string]int{}
	for _, id := range s.got {
		seen[id]++
	}
	if len(s.got) != 4 || len(seen) != 4 {
		t.Errorf("the server got %v; want 4 distinct messages", s.got)
	}
	if d, ok := ReadJournal([]byte(file.String())).Date(b.Key()); !ok || !d.Equal(b.Date) {
		t.Errorf("the journal's date for the batch: %v %v", d, ok)
	}
}

// Nothing to send opens no connection.
func TestDeliveryNothingToSend(t *testing.T) {
	b := batchOf(t, "a@example.org", "b@example.org")
	b.Messages[0].Held = "send_if is false"
	j := ReadJournal(nil)
	j.sent[b.Messages[1].Header.MessageID] = true
	s := &fakeServer{}
	var file strings.Builder
	out, err := delivery(s, j, &clock{}, &file).Run(b)
	if err != nil || s.dials != 0 || out.Held != 1 || out.Already != 1 || file.Len() != 0 {
		t.Errorf("Run: %+v, %v, %d dials, journal %q", out, err, s.dials, file.String())
	}
	if got := b.Report(out); got != "2 messages: 1 sent before (in the journal), 1 held back by send_if" {
		t.Errorf("Report = %q", got)
	}
}
