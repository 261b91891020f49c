// Iso-contours of a mask by marching squares, the way the Mask R-CNN visualisation
// calls skimage's find_contours(padded_mask, 0.5): the mask is padded with a ring of
// zeros so every contour closes, and points are interpolated linearly along the
// cell edges. Coordinates are pixel centres (pixel (i, j) is at x = i, y = j).
import Foundation

public enum Contours {
    /// Closed polylines (first point not repeated) around regions >= level.
    public static func find(in mask: Mask, level: Float = 0.5) -> [[Point]] {
        let segments = marchingSquares(mask, level: level)
        return link(segments)
    }

    /// Grid points on the padded grid: (row, column), padded index = image index + 1.
    private struct EdgeKey: Hashable {
        var row: Int
        var column: Int
        var vertical: Bool
    }

    private struct Segment {
        var start: EdgeKey
        var end: EdgeKey
    }

    private static func marchingSquares(_ mask: Mask, level: Float) -> (segments: [Segment], points: [EdgeKey: Point]) {
        func value(_ row: Int, _ column: Int) -> Float { mask.value(x: column - 1, y: row - 1) }
        var points: [EdgeKey: Point] = [:]
        func point(_ key: EdgeKey) -> EdgeKey {
            if points[key] == nil {
                let a = value(key.row, key.column)
                let b = key.vertical ? value(key.row + 1, key.column) : value(key.row, key.column + 1)
                let t = a == b ? 0.5 : Double((level - a) / (b - a))
                let row = Double(key.row) + (key.vertical ? t : 0)
                let column = Double(key.column) + (key.vertical ? 0 : t)
                points[key] = Point(x: column - 1, y: row - 1)
            }
            return key
        }
        var segments: [Segment] = []
        for r in 0...mask.height {
            for c in 0...mask.width {
                let tl = value(r, c) >= level, tr = value(r, c + 1) >= level
                let bl = value(r + 1, c) >= level, br = value(r + 1, c + 1) >= level
                let top = EdgeKey(row: r, column: c, vertical: false)
                let bottom = EdgeKey(row: r + 1, column: c, vertical: false)
                let left = EdgeKey(row: r, column: c, vertical: true)
                let right = EdgeKey(row: r, column: c + 1, vertical: true)
                let centreHigh = (value(r, c) + value(r, c + 1) + value(r + 1, c) + value(r + 1, c + 1)) / 4 >= level
                for (a, b) in cellSegments(tl, tr, bl, br, centreHigh: centreHigh, top, bottom, left, right) {
                    segments.append(Segment(start: point(a), end: point(b)))
                }
            }
        }
        return (segments, points)
    }

    // Each pair joins the two cell edges the contour crosses; saddles split by the
    // centre value so regions touching at a corner join when the centre is high.
    private static func cellSegments(_ tl: Bool, _ tr: Bool, _ bl: Bool, _ br: Bool, centreHigh: Bool,
                                     _ top: EdgeKey, _ bottom: EdgeKey, _ left: EdgeKey,
                                     _ right: EdgeKey) -> [(EdgeKey, EdgeKey)] {
        switch (tl, tr, bl, br) {
        case (false, false, false, false), (true, true, true, true): return []
        case (true, false, false, false), (false, true, true, true): return [(left, top)]
        case (false, true, false, false), (true, false, true, true): return [(top, right)]
        case (false, false, true, false), (true, true, false, true): return [(left, bottom)]
        case (false, false, false, true), (true, true, true, false): return [(bottom, right)]
        case (true, true, false, false), (false, false, true, true): return [(left, right)]
        case (true, false, true, false), (false, true, false, true): return [(top, bottom)]
        case (true, false, false, true):
            return centreHigh ? [(left, bottom), (top, right)] : [(left, top), (bottom, right)]
        case (false, true, true, false):
            return centreHigh ? [(left, top), (bottom, right)] : [(left, bottom), (top, right)]
        }
    }

    private static func link(_ input: (segments: [Segment], points: [EdgeKey: Point])) -> [[Point]] {
        var neighbours: [EdgeKey: [EdgeKey]] = [:]
        for s in input.segments {
            neighbours[s.start, default: []].append(s.end)
            neighbours[s.end, default: []].append(s.start)
        }
        var visited = Set<EdgeKey>()
        var contours: [[Point]] = []
        // Deterministic order: walk from keys sorted by position.
        let starts = neighbours.keys.sorted { ($0.row, $0.column, $0.vertical ? 1 : 0) < ($1.row, $1.column, $1.vertical ? 1 : 0) }
        for start in starts where !visited.contains(start) {
            var loop: [Point] = []
            var previous: EdgeKey?
            var current = start
            while !visited.contains(current) {
                visited.insert(current)
                if let p = input.points[current] { loop.append(p) }
                let next = (neighbours[current] ?? []).first { $0 != previous && !visited.contains($0) }
                guard let next else { break }
                previous = current
                current = next
            }
            if loop.count >= 3 { contours.append(loop) }
        }
        return contours
    }
}
