import GangwayStore

/// `CreateUser`, `GetUser`, `ListUsers` and `DeleteUser`.
extension QueryAPI {
    func createUser(_ request: QueryRequest, _ authorize: PermissionCheck) async throws -> XMLWriter {
        var input = request.parameters
        let name = input.required("UserName", .userName)
        let path = input.optional("Path", .path) ?? "/"
        try input.check()
        try input.refuseUnsupported(["PermissionsBoundary", "Tags."])
        let arn = IAMUser.arn(account: account, path: path, name: name)
        try require(.createUser, on: arn, caller: request.caller, authorize)
        let user = try await store.createUser(name: name, path: path)
        var xml = XMLWriter()
        xml.element("User") { $0.userFields(user) }
        return xml
    }

    func getUser(_ request: QueryRequest, _ authorize: PermissionCheck) async throws -> XMLWriter {
        var input = request.parameters
        let name = input.optional("UserName", .existingUserName)
        try input.check()
        let target = try await target(name, caller: request.caller)
        try require(.getUser, on: target.arn, caller: request.caller, authorize)
        let user = try await store.getUser(name: target.name)
        var xml = XMLWriter()
        xml.element("User") { $0.userFields(user) }
        return xml
    }

    func listUsers(_ request: QueryRequest, _ authorize: PermissionCheck) async throws -> XMLWriter {
        var input = request.parameters
        let pathPrefix = input.optional("PathPrefix", .pathPrefix) ?? "/"
        let marker = input.optional("Marker", .marker)
        let maxItems = input.optionalInteger("MaxItems", in: 1...1000)
        try input.check()
        try require(.listUsers, on: "arn:aws:iam::\(account):user\(pathPrefix)*", caller: request.caller, authorize)
        // Names are ASCII and the store orders them ignoring case, as this key does.
        let page = try QueryPage(
            try await store.listUsers(pathPrefix: pathPrefix), key: { $0.name.lowercased() }, marker: marker,
            maxItems: maxItems)
        var xml = XMLWriter()
        xml.list("Users", page.items) { $0.userFields($1) }
        xml.paging(page)
        return xml
    }

    func deleteUser(_ request: QueryRequest, _ authorize: PermissionCheck) async throws -> XMLWriter? {
        var input = request.parameters
        let name = input.required("UserName", .existingUserName)
        try input.check()
        let target = try await target(name, caller: request.caller)
        try require(.deleteUser, on: target.arn, caller: request.caller, authorize)
        try await store.deleteUser(name: target.name)
        return nil
    }
}
