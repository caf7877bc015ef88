package main

// This file defines how the driver starts a language server in a process
// group of its own, reads its CPU time and peak memory from /proc, and ends it
// (the whole group) when a run is over or goes wrong.

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is the unit of the CPU times in /proc/<pid>/stat (USER_HZ, 100
// on Linux for every architecture that matters).
const clockTicks = 100

// serverProc is a running language server.
type serverProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser
	exited chan struct{}
}

// startServer starts argv in dir with stderr appended to logPath, in a new
// process group.
func startServer(argv []string, dir, logPath string) (*serverProc, error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("no server command")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd.Stderr = logf
	stdin, err := cmd.StdinPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	p := &serverProc{cmd: cmd, stdin: stdin, stdout: stdout, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(p.exited)
	}()
	return p, nil
}

// pid returns the server's process id.
func (p *serverProc) pid() int { return p.cmd.Process.Pid }

// kill ends the server's whole process group.
func (p *serverProc) kill() {
	_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
}

// wait waits up to d for the server to exit and kills its group otherwise. It
// reports whether the server exited by itself.
func (p *serverProc) wait(d time.Duration) bool {
	select {
	case <-p.exited:
		p.kill() // children it may have left behind
		return true
	case <-time.After(d):
		p.kill()
		<-p.exited
		return false
	}
}

// cpuTime returns the CPU time (user + system, all threads) the process has
// used so far, with the 10 ms resolution of /proc/<pid>/stat.
func cpuTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(data)
}

// parseStatCPU returns utime + stime from the contents of /proc/<pid>/stat.
// The command name (field 2) may hold spaces and parentheses, so the fields
// are counted from the last ')'.
func parseStatCPU(data []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed /proc stat %q", data)
	}
	fields := strings.Fields(string(data[i+1:]))
	// fields[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(fields) < 13 {
		return 0, fmt.Errorf("short /proc stat %q", data)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("malformed /proc stat times %q %q", fields[11], fields[12])
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// peakRSS returns the process's peak resident set size (VmHWM) in bytes.
func peakRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseStatusKB(data, "VmHWM")
}

// parseStatusKB returns the value in bytes of a "Name:   123 kB" line of
// /proc/<pid>/status.
func parseStatusKB(data []byte, name string) (int64, error) {
	for line := range strings.SplitSeq(string(data), "\n") {
		key, value, ok := strings.Cut(line, ":")
		if !ok || key != name {
			continue
		}
		f := strings.Fields(value)
		if len(f) == 0 {
			break
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("malformed %s line %q", name, line)
		}
		return n * 1024, nil
	}
	return 0, fmt.Errorf("no %s in /proc status", name)
}
