// The Models room: work in progress lands in later commits.
