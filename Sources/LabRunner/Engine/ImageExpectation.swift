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

    static func check(path: String, size: [Int]?, reference: String?, tolerance: Double, context: StepContext) throws -> Bilingual? {
        let file = path.hasPrefix("/") ? URL(fileURLWithPath: path) : context.session.outputDirectory.appendingPathComponent(path)
        // A failed comparison copies both pictures into the handout: only readable files qualify.
        try context.confine(file, written: path, at: .synthetic(path))
        let image = try decode(file, what: path)
        if let size, [image.width, image.height] != size {
            return Bilingual("expected an image of \(size[0])×\(size[1]), actual \(image.width)×\(image.height)",
                             "기대한 이미지 크기: \(size[0])×\(size[1]), 실제: \(image.width)×\(image.height)")
        }
        guard let reference else { return nil }
        let referenceFile = context.bookFile(reference)
        try context.confine(referenceFile, written: reference, at: .synthetic(reference))
        context.session.noteRead(referenceFile)
        let expected = try decode(referenceFile, what: reference)
        let difference = perceptualDifference(image, expected)
        guard difference > tolerance else { return nil }
        let shown = String(format: "%.4f", difference)
        var message = Bilingual("expected to look like \(reference) (difference ≤ \(tolerance)), actual difference \(shown)",
                                "\(reference)와(과) 비슷해야 합니다(차이 ≤ \(tolerance)). 실제 차이: \(shown)")
        let name = "\(context.fileStem)-diff.png"
        if let png = try? PNGEncoder.encode(try diffPicture(image, expected)), (try? context.writeOutput(png, named: name)) != nil {
            message.en += "; see \(name) beside the handout (actual | expected | where they differ)"
            message.ko += ". 핸드아웃 옆의 \(name)을(를) 보세요(실제 | 기대 | 다른 곳)"
        }
        return message
    }

    /// The actual picture, the expected one scaled to its size, and their per-pixel
    /// luminance difference in red over a faded copy of the actual, side by side.
    static func diffPicture(_ actual: RGBImage, _ expected: RGBImage) throws -> RGBImage {
        let (w, h) = (actual.width, actual.height)
        let scaled = try resize(expected, width: w, height: h, interpolation: .area)
        var pixels = [UInt8](repeating: 255, count: w * 3 * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let i = (y * w + x) * 3
                let row = (y * w * 3 + x) * 3
                for c in 0..<3 {
                    pixels[row + c] = actual.pixels[i + c]
                    pixels[row + w * 3 + c] = scaled.pixels[i + c]
                }
                let a = luma(actual.pixels, i), b = luma(scaled.pixels, i)
                let faded = UInt8(180 + a * 75)
                let red = UInt8(min(255, abs(a - b) * 4 * 255))
                let d = row + 2 * w * 3
                (pixels[d], pixels[d + 1], pixels[d + 2]) = (max(faded, red), red > 0 ? faded - min(faded, red) : faded,
                                                             red > 0 ? faded - min(faded, red) : faded)
            }
        }
        return try RGBImage(width: w * 3, height: h, pixels: pixels)
    }

    private static func luma(_ pixels: [UInt8], _ i: Int) -> Double {
        (0.299 * Double(pixels[i]) + 0.587 * Double(pixels[i + 1]) + 0.114 * Double(pixels[i + 2])) / 255
    }

    private static func decode(_ url: URL, what: String) throws -> RGBImage {
        guard let data = try? Data(contentsOf: url) else {
            throw LabError(.synthetic(what), "no image at \(url.path)", ko: "\(url.path)에 이미지가 없습니다")
        }
        do { return try ImageDecoder.decode(data) } catch {
            throw LabError(.synthetic(what), "cannot decode \(url.path): \(error)", ko: "\(url.path) 이미지를 디코딩할 수 없습니다: \(error)")
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
                let cell = cellRow * grid + column * grid / max(1, image.width)
                sums[cell] += luma(image.pixels, i)
                counts[cell] += 1
            }
        }
        return zip(sums, counts).map { $1 > 0 ? $0 / $1 : 0 }
    }
}
