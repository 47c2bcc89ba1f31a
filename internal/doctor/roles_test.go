package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

// deniedRoles lists buckets in the accounts it holds and denies AssumeRole everywhere else, the
// way the SDK reports a denied AssumeRole behind the call that needed the credentials.
type deniedRoles map[string]bool

func (f deniedRoles) BucketNames(_ context.Context, a string) (map[string][]string, error) {
	if f[a] {
		return map[string][]string{}, nil
	}
	return nil, fmt.Errorf("listing the buckets of %s: %w", a, assumeDenied)
}

var assumeDenied = &smithy.OperationError{ServiceID: "S3", OperationName: "ListBuckets", Err: &smithy.OperationError{
	ServiceID: "STS", OperationName: "AssumeRole", Err: &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform: sts:AssumeRole"}}}

const operatorCaller = "arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_MacieOperator_0123456789abcdef/alice"

// When the read role cannot be assumed in any sampled account, the caller is the likely cause:
// doctor says its role must be in OperatorRoleArns, naming the role, before it names the
// workload stack.
func TestReadRoleDeniedEverywhereNamesOperatorRoleArns(t *testing.T) {
	o := Options{Sample: []string{"a", "b"}, ReadRole: "Read", Caller: operatorCaller}
	r := Run(context.Background(), fakeMacie{}, deniedRoles{}, o)
	for _, c := range r.Checks[:2] {
		if c.Result != Fail || !strings.Contains(c.Detail, "cannot be assumed by "+operatorCaller) ||
			!strings.HasPrefix(c.Remedy, "the read role trusts only the central function's role and the roles of OperatorRoleArns: "+
				"add the caller's role AWSReservedSSO_MacieOperator_0123456789abcdef") ||
			!strings.Contains(c.Remedy, "aws iam get-role --role-name AWSReservedSSO_MacieOperator_0123456789abcdef --query Role.Arn") ||
			!strings.Contains(c.Remedy, "OperatorRoleArns of the central, management and workload stacks") ||
			!strings.Contains(c.Remedy, "MacieSelfServiceOperator") ||
			!strings.Contains(c.Remedy, "if it is there, deploy the workload stack (role Read) to account "+c.Account) {
			t.Errorf("check %+v", c)
		}
	}
}

// When the role is assumed in another sampled account, the caller is trusted: the account lacks
// the workload stack, and the remedy says only that.
func TestReadRoleDeniedInOneAccountNamesTheWorkloadStack(t *testing.T) {
	o := Options{Sample: []string{"a", "b"}, ReadRole: "Read", Caller: operatorCaller}
	r := Run(context.Background(), fakeMacie{}, deniedRoles{"a": true}, o)
	if c := r.Checks[1]; c.Result != Fail || strings.Contains(c.Remedy, "OperatorRoleArns") ||
		!strings.HasPrefix(c.Remedy, "deploy the workload stack (role Read) to account b") {
		t.Errorf("check %+v", c)
	}
}

// A caller that is no role session cannot be named in OperatorRoleArns: doctor says to use a role.
func TestReadRoleDeniedToAUserSaysToUseARole(t *testing.T) {
	for _, caller := range []string{"arn:aws:iam::222222222222:user/alice", "arn:aws:iam::222222222222:root", ""} {
		o := Options{Sample: []string{"a"}, ReadRole: "Read", Caller: caller}
		c := Run(context.Background(), fakeMacie{}, deniedRoles{}, o).Checks[0]
		if !strings.Contains(c.Remedy, "is no role session: run maciectl with a role OperatorRoleArns names") ||
			!strings.Contains(c.Remedy, callerName(caller)) {
			t.Errorf("%q: check %+v", caller, c)
		}
	}
}

// The Organizations read role trusts the same roles: a denied AssumeRole there says so too.
func TestOrgRoleDeniedNamesOperatorRoleArns(t *testing.T) {
	o := Options{SampleError: fmt.Errorf("listing accounts: %w", assumeDenied), Caller: operatorCaller}
	c := Run(context.Background(), fakeMacie{}, deniedRoles{}, o).Checks[0]
	if c.Result != Fail || !strings.HasPrefix(c.Remedy, "the Organizations read role trusts only the central function's role and the roles of OperatorRoleArns") ||
		!strings.HasSuffix(c.Remedy, "; or pass --org-role-arn with a role that may call organizations:ListAccounts") {
		t.Errorf("check %+v", c)
	}
	o.SampleError = errors.New("throttled")
	if c := Run(context.Background(), fakeMacie{}, deniedRoles{}, o).Checks[0]; strings.Contains(c.Remedy, "OperatorRoleArns") {
		t.Errorf("a failure that is not a denied AssumeRole: %+v", c)
	}
}
