// The handout as one self-contained HTML file: the same Markdown rendered by cmark-gfm
// (GitHub's CommonMark with tables and autolinks), figures embedded as data: URIs, Hangul
// fonts first in the font stack, boto3 snippets folded under <details>. The printable
// variant opens every <details> and is what headless Chromium turns into the PDF.
import CCMarkGFM
import Foundation

enum HandoutHTML {
    enum Failure: Error, CustomStringConvertible {
        case render
        var description: String { "cmark-gfm could not render the handout's Markdown" }
    }

    /// `markdown` as a complete HTML page; images named relative to `directory` are embedded.
    static func page(markdown: String, title: String, language: Language, directory: URL, printable: Bool) throws -> String {
        var body = try html(markdown)
        body = embedImages(body, from: directory)
        if printable { body = body.replacingOccurrences(of: "<details>", with: "<details open>") }
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="labbook">
            <title>\(escape(title))</title>
            <style>\(stylesheet)</style>
            </head>
            <body>
            <main>
            \(body)
            </main>
            </body>
            </html>

            """
    }

    /// GitHub-flavoured Markdown to HTML, raw HTML (the handout's <a id> and <details>) kept.
    static func html(_ markdown: String) throws -> String {
        cmark_gfm_core_extensions_ensure_registered()
        let options = CMARK_OPT_UNSAFE | CMARK_OPT_GITHUB_PRE_LANG
        guard let parser = cmark_parser_new(options) else { throw Failure.render }
        defer { cmark_parser_free(parser) }
        for name in ["table", "autolink", "strikethrough"] {
            if let extensionPointer = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, extensionPointer)
            }
        }
        let bytes = Array(markdown.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { $0.withMemoryRebound(to: CChar.self, capacity: buffer.count) { cmark_parser_feed(parser, $0, buffer.count) } }
        }
        guard let document = cmark_parser_finish(parser) else { throw Failure.render }
        defer { cmark_node_free(document) }
        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            throw Failure.render
        }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// `<img src="figure.png">` with the file's bytes inline, so the page travels alone.
    /// Only plain file names beside the handout are read; anything else is left as it is.
    static func embedImages(_ html: String, from directory: URL) -> String {
        guard let expression = try? NSRegularExpression(pattern: #"<img src="([^"/:]+\.(png|jpe?g))""#) else { return html }
        var result = html
        for match in expression.matches(in: html, range: NSRange(html.startIndex..., in: html)).reversed() {
            guard let nameRange = Range(match.range(at: 1), in: html), let whole = Range(match.range, in: result),
                  let data = try? Data(contentsOf: directory.appendingPathComponent(String(html[nameRange]))) else { continue }
            let type = html[nameRange].hasSuffix(".png") ? "image/png" : "image/jpeg"
            result.replaceSubrange(whole, with: "<img src=\"data:\(type);base64,\(data.base64EncodedString())\"")
        }
        return result
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let stylesheet = """

        :root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --code: #f6f8fa; --accent: #0969da; }
        body { margin: 0; color: var(--ink); background: #fff;
               font: 16px/1.65 "NanumGothic", "Nanum Gothic", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif, "Noto Color Emoji"; }
        main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
        h1 { font-size: 1.9rem; border-bottom: 1px solid var(--line); padding-bottom: .4rem; }
        h2 { font-size: 1.35rem; margin-top: 2.6rem; border-bottom: 1px solid var(--line); padding-bottom: .3rem; }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        code, pre { font-family: "NanumGothicCoding", "D2Coding", "DejaVu Sans Mono", monospace; font-size: .86em; }
        :not(pre) > code { background: var(--code); padding: .1em .35em; border-radius: 4px; }
        pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem;
              overflow-x: auto; line-height: 1.45; white-space: pre; }
        pre code.language-python { color: #0a3069; }
        pre code.language-json { color: #24292f; }
        blockquote { margin: 1rem 0; padding: .3rem 1rem; color: var(--muted); border-left: 4px solid var(--line); }
        table { border-collapse: collapse; margin: 1rem 0; display: block; overflow-x: auto; }
        th, td { border: 1px solid var(--line); padding: .35rem .7rem; text-align: left; vertical-align: top; }
        th { background: var(--code); }
        img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
        details { margin: .6rem 0 1rem; }
        details > summary { cursor: pointer; color: var(--muted); font-weight: bold; }
        @media print {
          main { max-width: none; padding: 0; }
          pre { white-space: pre-wrap; word-break: break-all; }
          h2 { break-after: avoid; }
          pre, img, table { break-inside: avoid; }
        }

        """
}
