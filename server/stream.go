package server

// This file defines stream, the LSP base-protocol framing (Content-Length
// headers) between the byte streams of the client and the jsonrpc2
// connection. It replaces jsonrpc2.NewHeaderStream to survive malformed input.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// defaultMaxBody is the largest message body, in bytes, that the server
// reads. A larger message is answered with an error and skipped without being
// stored. No plan file comes anywhere near it.
const defaultMaxBody = 64 << 20

// reuseLimit is the largest body kept in the stream's reusable buffer. A
// larger body gets a buffer of its own, grown while it arrives, so that memory
// follows the bytes actually received rather than the length declared, and is
// given back once the message is handled.
const reuseLimit = 1 << 20

// oversizeHead is how many bytes of a message over the body limit the stream
// keeps, so that the server can learn which document it was about.
const oversizeHead = 4 << 10

// stream frames JSON-RPC messages with LSP headers. It differs from
// jsonrpc2.NewHeaderStream, whose behaviour on bad input is to fail the whole
// connection (leaving the server deaf), in these ways:
//
//   - A body that is not JSON, a JSON-RPC batch array (LSP has no batches), or
//     JSON that is not a JSON-RPC 2.0 message is answered with an error
//     response (id null unless the request's id can be read) and skipped; the
//     connection goes on with the next frame.
//   - A malformed header block (a line that is not "Name: value", no
//     Content-Length, a non-numeric length) is answered with a ParseError and
//     skipped up to the next "Content-Length:" in the input, so that a frame
//     with a wrong length or no header costs one message, not the session.
//   - A body longer than maxBody is answered with an error and discarded
//     while it is read, never allocated. jsonrpc2 would allocate up to the
//     1 GiB it accepts before reading a single byte of the body.
//   - Close unblocks a pending read even when the input is a terminal or a
//     pipe that os.File cannot interrupt: input is pumped through an io.Pipe,
//     whose reading end Close closes. The pump goroutine may stay blocked on
//     the real input until it delivers a byte or ends; the process is exiting
//     by then.
//
// stream implements jsonrpc2.Stream and also the connection's raw-frame
// extension (ReadFrame, WriteFrame), so the connection classifies frames
// itself.
type stream struct {
	r       *bufio.Reader // reads the pumped input
	pipe    *io.PipeReader
	in      io.Closer
	out     io.Writer
	maxBody int64
	logf    func(format string, args ...any)

	rbuf []byte // reusable body buffer; only the read loop touches it

	// oversized, if not nil, is called on the read loop with the first
	// bytes (at most oversizeHead) of each message skipped for its size, its
	// declared length and the limit, once the input has moved past it.
	oversized func(head []byte, length, limit int64)

	wmu sync.Mutex // serialises writes so that each frame is contiguous

	closeOnce sync.Once
	closeErr  error
}

// newStream returns a stream reading from in and writing to out. It starts the
// goroutine that pumps in into the stream. logf receives a line for every
// malformed frame.
func newStream(in io.ReadCloser, out io.Writer, logf func(format string, args ...any)) *stream {
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, in)
		pw.CloseWithError(err) // A nil error closes with io.EOF.
	}()
	return &stream{
		r:       bufio.NewReader(pr),
		pipe:    pr,
		in:      in,
		out:     out,
		maxBody: defaultMaxBody,
		logf:    logf,
	}
}

var _ jsonrpc2.Stream = (*stream)(nil)

// Read implements jsonrpc2.Stream. The connection uses ReadFrame instead; Read
// exists for completeness.
func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	body, n, err := s.ReadFrame(ctx)
	if err != nil {
		return nil, 0, err
	}
	msg, err := jsonrpc2.DecodeMessage(body)
	if err != nil {
		return nil, 0, err
	}
	return msg, n, nil
}

// ReadFrame returns the body of the next well-formed message, which is
// guaranteed to decode as a single JSON-RPC message. Malformed frames are
// answered and skipped as described on stream. The body is valid until the
// next call. The error is io.EOF when the input ends between frames,
// io.ErrUnexpectedEOF when it ends inside one, and io.ErrClosedPipe after
// Close.
func (s *stream) ReadFrame(ctx context.Context) ([]byte, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		length, err := s.readHeader(ctx)
		if err != nil {
			return nil, 0, err
		}
		if length > s.maxBody {
			s.reject(ctx, jsonrpc2.ID{}, jsonrpc2.InvalidRequest,
				fmt.Sprintf("message of %d bytes exceeds the limit of %d bytes; skipped", length, s.maxBody))
			head := make([]byte, min(length, oversizeHead))
			if _, err := io.ReadFull(s.r, head); err != nil {
				return nil, 0, eofInFrame(err)
			}
			if _, err := io.CopyN(io.Discard, s.r, length-int64(len(head))); err != nil {
				return nil, 0, eofInFrame(err)
			}
			if s.oversized != nil {
				s.oversized(head, length, s.maxBody)
			}
			continue
		}
		body, err := s.readBody(length)
		if err != nil {
			return nil, 0, err
		}
		if s.check(ctx, body) {
			return body, length, nil
		}
	}
}

// readBody reads a body of length bytes.
func (s *stream) readBody(length int64) ([]byte, error) {
	if length <= reuseLimit {
		if int64(cap(s.rbuf)) < length {
			s.rbuf = make([]byte, length)
		}
		body := s.rbuf[:length]
		if _, err := io.ReadFull(s.r, body); err != nil {
			return nil, eofInFrame(err)
		}
		return body, nil
	}
	var b bytes.Buffer
	b.Grow(reuseLimit)
	if _, err := io.CopyN(&b, s.r, length); err != nil {
		return nil, eofInFrame(err)
	}
	return b.Bytes(), nil
}

// eofInFrame turns io.EOF, which means the input ended between frames, into
// io.ErrUnexpectedEOF for an input that ended inside a frame.
func eofInFrame(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// check reports whether body is a single JSON-RPC message that the connection
// can decode. Otherwise it answers the sender with an error response, because
// the connection would fail on such a frame, and reports false.
func (s *stream) check(ctx context.Context, body []byte) bool {
	_, err := jsonrpc2.DecodeMessage(body)
	if err == nil {
		return true
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	switch {
	case !json.Valid(body):
		s.reject(ctx, jsonrpc2.ID{}, jsonrpc2.ParseError,
			fmt.Sprintf("message body is not valid JSON (%d bytes)", len(body)))
	case len(trimmed) > 0 && trimmed[0] == '[':
		s.reject(ctx, jsonrpc2.ID{}, jsonrpc2.InvalidRequest,
			"JSON-RPC batch arrays are not supported by the Language Server Protocol; send each message in its own frame")
	default:
		s.reject(ctx, requestID(body), jsonrpc2.InvalidRequest,
			fmt.Sprintf("not a valid JSON-RPC 2.0 message: %v", err))
	}
	return false
}

// requestID returns the id of body when body is a JSON object with a method
// and a string or integer id, and the null id otherwise.
func requestID(body []byte) jsonrpc2.ID {
	var m struct {
		Method *json.RawMessage `json:"method"`
		ID     json.RawMessage  `json:"id"`
	}
	if json.Unmarshal(body, &m) != nil || m.Method == nil || len(m.ID) == 0 {
		return jsonrpc2.ID{}
	}
	var str string
	if json.Unmarshal(m.ID, &str) == nil {
		return jsonrpc2.NewStringID(str)
	}
	if n, err := strconv.ParseInt(string(m.ID), 10, 64); err == nil {
		return jsonrpc2.NewNumberID(n)
	}
	return jsonrpc2.ID{}
}

// reject logs problem and answers it with an error response carrying id.
func (s *stream) reject(ctx context.Context, id jsonrpc2.ID, code jsonrpc2.Code, problem string) {
	s.logf("malformed input: %s", problem)
	if _, err := s.Write(ctx, jsonrpc2.NewResponse(id, nil, jsonrpc2.NewError(code, problem))); err != nil {
		s.logf("cannot answer malformed input: %v", err)
	}
}

// contentLength is the header field that starts every frame, in lower case.
const contentLength = "content-length:"

// maxLengthDigits bounds the digits of a Content-Length, so that parsing it
// cannot overflow an int64.
const maxLengthDigits = 18

// readHeader reads one header block and returns the Content-Length it
// declares. Blank lines before a header block are skipped. A malformed block
// is answered with a ParseError and skipped: reading resumes at the next
// "Content-Length:" (in any case) in the input, and the block starting there
// is returned instead.
func (s *stream) readHeader(ctx context.Context) (int64, error) {
	length := int64(-1)
	lines := 0
	var pending []byte // a header line found by resynchronising
	for {
		line := pending
		pending = nil
		if line == nil {
			var err error
			line, err = s.r.ReadSlice('\n')
			switch {
			case err == bufio.ErrBufferFull:
				// An overlong line is malformed; handled below like any other.
			case err == io.EOF && len(line) == 0 && lines == 0:
				return 0, io.EOF
			case err != nil:
				return 0, eofInFrame(err)
			}
		}
		content := bytes.TrimRight(line, "\r\n")
		problem := ""
		if len(content) == 0 && line[len(line)-1] == '\n' {
			if lines == 0 {
				continue // A stray blank line between frames.
			}
			if length >= 0 {
				return length, nil
			}
			problem = "header block has no Content-Length"
		} else {
			lines++
			name, value, ok := bytes.Cut(content, []byte(":"))
			switch {
			case !ok || !isToken(name):
				problem = fmt.Sprintf("malformed header line %q", clip(content, 60))
			case bytes.EqualFold(name, []byte(contentLength[:len(contentLength)-1])):
				n, ok := parseLength(bytes.TrimSpace(value))
				if !ok {
					problem = fmt.Sprintf("bad Content-Length %q", clip(value, 30))
				}
				length = n
			}
			if problem == "" {
				continue
			}
		}
		s.reject(ctx, jsonrpc2.ID{}, jsonrpc2.ParseError,
			fmt.Sprintf("invalid message header: %s; skipping to the next Content-Length header", problem))
		var err error
		pending, err = s.resync(line)
		if err != nil {
			return 0, err
		}
		length, lines = -1, 0
	}
}

// resync looks for the next "Content-Length:" (in any case) after the first
// byte of the offending line, then in the input that follows it, and returns
// the header line that starts there. The offending line may be a slice of the
// reader's buffer; it is not used after the first read.
func (s *stream) resync(line []byte) ([]byte, error) {
	matched := 0
	step := func(b byte) bool {
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		// The pattern's first byte occurs nowhere else in it, so on a mismatch
		// a match can only restart at the current byte.
		switch {
		case b == contentLength[matched]:
			matched++
		case b == contentLength[0]:
			matched = 1
		default:
			matched = 0
		}
		return matched == len(contentLength)
	}
	for i := 1; i < len(line); i++ {
		if step(line[i]) {
			return append([]byte(contentLength), line[i+1:]...), nil
		}
	}
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return nil, err
		}
		if step(b) {
			break
		}
	}
	rest, err := s.r.ReadSlice('\n')
	if err != nil && err != bufio.ErrBufferFull {
		return nil, eofInFrame(err)
	}
	return append([]byte(contentLength), rest...), nil
}

// parseLength parses a Content-Length value: decimal digits only.
func parseLength(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > maxLengthDigits {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// isToken reports whether name is an HTTP header field name (RFC 9110 token).
func isToken(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0:
		default:
			return false
		}
	}
	return true
}

// clip shortens b to at most n bytes for a log line.
func clip(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

// Write implements jsonrpc2.Stream. The message is encoded straight into a
// pooled frame buffer after room for its header, so a large answer (a 1 MB
// outline) is not copied twice more on its way out.
func (s *stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	// room holds "Content-Length: " (16 bytes), up to 19 digits and "\r\n\r\n".
	const room = 40
	bp := framePool.Get().(*[]byte)
	buf := append((*bp)[:0], make([]byte, room)...)
	buf = jsonrpc2.AppendMessage(buf, msg)
	header := strconv.AppendInt(append(make([]byte, 0, room), "Content-Length: "...), int64(len(buf)-room), 10)
	header = append(header, "\r\n\r\n"...)
	start := room - len(header)
	copy(buf[start:], header)
	s.wmu.Lock()
	n, err := s.out.Write(buf[start:])
	s.wmu.Unlock()
	if cap(buf) <= maxPooledFrame {
		*bp = buf
		framePool.Put(bp)
	}
	return int64(n), err
}

// framePool recycles Write's frame buffers; maxPooledFrame is the largest kept,
// so that one huge answer does not stay in memory for good.
var framePool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const maxPooledFrame = 4 << 20

// WriteFrame writes body, an encoded message, as one frame with one write.
func (s *stream) WriteFrame(ctx context.Context, body []byte) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	frame := make([]byte, 0, len(body)+32)
	frame = append(frame, "Content-Length: "...)
	frame = strconv.AppendInt(frame, int64(len(body)), 10)
	frame = append(frame, "\r\n\r\n"...)
	frame = append(frame, body...)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	n, err := s.out.Write(frame)
	return int64(n), err
}

// Close implements jsonrpc2.Stream: it ends reading, waking a pending read,
// and closes the input. The output stays open; Serve closes it last.
func (s *stream) Close() error {
	s.closeOnce.Do(func() {
		s.pipe.CloseWithError(io.ErrClosedPipe)
		s.closeErr = s.in.Close()
		if errors.Is(s.closeErr, io.ErrClosedPipe) {
			s.closeErr = nil
		}
	})
	return s.closeErr
}
