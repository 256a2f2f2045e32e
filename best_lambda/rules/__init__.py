"""The BestLambda rule engine: pure Python over CloudFormation JSON.

Nothing here imports aws-cdk-lib or jsii; the cdk-nag pack, the Aspects and tests are thin
fronts over :func:`evaluate`.
"""
