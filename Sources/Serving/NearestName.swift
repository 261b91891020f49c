// "Did you mean ...?" for misspelled names, shared by every room that reports one.

/// The candidate closest to `name` by edit distance, if it is close enough to be a typo.
public func nearestName(to name: String, in candidates: [String]) -> String? {
    let target = Array(name.lowercased())
    var best: (String, Int)?
    for candidate in candidates {
        let distance = editDistance(target, Array(candidate.lowercased()))
        if distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
    }
    guard let (candidate, distance) = best else { return nil }
    if distance <= max(2, target.count / 3) { return candidate }
    // "integer" for "int": a candidate that is a prefix of the name, or the other way round.
    let lowered = name.lowercased()
    return candidates.filter { $0.count >= 3 && (lowered.hasPrefix($0.lowercased()) || $0.lowercased().hasPrefix(lowered)) }
        .max { $0.count < $1.count }
}

/// Levenshtein distance with one rolling row.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var row = Array(0...b.count)
    for i in 1...a.count {
        var diagonal = row[0]
        row[0] = i
        for j in 1...b.count {
            let above = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
            diagonal = above
        }
    }
    return row[b.count]
}
