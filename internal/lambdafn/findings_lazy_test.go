package lambdafn

import (
	"context"
	"errors"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/findings"
)

// routerFunc is a FindingsRouter of a function.
type routerFunc func([]findings.Item) []findings.Result

func (f routerFunc) Route(_ context.Context, items []findings.Item) []findings.Result {
	return f(items)
}

func TestLazyFindingsRetriesUntilTheConfigurationIsReadThenBuildsOnce(t *testing.T) {
	reads, builds := 0, 0
	fail := true
	l := &LazyFindings{
		Read: func(context.Context) (config.Config, error) {
			reads++
			if fail {
				return config.Config{}, errors.New("ParameterNotFound")
			}
			return config.Config{AdminAccount: admin}, nil
		},
		Build: func(c config.Config) FindingsRouter {
			builds++
			return routerFunc(func(items []findings.Item) []findings.Result {
				return []findings.Result{{MessageID: items[0].MessageID, Outcome: findings.Published, Reason: c.AdminAccount}}
			})
		},
	}
	items := []findings.Item{{MessageID: "m1", Body: "{}"}}
	if res := l.Route(context.Background(), items); len(res) != 1 || res[0].Outcome != findings.Retry || res[0].MessageID != "m1" {
		t.Fatalf("without a configuration: %+v, want m1 handed back", res)
	}
	fail = false
	for range 2 {
		if res := l.Route(context.Background(), items); res[0].Outcome != findings.Published || res[0].Reason != admin {
			t.Fatalf("with the configuration: %+v", res)
		}
	}
	if reads != 2 || builds != 1 {
		t.Errorf("%d reads and %d builds, want 2 and 1", reads, builds)
	}
}
