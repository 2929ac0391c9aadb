package members

import (
	"slices"
	"testing"
)

func TestDistinctKeepsTheFirstOfEachId(t *testing.T) {
	got := distinct([]string{"b", "a", "b", "c", "a"})
	if !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Fatalf("%v", got)
	}
}

func TestAnyRefused(t *testing.T) {
	if anyRefused([]BulkResult{{ID: "a", OK: true}, {ID: "b", OK: true, Code: "unchanged"}}) {
		t.Fatal("an unchanged member counts as refused")
	}
	if !anyRefused([]BulkResult{{ID: "a", OK: true}, {ID: "b", Code: "not_found"}}) {
		t.Fatal("a refused member is not seen")
	}
}
