/// Typed reads of optional request fields, each failing with the 400 an OpenAI server gives.
struct RequestFields {
    let members: JSONValue

    /// - Throws: 400 when the body is not a JSON object.
    init(_ body: JSONValue) throws(OpenAIError) {
        guard body.objectValue != nil else { throw OpenAIError.invalidRequest("The request body must be a JSON object") }
        self.members = body
    }

    subscript(key: String) -> JSONValue? {
        guard let value = self.members[key], !value.isNull else { return nil }
        return value
    }

    func bool(_ key: String) throws(OpenAIError) -> Bool? {
        guard let value = self[key] else { return nil }
        guard let bool = value.boolValue else { throw OpenAIError.invalidRequest("'\(key)' must be a boolean", param: key) }
        return bool
    }

    func int(_ key: String, minimum: Int = 0) throws(OpenAIError) -> Int? {
        guard let value = self[key] else { return nil }
        guard let int = value.intValue, int >= minimum else {
            throw OpenAIError.invalidRequest("'\(key)' must be an integer of at least \(minimum)", param: key)
        }
        return int
    }

    func string(_ key: String) throws(OpenAIError) -> String? {
        guard let value = self[key] else { return nil }
        guard let string = value.stringValue else { throw OpenAIError.invalidRequest("'\(key)' must be a string", param: key) }
        return string
    }

    /// `stream_options.include_usage`.
    func includeUsage() throws(OpenAIError) -> Bool {
        guard let options = self["stream_options"] else { return false }
        guard options.objectValue != nil else {
            throw OpenAIError.invalidRequest("'stream_options' must be an object", param: "stream_options")
        }
        return options["include_usage"]?.boolValue ?? false
    }

    /// `max_completion_tokens`, else the older `max_tokens`.
    func maxTokens() throws(OpenAIError) -> Int? {
        if let limit = try self.int("max_completion_tokens") { return limit }
        return try self.int("max_tokens")
    }

    /// Counts whitespace-separated words: the mock's stand-in for a tokenizer.
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for byte in text.utf8 {
            let isSpace = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
            if !isSpace && !inWord { count += 1 }
            inWord = !isSpace
        }
        return count
    }
}
