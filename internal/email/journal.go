package email

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// JournalFile is the journal's name in the email edition's folder.
const JournalFile = "journal.tsv"

// Journal is the record of what was sent, kept next to the edition
// (OUTPUT/email/journal.tsv) and carried over when the edition is written
// again. It is a text file of tab-separated lines, only ever appended to:
//
//	edition KEY UNIX-DATE            a batch (Batch.Key) and the Date its messages carry
//	sent    MESSAGE-ID RCPT ROW TIME a message the server accepted, recorded at once
//
// A run looks its batch up by key: found, the messages take the recorded
// date again, so they are the same bytes with the same Message-IDs, and
// those recorded as sent are not sent again. A line cut short by a crash
// is ignored.
type Journal struct {
	dates map[string]int64 // batch key → Unix date
	sent  map[string]bool  // Message-IDs
}

// ReadJournal parses a journal; nil or empty data is an empty journal.
func ReadJournal(data []byte) *Journal {
	j := &Journal{dates: map[string]int64{}, sent: map[string]bool{}}
	s := bufio.NewScanner(bytes.NewReader(data))
	s.Buffer(nil, 1<<20)
	for s.Scan() {
		f := strings.Split(s.Text(), "\t")
		switch {
		case len(f) >= 3 && f[0] == "edition":
			if sec, err := strconv.ParseInt(f[2], 10, 64); err == nil {
				j.dates[f[1]] = sec
			}
		case len(f) >= 5 && f[0] == "sent":
			j.sent[f[1]] = true
		}
	}
	return j
}

// Date is the date recorded for a batch key.
func (j *Journal) Date(key string) (time.Time, bool) {
	sec, ok := j.dates[key]
	return time.Unix(sec, 0).UTC(), ok
}

// Sent reports whether the message with this Message-ID was sent.
func (j *Journal) Sent(id string) bool { return j.sent[id] }

func (j *Journal) addEdition(key string, date time.Time) []byte {
	j.dates[key] = date.Unix()
	return fmt.Appendf(nil, "edition\t%s\t%d\t%s\n", key, date.Unix(), date.UTC().Format(time.RFC3339))
}

func (j *Journal) addSent(m *Composed, at time.Time) []byte {
	j.sent[m.Header.MessageID] = true
	return fmt.Appendf(nil, "sent\t%s\t%s\t%s\t%s\n", m.Header.MessageID, field(strings.Join(m.Recipients(), " ")),
		field(m.At.String()), at.UTC().Format(time.RFC3339))
}

// field keeps a value on its line and in its column.
func field(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}
