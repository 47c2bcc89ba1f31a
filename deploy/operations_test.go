package deploy

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/lambdafn"
)

// metricsFile is where the function writes its metrics (Summary.metrics).
const metricsFile = "../internal/lambdafn/summary.go"

// notYetEmitted are metrics the dashboard shows before the function counts them (none now). The
// test fails once the function emits one, so that it leaves this list.
var notYetEmitted = []string{}

// emitted parses the function's metrics code and returns the metric names and the dimension
// names it writes: the string keys of the maps it passes to Metrics.Emit (first argument:
// dimensions) or fills in (values["X"] = ...).
func emitted(t *testing.T) (metrics, dims []string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), metricsFile, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Emit" && len(x.Args) == 2 {
				dims = append(dims, literalKeys(x.Args[0])...)
				metrics = append(metrics, literalKeys(x.Args[1])...)
			}
		case *ast.AssignStmt:
			for _, lhs := range x.Lhs {
				if ix, ok := lhs.(*ast.IndexExpr); ok && isIdent(ix.X, "values") {
					metrics = append(metrics, stringLit(ix.Index)...)
				}
			}
			if len(x.Lhs) == 1 && isIdent(x.Lhs[0], "values") {
				metrics = append(metrics, literalKeys(x.Rhs[0])...)
			}
		}
		return true
	})
	return sortedSet(metrics), sortedSet(dims)
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// literalKeys returns the string keys of a map literal.
func literalKeys(e ast.Expr) []string {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	var keys []string
	for _, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			keys = append(keys, stringLit(kv.Key)...)
		}
	}
	return keys
}

func stringLit(e ast.Expr) []string {
	if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
		if s, err := strconv.Unquote(b.Value); err == nil {
			return []string{s}
		}
	}
	return nil
}

// metricRef is one metric a dashboard or an alarm reads.
type metricRef struct{ Namespace, Name, DimName, DimValue string }

var searchExpr = regexp.MustCompile(`SEARCH\('\{([^,}]+),([^}]+)\} MetricName="([^"]+)"'`)

// dashboard returns the dashboard body as JSON, intrinsic references filled in.
func dashboard(t *testing.T) object {
	t.Helper()
	tpl := raw(t, Central)
	body := render(one(t, tpl, Central, "Dashboard").Props["DashboardBody"])
	var d object
	if err := json.Unmarshal([]byte(placeholder.ReplaceAllString(body, "x")), &d); err != nil {
		t.Fatalf("dashboard body is not JSON: %v", err)
	}
	return d
}

// dashboardMetrics lists the metrics of every metric widget, SEARCH expressions included.
func dashboardMetrics(t *testing.T, d object) []metricRef {
	t.Helper()
	var out []metricRef
	for _, w := range list(d["widgets"]) {
		props := obj(obj(w)["properties"])
		for _, m := range list(props["metrics"]) {
			row := list(m)
			if len(row) == 4 {
				out = append(out, metricRef{row[0].(string), row[1].(string), row[2].(string), row[3].(string)})
				continue
			}
			expr, _ := obj(row[0])["expression"].(string)
			s := searchExpr.FindStringSubmatch(expr)
			if s == nil {
				t.Fatalf("dashboard: a metric neither [namespace, name, dimension, value] nor a SEARCH: %v", row)
			}
			out = append(out, metricRef{s[1], s[3], s[2], ""})
		}
	}
	return out
}

// alarmMetrics lists the metrics every alarm of the central template reads.
func alarmMetrics(t *testing.T) map[string][]metricRef {
	t.Helper()
	out := map[string][]metricRef{}
	for _, r := range resources(raw(t, Central), Central, "AWS::CloudWatch::Alarm") {
		metrics := []object{r.Props}
		for _, m := range list(r.Props["Metrics"]) {
			if st := obj(obj(m)["MetricStat"]); st != nil {
				metrics = append(metrics, obj(st["Metric"]))
			}
		}
		for _, m := range metrics {
			if m["MetricName"] == nil {
				continue
			}
			dim := obj(list(m["Dimensions"])[0])
			out[r.ID] = append(out[r.ID], metricRef{render(m["Namespace"]), render(m["MetricName"]), render(dim["Name"]), render(dim["Value"])})
		}
	}
	return out
}

// TestDashboardAndAlarmsReadWhatTheFunctionEmits checks every metric of the namespace the
// dashboard and the alarms read against the function's metrics code: names, dimensions and
// trigger values.
func TestDashboardAndAlarmsReadWhatTheFunctionEmits(t *testing.T) {
	metrics, dims := emitted(t)
	if len(metrics) < 5 || len(dims) < 2 {
		t.Fatalf("found metrics %v and dimensions %v in %s: the parser missed them", metrics, dims, metricsFile)
	}
	for _, m := range notYetEmitted {
		if slices.Contains(metrics, m) {
			t.Errorf("the function emits %s now: take it out of notYetEmitted", m)
		}
	}
	refs := dashboardMetrics(t, dashboard(t))
	for _, ms := range alarmMetrics(t) {
		refs = append(refs, ms...)
	}
	triggers := []string{lambdafn.TriggerSQS, lambdafn.TriggerSchedule, lambdafn.TriggerCustomResource}
	for _, r := range refs {
		if r.Namespace != lambdafn.Namespace {
			continue
		}
		if !slices.Contains(metrics, r.Name) && !slices.Contains(notYetEmitted, r.Name) {
			t.Errorf("%s is not a metric the function emits (%v)", r.Name, metrics)
		}
		if !slices.Contains(dims, r.DimName) {
			t.Errorf("%s: dimension %s is not one the function writes (%v)", r.Name, r.DimName, dims)
		}
		if r.DimName == "Trigger" && !slices.Contains(triggers, r.DimValue) {
			t.Errorf("%s: trigger %q is not one of %v", r.Name, r.DimValue, triggers)
		}
	}
}

// TestDashboardCoversOperations checks the dashboard shows what an operator needs: events,
// reconciles, actions by kind, failures, throttles, stale retries, the sweep's shards, the
// dead-letter queue, and every alarm of the stack.
func TestDashboardCoversOperations(t *testing.T) {
	d := dashboard(t)
	var shown []string
	for _, r := range dashboardMetrics(t, d) {
		shown = append(shown, r.Name)
	}
	for _, want := range []string{"EventsSeen", "Reconciles", "Pending", "Actions", "Failures", "ActionsFailed", "Throttles", "StaleMessagesBackedOff",
		"ShardsEnqueued", "ShardsDone", "ShardsFailed", "ApproximateNumberOfMessagesVisible"} {
		if !slices.Contains(shown, want) {
			t.Errorf("the dashboard does not show %s", want)
		}
	}
	body := render(one(t, raw(t, Central), Central, "Dashboard").Props["DashboardBody"])
	for id := range alarmMetrics(t) {
		if !strings.Contains(body, "${"+id+".Arn}") {
			t.Errorf("the dashboard's alarm widget does not show %s", id)
		}
	}
	if !strings.Contains(body, "${DeadLetterQueue.QueueName}") {
		t.Error("the dead-letter depth is not read from this stack's queue")
	}
}

// TestOperationsAlarms checks what each alarm watches and how it treats a period without data.
func TestOperationsAlarms(t *testing.T) {
	tpl := raw(t, Central)
	alarms := alarmMetrics(t)
	failures := alarms["FailuresAlarm"]
	if len(failures) != 2 || failures[0].Name != "Failures" || failures[1].Name != "Failures" ||
		failures[0].DimValue != lambdafn.TriggerSQS || failures[1].DimValue != lambdafn.TriggerSchedule {
		t.Errorf("FailuresAlarm reads %+v, want Failures of the sqs and schedule triggers", failures)
	}
	if p := alarms["PendingAlarm"]; len(p) != 2 || p[0].Name != "Pending" || p[1].Name != "Pending" ||
		p[0].DimValue != lambdafn.TriggerSQS || p[1].DimValue != lambdafn.TriggerSchedule {
		t.Errorf("PendingAlarm reads %+v, want Pending of the sqs trigger (sweep shards) and the schedule trigger (whole sweeps)", p)
	}
	// Pending comes only with invocations: a period without data must keep the state.
	if got := one(t, tpl, Central, "PendingAlarm").Props["TreatMissingData"]; got != "ignore" {
		t.Errorf("PendingAlarm treats missing data as %v, want ignore", got)
	}
	for id := range alarms {
		if actions := render(one(t, tpl, Central, id).Props["AlarmActions"]); !strings.Contains(actions, "AlarmTopicArn") {
			t.Errorf("%s does not notify AlarmTopicArn: %s", id, actions)
		}
	}
}
