public import GangwayStore

/// The IAM and STS Query APIs: the form of a `POST /` in, the XML answer out.
///
/// Pure of HTTP: the server decodes the body (``decodeForm(_:)``), authenticates the caller,
/// and hands over a way to ask the policy engine; this type validates parameters, authorizes
/// each action once, calls the store and writes AWS's XML.
public struct QueryAPI: Sendable {
    /// Answers whether the caller's policies allow an action (`iam:CreateUser`) on a resource ARN.
    public typealias PermissionCheck = @Sendable (_ action: String, _ resourceARN: String) -> Bool

    let store: any IdentityStore
    let account: String
    private let makeRequestID: @Sendable () -> String
    private let reportFailure: @Sendable (_ requestID: String, _ action: String, _ error: any Error) -> Void

    /// - Parameters:
    ///   - account: the account in the ARNs this API authorizes against.
    ///   - requestID: a new request id, called once per request.
    ///   - reportFailure: told about every unexpected error (answered as `ServiceFailure`,
    ///     whose message says nothing of the cause), so the server can log it.
    public init(
        store: any IdentityStore,
        account: String,
        requestID: @escaping @Sendable () -> String,
        reportFailure: @escaping @Sendable (_ requestID: String, _ action: String, _ error: any Error) -> Void = {
            _, _, _ in
        }
    ) {
        self.store = store
        self.account = account
        makeRequestID = requestID
        self.reportFailure = reportFailure
    }

    /// Performs the action a form names and returns the answer to write.
    ///
    /// - Parameters:
    ///   - form: the decoded body; see ``decodeForm(_:)``.
    ///   - caller: who signed the request.
    ///   - authorize: asked once per action (never for STS `GetCallerIdentity`, which needs
    ///     no permission in AWS either).
    public func handle(form: [String: String], caller: AdminCaller, authorize: PermissionCheck) async -> QueryResponse {
        let requestID = makeRequestID()
        let service = QueryService(form: form) ?? .iam
        guard let action = form["Action"] else {
            return .failure(service: service, error: .missingAction, requestID: requestID)
        }
        guard let operation = QueryOperation(action: action, version: form["Version"]) else {
            return .failure(
                service: service, error: .invalidAction(action, version: form["Version"]), requestID: requestID)
        }
        do {
            let request = QueryRequest(parameters: QueryParameters(form), caller: caller)
            let result = try await perform(operation, request, authorize)
            return .success(
                service: operation.service, action: operation.rawValue, result: result, requestID: requestID)
        } catch let error as QueryError {
            return .failure(service: service, error: error, requestID: requestID)
        } catch let error as IdentityStoreError {
            if error.code == .serviceFailure {
                reportFailure(requestID, action, error)
            }
            return .failure(service: service, error: QueryError(error), requestID: requestID)
        } catch {
            reportFailure(requestID, action, error)
            return .failure(service: service, error: .serviceFailure, requestID: requestID)
        }
    }

    /// An `ErrorResponse` for failures found before dispatch (a bad signature, an unknown
    /// access key), in the namespace of `service`.
    ///
    /// - Parameter type: `Sender` for the caller's fault, `Receiver` for Gangway's.
    public static func errorResponse(
        service: QueryService, status: Int, type: String, code: String, message: String, requestID: String
    ) -> QueryResponse {
        let fault = QueryError.Fault(rawValue: type) ?? (status >= 500 ? .receiver : .sender)
        let error = QueryError(status: status, fault: fault, code: code, message: message)
        return .failure(service: service, error: error, requestID: requestID)
    }

    /// Decodes an `application/x-www-form-urlencoded` body: `+` and `%20` are spaces, a
    /// repeated key keeps its first value. `nil` for a malformed escape or invalid UTF-8.
    public static func decodeForm(_ body: [UInt8]) -> [String: String]? {
        FormEncoding.decode(body)
    }

    private func perform(
        _ operation: QueryOperation, _ request: QueryRequest, _ authorize: PermissionCheck
    ) async throws -> XMLWriter? {
        switch operation {
        case .createUser: try await createUser(request, authorize)
        case .getUser: try await getUser(request, authorize)
        case .listUsers: try await listUsers(request, authorize)
        case .deleteUser: try await deleteUser(request, authorize)
        case .createAccessKey: try await createAccessKey(request, authorize)
        case .listAccessKeys: try await listAccessKeys(request, authorize)
        case .updateAccessKey: try await updateAccessKey(request, authorize)
        case .deleteAccessKey: try await deleteAccessKey(request, authorize)
        case .putUserPolicy: try await putUserPolicy(request, authorize)
        case .getUserPolicy: try await getUserPolicy(request, authorize)
        case .listUserPolicies: try await listUserPolicies(request, authorize)
        case .deleteUserPolicy: try await deleteUserPolicy(request, authorize)
        case .getCallerIdentity: getCallerIdentity(request)
        }
    }
}
