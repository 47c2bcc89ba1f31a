package sandbox

import (
	"hash/fnv"
	"net/http"
	"strings"
)

// orgJSON is the Organization structure of DescribeOrganization.
type orgJSON struct {
	ID                 string `json:"Id"`
	Arn                string `json:"Arn"`
	FeatureSet         string `json:"FeatureSet"`
	MasterAccountArn   string `json:"MasterAccountArn"`
	MasterAccountID    string `json:"MasterAccountId"`
	MasterAccountEmail string `json:"MasterAccountEmail"`
}

// accountJSON is the Account structure of ListAccounts and DescribeAccount.
type accountJSON struct {
	ID              string  `json:"Id"`
	Arn             string  `json:"Arn"`
	Email           string  `json:"Email"`
	Name            string  `json:"Name"`
	Status          string  `json:"Status"`
	State           string  `json:"State"`
	JoinedMethod    string  `json:"JoinedMethod"`
	JoinedTimestamp float64 `json:"JoinedTimestamp"` // JSON 1.1 timestamps are epoch seconds
}

// parentJSON is one entry of ListParents.
type parentJSON struct {
	ID   string `json:"Id"`
	Type string `json:"Type"`
}

// pageRequest holds the pagination members of Organizations list operations.
type pageRequest struct {
	NextToken  string `json:"NextToken"`
	MaxResults int    `json:"MaxResults"`
}

// orgView is the organization as one call sees it.
type orgView struct {
	org      organization
	accounts []orgAccount
}

func (v orgView) find(id string) (orgAccount, bool) {
	for _, a := range v.accounts {
		if a.ID == id {
			return a, true
		}
	}
	return orgAccount{}, false
}

// serveOrganizations serves the read operations. DescribeOrganization is open to every
// account of the organization (as on AWS); the others only to the management account.
func (s *Sandbox) serveOrganizations(c *call, op string) {
	org, accts, ok := s.world.orgSnapshot()
	v := orgView{org: org, accounts: accts}
	if _, member := v.find(c.who.Account); !ok || !member && c.who.Account != org.management {
		c.fail(newAPIError("AWSOrganizationsNotInUseException", http.StatusBadRequest,
			"Your account is not a member of an organization."))
		return
	}
	if op != "DescribeOrganization" && c.who.Account != org.management {
		c.fail(newAPIError("AccessDeniedException", http.StatusBadRequest, "You don't have permissions to access this resource."))
		return
	}
	var e *apiError
	switch op {
	case "DescribeOrganization":
		mgmt, _ := v.find(org.management)
		writeJSONOK(c, map[string]any{"Organization": orgJSON{
			ID: org.id, Arn: "arn:aws:organizations::" + org.management + ":organization/" + org.id,
			FeatureSet: "ALL", MasterAccountArn: v.accountArn(org.management),
			MasterAccountID: org.management, MasterAccountEmail: mgmt.Email,
		}})
	case "ListAccounts":
		e = s.listAccounts(c, v)
	case "DescribeAccount":
		e = describeAccount(c, v)
	case "ListParents":
		e = s.listParents(c, v)
	default:
		e = unknownOperation(c)
	}
	if e != nil {
		c.fail(e)
	}
}

func (s *Sandbox) listAccounts(c *call, v orgView) *apiError {
	var in pageRequest
	if e := decodeJSON(c, &in); e != nil {
		return e
	}
	if e := checkMaxResults(in.MaxResults); e != nil {
		return e
	}
	page, next, err := paginate(v.accounts, func(a orgAccount) string { return a.ID }, in.NextToken, s.pageSize(in.MaxResults, 20))
	if err != nil {
		return invalidInput("INVALID_NEXT_TOKEN", "The specified pagination token isn't valid.")
	}
	out := make([]accountJSON, 0, len(page))
	for _, a := range page {
		out = append(out, v.accountJSON(a))
	}
	resp := map[string]any{"Accounts": out}
	if next != "" {
		resp["NextToken"] = next
	}
	writeJSONOK(c, resp)
	return nil
}

func describeAccount(c *call, v orgView) *apiError {
	var in struct {
		AccountID string `json:"AccountId"`
	}
	if e := decodeJSON(c, &in); e != nil {
		return e
	}
	if !isAccountID(in.AccountID) {
		return invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern.")
	}
	a, ok := v.find(in.AccountID)
	if !ok {
		return newAPIError("AccountNotFoundException", http.StatusBadRequest, "You specified an account that doesn't exist.")
	}
	writeJSONOK(c, map[string]any{"Account": v.accountJSON(a)})
	return nil
}

// listParents returns the one parent of an account (its OU, or the root) or of an OU (the
// root: the sandbox's OUs are not nested).
func (s *Sandbox) listParents(c *call, v orgView) *apiError {
	var in struct {
		ChildID string `json:"ChildId"`
		pageRequest
	}
	if e := decodeJSON(c, &in); e != nil {
		return e
	}
	if e := checkMaxResults(in.MaxResults); e != nil {
		return e
	}
	root := parentJSON{ID: rootID(v.org.id), Type: "ROOT"}
	var parent parentJSON
	if a, ok := v.find(in.ChildID); ok {
		parent = root
		if a.OU != "" {
			parent = parentJSON{ID: v.ouID(a.OU), Type: "ORGANIZATIONAL_UNIT"}
		}
	} else if v.hasOU(in.ChildID) {
		parent = root
	} else {
		return newAPIError("ChildNotFoundException", http.StatusBadRequest,
			"We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
	}
	if in.NextToken != "" {
		return invalidInput("INVALID_NEXT_TOKEN", "The specified pagination token isn't valid.")
	}
	writeJSONOK(c, map[string]any{"Parents": []parentJSON{parent}})
	return nil
}

func checkMaxResults(n int) *apiError {
	if n < 0 || n > 20 {
		return invalidInput("MAX_VALUE_EXCEEDED", "You provided a value that is outside the allowed range: MaxResults must be between 1 and 20.")
	}
	return nil
}

func invalidInput(reason, msg string) *apiError {
	return &apiError{Code: "InvalidInputException", Status: http.StatusBadRequest, Message: msg, Reason: reason}
}

func (v orgView) accountArn(id string) string {
	return "arn:aws:organizations::" + v.org.management + ":account/" + v.org.id + "/" + id
}

func (v orgView) accountJSON(a orgAccount) accountJSON {
	method := "INVITED"
	if a.ID == v.org.management {
		method = "CREATED"
	}
	return accountJSON{ID: a.ID, Arn: v.accountArn(a.ID), Email: a.Email, Name: a.Name, Status: "ACTIVE",
		State: "ACTIVE", JoinedMethod: method, JoinedTimestamp: float64(a.joined.UnixMilli()) / 1000}
}

// ouID is the id of an account's OU: itself when it already is an OU id, else derived from
// the OU name and the organization's root.
func (v orgView) ouID(ou string) string {
	if strings.HasPrefix(ou, "ou-") {
		return ou
	}
	return "ou-" + strings.TrimPrefix(rootID(v.org.id), "r-") + "-" + shortHash(v.org.id+"/"+ou, 8)
}

func (v orgView) hasOU(id string) bool {
	for _, a := range v.accounts {
		if a.OU != "" && v.ouID(a.OU) == id {
			return true
		}
	}
	return false
}

// rootID derives the organization root's id (r-xxxx) from the organization id.
func rootID(orgID string) string { return "r-" + shortHash(orgID, 4) }

// shortHash is n lowercase base-36 characters derived from s.
func shortHash(s string, n int) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	h := fnv.New64a()
	h.Write([]byte(s))
	v := h.Sum64()
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[v%36]
		v /= 36
	}
	return string(out)
}
