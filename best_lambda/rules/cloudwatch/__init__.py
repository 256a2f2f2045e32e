"""Rules on the CloudWatch alarms Lambda workloads need."""
