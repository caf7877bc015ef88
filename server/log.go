package server

// This file defines the server's logging: timestamped lines to the log file
// chosen by main, and window/logMessage notifications to the client.

import (
	"context"
	"fmt"
	"io"
	"log"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// newLogger returns a logger writing timestamped lines to w, or discarding
// them when w is nil. A log.Logger serialises concurrent writers.
func newLogger(w io.Writer) *log.Logger {
	if w == nil {
		w = io.Discard
	}
	return log.New(w, "", log.Ldate|log.Ltime|log.Lmicroseconds)
}

// clientLogQueue is how many window/logMessage notifications may wait to be
// sent; more are dropped (they are in the log file anyway).
const clientLogQueue = 256

// clientLog sends window/logMessage notifications from a goroutine of its own,
// in order, so that a client that is slow to read never blocks the read loop.
// Sending is best effort: when the queue is full or the connection is gone, a
// message is dropped.
type clientLog struct {
	queue chan *protocol.LogMessageParams
	stop  chan struct{}
	once  sync.Once
	done  chan struct{}
}

// newClientLog returns a clientLog that is not yet sending; messages queue up
// until start.
func newClientLog() *clientLog {
	return &clientLog{
		queue: make(chan *protocol.LogMessageParams, clientLogQueue),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
}

// start starts the goroutine that sends queued messages on conn.
func (c *clientLog) start(conn jsonrpc2.Conn) {
	go func() {
		defer close(c.done)
		ctx := context.Background()
		for {
			select {
			case <-c.stop:
				return
			case m := <-c.queue:
				if err := conn.Notify(ctx, protocol.MethodWindowLogMessage, m); err != nil {
					return
				}
			}
		}
	}()
}

// send queues a message; it never blocks.
func (c *clientLog) send(typ protocol.MessageType, message string) {
	select {
	case <-c.stop:
	case c.queue <- &protocol.LogMessageParams{Type: typ, Message: message}:
	default:
	}
}

// close stops sending. Messages still queued are dropped.
func (c *clientLog) close() {
	c.once.Do(func() { close(c.stop) })
}

// logf writes a line to the log file.
func (s *server) logf(format string, args ...any) {
	s.log.Printf(format, args...)
}

// clientLogf writes a line to the log file and sends it to the client as a
// window/logMessage of the given type, for what a user may want to see in the
// editor's output panel. It never blocks.
func (s *server) clientLogf(typ protocol.MessageType, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.log.Print(msg)
	s.clientLog.send(typ, msg)
}
