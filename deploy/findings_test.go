package deploy

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/findings"
)

// findingFixture is a sensitive data finding event as Macie publishes it in the administrator
// account 222222222222.
const findingFixture = "../internal/findings/testdata/finding.json"

// findingPatterns returns the findings rules' patterns, the account rendered as 222222222222.
func findingPatterns(t *testing.T) map[string]object {
	t.Helper()
	out := map[string]object{}
	for rule, p := range patternsOf(t, "aws.macie") {
		js := strings.ReplaceAll(mustJSON(t, p), `{"Ref":"AWS::AccountId"}`, `"222222222222"`)
		out[rule] = decodeObject(t, js)
	}
	return out
}

func TestFindingsRulesMatchOnlySensitiveDataFindingsOfThisAccount(t *testing.T) {
	ps := findingPatterns(t)
	if len(ps) != 2 {
		t.Fatalf("want the central findings rule and the forwarding rule, got %d: %v", len(ps), ps)
	}
	data, err := os.ReadFile(findingFixture)
	if err != nil {
		t.Fatal(err)
	}
	variants := map[string]func(ev, d object){
		"a policy finding":        func(_, d object) { d["category"] = "POLICY" },
		"another account's event": func(ev, _ object) { ev["account"] = "333333333333" },
		"another detail-type":     func(ev, _ object) { ev["detail-type"] = "Macie Classification Job Status Change" },
		"a custom source":         func(ev, _ object) { ev["source"] = "team.macie" },
	}
	for rule, p := range ps {
		if ok, err := matches(p, decodeObject(t, string(data))); !ok || err != nil {
			t.Errorf("%s does not match the finding (%v)", rule, err)
		}
		for name, change := range variants {
			ev := decodeObject(t, string(data))
			change(ev, obj(ev["detail"]))
			if ok, err := matches(p, ev); ok || err != nil {
				t.Errorf("%s matched %s (%v)", rule, name, err)
			}
		}
	}
	var all []object
	for _, p := range ps {
		all = append(all, p)
	}
	if !reflect.DeepEqual(all[0], all[1]) {
		t.Errorf("the findings rules differ: %v", all)
	}
}

func TestFindingsReachTheQueueFromEveryRegion(t *testing.T) {
	central := raw(t, Central)
	target := obj(list(one(t, central, Central, "FindingsRule").Props["Targets"])[0])
	if render(target["Arn"]) != "${FindingsQueue.Arn}" || one(t, central, Central, "FindingsRule").Props["EventBusName"] != nil {
		t.Errorf("central findings rule: target %v; want the findings queue, from the default bus", target)
	}
	doc := obj(one(t, central, Central, "FindingsQueuePolicy").Props["PolicyDocument"])
	for _, s := range list(doc["Statement"]) {
		st := obj(s)
		if !reflect.DeepEqual(strs(obj(obj(st["Condition"])["ArnEquals"])["aws:SourceArn"]), []string{"${FindingsRule.Arn}"}) ||
			!reflect.DeepEqual(strs(st["Action"]), []string{"sqs:SendMessage"}) {
			t.Errorf("findings queue policy statement %v: want only the findings rule to send", st)
		}
	}
	q := one(t, central, Central, "FindingsQueue").Props
	if q["SqsManagedSseEnabled"] != true || render(obj(q["RedrivePolicy"])["deadLetterTargetArn"]) != "${FindingsDeadLetterQueue.Arn}" {
		t.Errorf("findings queue %v: want encryption and a dead-letter queue", q)
	}
	esm := one(t, central, Central, "FindingsQueueMapping").Props
	if render(esm["FunctionName"]) != "${Function}" || !reflect.DeepEqual(strs(esm["FunctionResponseTypes"]), []string{"ReportBatchItemFailures"}) {
		t.Errorf("findings event source mapping %v: want the function, with partial batch failures", esm)
	}
	fwd := raw(t, FindingsForward)
	ft := obj(list(one(t, fwd, FindingsForward, "FindingsForwardRule").Props["Targets"])[0])
	if render(ft["Arn"]) != "arn:${AWS::Partition}:events:${HomeRegion}:${AWS::AccountId}:event-bus/default" ||
		render(ft["RoleArn"]) != "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${FindingsForwardRoleName}" {
		t.Errorf("forwarding rule target %v: want the home Region's default bus, with the central stack's role", ft)
	}
	sameDefault(t, "FindingsForwardRoleName", Central, FindingsForward)
	if got := render(one(t, central, Central, "FindingsForwardRole").Props["RoleName"]); got != "${FindingsForwardRoleName}" {
		t.Errorf("FindingsForwardRole is named %s", got)
	}
}

// TestFunctionPublishesOnlyInsideTheOrganization: sns:Publish and the topics' KMS keys only on
// resources of the organization's accounts, the keys only through SNS.
func TestFunctionPublishesOnlyInsideTheOrganization(t *testing.T) {
	props := one(t, raw(t, Central), Central, "FunctionRole").Props
	seen := 0
	for _, p := range list(props["Policies"]) {
		for _, s := range list(obj(obj(p)["PolicyDocument"])["Statement"]) {
			st := obj(s)
			actions := strs(st["Action"])
			if !strings.HasPrefix(actions[0], "sns:") && !strings.HasPrefix(actions[0], "kms:") {
				continue
			}
			seen++
			cond := obj(st["Condition"])
			if got := strs(obj(cond["StringEquals"])["aws:ResourceOrgID"]); !reflect.DeepEqual(got, []string{organizationRef}) {
				t.Errorf("statement %v: aws:ResourceOrgID %v, want %s", st["Sid"], got, organizationRef)
			}
			if strings.HasPrefix(actions[0], "kms:") {
				if got := strs(obj(cond["StringLike"])["kms:ViaService"]); !reflect.DeepEqual(got, []string{"sns.*.amazonaws.com"}) {
					t.Errorf("statement %v: kms:ViaService %v, want SNS only", st["Sid"], got)
				}
			}
		}
	}
	if seen != 2 {
		t.Errorf("%d SNS/KMS statements, want 2 (publish, the topics' keys)", seen)
	}
}

// TestFindingsTopicTrustsOnlyTheCentralFunction: the workload topic, its policy and its key.
func TestFindingsTopicTrustsOnlyTheCentralFunction(t *testing.T) {
	tpl := raw(t, Workload)
	topic := one(t, tpl, Workload, "FindingsTopic")
	if topic.Props["TopicName"] != findings.TopicName || render(topic.Props["KmsMasterKeyId"]) != "${FindingsKey}" {
		t.Errorf("topic %v: want %s, encrypted with the stack's key", topic.Props, findings.TopicName)
	}
	pol := one(t, tpl, Workload, "FindingsTopicPolicy").Props
	if !reflect.DeepEqual(strs(pol["Topics"]), []string{"${FindingsTopic}"}) {
		t.Errorf("topic policy is on %v", pol["Topics"])
	}
	for _, s := range list(obj(pol["PolicyDocument"])["Statement"]) {
		st := obj(s)
		if st["Effect"] != "Allow" || !reflect.DeepEqual(strs(st["Action"]), []string{"sns:Publish"}) ||
			!reflect.DeepEqual(strs(st["Resource"]), []string{"${FindingsTopic}"}) {
			t.Errorf("topic policy statement %v: want only sns:Publish on this topic", st)
		}
		checkCentralOnly(t, role{Workload, "FindingsTopicPolicy"}, st)
	}
	for _, s := range list(obj(one(t, tpl, Workload, "FindingsKey").Props["KeyPolicy"])["Statement"]) {
		st := obj(s)
		if reflect.DeepEqual(strs(obj(st["Principal"])["AWS"]), []string{"arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}) {
			continue // the account administers its own key
		}
		if !reflect.DeepEqual(strs(st["Action"]), []string{"kms:GenerateDataKey", "kms:Decrypt"}) {
			t.Errorf("key policy statement %v: want only what publishing needs", st["Sid"])
		}
		eq := obj(obj(st["Condition"])["StringEquals"])
		if got := strs(eq["kms:ViaService"]); !reflect.DeepEqual(got, []string{"sns.${AWS::Region}.amazonaws.com"}) {
			t.Errorf("key policy statement %v: kms:ViaService %v, want this Region's SNS", st["Sid"], got)
		}
		delete(eq, "kms:ViaService")
		checkCentralOnly(t, role{Workload, "FindingsKey"}, st)
	}
	for _, id := range []string{"FindingsKey", "FindingsTopic", "FindingsTopicPolicy"} {
		if r := one(t, tpl, Workload, id); r.Condition != "IsHomeRegion" {
			t.Errorf("%s: want it only in the home Region (Condition: IsHomeRegion)", id)
		}
	}
}
