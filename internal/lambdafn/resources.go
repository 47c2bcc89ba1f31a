package lambdafn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/macieselfservice/macie-selfservice/internal/awsid"
	"github.com/macieselfservice/macie-selfservice/internal/config"
)

// The custom resource properties. Role says which part the resource plays; DelegatedAdmin also
// takes AdminAccountId and Regions (a list, or a comma-separated string).
const (
	PropRole         = "Role"
	PropAdminAccount = "AdminAccountId"
	PropRegions      = "Regions"
)

// The values of the Role property.
const (
	// RoleDelegatedAdmin designates AdminAccountId as the Macie administrator in every Region of
	// Regions; a stack in the management account, with FUNCTION_MODE=management.
	RoleDelegatedAdmin = "DelegatedAdmin"
	// RoleAdminSetup ensures the managed classification job and the publication of findings in
	// every managed Region; a stack in the administrator account.
	RoleAdminSetup = "AdminSetup"
)

// resource does what the request asks. Delete never removes anything: a designated
// administrator and a classification job stay in place, and the answer says so.
func (h *Handler) resource(ctx context.Context, ev cfn.Event) outcome {
	role, _ := ev.ResourceProperties[PropRole].(string)
	if role != RoleDelegatedAdmin && role != RoleAdminSetup {
		if ev.RequestType == cfn.RequestDelete {
			return outcome{reason: "nothing to delete"}
		}
		return outcome{err: fmt.Errorf("property %s is %q: must be %q or %q", PropRole, role, RoleDelegatedAdmin, RoleAdminSetup)}
	}
	switch {
	case ev.RequestType == cfn.RequestDelete:
		return leftInPlace(role)
	case h.InitErr != nil:
		return outcome{err: fmt.Errorf("invalid configuration: %w", h.InitErr)}
	case role == RoleDelegatedAdmin:
		return h.delegatedAdmin(ctx, ev)
	}
	return h.adminSetup(ctx)
}

func leftInPlace(role string) outcome {
	what := "the Macie administrator stays designated"
	if role == RoleAdminSetup {
		what = "the classification job and the findings publication stay in place"
	}
	return outcome{reason: "deleted the resource only: " + what + " (nothing is ever removed or disabled)",
		data: map[string]string{"LeftInPlace": "true"}}
}

// delegatedAdmin designates the administrator in every Region of the request.
func (h *Handler) delegatedAdmin(ctx context.Context, ev cfn.Event) outcome {
	admin, regions, err := adminProperties(ev.ResourceProperties)
	if err != nil {
		return outcome{err: err}
	}
	if h.OrgAdmin == nil {
		return outcome{err: errors.New("this deployment cannot designate the Macie administrator")}
	}
	var designated, already []string
	var errs []error
	for _, region := range regions {
		changed, err := designate(ctx, h.OrgAdmin(region), region, admin, clientToken(ev.StackID, ev.LogicalResourceID, region, admin))
		h.log().LogAttrs(ctx, slog.LevelInfo, "designate administrator", slog.String("account", admin),
			slog.String("region", region), slog.Bool("changed", changed), slog.Any("error", err))
		switch {
		case err != nil:
			errs = append(errs, err)
		case changed:
			designated = append(designated, region)
		default:
			already = append(already, region)
		}
	}
	data := map[string]string{PropAdminAccount: admin, PropRegions: strings.Join(regions, ","),
		"Designated": strings.Join(designated, ","), "AlreadyDesignated": strings.Join(already, ",")}
	if err := errors.Join(errs...); err != nil {
		return outcome{err: err, data: data}
	}
	return outcome{data: data, reason: fmt.Sprintf("account %s is the Macie administrator in %s", admin, strings.Join(regions, ", "))}
}

// adminProperties reads and checks AdminAccountId and Regions.
func adminProperties(props map[string]any) (string, []string, error) {
	admin, _ := props[PropAdminAccount].(string)
	if err := awsid.Account(admin); err != nil {
		return "", nil, fmt.Errorf("property %s: %w", PropAdminAccount, err)
	}
	regions := stringList(props[PropRegions])
	if len(regions) == 0 {
		return "", nil, fmt.Errorf("property %s: no Region", PropRegions)
	}
	for _, r := range regions {
		if err := awsid.Region(r); err != nil {
			return "", nil, fmt.Errorf("property %s: %w", PropRegions, err)
		}
	}
	return admin, regions, nil
}

// stringList reads a list property: a JSON list of strings or a comma-separated string.
func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return config.List(v)
	case []any:
		var parts []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				parts = append(parts, s)
			}
		}
		return config.List(strings.Join(parts, ","))
	}
	return nil
}

// adminSetup converges the job and publication of every managed Region.
func (h *Handler) adminSetup(ctx context.Context) outcome {
	eng, err := h.engine()
	if err != nil {
		return outcome{err: err}
	}
	s := summarize(TriggerCustomResource, eng.EnsureRegions(ctx), h.DryRun)
	h.report(ctx, s)
	data := map[string]string{"Actions": describeActions(s.Actions)}
	if len(s.Failures) > 0 {
		return outcome{err: errors.New(strings.Join(s.Failures, "; ")), data: data}
	}
	return outcome{data: data, reason: "scan job and findings publication in place; actions: " + data["Actions"]}
}

// describeActions writes counts by kind as "CreateJob=1,EnablePublication=2", or "none".
func describeActions(counts map[string]int) string {
	var parts []string
	for _, k := range sortedKeys(counts) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, counts[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}
