// The FormatsTests room: work in progress lands in later commits.
