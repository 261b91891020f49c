// The ModelsTests room: work in progress lands in later commits.
