// The InferenceTests room: work in progress lands in later commits.
