// This file tests duplicateGroups, the hashed grouping of duplicate task keys,
// against the grouping by the keys themselves, hash collisions included.

package analysis

import (
	"reflect"
	"testing"
)

func TestDuplicateGroupsMatchesKeys(t *testing.T) {
	plan := Parse(GeneratePlan(4, 600))
	order, groups := duplicateGroups(plan.Tasks)
	wantOrder, wantGroups := duplicateGroupsByKey(plan.Tasks)
	if len(wantOrder) == 0 {
		t.Fatal("the generated plan has no duplicates to group")
	}
	if !reflect.DeepEqual(order, wantOrder) || !reflect.DeepEqual(groups, wantGroups) {
		t.Errorf("hashed grouping differs from grouping by key")
	}

	// Different keys with the same hash must not be taken for duplicates.
	a := &Task{Key: "alpha", keyHash: 7}
	b := &Task{Key: "beta", keyHash: 7}
	c := &Task{Key: "alpha", keyHash: 7}
	order, groups = duplicateGroups([]*Task{a, b, c})
	if !reflect.DeepEqual(order, []string{"alpha"}) || len(groups["alpha"]) != 2 || groups["beta"] != nil {
		t.Errorf("with a hash collision: order %q, groups %v", order, groups)
	}
	// Tasks built outside the parser have no hash yet.
	order, _ = duplicateGroups([]*Task{{Key: "x"}, {Key: "x"}})
	if !reflect.DeepEqual(order, []string{"x"}) {
		t.Errorf("tasks without a hash: order %q", order)
	}
}
