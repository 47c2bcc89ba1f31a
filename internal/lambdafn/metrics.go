package lambdafn

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// Namespace is the CloudWatch namespace of the function's metrics.
const Namespace = "MacieSelfService"

// Metrics writes CloudWatch metrics in the Embedded Metric Format: one JSON line per call whose
// "_aws" member tells CloudWatch Logs which members are metrics and which are dimensions. Lambda
// ships stdout to CloudWatch Logs, which extracts the metrics; no API call is made. It is safe
// for concurrent use.
type Metrics struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
}

// NewMetrics returns a Metrics writing to w (os.Stdout in Lambda).
func NewMetrics(w io.Writer) *Metrics { return &Metrics{w: w, now: time.Now} }

// emfMetadata is the "_aws" member of an EMF document.
type emfMetadata struct {
	Timestamp         int64          `json:"Timestamp"`
	CloudWatchMetrics []emfDirective `json:"CloudWatchMetrics"`
}

type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

// Emit writes one EMF line: every value is a metric (unit Count) under the given dimensions,
// whose names and values are written as members of the line too. A nil Metrics emits nothing.
func (m *Metrics) Emit(dims map[string]string, values map[string]int) error {
	if m == nil || m.w == nil || len(values) == 0 {
		return nil
	}
	doc := make(map[string]any, len(dims)+len(values)+1)
	dimNames := sortedKeys(dims)
	for _, k := range dimNames {
		doc[k] = dims[k]
	}
	var metrics []emfMetric
	for _, k := range sortedKeys(values) {
		doc[k] = values[k]
		metrics = append(metrics, emfMetric{Name: k, Unit: "Count"})
	}
	doc["_aws"] = emfMetadata{
		Timestamp:         m.now().UnixMilli(),
		CloudWatchMetrics: []emfDirective{{Namespace: Namespace, Dimensions: [][]string{dimNames}, Metrics: metrics}},
	}
	line, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encoding metrics: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.w.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("writing metrics: %w", err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
