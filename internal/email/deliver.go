package email

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/diag"
)

// SealFor dates the batch: with the date the journal recorded for the
// same content, so that a run started again makes the same messages, or
// else (and always with force) with date.
func (b *Batch) SealFor(j *Journal, date time.Time, force bool) error {
	if d, ok := j.Date(b.Key()); ok && !force {
		date = d
	}
	return b.Seal(date)
}

// Sender sends messages over one connection (a *Conn is one).
type Sender interface {
	Send(from string, rcpt []string, msg []byte) error
	Close() error
}

// Delivery sends a sealed batch: over one connection, opened only when a
// message is to go, at most Rate messages a minute, skipping what the
// journal records as sent and what send_if holds back, and recording each
// message the server accepts before the next one goes.
type Delivery struct {
	Dial    func() (Sender, error)
	Journal *Journal
	Record  func(line []byte) error // appends to the journal file, durably
	Force   bool                    // send held-back and already-sent messages too
	Rate    int                     // messages a minute; 0: no limit
	Now     func() time.Time
	Sleep   func(time.Duration)
	// Sent, if set, is told of each message the server accepted.
	Sent func(i int, m *Composed)
}

// Outcome counts what a delivery did.
type Outcome struct {
	Sent, Already, Held int
	// Refused are the messages whose recipients the server refused, each
	// an error at the row (or key) the address came from; the others were
	// still sent.
	Refused []error
}

// Run sends the batch. It stops at the first failure that is not a
// refused recipient (the server gone, a message not accepted), with an
// error that names the message and how many are left; the journal lets
// the same command, run again, send exactly those.
func (d *Delivery) Run(b *Batch) (Outcome, error) {
	var out Outcome
	var conn Sender
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	recorded := false
	var last time.Time
	for i, m := range b.Messages {
		switch {
		case m.Held != "" && !d.Force:
			out.Held++
			continue
		case d.Journal.Sent(m.Header.MessageID) && !d.Force:
			out.Already++
			continue
		}
		if !recorded {
			if err := d.Record(d.Journal.addEdition(b.Key(), b.Date)); err != nil {
				return out, diag.Internal.Errorf(diag.Pos{}, "the journal: %v; nothing sent", err)
			}
			recorded = true
		}
		if conn == nil {
			var err error
			if conn, err = d.Dial(); err != nil {
				return out, b.stopped(i, out, d.Journal, err)
			}
		}
		last = d.throttle(last)
		err := conn.Send(m.Sender(), m.Recipients(), m.Message)
		var refused *RefusedError
		if errors.As(err, &refused) {
			out.Refused = append(out.Refused, b.refusedAt(i, refused))
			continue
		}
		if err != nil {
			conn.Close()
			conn = nil
			return out, b.stopped(i, out, d.Journal, err)
		}
		if err := d.Record(d.Journal.addSent(m, d.Now())); err != nil {
			return out, diag.Internal.Errorf(m.At, "%s was sent, but the journal could not record it (%v): stopping, and a run started again would send it a second time", b.Name(i), err)
		}
		out.Sent++
		if d.Sent != nil {
			d.Sent(i, m)
		}
	}
	return out, nil
}

// throttle waits until a message may go, given when the last one went.
func (d *Delivery) throttle(last time.Time) time.Time {
	if d.Rate > 0 && !last.IsZero() {
		if wait := last.Add(time.Minute / time.Duration(d.Rate)).Sub(d.Now()); wait > 0 {
			d.Sleep(wait)
		}
	}
	return d.Now()
}

// refusedAt places a refused recipient at the row its address came from.
func (b *Batch) refusedAt(i int, err *RefusedError) error {
	if !b.PerRow {
		return err
	}
	return diag.Internal.Errorf(b.Messages[i].At, "%s: %v", b.Name(i), err)
}

// stopped is the error of a run that stopped at message i: for a batch
// made per row, the message's place, its row, and what is left to send.
// A server without STARTTLS is the site's choice to make (tls).
func (b *Batch) stopped(i int, out Outcome, j *Journal, err error) error {
	if nt, ok := err.(*NoTLSError); ok {
		return diag.Config.Wrap(keyPos(b.cfg, "email", "smtp", "tls"), nt)
	}
	if !b.PerRow {
		return err
	}
	left := 0
	for _, m := range b.Messages[i:] {
		if m.Held == "" && !j.Sent(m.Header.MessageID) {
			left++
		}
	}
	m := b.Messages[i]
	return diag.Internal.Errorf(m.At, "stopped at message %d of %d (%s to %s): %v; %d sent in this run, %d not sent yet: run the same command again to send exactly those (the journal, email/%s, records what was sent)",
		i+1, len(b.Messages), b.Name(i), strings.Join(m.Recipients(), ", "), err, out.Sent, left, JournalFile)
}

// Report says what a delivery did, in a line.
func (b *Batch) Report(out Outcome) string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(out.Sent, "sent")
	add(out.Already, "sent before (in the journal)")
	add(out.Held, "held back by send_if")
	add(len(out.Refused), "refused")
	if len(parts) == 0 {
		return "nothing to send"
	}
	n := fmt.Sprintf("%d messages", len(b.Messages))
	if len(b.Messages) == 1 {
		n = "1 message"
	}
	return n + ": " + strings.Join(parts, ", ")
}
