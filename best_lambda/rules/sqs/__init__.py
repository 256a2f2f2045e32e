"""Rules on SQS queues that feed Lambda functions."""
