package sandbox

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
)

// apiError is an AWS error response before it is written in a protocol's shape.
type apiError struct {
	Code    string
	Status  int
	Message string
	Bucket  string // S3: the BucketName element
	Reason  string // Organizations InvalidInputException: the Reason member
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newAPIError(code string, status int, format string, args ...any) *apiError {
	return &apiError{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

// writeError writes e in the shape of the service's protocol.
func writeError(w http.ResponseWriter, r *http.Request, svc, reqID string, e *apiError) {
	switch svc {
	case svcS3:
		writeS3Error(w, r, reqID, e)
	case svcSTS:
		writeQueryError(w, reqID, e)
	case svcSNS:
		writeSNSError(w, reqID, e)
	case svcMacie:
		writeRESTJSONError(w, reqID, e)
	default:
		writeJSONError(w, reqID, e)
	}
}

// s3ErrorBody is S3's REST-XML error document.
type s3ErrorBody struct {
	XMLName    xml.Name `xml:"Error"`
	Code       string   `xml:"Code"`
	Message    string   `xml:"Message"`
	BucketName string   `xml:"BucketName,omitempty"`
	RequestID  string   `xml:"RequestId"`
	HostID     string   `xml:"HostId"`
}

// writeS3Error writes an S3 error; HEAD responses carry no body, as on AWS.
func writeS3Error(w http.ResponseWriter, r *http.Request, reqID string, e *apiError) {
	w.Header().Set("x-amz-request-id", reqID)
	w.Header().Set("x-amz-id-2", hostID(reqID))
	if r.Method == http.MethodHead {
		w.WriteHeader(e.Status)
		return
	}
	writeXML(w, e.Status, s3ErrorBody{Code: e.Code, Message: e.Message, BucketName: e.Bucket,
		RequestID: reqID, HostID: hostID(reqID)})
}

// queryErrorBody is the Query protocol's (STS) error document.
type queryErrorBody struct {
	XMLName   xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

func writeQueryError(w http.ResponseWriter, reqID string, e *apiError) {
	kind := "Sender"
	if e.Status >= 500 {
		kind = "Receiver"
	}
	w.Header().Set("x-amzn-RequestId", reqID)
	writeXML(w, e.Status, queryErrorBody{Type: kind, Code: e.Code, Message: e.Message, RequestID: reqID})
}

// snsErrorBody is SNS's Query-protocol error document.
type snsErrorBody struct {
	XMLName   xml.Name `xml:"http://sns.amazonaws.com/doc/2010-03-31/ ErrorResponse"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

func writeSNSError(w http.ResponseWriter, reqID string, e *apiError) {
	kind := "Sender"
	if e.Status >= 500 {
		kind = "Receiver"
	}
	w.Header().Set("x-amzn-RequestId", reqID)
	writeXML(w, e.Status, snsErrorBody{Type: kind, Code: e.Code, Message: e.Message, RequestID: reqID})
}

// writeJSONError writes an AWS JSON 1.1 error: the code in X-Amzn-ErrorType and __type.
func writeJSONError(w http.ResponseWriter, reqID string, e *apiError) {
	body := map[string]string{"__type": e.Code, "Message": e.Message}
	if e.Reason != "" {
		body["Reason"] = e.Reason
	}
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.Header().Set("x-amzn-RequestId", reqID)
	writeJSON(w, e.Status, "application/x-amz-json-1.1", body)
}

// writeRESTJSONError writes a REST-JSON (macie2) error: X-Amzn-ErrorType and {"message"}.
func writeRESTJSONError(w http.ResponseWriter, reqID string, e *apiError) {
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.Header().Set("x-amzn-RequestId", reqID)
	writeJSON(w, e.Status, "application/json", map[string]string{"message": e.Message})
}

func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, "encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// hostID derives S3's x-amz-id-2 from the request id.
func hostID(reqID string) string { return "sandbox/" + reqID }
