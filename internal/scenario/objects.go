package scenario

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Bounds of the values that describe objects and time.
const (
	maxObjects = 1e12 // per group: a trillion objects
	maxSizeGB  = 1e8  // per group: about 100 PiB
	maxAgeDays = 36_500
	// maxAdvanceHours bounds one advance step (a leap year).
	maxAdvanceHours = 366 * 24
	// maxPeriodHours bounds inventoryRefreshHours and reconcileEveryHours (a week).
	maxPeriodHours = 7 * 24
)

// Defaults of the keys about objects and time.
const (
	DefaultInventoryRefreshHours = 24
	DefaultReconcileEveryHours   = 6
	// DefaultSensitiveType is the type of the sensitive objects of a group that names none.
	DefaultSensitiveType  = "PERSONAL_INFORMATION"
	bytesPerDefaultObject = 1 << 20
)

// Objects is a group of objects alike: how many, their total size, and how many of them hold
// sensitive data of which type, as a scenario gives them.
type Objects struct {
	Count, SizeGB, SensitiveCount float64
	SensitiveType                 string
}

// sensitiveTypes are the sensitive data categories a group can hold.
var sensitiveTypes = []string{"CREDENTIALS", "FINANCIAL_INFORMATION", "PERSONAL_INFORMATION"}

// SizeBytes is the group's total size in bytes.
func (o Objects) SizeBytes() int64 { return int64(math.Round(o.SizeGB * (1 << 30))) }

// N is the number of objects: Count, or one object per MiB of SizeGB (at least one) when only
// the size is given.
func (o Objects) N() int64 {
	if o.Count > 0 || o.SizeGB <= 0 {
		return int64(o.Count)
	}
	return max(1, o.SizeBytes()/bytesPerDefaultObject)
}

// Sensitive is the number of objects that hold sensitive data.
func (o Objects) Sensitive() int64 { return int64(o.SensitiveCount) }

// Type is the sensitive data type, DefaultSensitiveType when none is named.
func (o Objects) Type() string { return cmp.Or(o.SensitiveType, DefaultSensitiveType) }

// Age is how long before the start the bucket's objects were last modified.
func (b Bucket) Age() time.Duration { return hours(b.AgeDays * 24) }

// StatusOrDefault is the status, ENABLED when none is given.
func (a AutomatedDiscovery) StatusOrDefault() string { return cmp.Or(a.Status, "ENABLED") }

// AutoEnableOrDefault is the organization setting, ALL (the AWS default) when none is given.
func (a AutomatedDiscovery) AutoEnableOrDefault() string {
	return cmp.Or(a.AutoEnableOrganizationMembers, "ALL")
}

// Duration is how much virtual time the step lets pass.
func (a Advance) Duration() time.Duration { return hours(a.Hours + a.Minutes/60) }

// InventoryRefresh is the period of Macie's bucket inventory refresh.
func (i Initial) InventoryRefresh() time.Duration {
	return hours(cmp.Or(i.InventoryRefreshHours, DefaultInventoryRefreshHours))
}

// ReconcileEvery is the period of the scheduled full reconcile.
func (c Config) ReconcileEvery() time.Duration {
	return hours(cmp.Or(c.ReconcileEveryHours, DefaultReconcileEveryHours))
}

// hours converts hours to a duration, rounded to the second.
func hours(h float64) time.Duration {
	return time.Duration(math.Round(h*3600)) * time.Second
}

// objects checks a group of objects at path.
func objects(path string, o Objects) error {
	if !whole(o.Count, maxObjects) {
		return errAt(path+".objects", "objects must be a whole number between 0 and %.0f", float64(maxObjects))
	}
	if !within(o.SizeGB, maxSizeGB) {
		return errAt(path+".sizeGB", "sizeGB must be between 0 and %.0f", float64(maxSizeGB))
	}
	if !whole(o.SensitiveCount, float64(o.N())) {
		return errAt(path+".sensitiveObjects", "sensitiveObjects must be a whole number between 0 and the number of objects (%d)", o.N())
	}
	if o.SensitiveType != "" && !slices.Contains(sensitiveTypes, o.SensitiveType) {
		return errAt(path+".sensitiveType", "sensitiveType %q must be CREDENTIALS, FINANCIAL_INFORMATION or PERSONAL_INFORMATION", o.SensitiveType)
	}
	return nil
}

func (c *checker) putObjects(path string, p PutObjects) error {
	if err := c.existing(path, BucketRef{Account: p.Account, Bucket: p.Bucket}); err != nil {
		return err
	}
	if err := objects(path, p.Group()); err != nil {
		return err
	}
	if p.Group().N() == 0 {
		return errAt(path+".objects", "put at least one object (objects or sizeGB)")
	}
	return nil
}

func advance(path string, a Advance) error {
	if !within(a.Hours, maxAdvanceHours) || !within(a.Minutes, maxAdvanceHours*60) {
		return errAt(path, "hours and minutes must be between 0 and %d hours", maxAdvanceHours)
	}
	if d := a.Duration(); d < time.Second || d > maxAdvanceHours*time.Hour {
		return errAt(path, "advance by at least a second and at most %d hours (hours, minutes)", maxAdvanceHours)
	}
	return nil
}

func automatedDiscovery(path string, a *AutomatedDiscovery) error {
	if a == nil {
		return nil
	}
	if a.Status != "" && a.Status != "ENABLED" && a.Status != "DISABLED" {
		return errAt(path+".status", "status %q must be ENABLED or DISABLED", a.Status)
	}
	switch a.AutoEnableOrganizationMembers {
	case "", "ALL", "NEW", "NONE":
	default:
		return errAt(path+".autoEnableOrganizationMembers", "autoEnableOrganizationMembers %q must be ALL, NEW or NONE", a.AutoEnableOrganizationMembers)
	}
	return nil
}

// period checks a period in hours: absent (0) for the default, else a minute to a week.
func period(path string, h float64) error {
	if !within(h, maxPeriodHours) || (h > 0 && hours(h) < time.Minute) {
		return errAt(path, "%s must be between 1 minute and %d hours (absent: the default)", field(path), maxPeriodHours)
	}
	return nil
}

// within reports whether v is a number from 0 to limit.
func within(v, limit float64) bool { return v >= 0 && v <= limit } // false for NaN

// whole reports whether v is a whole number from 0 to limit.
func whole(v, limit float64) bool { return within(v, limit) && v == math.Trunc(v) }
