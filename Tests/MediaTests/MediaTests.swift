// The MediaTests room: work in progress lands in later commits.
