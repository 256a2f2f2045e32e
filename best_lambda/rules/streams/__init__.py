"""Rules on Kinesis and DynamoDB stream event sources."""
