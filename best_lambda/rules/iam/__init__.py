"""Rules on the IAM roles and policies of Lambda functions."""
