// The CloudTests room: work in progress lands in later commits.
