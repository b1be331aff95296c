/// The OpenAI-compatible sub-paths Gangway forwards (after `/openai/v1/`) and the methods each
/// accepts, so a wrong method gets a 405 and an unknown path a 404 without asking an instance.
public enum OpenAIRoute {
    public enum Decision: Sendable, Equatable {
        /// Forward to the instance's `/v1/{path}`; `hasJSONBody` says the body must be a JSON object.
        case forward(hasJSONBody: Bool)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    public static func classify(method: String, subpath: [Substring]) -> Decision {
        let allowed = allowedMethods(subpath)
        guard !allowed.isEmpty else { return .notFound }
        guard allowed.contains(method) else { return .methodNotAllowed(allowed: allowed) }
        return .forward(hasJSONBody: method == "POST" && !isCancel(subpath))
    }

    private static func isCancel(_ subpath: [Substring]) -> Bool {
        subpath.count == 3 && subpath[0] == "responses" && subpath[2] == "cancel"
    }

    static func allowedMethods(_ subpath: [Substring]) -> [String] {
        switch subpath.count {
        case 1:
            switch subpath[0] {
            case "completions", "embeddings", "responses": return ["POST"]
            case "models": return ["GET"]
            default: return []
            }
        case 2:
            switch subpath[0] {
            case "chat" where subpath[1] == "completions": return ["POST"]
            case "models": return ["GET"]
            case "responses": return ["GET", "DELETE"]
            default: return []
            }
        case 3:
            guard subpath[0] == "responses" else { return [] }
            switch subpath[2] {
            case "cancel": return ["POST"]
            case "input_items": return ["GET"]
            default: return []
            }
        default:
            return []
        }
    }
}
