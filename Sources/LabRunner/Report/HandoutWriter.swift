// The handout: output/<lab-id>/README.md, Korean by default. Prose, the inputs as a
// reader needs them, outputs (long ones cut, the full one saved beside), figures and
// times for every step; a footer naming the weights each model used.
import Foundation

struct HandoutWriter {
    let session: RunSession
    let records: [StepRecord]
    /// The boto3 clients earlier snippets created: later snippets reuse them.
    private let clients = IntroducedClients()

    private final class IntroducedClients { var names: Set<String> = [] }
    static let maxOutputLines = 40

    private var language: Language { session.options.language }
    private func t(_ ko: String, _ en: String) -> String { language == .ko ? ko : en }

    func write() throws {
        var md = header()
        md += tableOfContents()
        for (number, record) in records.enumerated() {
            md += try section(record, number: number + 1)
        }
        md += footer()
        // `${lab.out}` during a full run is the staging folder; the reader sees the handout's.
        if let staging = session.staging { md = md.replacingOccurrences(of: staging.path, with: session.handoutDirectory.path) }
        md = HandoutPaths(stateDirectory: session.services.stateDirectory).apply(to: md)
        try session.writeOutput(Data(md.utf8), named: "README.md")
        try writeHTMLAndPDF(md)
    }

    /// README.html beside the Markdown, and README.pdf printed from its printable variant.
    private func writeHTMLAndPDF(_ md: String) throws {
        let formats = session.options.formats
        guard formats.contains(.html) || formats.contains(.pdf) else { return }
        let title = session.book.title.text(language) ?? session.book.id
        let directory = session.outputDirectory
        if formats.contains(.html) {
            let page = try HandoutHTML.page(markdown: md, title: title, language: language, directory: directory, printable: false)
            try session.writeOutput(Data(page.utf8), named: "README.html")
        }
        if formats.contains(.pdf) {
            let printable = try HandoutHTML.page(markdown: md, title: title, language: language, directory: directory, printable: true)
            let source = directory.appendingPathComponent(".README.print.html")
            try Data(printable.utf8).write(to: source, options: .atomic)
            defer { try? FileManager.default.removeItem(at: source) }
            let staged = directory.appendingPathComponent(".README.pdf.partial")
            defer { try? FileManager.default.removeItem(at: staged) }
            try HandoutPDF.print(source, to: staged)
            let final = directory.appendingPathComponent("README.pdf")
            guard rename(staged.path, final.path) == 0 else {
                throw LabError(.synthetic("--format pdf"), "cannot move the printed PDF to \(final.path): \(String(cString: strerror(errno)))")
            }
        }
    }

    private func header() -> String {
        let book = session.book
        var md = "# \(book.title.text(language) ?? book.id)\n\n"
        if let intro = book.intro?.text(language) { md += intro.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n" }
        md += "> " + t("이 문서는 `labbook run \(relativeBookPath)`이 실행하면서 만든 핸드아웃입니다. 모든 값은 이 실행이 계산했습니다.",
                       "This handout was written by `labbook run \(relativeBookPath)` as it ran; every value in it was computed by that run.") + "\n\n"
        let parameters = session.book.parameters
        if !parameters.isEmpty {
            md += "| \(t("매개변수", "parameter")) | \(t("값", "value")) | \(t("설명", "description")) |\n|---|---|---|\n"
            for p in parameters {
                let value = session.parameters[p.name]?.displayString ?? ""
                md += "| `\(p.name)` | \(codeSpan(cell(value))) | \(cell(p.description?.text(language) ?? "")) |\n"
            }
            md += "\n"
        }
        return md + weightsSummary()
    }

    private var relativeBookPath: String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let path = session.book.file.standardizedFileURL.path
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    private func tableOfContents() -> String {
        var md = "## \(t("목차", "Contents"))\n\n"
        for (number, record) in records.enumerated() {
            md += "\(number + 1). [\(heading(record).replacingOccurrences(of: "]", with: "\\]"))](#\(anchor(record)))\n"
        }
        return md + "\n"
    }

    private func heading(_ record: StepRecord) -> String {
        let title = record.spec.title?.text(language)
            ?? StepTitles.title(kind: record.spec.kind, inputs: record.inputs, language: language)
            ?? "`\(record.spec.kind)`" + (record.spec.hasExplicitID ? " (\(record.spec.id))" : "")
        return oneLine(title)
    }

    private func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    private func anchor(_ record: StepRecord) -> String { "step-\(record.spec.slug)" }

    private func section(_ record: StepRecord, number: Int) throws -> String {
        var md = "<a id=\"\(anchor(record))\"></a>\n## \(number). \(heading(record))\n\n"
        if let text = record.spec.text?.text(language) { md += text.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n" }
        if record.spec.kind == ProseStep.kind { return md }
        if !record.inputs.isEmpty {
            md += "**\(t("입력", "Inputs"))** (`\(record.spec.kind)`)\n\n" + fenced(excerpt(LabValue.object(record.inputs).localized(language)).text, "json")
        }
        var weights: [WeightsNote] = []
        for block in record.blocks {
            if case let .weights(note) = block { weights.append(note) } else { md += render(block) }
        }
        if let output = record.output, output != .null, output != .object(LabObject()),
           type(of: record.spec.step).showsOutput || record.status == .failed {
            md += try outputBlock(output, record: record)
        }
        for note in weights {
            md += "> 🧠 \(t("이 단계의 모델 가중치", "Weights behind this step")): **\(note.model)**, \(kindText(note.kind))\n\n"
        }
        switch record.status {
        case .passed: break
        case .failed: md += "❌ **\(t("실패", "Failed"))**\n\n" + fenced(record.handoutFailure ?? record.failure ?? "", "text")
        case .skipped: md += "> ⏭ \(t("건너뜀: 앞 단계가 실패했습니다.", "Skipped: an earlier step failed."))\n\n"
        }
        if !record.spec.expectations.isEmpty, record.status == .passed {
            md += "✅ \(t("기대 조건 \(record.spec.expectations.count)개 충족", "\(record.spec.expectations.count) expectation(s) met"))  \n"
        }
        md += "⏱ \(t("실행 시간", "Time")) \(Terminal.seconds(record.wallSeconds))"
        if record.simulatedSeconds > 0.0005 { md += " · \(t("시뮬레이션 시간", "simulated")) \(Terminal.seconds(record.simulatedSeconds))" }
        if record.origin != .ran { md += " · " + originNote(record) }
        return md + "\n\n"
    }

    private func outputBlock(_ output: LabValue, record: StepRecord) throws -> String {
        let (shown, isComplete) = excerpt(output)
        var md = "**\(t("출력", "Output"))**\n\n" + fenced(shown, "json")
        if !isComplete {
            let file = "\(record.spec.slug).output.json"
            try session.writeOutput(named: file) { try output.write(to: &$0, style: .pretty) }
            md += t("출력이 길어 일부만 보입니다. 전체: [\(file)](\(file))", "Output shortened. Full output: [\(file)](\(file))") + "\n\n"
        }
        return md
    }

    static let maxCharacters = 6000

    /// The beginning of `value` as handout JSON (HandoutExcerpt), and whether it is all of it.
    private func excerpt(_ value: LabValue) -> (text: String, isComplete: Bool) {
        HandoutExcerpt.of(value, maxLines: Self.maxOutputLines, maxCharacters: Self.maxCharacters, language: language)
    }

    /// A fenced block whose fence is longer than any backtick run inside it.
    private func fenced(_ text: String, _ language: String) -> String {
        var longest = 0, run = 0
        for c in text { run = c == "`" ? run + 1 : 0; longest = max(longest, run) }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
        return "\(fence)\(language)\n\(body)\n\(fence)\n\n"
    }

    private func render(_ block: HandoutBlock) -> String {
        switch block {
        case let .code(text, language, caption):
            return (caption.map { "*\(oneLine($0))*\n\n" } ?? "") + fenced(text, language)
        case let .text(text):
            return text + "\n\n"
        case let .figure(file, caption):
            let line = oneLine(caption)
            return "![\(line.replacingOccurrences(of: "]", with: "\\]"))](\(file))\n\n*\(line)*\n\n"
        case let .table(header, rows):
            var md = "| " + header.map(cell).joined(separator: " | ") + " |\n"
            md += "|" + String(repeating: "---|", count: header.count) + "\n"
            for row in rows { md += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
            return md + "\n"
        case .weights:
            return "" // shown after the output
        case let .boto3(calls, own):
            guard let python = Boto3Snippet.python(calls, own: own, introduced: &clients.names) else { return "" }
            // Folded: GitHub and the HTML handout show it on a click; the PDF prints it open.
            return "<details><summary>\(t("boto3로는", "In boto3"))</summary>\n\n" + fenced(python, "python") + "</details>\n\n"
        }
    }

    /// Inline code that survives backticks in the value.
    private func codeSpan(_ s: String) -> String {
        s.contains("`") ? "`` \(s) ``" : "`\(s)`"
    }

    private func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// What a kind of weights is, said plainly: never call random or home-made weights pretrained.
    private func kindText(_ kind: WeightsNote.Kind) -> String {
        switch kind {
        case .randomFixture:
            t("테스트용 픽스처 (프로젝트가 만든 작은 무작위 가중치: 점수에 의미 없음)", "test fixture (small random weights made by the project: scores carry no meaning)")
        case let .demo(description):
            t("프로젝트가 직접 학습한 데모 모델", "a demo model the project trained itself") + ": " + description
        case .pretrained:
            t("공개된 사전 학습 가중치", "published pretrained weights")
        case .supplied:
            t("지정한 폴더의 가중치", "weights from the folder given")
        }
    }

    /// One line per model at the top, so nobody reads the answers without knowing which weights gave them.
    private func weightsSummary() -> String {
        let weights = session.weightsUsed
        guard !weights.isEmpty else { return "" }
        var md = "> 🧠 **\(t("이 실행의 모델 가중치", "Model weights in this run"))**  \n"
        for w in weights { md += "> · \(w.model): \(w.kind.label(language))  \n" }
        return md + "> " + t("자세한 내용은 [맨 아래](#weights-used)에 있습니다.", "Details are [at the end](#weights-used).") + "\n\n"
    }

    /// Where a record that this run did not make comes from, and when it was made.
    private func originNote(_ record: StepRecord) -> String {
        let when = record.cachedAt.map { Self.stamp.string(from: $0) } ?? ""
        return record.origin == .cached
            ? t("결과 캐시에서 (\(when) 실행, 입력 동일)", "from the result cache (run \(when), same inputs)")
            : t("이전 실행(\(when))의 결과, 이번에는 실행하지 않음", "from the last run (\(when)), not run this time")
    }

    private static let stamp: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }()

    private func footer() -> String {
        var md = "---\n\n## \(t("실행 요약", "Run summary"))\n\n"
        md += "| \(t("단계", "step")) | \(t("종류", "kind")) | \(t("결과", "status")) | \(t("실행 시간", "wall")) | \(t("시뮬레이션 시간", "simulated")) |\n|---|---|---|---|---|\n"
        for r in records {
            let status = switch r.status {
            case .passed: "✅"
            case .failed: "❌"
            case .skipped: "⏭"
            }
            let origin = r.origin == .ran ? "" : " (\(r.origin == .cached ? t("캐시", "cached") : t("이전 실행", "last run")))"
            md += "| \(r.spec.id) | `\(r.spec.kind)` | \(status)\(origin) | \(Terminal.seconds(r.wallSeconds)) | \(r.simulatedSeconds > 0.0005 ? Terminal.seconds(r.simulatedSeconds) : "-") |\n"
        }
        md += "\n" + t("실행 시간은 이 컴퓨터에서 실제로 걸린 시간(wall clock)이고, 시뮬레이션 시간은 에뮬레이션된 AWS의 가상 시계가 흐른 시간입니다(프로비저닝, 대기, 쿨다운, 모델 지연).",
                        "Wall is the time the step really took on this machine; simulated is the time that passed on the emulated AWS's virtual clock (provisioning, waits, cooldowns, model latency).") + "\n"
        md += "\n<a id=\"weights-used\"></a>\n## \(t("사용한 모델 가중치", "Model weights used"))\n\n"
        let weights = session.weightsUsed
        if weights.isEmpty {
            md += t("이 실습은 학습된 모델을 쓰지 않았습니다.", "This lab used no trained model.") + "\n"
        } else {
            md += "| \(t("모델", "model")) | \(t("가중치", "weights")) | \(t("종류", "kind")) |\n|---|---|---|\n"
            for w in weights {
                md += "| \(w.model) | `\(w.source)` | \(cell(kindText(w.kind))) |\n"
            }
        }
        return md
    }
}

extension LabValue {
    /// Bilingual text (`{ko: …, en: …}`) as the handout's language reads it, everywhere in
    /// the value: a Korean handout shows a caption, not the JSON of both captions.
    func localized(_ language: Language) -> LabValue {
        switch self {
        case .object(let object):
            let keys = Set(object.entries.map(\.key))
            if !keys.isEmpty, keys.isSubset(of: ["ko", "en"]), object.entries.allSatisfy({ $0.value.string != nil }) {
                return .string(Localizer.text(self, language))
            }
            return .object(LabObject(object.entries.map { ($0.key, $0.value.localized(language)) }))
        case .list(let items):
            return .list(items.map { $0.localized(language) })
        default:
            return self
        }
    }
}
