// The Inference room: work in progress lands in later commits.
