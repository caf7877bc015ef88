// This file defines the duplicate-task-workspace check: the same duplicate key
// in another plan file of the workspace.

package analysis

import "fmt"

func init() {
	register(checkWorkspaceDuplicates, "duplicate-task-workspace")
}

// checkWorkspaceDuplicates reports each task whose duplicate key is also a task's
// in another file of env.Workspace, pointing at those copies.
func checkWorkspaceDuplicates(p *Plan, env *Env, out *[]Diagnostic) {
	if env.Workspace == nil {
		return
	}
	for _, t := range p.Tasks {
		if t.Key == "" {
			continue
		}
		var related []Related
		for _, ref := range env.Workspace.TasksWithKey(t.Key) {
			if ref.Path == env.Path {
				continue
			}
			other := env.Workspace.Plan(ref.Path)
			related = append(related, Related{Path: ref.Path, Span: ref.Task.TextSpan, Line: other.LineOf(ref.Task.Span.Start),
				Message: fmt.Sprintf("copy in %s, %s", ref.Path, sectionLabel(ref.Task.Section))})
		}
		if len(related) == 0 {
			continue
		}
		*out = append(*out, Diagnostic{Span: t.TextSpan, Code: "duplicate-task-workspace", Related: related,
			Message: fmt.Sprintf("Task %q is also in %s (line %d). Keep one copy.", abbreviate(t.Text), related[0].Path, related[0].Line+1)})
	}
}
