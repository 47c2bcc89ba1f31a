package macie

import (
	"slices"
)

var (
	daysOfWeek = []string{"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"}
	selectors  = []string{"ALL", "EXCLUDE", "INCLUDE", "NONE", "RECOMMENDED"}
	// simpleKeys are the SimpleCriterionKeyForJob values; SearchResources adds one more.
	simpleKeys = []string{"ACCOUNT_ID", "S3_BUCKET_NAME", "S3_BUCKET_EFFECTIVE_PERMISSION", "S3_BUCKET_SHARED_ACCESS"}
	// jobComparators are the comparators that make sense for bucket properties and tags in a job
	// (the model's JobComparator also lists GT/GTE/LT/LTE, which apply to no bucket property).
	jobComparators    = []string{"EQ", "NE", "CONTAINS", "STARTS_WITH"}
	searchComparators = []string{"EQ", "NE"}
	equality          = []string{"EQ", "NE"}
)

// validate checks a CreateClassificationJob request as the model and the API reference
// constrain it.
func (d *JobDefinition) validate() error {
	if d.Name == "" || len(d.Name) > 500 {
		return validation("name is required (1-500 characters)")
	}
	if err := d.validateSchedule(); err != nil {
		return err
	}
	if p := d.SamplingPercentage; p != nil && (*p < 1 || *p > 100) {
		return validation("samplingPercentage must be from 1 to 100, not %d", *p)
	}
	if err := d.validateSelector(); err != nil {
		return err
	}
	if len(d.Tags) > 50 {
		return validation("a job can have at most 50 tags")
	}
	if d.S3JobDefinition == nil {
		return validation("s3JobDefinition is required")
	}
	return d.S3JobDefinition.validate()
}

// validateSchedule checks jobType against scheduleFrequency.
func (d *JobDefinition) validateSchedule() error {
	switch d.JobType {
	case JobTypeOneTime:
		if d.ScheduleFrequency != nil {
			return validation("a ONE_TIME job cannot have a scheduleFrequency")
		}
		return nil
	case JobTypeScheduled:
		return d.ScheduleFrequency.validate()
	default:
		return validation("jobType must be ONE_TIME or SCHEDULED, not %q", d.JobType)
	}
}

// validate checks that exactly one valid schedule is set.
func (f *Schedule) validate() error {
	if f == nil {
		return validation("a SCHEDULED job needs a scheduleFrequency")
	}
	n := 0
	if f.DailySchedule != nil {
		n++
	}
	if w := f.WeeklySchedule; w != nil {
		n++
		if !slices.Contains(daysOfWeek, w.DayOfWeek) {
			return validation("weeklySchedule.dayOfWeek %q is not a day of the week", w.DayOfWeek)
		}
	}
	if m := f.MonthlySchedule; m != nil {
		n++
		if m.DayOfMonth < 1 || m.DayOfMonth > 31 {
			return validation("monthlySchedule.dayOfMonth must be from 1 to 31, not %d", m.DayOfMonth)
		}
	}
	if n != 1 {
		return validation("scheduleFrequency needs exactly one of dailySchedule, weeklySchedule, monthlySchedule")
	}
	return nil
}

// validateSelector checks managedDataIdentifierSelector against managedDataIdentifierIds.
func (d *JobDefinition) validateSelector() error {
	sel := d.ManagedDataIdentifierSelector
	if sel == "" {
		return nil
	}
	if !slices.Contains(selectors, sel) {
		return validation("managedDataIdentifierSelector %q is not one of %v", sel, selectors)
	}
	wantIDs := sel == "INCLUDE" || sel == "EXCLUDE"
	if wantIDs != (len(d.ManagedDataIdentifierIDs) > 0) {
		return validation("managedDataIdentifierIds are required with INCLUDE or EXCLUDE and not allowed otherwise")
	}
	return nil
}

// validate checks that exactly one of bucketCriteria and bucketDefinitions is set.
func (d *S3JobDefinition) validate() error {
	hasCriteria, hasList := d.BucketCriteria != nil, len(d.BucketDefinitions) > 0
	if hasCriteria == hasList {
		return validation("s3JobDefinition needs exactly one of bucketCriteria and bucketDefinitions")
	}
	for _, b := range d.BucketDefinitions {
		if b.AccountID == "" || len(b.Buckets) == 0 {
			return validation("each bucketDefinitions entry needs an accountId and buckets")
		}
	}
	if hasCriteria {
		return d.BucketCriteria.validate(simpleKeys, jobComparators)
	}
	return nil
}

// validate checks every condition of both blocks against the allowed keys and comparators.
func (bc *BucketCriteria) validate(keys, comparators []string) error {
	for _, block := range []*CriteriaBlock{bc.Includes, bc.Excludes} {
		if block == nil {
			continue
		}
		for _, cr := range block.And {
			if err := cr.validate(keys, comparators); err != nil {
				return err
			}
		}
	}
	return nil
}

// validate checks one condition. Tag conditions take EQ or NE only.
func (cr Criterion) validate(keys, comparators []string) error {
	if (cr.SimpleCriterion == nil) == (cr.TagCriterion == nil) {
		return validation("each condition needs exactly one of simpleCriterion and tagCriterion")
	}
	if sc := cr.SimpleCriterion; sc != nil {
		if !slices.Contains(keys, sc.Key) {
			return validation("simpleCriterion.key %q is not one of %v", sc.Key, keys)
		}
		if !slices.Contains(comparators, sc.Comparator) {
			return validation("simpleCriterion.comparator %q is not one of %v", sc.Comparator, comparators)
		}
		if len(sc.Values) == 0 {
			return validation("simpleCriterion.values must not be empty")
		}
		return nil
	}
	tc := cr.TagCriterion
	if !slices.Contains(equality, tc.Comparator) {
		return validation("tagCriterion.comparator must be EQ or NE, not %q", tc.Comparator)
	}
	if len(tc.TagValues) == 0 {
		return validation("tagCriterion.tagValues must not be empty")
	}
	for _, p := range tc.TagValues {
		if p.Key == "" && p.Value == "" {
			return validation("each tagValues entry needs a key, a value or both")
		}
	}
	return nil
}
