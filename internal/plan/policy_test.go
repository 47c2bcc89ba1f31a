package plan

import "testing"

func TestPolicy(t *testing.T) {
	for in, want := range map[string]Policy{"": Sync, "sync": Sync, "no-pause": NoPause} {
		if got, err := ParsePolicy(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	if _, err := ParsePolicy("No-Pause"); err == nil {
		t.Error("policy names are exact")
	}
	p := Plan{Actions: []Action{{Kind: PauseMember}, {Kind: CreateMember}, {Kind: PauseMember},
		{Kind: CancelJob}}, Warnings: []Warning{{Message: "w"}}}
	got, held := NoPause.Filter(p)
	if held != 2 || len(got.Actions) != 2 || got.Actions[0].Kind != CreateMember || got.Actions[1].Kind != CancelJob ||
		len(got.Warnings) != 1 {
		t.Fatalf("no-pause: %+v, held %d", got, held)
	}
	if got, held := Sync.Filter(p); held != 0 || len(got.Actions) != 4 {
		t.Fatalf("sync: %+v, held %d", got, held)
	}
}
