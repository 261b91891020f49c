// The Formats room: work in progress lands in later commits.
