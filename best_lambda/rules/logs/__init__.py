"""Rules on the CloudWatch Logs of Lambda functions."""
