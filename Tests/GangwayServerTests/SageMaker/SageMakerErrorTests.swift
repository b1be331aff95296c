import NIOCore
import Testing

@testable import GangwayServer

@Suite("SageMaker error shapes")
struct SageMakerErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var error: SageMakerError
        var status: Int
        var type: String
        var body: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "component name missing", error: .componentNameMissing(endpoint: "shared"), status: 400, type: "ValidationError",
            body:
                #"{"ErrorCode":"INFERENCE_COMPONENT_NAME_MISSING","Message":"Endpoint shared hosts inference components: name one with the X-Amzn-SageMaker-Inference-Component header."}"#
        ),
        Case(
            name: "payload too large", error: .payloadTooLarge(limit: 6_291_456), status: 413, type: "ValidationError",
            body: #"{"Message":"The request body exceeds the limit of 6291456 bytes."}"#),
        Case(
            name: "model error", error: .model(status: 400, body: #"{"error":"bad \"x\""}"#, target: "endpoint e", logStreamARN: "arn:l"),
            status: 424, type: "ModelError",
            body:
                #"{"LogStreamArn":"arn:l","Message":"Received client error (400) from the model instance of endpoint e with message \"{\"error\":\"bad \\\"x\\\"\"}\".","OriginalMessage":"{\"error\":\"bad \\\"x\\\"\"}","OriginalStatusCode":400}"#
        ),
        Case(
            name: "model server error", error: .model(status: 503, body: "down", target: "endpoint e", logStreamARN: "arn:l"),
            status: 424, type: "ModelError",
            body:
                #"{"LogStreamArn":"arn:l","Message":"Received server error (503) from the model instance of endpoint e with message \"down\".","OriginalMessage":"down","OriginalStatusCode":503}"#
        ),
        Case(
            name: "internal failure", error: .internalFailure, status: 500, type: "InternalFailure",
            body: #"{"Message":"Gangway failed to process the request. The failure was logged."}"#),
    ]

    @Test("JSON bodies, statuses and error types", arguments: cases)
    func rendering(_ testCase: Case) {
        #expect(Int(testCase.error.status.code) == testCase.status)
        #expect(testCase.error.type == testCase.type)
        #expect(String(buffer: testCase.error.jsonBody()) == testCase.body)
    }

    struct Mapping: Sendable, CustomTestStringConvertible {
        var error: GatewayError
        var status: Int
        var type: String
        var testDescription: String { "\(error.status.code) \(error.code)" }
    }

    @Test(
        "Gateway errors in SageMaker's terms",
        arguments: [
            Mapping(error: .endpointNotFound("x", account: "123456789012"), status: 400, type: "ValidationError"),
            Mapping(error: .bodyTooLarge(limit: 10), status: 413, type: "ValidationError"),
            Mapping(error: .accessDenied(principal: "p", action: "a", resource: "r"), status: 403, type: "AccessDeniedException"),
            Mapping(error: .noHealthyInstance("endpoint e"), status: 503, type: "ServiceUnavailable"),
            Mapping(error: .instanceUnreachable("endpoint e"), status: 424, type: "ModelError"),
            Mapping(error: .instanceTimeout("endpoint e", phase: "total timeout"), status: 424, type: "ModelError"),
            Mapping(error: .internalFailure, status: 500, type: "InternalFailure"),
        ])
    func mapping(_ mapping: Mapping) {
        let error = SageMakerError(mapping.error)
        #expect(Int(error.status.code) == mapping.status)
        #expect(error.type == mapping.type)
        #expect(error.message == (mapping.status == 500 ? SageMakerError.internalFailure.message : mapping.error.message))
    }

    @Test("stream failures become the exception events SDKs raise")
    func streamFailures() {
        #expect(StreamFailureEvent(.idleTimeout).errorCode == "ModelInvocationTimeExceeded")
        #expect(StreamFailureEvent(.totalTimeout).errorCode == "ModelInvocationTimeExceeded")
        #expect(StreamFailureEvent(.upstreamBroken("reset")).errorCode == "StreamBroken")
        #expect(StreamFailureEvent(.upstreamBroken("reset")).type == "ModelStreamError")
        let event = try? decodeEventStream(Array(StreamFailureEvent(.idleTimeout).encoded().readableBytesView))
        #expect(
            event == [
                DecodedEvent(
                    headers: [":message-type": "exception", ":exception-type": "ModelStreamError", ":content-type": "application/json"],
                    payload: Array(
                        #"{"Message":"The model instance stopped sending data (idle timeout).","ErrorCode":"ModelInvocationTimeExceeded"}"#.utf8))
            ])
    }
}
