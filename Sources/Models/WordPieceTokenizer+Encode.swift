// Special tokens, truncation and padding, as `tokenizer(text, pair, max_length=...,
// padding="max_length", truncation=True)` does with the fast tokenizer.

extension WordPieceTokenizer {
    /// `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]` (type ids 0 for A, 1 for B), truncated
    /// longest-first to `maxLength` and, when `padToMaxLength`, padded to it.
    public func encode(_ text: String, pair: String? = nil, maxLength: Int? = nil,
                       padToMaxLength: Bool = false) throws -> Encoding {
        var first = ids(text)
        // transformers tests `if text_pair`: an empty second text means no pair at all.
        var second = pair.flatMap { $0.isEmpty ? nil : ids($0) }
        let added = second == nil ? 2 : 3
        if let maxLength {
            guard maxLength >= added else {
                throw TokenizerError(location: "encode", message: "max_length \(maxLength) leaves no room for \(added) special tokens")
            }
            truncateLongestFirst(&first, &second, budget: maxLength - added)
        }
        let cls = id(of: options.classToken) ?? unknownID, sep = id(of: options.separatorToken) ?? unknownID
        var inputIDs = [cls] + first + [sep]
        var types = [Int](repeating: 0, count: inputIDs.count)
        if let second {
            inputIDs += second + [sep]
            types += [Int](repeating: 1, count: second.count + 1)
        }
        var mask = [Int](repeating: 1, count: inputIDs.count)
        if padToMaxLength, let maxLength, inputIDs.count < maxLength {
            let padding = maxLength - inputIDs.count
            inputIDs += [Int](repeating: id(of: options.paddingToken) ?? 0, count: padding)
            mask += [Int](repeating: 0, count: padding)
            types += [Int](repeating: 0, count: padding)
        }
        return Encoding(inputIDs: inputIDs, attentionMask: mask, tokenTypeIDs: types)
    }

    /// tokenizers' LongestFirst: with a pair, the shorter keeps its length when it fits in
    /// half, otherwise both are cut to halves (the longer one gets the odd token).
    func truncateLongestFirst(_ first: inout [Int], _ second: inout [Int]?, budget: Int) {
        guard var other = second else {
            if first.count > budget { first.removeLast(first.count - budget) }
            return
        }
        guard first.count + other.count > budget else { return }
        var short = min(first.count, other.count), long = max(first.count, other.count)
        let swapped = first.count > other.count
        long = short > budget ? short : max(short, budget - short)
        if short + long > budget {
            short = budget / 2
            long = short + budget % 2
        }
        let (firstLength, secondLength) = swapped ? (long, short) : (short, long)
        if first.count > firstLength { first.removeLast(first.count - firstLength) }
        if other.count > secondLength { other.removeLast(other.count - secondLength) }
        second = other
    }
}
