// Package deploy holds the CloudFormation templates of a deployment in an AWS Organization:
//
//   - cloudformation/management.yaml, in the management account: designates the delegated Macie
//     administrator in every managed Region and lets the central function read the organization's
//     accounts;
//   - cloudformation/central.yaml, in the delegated Macie administrator account: the
//     organization's event bus, the queue, the function, its schedule and its role;
//   - cloudformation/workload.yaml, a service-managed StackSet for every workload account and
//     managed Region: forwards the S3 events and creates the read-only role and the findings topic;
//   - cloudformation/findings-forward.yaml, in the administrator account, every managed Region
//     other than the central stack's: forwards Macie findings to the central stack's Region;
//   - cloudformation/guardrails.yaml, optional, in the management account: a service control
//     policy that keeps the workload accounts from changing what the self-service depends on or
//     leaving Macie coverage.
//
// OperatorCalls lists what maciectl, run by an operator, calls through the templates' roles.
//
// The templates use the long form of intrinsic functions (Fn::Sub, Ref, Fn::GetAtt as maps), so
// that any YAML parser reads them. The package's tests parse them into typed CloudFormation
// resources, match their event patterns against CloudTrail samples and check that every role can
// make exactly the calls the code makes.
package deploy

import "embed"

// Template file names inside Templates.
const (
	Management = "cloudformation/management.yaml"
	Central    = "cloudformation/central.yaml"
	Workload   = "cloudformation/workload.yaml"
	// FindingsForward forwards findings of the other managed Regions.
	FindingsForward = "cloudformation/findings-forward.yaml"
	// Guardrails is optional: a service control policy for the workload OUs.
	Guardrails = "cloudformation/guardrails.yaml"
)

// Templates holds the templates.
//
//go:embed cloudformation/*.yaml
var Templates embed.FS

// Names lists the templates every deployment needs, in deployment order (Guardrails, optional,
// is not one of them; FindingsForward is needed in every managed Region but the central stack's).
var Names = []string{Management, Central, FindingsForward, Workload}
