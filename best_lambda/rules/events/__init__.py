"""Rules on EventBridge rule targets and EventBridge Scheduler targets that invoke Lambda."""
