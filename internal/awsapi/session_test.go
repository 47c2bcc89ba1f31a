package awsapi

import (
	"context"
	"testing"
)

// The operator's session name reaches STS for both roles maciectl assumes: the templates' trust
// policies let operators open only sessions of that name.
func TestOperatorSessionNameReachesSTS(t *testing.T) {
	w, c := newWire(t, 0, 1)
	b := NewBuckets(c, BucketsOptions{ReadRole: "MacieRead", Self: "100000000000", SessionName: OperatorSessionName})
	if _, _, err := b.Bucket(context.Background(), "222222222222", region, "bucket-a"); err != nil {
		t.Fatal(err)
	}
	d := NewDirectory(c, DirectoryOptions{OrgRoleARN: "arn:aws:iam::999999999999:role/OrgRead", SessionName: OperatorSessionName})
	if _, err := d.Accounts(context.Background()); err != nil {
		t.Fatal(err)
	}
	assumed := w.ops("AssumeRole")
	if len(assumed) != 2 {
		t.Fatalf("AssumeRole requests %+v, want the read role and the Organizations role", assumed)
	}
	for _, a := range assumed {
		if a.session != OperatorSessionName {
			t.Errorf("%s assumed with session %q, want %q", a.roleARN, a.session, OperatorSessionName)
		}
	}
}
