// Which steps a run runs, and which stand in from the result cache.
//
// - A full run runs everything and refreshes the cache: a lab is a test.
// - `--only`, `--from` and `--failed` run the steps they select. The steps those refer to
//   come from the cache when their entry is still good; otherwise they run too. Every other
//   step keeps its last record, so the handout stays whole.
// - `labbook watch` runs what changed since the cache was written, and what depends on it.
//
// A step that touches state (the account, a local endpoint) is not only its output: when
// a selected step touches state, the stateful steps before it run again to rebuild that
// state, and when a stateful step changed under watch, every stateful step runs.
import Foundation

struct RunPlan {
    enum Decision {
        case run
        /// The cached record stands in, and its output goes into scope.
        case reuse(CachedStep)
        /// Not run: the handout keeps the last record, when there is one.
        case keep(CachedStep?)
    }

    let cache: ResultCache?
    /// Steps that run whatever the cache holds.
    let mustRun: Set<String>
    /// Those among them that run only to rebuild state later steps use.
    let rebuilds: Set<String>
    /// Steps whose outputs the run needs: reused when their entry is good, else run.
    let needed: Set<String>
    /// Whether steps neither run nor needed keep their last record (partial runs) or run
    /// when their entry is not good (watch).
    let keepsOthers: Bool
    let language: Language

    /// The plan for `options` (`cache` nil: no cache, as with --no-cache or --endpoint-url).
    init(book: LabBook, options: RunOptions, cache: ResultCache?, parameters: [String: LabValue], lab: [String: LabValue]) {
        self.cache = cache
        language = options.language
        let ids = book.steps.map(\.id)
        let selected: Set<String>?
        if let only = options.only { selected = [only] }
        else if let from = options.from, let start = ids.firstIndex(of: from) { selected = Set(ids[start...]) }
        else if options.failedOnly { selected = Set(book.steps.filter { cache?.entry($0.id)?.status != .passed }.map(\.id)) }
        else { selected = nil }

        guard let cache else {
            // No cache: a selection runs with everything it refers to, and the rest is left out.
            mustRun = selected.map { Self.closure(of: $0, in: book) } ?? Set(ids)
            rebuilds = []
            needed = []
            keepsOthers = true
            return
        }
        let changing = Self.changing(book, cache: cache, options: options, parameters: parameters, lab: lab)
        if let selected {
            (mustRun, needed) = Self.partial(selected, book: book, changing: changing)
            rebuilds = mustRun.subtracting(selected)
            keepsOthers = true
        } else if options.reuse {
            let statefulChanged = book.steps.contains { changing.contains($0.id) && $0.touchesState }
            mustRun = changing.union(statefulChanged ? book.steps.filter(\.touchesState).map(\.id) : [])
            rebuilds = mustRun.subtracting(changing)
            needed = []
            keepsOthers = false
        } else {
            mustRun = Set(ids)
            rebuilds = []
            needed = []
            keepsOthers = false
        }
    }

    func decide(_ spec: StepSpec, key: String?) -> Decision {
        if mustRun.contains(spec.id) { return .run }
        guard let cache else { return .keep(nil) }
        let entry = cache.entry(spec.id)
        if let entry, let key, cache.isReusable(entry, key: key, for: spec, language: language) { return .reuse(entry) }
        // A record kept for the handout must be this step's, in this language.
        if keepsOthers && !needed.contains(spec.id) { return .keep(entry.flatMap { $0.matches(spec, language: language) ? $0 : nil }) }
        return .run
    }

    /// The selection, the stateful steps before its last stateful one, and what all of
    /// those refer to; a needed stateful step whose entry is not good joins the runs.
    private static func partial(_ selected: Set<String>, book: LabBook, changing: Set<String>) -> (Set<String>, Set<String>) {
        var run = selected
        while true {
            let needed = closure(of: run, in: book).subtracting(run)
            var grown = run.union(needed.filter { id in changing.contains(id) && book.steps.contains { $0.id == id && $0.touchesState } })
            if let last = book.steps.lastIndex(where: { grown.contains($0.id) && $0.touchesState }) {
                grown.formUnion(book.steps[..<last].filter(\.touchesState).map(\.id))
            }
            // Once a step that uses state runs, a later one's cached result may no longer match
            // (a rebuilt step's output can differ): the needed ones after it run too.
            if let first = book.steps.firstIndex(where: { grown.contains($0.id) && $0.touchesState }) {
                grown.formUnion(book.steps[first...].filter { $0.touchesState && needed.contains($0.id) }.map(\.id))
            }
            if grown == run { return (run, needed) }
            run = grown
        }
    }

    /// The steps whose cached entry would not stand in now, predicted before running:
    /// keys computed with the cached outputs, and anything that refers to a changing step.
    private static func changing(_ book: LabBook, cache: ResultCache, options: RunOptions, parameters: [String: LabValue],
                                 lab: [String: LabValue]) -> Set<String> {
        var outputDigests: [String: String] = [:]
        var changing = Set<String>()
        var accountChanged = false
        for spec in book.steps {
            let entry = cache.entry(spec.id)
            let key = ResultCache.key(for: spec, params: parameters, lab: lab, outputDigests: outputDigests, language: options.language)
            // The account is an input of every step that uses it: after one changes, so do they all.
            if entry.map({ !cache.isReusable($0, key: key, for: spec, language: options.language) }) ?? true
                || !spec.references.isDisjoint(with: changing) || (accountChanged && spec.touchesState) {
                changing.insert(spec.id)
                if spec.touchesState { accountChanged = true }
            }
            if let digest = entry?.outputDigest { outputDigests[spec.id] = digest }
        }
        return changing
    }

    /// `ids` and every earlier step they refer to, transitively.
    static func closure(of ids: Set<String>, in book: LabBook) -> Set<String> {
        var wanted = ids
        var changed = true
        while changed {
            changed = false
            for spec in book.steps where wanted.contains(spec.id) {
                for dependency in spec.references where !wanted.contains(dependency) {
                    wanted.insert(dependency)
                    changed = true
                }
            }
        }
        return wanted
    }
}
