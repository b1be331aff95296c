/// The fixed words the mock model "generates".
///
/// Public so tests of code in front of the mock can compute the exact text they should see.
/// Every token is one word with its leading space; several are multi-byte in UTF-8 (accents,
/// CJK, an emoji with a skin-tone modifier) so relays that split or re-chunk bytes are exercised.
public enum MockVocabulary {
    public static let words: [String] = [
        " The", " quick", " brown", " fox", " café", " jumps", " over", " 日本",
        " the", " lazy", " dog", " 🚀", " naïve", " Zürich", " résumé", " 👋🏽",
    ]

    /// Words of the reasoning trace emitted when a request asks for reasoning.
    public static let reasoningWords: [String] = [" Let", " me", " think", " about", " this", " …"]

    /// The `index`-th generated token (the words repeat).
    public static func token(at index: Int) -> String {
        words[index % words.count]
    }

    /// The first `count` tokens joined: the content of a plain answer of `count` tokens.
    public static func text(tokens count: Int) -> String {
        (0..<count).map(token(at:)).joined()
    }

    /// Text value the mock substitutes for each JSON type when inventing tool-call arguments.
    static let sampleString = "sample"
}
