// The ServingTests room: work in progress lands in later commits.
