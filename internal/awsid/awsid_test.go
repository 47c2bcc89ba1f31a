package awsid

import "testing"

func TestPartitionFromTheRegion(t *testing.T) {
	for region, want := range map[string]string{
		"eu-west-1": "aws", "us-east-1": "aws", "ap-southeast-5": "aws", "il-central-1": "aws",
		"cn-north-1": "aws-cn", "cn-northwest-1": "aws-cn",
		"us-gov-west-1": "aws-us-gov", "us-gov-east-1": "aws-us-gov",
		"us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b", "eusc-de-east-1": "aws-eusc",
	} {
		if got, err := Partition(region); err != nil || got != want {
			t.Errorf("Partition(%s) = %q, %v; want %q", region, got, err, want)
		}
	}
}

func TestRegionNamesAreCheckedOneWay(t *testing.T) {
	for _, bad := range []string{"", "eu-west", "EU-WEST-1", "euwest1", "eu_west_1", "eu-west-1 ", "e-west-1", "eu-west-123", "global"} {
		if IsRegion(bad) || Region(bad) == nil {
			t.Errorf("%q taken for a Region", bad)
		}
		if _, err := Partition(bad); err == nil {
			t.Errorf("Partition(%q) gave no error", bad)
		}
	}
	if err := Region("eu-wset"); err == nil || err.Error() != `"eu-wset" is not a Region name like eu-west-1` {
		t.Errorf("error %v does not name the value", err)
	}
}

func TestAccountIDs(t *testing.T) {
	for _, bad := range []string{"", "12345678901", "1234567890123", "12345678901a", "١٢٣٤٥٦٧٨٩٠١٢"} {
		if IsAccount(bad) || Account(bad) == nil {
			t.Errorf("%q taken for an account id", bad)
		}
	}
	if !IsAccount("012345678901") || Account("012345678901") != nil {
		t.Error("a 12-digit id refused")
	}
}

func TestRoleARNNamesThePartition(t *testing.T) {
	for region, want := range map[string]string{
		"eu-west-1":     "arn:aws:iam::333333333333:role/Read",
		"cn-north-1":    "arn:aws-cn:iam::333333333333:role/Read",
		"us-gov-west-1": "arn:aws-us-gov:iam::333333333333:role/Read",
	} {
		if got, err := RoleARN(region, "333333333333", "Read"); err != nil || got != want {
			t.Errorf("RoleARN(%s) = %q, %v; want %q", region, got, err, want)
		}
	}
	if _, err := RoleARN("eu-west-1", "3333", "Read"); err == nil {
		t.Error("a bad account id made an ARN")
	}
}
