// The boto3-shaped values, generated models and AWSError are part of the Cloud API.
@_exported import AWSShapes
