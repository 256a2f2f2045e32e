"""Rules on API Gateway integrations of Lambda functions."""
