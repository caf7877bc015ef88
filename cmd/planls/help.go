// This file defines the help and version subcommands.

package main

import (
	"fmt"
	"io"
)

func init() {
	commands["help"] = &command{summary: "show this help, or a command's usage", usage: "planls help [COMMAND]", run: runHelp}
	commands["version"] = &command{summary: "print the planls version", usage: "planls version", run: runVersion}
}

// runHelp prints the command list or one command's usage.
func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		c, ok := commands[args[0]]
		if !ok {
			fmt.Fprintf(stderr, "planls: unknown command %q\n", args[0])
			return 2
		}
		fmt.Fprintf(stdout, "usage: %s\n\n%s\n", c.usage, c.summary)
		return 0
	}
	fmt.Fprintln(stdout, "planls — a language server and command-line tool for Markdown plan files.")
	fmt.Fprintln(stdout, "\nUsage:")
	for _, name := range order {
		if c, ok := commands[name]; ok {
			fmt.Fprintf(stdout, "  %s\n      %s\n", c.usage, c.summary)
		}
	}
	fmt.Fprintln(stdout, "\nWith no command, planls serves LSP on stdio (for editors).")
	fmt.Fprintln(stdout, "Positions are printed as LINE:COLUMN, both 1-based; COLUMN counts Unicode characters (code points).")
	fmt.Fprintln(stdout, "Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or I/O error.")
	return 0
}

// runVersion prints the version.
func runVersion(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "planls %s\n", version)
	return 0
}
