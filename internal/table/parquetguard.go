package table

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/parquet-go/parquet-go/format"
)

// A Parquet file is checked before parquet-go reads it, because its
// readers trust what the file claims: a footer length is allocated before
// it is compared with the file's size, a Thrift list or string of 2^31
// elements is allocated before it is read, and a Snappy page allocates
// whatever length its first bytes say. The checks below walk the footer
// and every page header without allocating, and refuse any length that
// claims more than the bytes that are there, any page that would
// decompress past the limits, and the codecs (gzip, zstd, brotli, lz4)
// whose output cannot be bounded before decompressing. What parquet-go
// then allocates is bounded by the file's size and lim.

// maxThriftElems bounds the fields and list elements of one footer or
// page header: a real footer of 256 columns in a few row groups has a
// few thousand.
const maxThriftElems = 200_000

// compact walks Thrift compact-protocol data, refusing any length that
// claims more than the bytes left.
type compact struct {
	b     []byte
	i     int
	elems int
	err   error
}

var errThrift = errors.New("malformed metadata")

func (c *compact) fail(what string) {
	if c.err == nil {
		c.err = fmt.Errorf("%w: %s", errThrift, what)
	}
}

func (c *compact) byte() byte {
	if c.err != nil || c.i >= len(c.b) {
		c.fail("truncated")
		return 0
	}
	c.i++
	return c.b[c.i-1]
}

func (c *compact) uvarint() uint64 {
	if c.err != nil {
		return 0
	}
	v, n := binary.Uvarint(c.b[c.i:])
	if n <= 0 {
		c.fail("bad varint")
		return 0
	}
	c.i += n
	return v
}

func (c *compact) zigzag() int64 {
	u := c.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// length reads a length and checks that as many items of at least one
// byte each fit in what is left.
func (c *compact) length(n uint64) int {
	if c.err == nil && n > uint64(len(c.b)-c.i) {
		c.fail(fmt.Sprintf("a length of %d, more than the %d bytes left", n, len(c.b)-c.i))
	}
	if c.elems += int(min(n, maxThriftElems+1)); c.elems > maxThriftElems {
		c.fail("too many elements")
	}
	if c.err != nil {
		return 0
	}
	return int(n)
}

// Thrift compact types.
const (
	tTrue, tFalse, tByte, tI16, tI32, tI64, tDouble, tBinary, tList, tSet, tMap, tStruct = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
)

// fields walks a struct, handing each field to take first: a field take
// reads, it returns true for; the others are skipped.
func (c *compact) fields(depth int, take func(id int16, typ byte) bool) {
	if depth > 32 {
		c.fail("nested too deep")
		return
	}
	var id int16
	for c.err == nil {
		h := c.byte()
		typ := h & 0x0f
		if typ == 0 {
			return
		}
		if d := h >> 4; d != 0 {
			id += int16(d)
		} else {
			id = int16(c.zigzag())
		}
		if c.length(1); take != nil && take(id, typ) {
			continue
		}
		c.skip(typ, depth)
	}
}

func (c *compact) skip(typ byte, depth int) {
	switch typ {
	case tTrue, tFalse:
	case tByte:
		c.byte()
	case tI16, tI32, tI64:
		c.uvarint()
	case tDouble:
		c.i += c.length(8) / 8 * 8
	case tBinary:
		c.i += c.length(c.uvarint())
	case tList, tSet:
		h := c.byte()
		n := uint64(h >> 4)
		if n == 15 {
			n = c.uvarint()
		}
		n2 := c.length(n)
		for k := 0; k < n2 && c.err == nil; k++ {
			if et := h & 0x0f; et == tTrue || et == tFalse {
				c.byte()
			} else {
				c.skip(et, depth+1)
			}
		}
	case tMap:
		n := c.length(c.uvarint())
		if n > 0 {
			kv := c.byte()
			for k := 0; k < n && c.err == nil; k++ {
				c.skip(kv>>4, depth+1)
				c.skip(kv&0x0f, depth+1)
			}
		}
	case tStruct:
		c.fields(depth+1, nil)
	default:
		c.fail(fmt.Sprintf("unknown type %d", typ))
	}
}

func (c *compact) i32(typ byte) int64 {
	if typ != tI32 && typ != tI64 && typ != tI16 {
		c.fail("wrong type")
		return 0
	}
	return c.zigzag()
}

// checkFooter checks the magic bytes and walks the footer.
func checkFooter(src []byte) error {
	if len(src) < 12 || string(src[:4]) != "PAR1" || string(src[len(src)-4:]) != "PAR1" {
		if len(src) >= 4 && string(src[len(src)-4:]) == "PARE" {
			return errors.New("the file's footer is encrypted")
		}
		return errors.New("not a Parquet file (no PAR1 at its start and end), or truncated")
	}
	n := uint64(binary.LittleEndian.Uint32(src[len(src)-8:]))
	if n > uint64(len(src)-12) {
		return fmt.Errorf("its footer claims %d bytes, more than the file holds: truncated or damaged", n)
	}
	c := &compact{b: src[len(src)-8-int(n) : len(src)-8]}
	c.fields(0, nil)
	if c.err != nil {
		return fmt.Errorf("footer: %v", c.err)
	}
	return nil
}

// pageHeader is what the checks need of a page header.
type pageHeader struct {
	size                     int // bytes of the header itself
	uncompressed, compressed int64
	numValues                int64
	levels                   int64 // v2: level bytes before the compressed values
	compressedValues         bool
}

func readPageHeader(b []byte) (pageHeader, error) {
	c := &compact{b: b}
	h := pageHeader{compressedValues: true}
	c.fields(0, func(id int16, typ byte) bool {
		switch {
		case id == 2:
			h.uncompressed = c.i32(typ)
		case id == 3:
			h.compressed = c.i32(typ)
		case (id == 5 || id == 7 || id == 8) && typ == tStruct:
			c.fields(1, func(id2 int16, typ2 byte) bool {
				switch {
				case id2 == 1:
					h.numValues = c.i32(typ2)
				case id == 8 && (id2 == 5 || id2 == 6):
					h.levels += c.i32(typ2)
				case id == 8 && id2 == 7:
					h.compressedValues = typ2 == tTrue
				default:
					return false
				}
				return true
			})
		default:
			return false
		}
		return true
	})
	h.size = c.i
	return h, c.err
}

// checkChunk walks the pages of one column chunk, refusing a page that
// does not fit in the chunk, claims more values than lim allows, or
// would decompress past budget (the bytes left of lim.MaxUnzipped); it
// returns what the chunk's pages decompress to.
func checkChunk(src []byte, md *format.ColumnMetaData, lim Limits, budget int64) (int64, error) {
	if md.Codec != format.Uncompressed && md.Codec != format.Snappy {
		return 0, fmt.Errorf("compressed with %s; briefing reads uncompressed or Snappy Parquet files, whose size is known before they are decompressed (re-export with compression \"snappy\")", md.Codec)
	}
	start := md.DataPageOffset
	if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < start {
		start = md.DictionaryPageOffset
	}
	end := start + md.TotalCompressedSize
	if start < 4 || md.TotalCompressedSize < 0 || end > int64(len(src)-8) || end < start {
		return 0, fmt.Errorf("a column chunk claims bytes %d to %d, outside the file", start, end)
	}
	var total int64
	for off := start; off < end; {
		h, err := readPageHeader(src[off:end])
		if err != nil {
			return 0, fmt.Errorf("page header at byte %d: %v", off, err)
		}
		body := off + int64(h.size)
		switch {
		case h.compressed < 0 || h.uncompressed < 0 || h.levels < 0 || body+h.compressed > end:
			return 0, fmt.Errorf("a page at byte %d claims %d bytes, past its column chunk", off, h.compressed)
		case h.numValues < 0 || h.numValues > int64(lim.MaxRows):
			return 0, fmt.Errorf("a page claims %d values, more than the limit of %d rows", h.numValues, lim.MaxRows)
		case total+h.uncompressed > budget:
			return 0, fmt.Errorf("its pages decompress to more than %d bytes, the limit", lim.MaxUnzipped)
		}
		if md.Codec == format.Snappy && h.compressedValues {
			if err := checkSnappy(src[body:body+h.compressed], h); err != nil {
				return 0, fmt.Errorf("page at byte %d: %v", off, err)
			}
		}
		total += h.uncompressed
		off = body + h.compressed
	}
	return total, nil
}

// checkSnappy refuses a Snappy block that claims to decompress to more
// than its page header says.
func checkSnappy(b []byte, h pageHeader) error {
	if h.levels > int64(len(b)) {
		return errors.New("level bytes past the page")
	}
	n, k := binary.Uvarint(b[h.levels:])
	if k <= 0 || n > uint64(h.uncompressed-h.levels) {
		return fmt.Errorf("a Snappy block claims %d bytes, more than the page's %d", n, h.uncompressed)
	}
	return nil
}
