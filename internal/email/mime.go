package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Header is who the message is from and to, and when.
type Header struct {
	From      string
	To, Cc    []string
	Subject   string
	Date      time.Time
	MessageID string
}

// Message assembles the MIME message: multipart/alternative with the text
// part first, then multipart/related holding the HTML and its images by
// Content-ID. Lines end in CRLF; boundaries derive from the content, so the
// same edition gives the same bytes.
func Message(ed *Edition, h Header) ([]byte, error) {
	var b bytes.Buffer
	if err := writeHeader(&b, h); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append(append([]byte{}, ed.HTML...), ed.Text...))
	tag := hex.EncodeToString(sum[:8])

	alt := multipart.NewWriter(&b)
	if err := alt.SetBoundary("briefing-alt-" + tag); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", alt.Boundary())

	text, err := alt.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return nil, err
	}
	if err := writeQP(text, ed.Text); err != nil {
		return nil, err
	}

	var related bytes.Buffer
	rel := multipart.NewWriter(&related)
	if err := rel.SetBoundary("briefing-rel-" + tag); err != nil {
		return nil, err
	}
	relPart, err := alt.CreatePart(textproto.MIMEHeader{
		"Content-Type": {fmt.Sprintf("multipart/related; boundary=\"%s\"; type=\"text/html\"", rel.Boundary())},
	})
	if err != nil {
		return nil, err
	}
	body, err := rel.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/html; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return nil, err
	}
	if err := writeQP(body, ed.HTML); err != nil {
		return nil, err
	}
	for _, img := range ed.Images {
		part, err := rel.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {fmt.Sprintf("image/png; name=\"%s\"", img.Name)},
			"Content-Transfer-Encoding": {"base64"},
			"Content-Id":                {"<" + img.CID + ">"},
			"Content-Disposition":       {fmt.Sprintf("inline; filename=\"%s\"", img.Name)},
		})
		if err != nil {
			return nil, err
		}
		writeBase64(part, img.PNG)
	}
	if err := rel.Close(); err != nil {
		return nil, err
	}
	relPart.Write(related.Bytes())
	if err := alt.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeHeader(b *bytes.Buffer, h Header) error {
	from, err := mail.ParseAddress(h.From)
	if err != nil {
		return fmt.Errorf("from address %q: %v", h.From, err)
	}
	to, err := addressList(h.To)
	if err != nil {
		return err
	}
	if to == "" {
		return fmt.Errorf("the message has no recipient: set to in [email] of site.toml or use --to")
	}
	fmt.Fprintf(b, "From: %s\r\n", from)
	fmt.Fprintf(b, "To: %s\r\n", to)
	if cc, err := addressList(h.Cc); err != nil {
		return err
	} else if cc != "" {
		fmt.Fprintf(b, "Cc: %s\r\n", cc)
	}
	fmt.Fprintf(b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", h.Subject))
	fmt.Fprintf(b, "Date: %s\r\n", h.Date.Format(time.RFC1123Z))
	fmt.Fprintf(b, "Message-ID: %s\r\n", h.MessageID)
	b.WriteString("MIME-Version: 1.0\r\n")
	return nil
}

func addressList(list []string) (string, error) {
	var out []string
	for _, a := range list {
		addr, err := mail.ParseAddress(a)
		if err != nil {
			return "", fmt.Errorf("address %q: %v", a, err)
		}
		out = append(out, addr.String())
	}
	return strings.Join(out, ", "), nil
}

func writeQP(w interface{ Write([]byte) (int, error) }, data []byte) error {
	q := quotedprintable.NewWriter(w)
	if _, err := q.Write(data); err != nil {
		return err
	}
	return q.Close()
}

func writeBase64(w interface{ Write([]byte) (int, error) }, data []byte) {
	s := base64.StdEncoding.EncodeToString(data)
	for len(s) > 76 {
		w.Write([]byte(s[:76] + "\r\n"))
		s = s[76:]
	}
	w.Write([]byte(s + "\r\n"))
}

// Recipients lists the envelope recipients: To and Cc, addresses only.
func Recipients(h Header) ([]string, error) {
	var rcpt []string
	for _, a := range append(append([]string{}, h.To...), h.Cc...) {
		addr, err := mail.ParseAddress(a)
		if err != nil {
			return nil, err
		}
		rcpt = append(rcpt, addr.Address)
	}
	return rcpt, nil
}
