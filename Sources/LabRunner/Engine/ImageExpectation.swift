// Image expectations: a PNG's size, and a perceptual difference against a reference.
//
// The difference is the mean absolute luminance difference of the two images reduced
// to a 32×32 grid of area averages, from 0 (same) to 1 (black vs white). It ignores
// anti-aliasing noise and small shifts of text, and catches a missing curve, a wrong
// colour scheme or an empty plot.
import Foundation
import Media

enum ImageExpectation {
    static let grid = 32

    static func check(path: String, size: [Int]?, reference: String?, tolerance: Double, context: StepContext) throws -> String? {
        let file = path.hasPrefix("/") ? URL(fileURLWithPath: path) : context.session.outputDirectory.appendingPathComponent(path)
        let image = try decode(file, what: path)
        if let size, [image.width, image.height] != size {
            return "expected an image of \(size[0])×\(size[1]), actual \(image.width)×\(image.height)"
        }
        guard let reference else { return nil }
        let expected = try decode(context.bookFile(reference), what: reference)
        let difference = perceptualDifference(image, expected)
        return difference <= tolerance ? nil
            : "expected to look like \(reference) (difference ≤ \(tolerance)), actual difference \(String(format: "%.4f", difference))"
    }

    private static func decode(_ url: URL, what: String) throws -> RGBImage {
        guard let data = try? Data(contentsOf: url) else { throw LabError(.synthetic(what), "no image at \(url.path)") }
        do { return try ImageDecoder.decode(data) } catch {
            throw LabError(.synthetic(what), "cannot decode \(url.path): \(error)")
        }
    }

    static func perceptualDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
        let x = thumbnail(a), y = thumbnail(b)
        return zip(x, y).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(x.count)
    }

    /// Luminance (0...1) averaged over a grid×grid partition of the image.
    static func thumbnail(_ image: RGBImage) -> [Double] {
        var sums = [Double](repeating: 0, count: grid * grid)
        var counts = [Double](repeating: 0, count: grid * grid)
        for row in 0..<image.height {
            let cellRow = row * grid / max(1, image.height)
            for column in 0..<image.width {
                let i = (row * image.width + column) * 3
                let luma = (0.299 * Double(image.pixels[i]) + 0.587 * Double(image.pixels[i + 1]) + 0.114 * Double(image.pixels[i + 2])) / 255
                let cell = cellRow * grid + column * grid / max(1, image.width)
                sums[cell] += luma
                counts[cell] += 1
            }
        }
        return zip(sums, counts).map { $1 > 0 ? $0 / $1 : 0 }
    }
}
