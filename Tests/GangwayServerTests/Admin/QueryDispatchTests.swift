import GangwayServer
import GangwayStore
import Synchronization
import Testing

/// Choosing the action, and what happens when there is none or it fails unexpectedly.
struct QueryDispatchTests {
    static let unknown: [(form: [String: String], status: Int, code: String, message: String, namespace: String)] = [
        (["Version": "2010-05-08"], 400, "MissingAction", "The request must contain the parameter Action.", "iam"),
        (["Action": "CreateUsers", "Version": "2010-05-08"], 400, "InvalidAction", "Could not find operation CreateUsers for version 2010-05-08", "iam"),
        (["Action": "createuser", "Version": "2010-05-08"], 400, "InvalidAction", "Could not find operation createuser for version 2010-05-08", "iam"),
        (["Action": "GetCallerIdentity", "Version": "2010-05-08"], 400, "InvalidAction", "Could not find operation GetCallerIdentity for version 2010-05-08", "iam"),
        (["Action": "CreateUser", "Version": "2011-06-15"], 400, "InvalidAction", "Could not find operation CreateUser for version 2011-06-15", "sts"),
        (["Action": "CreateUser"], 400, "InvalidAction", "Could not find operation CreateUser for version NO_VERSION_SPECIFIED", "iam"),
    ]

    @Test(arguments: unknown)
    func refusesWhatItCannotDispatch(
        _ form: [String: String], _ status: Int, _ code: String, _ message: String, _ namespace: String
    ) async throws {
        let fixture = try await AdminFixture()
        let log = AuthorizationLog()
        let response = await fixture.api.handle(form: form, caller: fixture.admin, authorize: log.check)
        #expect(response.status == status)
        let xml = try ParsedXML(response.body)
        #expect(xml.name == "ErrorResponse")
        #expect(xml.value("Error", "Code") == code)
        #expect(xml.value("Error", "Message") == message)
        #expect(response.body.hasPrefix(#"<ErrorResponse xmlns="https://\#(namespace).amazonaws.com/doc/"#))
        #expect(log.questions.isEmpty)
    }

    @Test func everyRequestGetsItsOwnRequestID() async throws {
        let fixture = try await AdminFixture()
        let first = try await fixture.succeed("GetUser")
        let second = await fixture.call("GetUser", ["UserName": "ghost"])
        #expect(first.value("ResponseMetadata", "RequestId") == "req-1")
        #expect(try ParsedXML(second.body).value("RequestId") == "req-2")
    }

    /// A storage failure is a 500 that says nothing of its cause; the cause goes to the
    /// server's log through `reportFailure`.
    @Test func storageFailuresAreServiceFailures() async throws {
        let fixture = try await AdminFixture()
        let reported = Mutex<[String]>([])
        let api = QueryAPI(
            store: fixture.store, account: AdminFixture.account, requestID: { "r-1" },
            reportFailure: { requestID, action, _ in reported.withLock { $0.append("\(requestID) \(action)") } })
        try await fixture.store.close()
        let response = await api.handle(
            form: ["Action": "ListUsers", "Version": "2010-05-08"], caller: fixture.admin, authorize: { _, _ in true })
        #expect(response.status == 500)
        let xml = try ParsedXML(response.body)
        #expect(xml.value("Error", "Type") == "Receiver")
        #expect(xml.value("Error", "Code") == "ServiceFailure")
        #expect(
            xml.value("Error", "Message")
                == "The request processing has failed because of an unknown error, exception or failure.")
        #expect(reported.withLock { $0 } == ["r-1 ListUsers"])
    }
}
