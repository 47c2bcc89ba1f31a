package deploy

// OperatorCalls lists, by the default name of each role, the methods of internal/awsapi/sdk.go
// that maciectl's commands (plan, apply, status, cost, doctor, replay) call through the roles of
// the templates when an operator runs them. The roles trust the roles of the stacks'
// OperatorRoleArns parameter, in sessions named awsapi.OperatorSessionName, and grant those
// sessions exactly these calls, as they grant the function's sessions exactly the function's.
// The tests of this package check the grants against this list; those of cmd/maciectl record
// the calls the commands make on the wire and compare them with it.
var OperatorCalls = map[string][]string{
	"MacieSelfServiceRead":    {"S3API.ListBuckets", "TaggingAPI.GetResources"},
	"MacieSelfServiceOrgRead": {"OrganizationsAPI.DescribeAccount", "OrganizationsAPI.ListAccounts"},
}
