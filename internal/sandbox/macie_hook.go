package sandbox

import "net/http"

// macieHook routes macie2 requests (temporary: the macie package is not built yet).
type macieHook struct{}

func newMacieHook(_ *Sandbox, _ int) macieHook { return macieHook{} }

func (macieHook) serve(w http.ResponseWriter, _ *http.Request, _, _ string) {
	writeRESTJSONError(w, "", newAPIError("UnknownOperationException", 404, "macie2 is not served yet"))
}

func macieOperation(_ *http.Request) string { return "" }
