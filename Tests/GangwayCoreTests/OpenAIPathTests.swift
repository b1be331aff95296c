import GangwayCore
import Testing

@Suite("OpenAI paths")
struct OpenAIPathTests {
    @Test("endpoint and component targets are recognised")
    func recognised() {
        #expect(
            OpenAIPath.parse("/endpoints/demo/openai/v1/chat/completions")
                == OpenAIPath(endpoint: "demo", component: nil, subpath: ["chat", "completions"], query: nil))
        #expect(
            OpenAIPath.parse("/endpoints/shared/inference-components/general/openai/v1/models?limit=2")
                == OpenAIPath(endpoint: "shared", component: "general", subpath: ["models"], query: "limit=2"))
        #expect(
            OpenAIPath.parse("/endpoints/demo/openai/v1")
                == OpenAIPath(endpoint: "demo", component: nil, subpath: [], query: nil))
        #expect(OpenAIPath.parse("//endpoints//demo/openai/v1/models")?.subpath == ["models"])
        // Cut at byte offsets: multi-byte characters before and inside the segments stay whole.
        #expect(
            OpenAIPath.parse("/endpoints/café/inference-components/ü日本/openai/v1/a/ß?q=ü&r=/x")
                == OpenAIPath(endpoint: "café", component: "ü日本", subpath: ["a", "ß"], query: "q=ü&r=/x"))
        #expect(OpenAIPath.parse("/endpoints/caf%C3%A9/openai/v1/")?.endpoint == "caf%C3%A9")
    }

    @Test("other targets are not", arguments: [
        "/ping", "/endpoints/demo/invocations", "/endpoints/demo/openai/v2/models", "/endpoints/demo",
        "/endpoints/demo/inference-components/c/invocations", "/x/endpoints/demo/openai/v1/models", "",
        "/endpoints/demo/OPENAI/v1/models",
    ])
    func notRecognised(target: String) {
        #expect(OpenAIPath.parse(target) == nil)
    }

    @Test("the instance path keeps the sub-path and query")
    func instancePath() throws {
        func joined(_ target: String) throws -> String {
            var path = ""
            try #require(OpenAIPath.parse(target)).writeInstancePath { path += $0 }
            return path
        }
        #expect(try joined("/endpoints/e/openai/v1/responses/r1/input_items?after=x") == "/v1/responses/r1/input_items?after=x")
        #expect(try joined("/endpoints/e/openai/v1/models?") == "/v1/models")
    }
}
