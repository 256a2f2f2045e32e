"""Rules on SNS subscriptions that invoke Lambda functions."""
