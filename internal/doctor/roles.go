package doctor

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
)

// roleChecks tries the read role in each sampled account. The read roles trust the central
// function's role and the roles of OperatorRoleArns; when AssumeRole is denied in every sampled
// account, the likely cause is the caller, not the accounts, and the remedy says so first.
func roleChecks(ctx context.Context, roles Roles, o Options) []Check {
	if o.SampleError != nil {
		remedy := "pass --org-role-arn with a role that may call organizations:ListAccounts"
		if apierr.AssumeRoleDenied(o.SampleError) {
			remedy = untrusted(o.Caller, "Organizations read role") + "; or " + remedy
		}
		return []Check{fail(Check{Check: CheckReadRole}, fmt.Sprintf("no sample of accounts: %v", o.SampleError), remedy)}
	}
	if len(o.Sample) == 0 {
		return []Check{{Check: CheckReadRole, Result: Skipped, Detail: "no workload account to try",
			Remedy: "raise --sample"}}
	}
	errs := make([]error, len(o.Sample))
	assumed := false
	for i, a := range o.Sample {
		_, errs[i] = roles.BucketNames(ctx, a)
		assumed = assumed || !apierr.AssumeRoleDenied(errs[i])
	}
	out := make([]Check, 0, len(o.Sample))
	for i, a := range o.Sample {
		c := Check{Check: CheckReadRole, Account: a}
		deploy := fmt.Sprintf("deploy the workload stack (role %s) to account %s, or exclude the account in the configuration: add it to ExcludedAccounts of the central stack (a --excluded-accounts flag only changes this command)", o.ReadRole, a)
		switch err := errs[i]; {
		case err == nil:
			out = append(out, pass(c, fmt.Sprintf("role %s assumed; buckets listed", o.ReadRole)))
		case apierr.AssumeRoleDenied(err) && !assumed:
			out = append(out, fail(c, fmt.Sprintf("the read role %s of %s cannot be assumed by %s: %s", o.ReadRole, a, callerName(o.Caller), Brief(err)),
				untrusted(o.Caller, "read role")+"; if it is there, "+deploy))
		default:
			out = append(out, fail(c, fmt.Sprintf("the read role %s of %s cannot list buckets: %s", o.ReadRole, a, Brief(err)), deploy))
		}
	}
	return out
}

// untrusted says what lets the caller assume a role the templates create: its role must be one
// of OperatorRoleArns, a parameter of the three stacks.
func untrusted(caller, what string) string {
	a, err := arn.Parse(caller)
	name, isRole := strings.CutPrefix(a.Resource, "assumed-role/")
	name, _, _ = strings.Cut(name, "/")
	if err != nil || a.Service != "sts" || !isRole || name == "" {
		return fmt.Sprintf("the %s trusts only the central function's role and the roles of OperatorRoleArns, and %s is no role session: run maciectl with a role OperatorRoleArns names", what, callerName(caller))
	}
	return fmt.Sprintf("the %s trusts only the central function's role and the roles of OperatorRoleArns: add the caller's role %s (its ARN, with its path: aws iam get-role --role-name %s --query Role.Arn) to OperatorRoleArns of the central, management and workload stacks, and attach the central stack's policy MacieSelfServiceOperator to it",
		what, name, name)
}

// callerName is the caller's ARN, or a placeholder when it is not known.
func callerName(caller string) string {
	if caller == "" {
		return "the caller"
	}
	return caller
}
