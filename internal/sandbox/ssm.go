package sandbox

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// ssmTarget is the JSON 1.1 X-Amz-Target prefix of AWS Systems Manager.
const ssmTarget = "AmazonSSM."

// Parameter Store limits ("Managing parameter tiers", AWS Systems Manager User Guide): a
// standard parameter holds up to 4 KB, an advanced one up to 8 KB.
const (
	maxStandardValue = 4096
	maxAdvancedValue = 8192
)

// parameterNameRE is the character set of parameter names (PutParameter, Name): letters,
// digits and _.-/ ; a hierarchy starts with a slash.
var parameterNameRE = regexp.MustCompile(`^/?[a-zA-Z0-9_.\-]+(/[a-zA-Z0-9_.\-]+)*$`)

// ssmStore holds the Parameter Store of every account and Region. Its zero value is empty.
type ssmStore struct {
	mu     sync.Mutex
	params map[paramKey]parameter
}

// paramKey names a parameter: parameters belong to one account and one Region.
type paramKey struct{ account, region, name string }

type parameter struct {
	Type, Value, Tier, DataType string
	Version                     int64
	Modified                    time.Time
}

// parameterJSON is the Parameter structure of GetParameter.
type parameterJSON struct {
	Name             string  `json:"Name"`
	Type             string  `json:"Type"`
	Value            string  `json:"Value"`
	Version          int64   `json:"Version"`
	LastModifiedDate float64 `json:"LastModifiedDate"` // JSON 1.1 timestamps are epoch seconds
	ARN              string  `json:"ARN"`
	DataType         string  `json:"DataType"`
}

// PutParameter creates or replaces a String parameter directly, as setup (the central stack's
// configuration parameter).
func (s *Sandbox) PutParameter(account, region, name, value string) {
	// With a type and overwrite, put cannot fail.
	_, _ = s.ssm.put(paramKey{account, region, name}, parameter{Type: "String", Value: value, Tier: "Standard", DataType: "text"}, true, s.now())
}

// put stores p under k; without overwrite an existing parameter is refused. It returns the new
// version.
func (st *ssmStore) put(k paramKey, p parameter, overwrite bool, now time.Time) (int64, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.params == nil {
		st.params = map[paramKey]parameter{}
	}
	old, exists := st.params[k]
	if exists && !overwrite {
		return 0, newAPIError("ParameterAlreadyExists", http.StatusBadRequest,
			"The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
	}
	if p.Type == "" {
		if !exists {
			return 0, newAPIError("ValidationException", http.StatusBadRequest, "A parameter type is required when you create a parameter.")
		}
		p.Type = old.Type
	}
	p.Version, p.Modified = old.Version+1, now
	st.params[k] = p
	return p.Version, nil
}

func (st *ssmStore) get(k paramKey) (parameter, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	p, ok := st.params[k]
	return p, ok
}

// serveSSM serves GetParameter and PutParameter of Parameter Store (AWS Systems Manager API
// Reference, GetParameter and PutParameter), in the caller's account and the signed Region.
// SecureString parameters are refused: the sandbox does not model KMS.
func (s *Sandbox) serveSSM(c *call, op string) {
	var e *apiError
	switch op {
	case "GetParameter":
		e = s.getParameter(c)
	case "PutParameter":
		e = s.putParameter(c)
	default:
		e = unknownOperation(c)
	}
	if e != nil {
		c.fail(e)
	}
}

func (s *Sandbox) getParameter(c *call) *apiError {
	var in struct {
		Name           string `json:"Name"`
		WithDecryption bool   `json:"WithDecryption"`
	}
	if e := decodeJSON(c, &in); e != nil {
		return e
	}
	name := parameterName(in.Name)
	p, ok := s.ssm.get(paramKey{c.who.Account, c.region, name})
	if !ok {
		// AWS answers a missing parameter with an empty message.
		return newAPIError("ParameterNotFound", http.StatusBadRequest, "")
	}
	writeJSONOK(c, map[string]any{"Parameter": parameterJSON{
		Name: name, Type: p.Type, Value: p.Value, Version: p.Version, DataType: p.DataType,
		LastModifiedDate: float64(p.Modified.UnixMilli()) / 1000, ARN: parameterARN(c.region, c.who.Account, name),
	}})
	return nil
}

// putParameterInput holds the members of PutParameter the sandbox reads.
type putParameterInput struct {
	Name      string `json:"Name"`
	Value     string `json:"Value"`
	Type      string `json:"Type"`
	Overwrite bool   `json:"Overwrite"`
	Tier      string `json:"Tier"`
	DataType  string `json:"DataType"`
}

func (s *Sandbox) putParameter(c *call) *apiError {
	var in putParameterInput
	if e := decodeJSON(c, &in); e != nil {
		return e
	}
	if e := in.validate(); e != nil {
		return e
	}
	version, e := s.ssm.put(paramKey{c.who.Account, c.region, in.Name},
		parameter{Type: in.Type, Value: in.Value, Tier: in.Tier, DataType: in.DataType}, in.Overwrite, s.now())
	if e != nil {
		return e
	}
	writeJSONOK(c, map[string]any{"Version": version, "Tier": in.Tier})
	return nil
}

// validate refuses what PutParameter refuses, and fills in the defaults (tier Standard, data
// type text).
func (in *putParameterInput) validate() *apiError {
	invalid := func(format string, args ...any) *apiError {
		return newAPIError("ValidationException", http.StatusBadRequest, format, args...)
	}
	in.Tier = or(in.Tier, "Standard")
	in.DataType = or(in.DataType, "text")
	if e := checkParameterName(in.Name); e != nil {
		return e
	}
	switch {
	case in.Type == "SecureString":
		return invalid("The sandbox does not model KMS: SecureString parameters are not supported.")
	case in.Type != "" && in.Type != "String" && in.Type != "StringList":
		return invalid("1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]", in.Type)
	case in.Value == "":
		return invalid("1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1")
	case in.Tier != "Standard" && in.Tier != "Advanced" && in.Tier != "Intelligent-Tiering":
		return invalid("1 validation error detected: Value '%s' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]", in.Tier)
	case in.Tier == "Standard" && len(in.Value) > maxStandardValue:
		return invalid("Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html")
	case len(in.Value) > maxAdvancedValue:
		return invalid("Advanced tier parameters support a maximum parameter value of 8192 characters.")
	}
	if in.Tier == "Intelligent-Tiering" {
		in.Tier = "Standard" // Parameter Store picks the lowest tier that fits
		if len(in.Value) > maxStandardValue {
			in.Tier = "Advanced"
		}
	}
	return nil
}

// checkParameterName refuses a name PutParameter refuses: characters outside the set, more
// than 2048 characters, or a reserved prefix.
func checkParameterName(name string) *apiError {
	switch {
	case len(name) > 2048 || !parameterNameRE.MatchString(name):
		return newAPIError("ValidationException", http.StatusBadRequest, "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". Valid example: /get/parameters2-/by1./path0_.")
	case reservedPrefix(name):
		return newAPIError("ValidationException", http.StatusBadRequest, "No access to reserved parameter name: %s.", name)
	}
	return nil
}

func reservedPrefix(name string) bool {
	n := strings.ToLower(strings.TrimPrefix(name, "/"))
	return strings.HasPrefix(n, "aws") || strings.HasPrefix(n, "ssm")
}

// parameterName accepts a name or a parameter ARN (arn:aws:ssm:region:account:parameter/name).
func parameterName(nameOrARN string) string {
	if !strings.HasPrefix(nameOrARN, "arn:") {
		return nameOrARN
	}
	_, rest, ok := strings.Cut(nameOrARN, ":parameter")
	if !ok {
		return nameOrARN
	}
	if strings.Count(rest, "/") > 1 {
		return rest // a hierarchy: the ARN holds the leading slash
	}
	return strings.TrimPrefix(rest, "/")
}

// parameterARN is a parameter's ARN: a name starting with a slash follows "parameter" directly.
func parameterARN(region, account, name string) string {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	return "arn:aws:ssm:" + region + ":" + account + ":parameter" + name
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
