import Foundation
import GangwayStore

/// `CreateAccessKey`, `ListAccessKeys`, `UpdateAccessKey` and `DeleteAccessKey`. Each works
/// on the caller's own keys when `UserName` is left out, as in IAM.
extension QueryAPI {
    func createAccessKey(_ request: QueryRequest, _ authorize: PermissionCheck) async throws -> XMLWriter {
        var input = request.parameters
        let name = input.optional("UserName", .existingUserName)
        try input.check()
        let target = try await target(name, caller: request.caller)
        try require(.createAccessKey, on: target.arn, caller: request.caller, authorize)
        let key = try await store.createAccessKey(userName: target.name)
        var xml = XMLWriter()
        xml.element("AccessKey") { xml in
            xml.element("UserName", key.metadata.userName)
            xml.element("AccessKeyId", key.metadata.accessKeyID)
            xml.element("Status", key.metadata.status.rawValue)
            // The one place a secret leaves Gangway: the response to the request that made it.
            xml.element("SecretAccessKey", key.secretAccessKey.reveal())
            xml.element("CreateDate", QueryDate.string(key.metadata.createDate))
        }
        return xml
    }

    func listAccessKeys(_ request: QueryRequest, _ authorize: PermissionCheck) async throws -> XMLWriter {
        var input = request.parameters
        let name = input.optional("UserName", .existingUserName)
        let marker = input.optional("Marker", .marker)
        let maxItems = input.optionalInteger("MaxItems", in: 1...1000)
        try input.check()
        let target = try await target(name, caller: request.caller)
        try require(.listAccessKeys, on: target.arn, caller: request.caller, authorize)
        let page = try QueryPage(
            try await store.listAccessKeys(userName: target.name), key: Self.creationOrder, marker: marker,
            maxItems: maxItems)
        var xml = XMLWriter()
        xml.list("AccessKeyMetadata", page.items) { $0.accessKeyFields($1) }
        xml.paging(page)
        return xml
    }

    func updateAccessKey(_ request: QueryRequest, _ authorize: PermissionCheck) async throws -> XMLWriter? {
        var input = request.parameters
        let name = input.optional("UserName", .existingUserName)
        let accessKeyID = input.required("AccessKeyId", .accessKeyID)
        let statusText = input.required("Status", Self.statusConstraint)
        try input.check()
        // The constraint admits only the statuses, so this cannot fail once check() passed.
        guard let status = AccessKeyStatus(rawValue: statusText) else { throw QueryError.serviceFailure }
        let target = try await target(name, caller: request.caller)
        try require(.updateAccessKey, on: target.arn, caller: request.caller, authorize)
        try await store.updateAccessKey(userName: target.name, accessKeyID: accessKeyID, status: status)
        return nil
    }

    func deleteAccessKey(_ request: QueryRequest, _ authorize: PermissionCheck) async throws -> XMLWriter? {
        var input = request.parameters
        let name = input.optional("UserName", .existingUserName)
        let accessKeyID = input.required("AccessKeyId", .accessKeyID)
        try input.check()
        let target = try await target(name, caller: request.caller)
        try require(.deleteAccessKey, on: target.arn, caller: request.caller, authorize)
        try await store.deleteAccessKey(userName: target.name, accessKeyID: accessKeyID)
        return nil
    }

    /// IAM also knows `Expired`, which Gangway's keys never are.
    static let statusConstraint = StringConstraint.oneOf(AccessKeyStatus.allCases.map(\.rawValue))

    /// Oldest first, as the store lists keys: creation time in whole microseconds, padded so
    /// that text order is time order, then the id to break ties.
    static func creationOrder(_ key: AccessKeyMetadata) -> String {
        let micros = max(0, Int64((key.createDate.timeIntervalSince1970 * 1_000_000).rounded(.down)))
        let digits = String(micros)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + " " + key.accessKeyID
    }
}
