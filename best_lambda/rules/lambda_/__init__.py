"""Rules on AWS::Lambda::* resources: function configuration, invocation, code."""
