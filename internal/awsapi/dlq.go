package awsapi

// Queue returns the SQS client for a queue URL: an AWS queue URL
// (https://sqs.<region>.amazonaws.com/<account>/<name>) is called in its Region, any other URL
// (a local SQS) at its own host, in fallbackRegion.
func Queue(c *Clients, queueURL, fallbackRegion string) (SQSAPI, error) {
	region, endpoint, err := queueLocation(queueURL)
	if err != nil {
		return nil, err
	}
	if region == "" {
		region = fallbackRegion
	}
	return c.SQS(region, endpoint), nil
}
