// Tests for Cloud.
