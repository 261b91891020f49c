// The Media room: work in progress lands in later commits.
